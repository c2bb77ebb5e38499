"""Comparing an answer with the expected one, and the answer schemas exercises declare.

`compare(received, expected)` returns "" when they match and otherwise one sentence (or a
sentence and the two arrays) saying what differs. Numbers, arrays, strings and tuples/lists
of them are compared as they come (np.allclose for values).

An exercise whose answer has a structure worth naming in messages declares it with a schema,
a plain data object built from these pieces:

    Value(what)                   a number, an array, or tuples/lists of them (the default)
    Array(what), Number(what)     the same, with the name used in messages
    Mask(what)                    an array of 0/1 values: a boolean mask counts as 0.0/1.0
    Cache(names..., entry=...)    a tuple with one entry per name ("activation" entries compared by ==);
                                  `entry` words an entry in messages ("{name} (element {i} of {what})")
    Pair(first, second)           a pair of values, each compared with its own schema
    ListOf(item, what, item_name) a list of items ("layer {n}", "batch {i}"), each compared with `item`
    Unchecked(what)               not compared (e.g. a cache the grader cannot check), only present

e.g. dense_forward declares `answer=Pair(Array("A"), Cache("A_prev", "W", "b", "Z", "activation"))`.
Every schema has `compare(received, expected, rtol, atol, what=None) -> str` and
`key(value)`: the part of an answer by which a known mistake is recognised (the whole answer,
or for Pair(..., recognise_by_first=True) its first value: a mistake in A is recognised
whatever the cache holds).
"""
from __future__ import annotations

import numbers
import types
from dataclasses import dataclass, field

import numpy as np


# ---------------------------------------------------------------------------- words
def describe(value) -> str:
    """A short description of a value's type, shape and dtype, for messages."""
    if isinstance(value, np.ndarray):
        return f"a NumPy array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, bool):
        return f"a bool ({value})"
    if isinstance(value, np.generic):
        return f"a NumPy scalar of dtype {value.dtype}"
    if isinstance(value, numbers.Number):
        return f"a Python {type(value).__name__}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of length {len(value)}"
    if value is None:
        return "None (the function returned nothing: `return` the result)"
    return f"an object of type {type(value).__name__}"


def show(value) -> str:
    """A value written compactly: numbers to 6 significant digits, arrays to 4 decimals."""
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return np.array2string(value, precision=4, suppress_small=True, threshold=20)
    if isinstance(value, (numbers.Number, np.generic)) or (isinstance(value, np.ndarray)):
        try:
            return f"{float(value):.6g}"
        except (TypeError, ValueError, OverflowError):
            return repr(value)
    if callable(value):
        return getattr(value, "__name__", "a function")
    if isinstance(value, tuple):
        return "(" + ", ".join(show(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    return repr(value)


def _is_number(value) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, (numbers.Real, np.integer, np.floating)):
        return True
    return isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf"


def _float(value):
    """float(value), or None when it cannot be one (10**400 overflows)."""
    try:
        return float(value)
    except (OverflowError, TypeError, ValueError):
        return None


def compare(received, expected, rtol=1e-6, atol=1e-9, what="the result") -> str:
    """Return "" when `received` matches `expected`, else a sentence saying what differs.

    Scalars: `received` must be one real number (a Python or NumPy number, or a 0-d array).
    Arrays: `received` must be a NumPy array of the same shape, floating if `expected` is.
    Tuples and lists: compared item by item (a list of (W, b) pairs, say).
    Values are compared with np.allclose(rtol, atol).
    """
    if isinstance(expected, list):
        if not isinstance(received, list) or len(received) != len(expected):
            hint = " (return a list, not a generator)" if hasattr(received, "__next__") else ""
            return f"{what} should be a list of {len(expected)} items; received {describe(received)}{hint}"
        for i, (r, e) in enumerate(zip(received, expected)):
            problem = compare(r, e, rtol, atol, what=f"item {i} of {what}")
            if problem:
                return problem
        return ""
    if isinstance(expected, str):
        if received != expected or type(received) is not str:
            return f"{what} should be the text {expected!r}; received {describe(received)}"
        return ""
    if isinstance(expected, tuple):
        if not isinstance(received, tuple) or len(received) != len(expected):
            return f"{what} should be a tuple of {len(expected)} values; received {describe(received)}"
        for i, (r, e) in enumerate(zip(received, expected)):
            problem = compare(r, e, rtol, atol, what=f"element {i} of {what}")
            if problem:
                return problem
        return ""
    prefix = "" if what == "the result" else f"{what}: "
    if np.ndim(expected) == 0:
        if not _is_number(received):
            return f"{what} should be a single number (a float); received {describe(received)}"
        value = _float(received)
        if value is None:
            return f"{what} is {show(received)}, which is not a float64 number; expected {show(expected)}"
        if not np.isfinite(value) and np.isfinite(float(expected)):
            return f"{what} is {value}; expected {show(expected)}"
        if not np.isclose(value, float(expected), rtol=rtol, atol=atol, equal_nan=True):
            return f"{prefix}expected {show(expected)}, received {show(value)}"
        return ""
    expected = np.asarray(expected)
    if not isinstance(received, np.ndarray):
        return (f"{what} should be a NumPy array of shape {expected.shape}; "
                f"received {describe(received)}")
    if received.shape != expected.shape:
        return (f"{what} has shape {received.shape} (dtype {received.dtype}); "
                f"expected shape {expected.shape}")
    if expected.dtype.kind == "f" and received.dtype.kind not in "f":
        return (f"{what} has dtype {received.dtype}; expected floating point numbers "
                f"(dtype {expected.dtype}), e.g. convert with np.asarray(..., dtype=float)")
    if received.dtype.kind not in "biuf":
        return f"{what} has dtype {received.dtype}; expected numbers (dtype {expected.dtype})"
    if not np.allclose(received, expected, rtol=rtol, atol=atol, equal_nan=True):
        where = np.argwhere(~np.isclose(received, expected, rtol=rtol, atol=atol, equal_nan=True))
        first = tuple(int(i) for i in where[0])
        return (f"{prefix}{len(where)} of {expected.size} entries differ; at index {first} expected "
                f"{show(expected[first])}, received {show(received[first])}.\n"
                f"expected:\n{show(expected)}\nreceived:\n{show(received)}")
    return ""


# ---------------------------------------------------------------------------- schemas
class Schema:
    """Base of the answer schemas: compare like `compare`, recognise mistakes by the whole answer."""

    what = "the result"

    def compare(self, received, expected, rtol=1e-6, atol=1e-9, what=None) -> str:
        return compare(received, expected, rtol, atol, what=what or self.what)

    def key(self, value):
        return value

    def key_schema(self) -> "Schema":
        return self


@dataclass(frozen=True)
class Value(Schema):
    """A number, an array, or tuples/lists of them, compared with `compare`."""

    what: str = "the result"


@dataclass(frozen=True)
class Array(Schema):
    """An array, called `what` in messages (e.g. "A (the first value returned)")."""

    what: str = "the result"


@dataclass(frozen=True)
class Number(Schema):
    """One number, called `what` in messages."""

    what: str = "the result"


@dataclass(frozen=True)
class Mask(Schema):
    """An array of 0.0/1.0 entries; a boolean array counts as 0.0/1.0."""

    what: str = "the mask"

    def compare(self, received, expected, rtol=1e-6, atol=1e-9, what=None) -> str:
        if isinstance(received, np.ndarray) and received.dtype == bool:
            received = received.astype(float)
        return compare(received, expected, rtol, atol, what=what or self.what)


@dataclass(frozen=True)
class Unchecked(Schema):
    """A value that is not compared (it only has to be there, as plain data)."""

    what: str = "the second value"

    def compare(self, received, expected, rtol=1e-6, atol=1e-9, what=None) -> str:
        if not plain(received, depth=1):
            return (f"{what or self.what} should hold only arrays, numbers, None, or tuples and lists "
                    f"of them (e.g. a tuple of arrays): the grader cannot receive {describe(received)}")
        return ""


@dataclass(frozen=True)
class Cache(Schema):
    """A tuple with one entry per name, e.g. Cache("A_prev", "W", "b", "Z", "activation").

    Entries whose expected value is a string or a function (the activation) must be that same
    string or function; the others are compared as values."""

    names: tuple = ()
    what: str = "the cache"
    entry: str = "entry {i} of {what} ({name})"

    def __init__(self, *names, what="the cache", entry="entry {i} of {what} ({name})"):
        object.__setattr__(self, "names", tuple(names))
        object.__setattr__(self, "what", what)
        object.__setattr__(self, "entry", entry)

    def compare(self, received, expected, rtol=1e-6, atol=1e-9, what=None) -> str:
        what = what or self.what
        if not isinstance(received, tuple) or len(received) != len(self.names):
            return (f"{what} should be the tuple ({', '.join(self.names)}) of {len(self.names)} values; "
                    f"received {describe(received)}")
        for i, (name, r, e) in enumerate(zip(self.names, received, expected)):
            if isinstance(e, str) or callable(e) or (isinstance(e, tuple) and any(callable(x) for x in e)):
                same = (r == e) if isinstance(e, (str, tuple)) and type(r) is type(e) else (r is e)
                if not same:
                    return (f"{self.entry.format(i=i, what=what, name=name)} should be the {name} you "
                            f"were given, {e!r}; received {r!r}")
                continue
            problem = compare(r, e, rtol, atol, what=self.entry.format(i=i, what=what, name=name))
            if problem:
                return problem
        return ""


@dataclass(frozen=True)
class Pair(Schema):
    """A pair (first, second), e.g. (A, cache); each value compared with its own schema.

    names              what the two values are called in "should return a pair (A, cache)"
    accept_list        a list of two values counts as the pair (e.g. [X_train_s, X_test_s])
    recognise_by_first a known mistake is recognised by the first value alone
    """

    first: Schema = Value()
    second: Schema = Value()
    names: tuple = ("first", "second")
    accept_list: bool = False
    recognise_by_first: bool = False
    what: str = "the function"

    def _as_pair(self, received):
        if self.accept_list and isinstance(received, list) and len(received) == 2:
            return tuple(received)
        return received

    def compare(self, received, expected, rtol=1e-6, atol=1e-9, what=None) -> str:
        received = self._as_pair(received)
        if not isinstance(received, tuple) or len(received) != 2:
            extra = f" (return {', '.join(self.names)})" if isinstance(received, np.ndarray) else ""
            return (f"{what or self.what} should return a pair ({', '.join(self.names)}); "
                    f"received {describe(received)}{extra}")
        for schema, r, e in zip((self.first, self.second), received, expected):
            problem = schema.compare(r, e, rtol, atol)
            if problem:
                return problem
        return ""

    def key(self, value):
        value = self._as_pair(value)
        if self.recognise_by_first and isinstance(value, tuple) and len(value) == 2:
            return value[0]
        return value

    def key_schema(self) -> Schema:
        return self.first if self.recognise_by_first else self


@dataclass(frozen=True)
class ListOf(Schema):
    """A list of items, each compared with `item`.

    item_name  names item i in messages, with {what}, {i} (from 0) and {n} (from 1), e.g.
               "{what}, layer {n}"; the two values of a Pair item are then called
               "<item name>, <first name>" ("the new params, layer 1, W")
    kind       the message when the answer is not a list ({what}, {expected}, {described})
    length     the message when it has the wrong number of items ({what}, {received},
               {expected}, {ies}: "y" or "ies")
    accept_lists_as_pairs  an item given as a list [dW, db] counts as the tuple (dW, db)
    """

    item: Schema = Value()
    what: str = "the list"
    item_name: str = "{what}, item {i}"
    kind: str = "{what} should be a list of length {expected}; received {described}"
    length: str = "{what} has {received} items; expected {expected}"
    accept_lists_as_pairs: bool = False

    def compare(self, received, expected, rtol=1e-6, atol=1e-9, what=None) -> str:
        what = what or self.what
        if expected is None:
            return "" if received is None else f"{what} should be None; received {describe(received)}"
        if received is None:
            return f"{what} is None: the function returned nothing. Build the new values and `return` them"
        if isinstance(received, (types.GeneratorType, map, filter, zip)):
            return (f"{what} is a generator (or another lazy iterator); return a list instead, "
                    f"e.g. collect the pairs with batches.append(...) or return list(...)")
        if not isinstance(received, (list, tuple)):
            return self.kind.format(what=what, expected=len(expected), described=describe(received))
        if self.accept_lists_as_pairs:
            received = [tuple(r) if isinstance(r, list) else r for r in received]
        if len(received) != len(expected):
            return self.length.format(what=what, received=len(received), expected=len(expected),
                                      described=describe(received),
                                      ies="y" if len(received) == 1 else "ies")
        for i, (r, e) in enumerate(zip(received, expected)):
            name = self.item_name.format(what=what, i=i, n=i + 1)
            problem = _compare_named(self.item, r, e, rtol, atol, name)
            if problem:
                return problem
        return ""


def _compare_named(schema, received, expected, rtol, atol, what) -> str:
    """Compare with `schema`, calling the value (or a Pair's two values) `what` in messages."""
    if isinstance(schema, Pair):
        received = schema._as_pair(received)
        if not isinstance(received, tuple) or len(received) != 2:
            return (f"{what} should be a pair ({', '.join(schema.names)}); received "
                    f"{describe(received)}")
        for sub, name, r, e in zip((schema.first, schema.second), schema.names, received, expected):
            problem = _compare_named(sub, r, e, rtol, atol, f"{what}, {name}")
            if problem:
                return problem
        return ""
    return schema.compare(received, expected, rtol, atol, what=what)


@dataclass(frozen=True)
class Labelled(Schema):
    """A pair (first, second) whose two values are named in messages as `<what>, <name>`
    (used for nested answers such as train_epoch's (new params, mean loss))."""

    first: Schema = Value()
    second: Schema = Value()
    names: tuple = ("first", "second")
    what: str = "the result"

    def compare(self, received, expected, rtol=1e-6, atol=1e-9, what=None) -> str:
        what = what or self.what
        if received is None:
            return f"{what} is None: the function returned nothing. Build the new values and `return` them"
        if not isinstance(received, (tuple, list)):
            return f"{what} should be a tuple of length 2; received {describe(received)}"
        if len(received) != 2:
            return f"{what} has {len(received)} items; expected 2"
        for schema, name, r, e in zip((self.first, self.second), self.names, received, expected):
            problem = _compare_named(schema, r, e, rtol, atol, name)
            if problem:
                return problem
        return ""


# ---------------------------------------------------------------------------- plain data
def plain(value, depth=0) -> bool:
    """True for data the sandboxed grader can receive: None, numbers, short strings, numeric
    arrays, and tuples/lists of them (3 levels deep at most)."""
    if value is None:
        return True
    if type(value) is np.ndarray:
        return value.dtype.kind in "biuf"
    if type(value) in (int, float, bool) or (isinstance(value, np.generic) and value.dtype.kind in "biuf"):
        return True
    if type(value) is str and len(value) <= 100:
        return True
    if type(value) in (tuple, list) and depth < 3:
        return all(plain(item, depth + 1) for item in value)
    return False


# ---------------------------------------------------------------------------- class labels
def _labels_or_problem(received, n, n_classes):
    """(1-D int array of n labels, "") or (None, what is wrong with `received`)."""
    if received is None:
        return None, "predict returned None: return the array of predicted labels"
    if callable(received):
        return None, ("predict returned a function; it must return the labels, one per row of X "
                      "(return predict(X), not predict)")
    try:
        values = np.asarray(received, dtype=float)
    except (TypeError, ValueError):
        return None, f"predict returned {describe(received)}, not an array of labels"
    if values.ndim == 2 and values.shape == (n, n_classes):
        return None, (f"predict returned an array of shape {values.shape}: one row of {n_classes} "
                      f"scores (or probabilities) per example. Return one label per example, the "
                      f"class with the largest score: np.argmax(scores, axis=1)")
    if values.shape not in ((n,), (n, 1)):
        return None, (f"predict returned an array of shape {values.shape}; expected one label per "
                      f"held-out example, shape ({n},)")
    values = values.reshape(-1)
    if not np.all(np.isfinite(values)):
        return None, "the predictions contain NaN or infinite values: training diverged (lower lr)"
    whole = values == np.round(values)
    if np.all(whole) and values.min() >= 1 and values.max() == n_classes:
        return None, (f"the predictions must be the labels 0, 1, ..., {n_classes - 1}; received the "
                      f"label {n_classes} for some examples: the labels are one too high (argmax "
                      f"counts from 0: do not add 1)")
    valid = whole & (values >= 0) & (values <= n_classes - 1)
    if not np.all(valid):
        return None, (f"the predictions must be the labels 0, 1, ..., {n_classes - 1}; received "
                      f"values such as {values[~valid][0]:.4g}")
    return values.astype(np.int64), ""


@dataclass(frozen=True)
class Accuracy(Schema):
    """Predicted class labels judged against the true ones (a fit_predict exercise).

    `expected` is the true labels, shape (n,), or a pair (true labels, bar) when a case carries
    its own bar (chapter 09's rising bars); "" when at least that fraction (else `at_least`)
    agree. Received labels may be ints or whole floats, shape (n,) or (n, 1). Two answers that
    are not truths (a known mistake's) are compared by agreement: label arrays directly,
    (n, n_classes) score arrays by their argmax."""

    at_least: float = 0.95
    n_classes: int = 10
    what: str = "the predictions"

    def key(self, value):
        if isinstance(value, tuple) and len(value) == 2:
            return value[0]
        return value

    def compare(self, received, expected, rtol=1e-6, atol=1e-9, what=None) -> str:
        bar = self.at_least
        if isinstance(expected, tuple) and len(expected) == 2:
            expected, bar = expected
        expected = np.asarray(expected)
        if expected.ndim == 2 or (expected.size and expected.max() >= self.n_classes):
            return self._agree(received, expected)          # a known mistake's answer
        labels, problem = _labels_or_problem(received, len(expected), self.n_classes)
        if problem:
            return problem
        right = int(np.sum(labels == expected))
        accuracy = right / len(expected)
        if accuracy >= bar:
            return ""
        message = (f"accuracy {accuracy:.1%} on the held-out examples ({right} of {len(expected)}); "
                   f"at least {bar:.0%} is needed here")
        if len(np.unique(labels)) == 1:
            message += (f". Every example gets the label {labels[0]}: the network did not learn "
                        f"(check the sign of the update, the learning rate and the one-hot targets)")
        return message

    def _agree(self, received, other) -> str:
        """"" when `received` agrees with another answer `other` on at least `at_least` of rows."""
        received = np.asarray(received) if isinstance(received, np.ndarray) else None
        if received is None or received.shape != other.shape:
            return "a different kind of answer"
        if other.ndim == 2:
            agree = np.mean(np.argmax(received, axis=1) == np.argmax(other, axis=1))
        else:
            agree = np.mean(received == other)
        return "" if agree >= self.at_least else "the answers disagree"
