"""Calling a student's function on one case and describing what happened as plain data.

This module imports nothing from nnlib (only the standard library and NumPy), so the sandboxed
grader can copy this one file next to its child process and call the student's functions with
exactly the code the in-kernel checks use.

    record = call(fn, args, kwargs, names=("params", "grads", "lr"))

`record` is an *answer record*, a dict of plain data:

    status    "returned"  the function returned; the answer is in "value"
              "raised"    it raised an exception (other than NotImplementedError)
              "todo"      it raised NotImplementedError (the exercise is not done yet)
    value     what it returned (only when status == "returned"; the caller checks that it
              is plain data before sending it anywhere)
    type      the exception's class name, e.g. "ValueError" ("" when it returned)
    message   the exception's message, at most 500 characters ("" when it returned)
    line      the student's own source line where the exception was raised: the innermost
              frame of the traceback whose file is not inside nnlib or NumPy (a notebook cell,
              a student's module), stripped; "" when there is none (code compiled from a string
              has a line only if its source was given to `register_source(filename, source)`)
    lineno    that line's number (0 when there is none)
    shapes    {name: [sizes...]} for every NumPy array named on that line in that frame
              (e.g. {"A_prev": [4, 3], "W": [2, 3]}), so a shape error can be explained in
              words ("A_prev (4, 3) @ W (2, 3): the inner sizes 3 and 2 differ")
    modified  names of the arguments the call changed in place (compared with a copy taken
              before the call), e.g. ["params"]; [] when none was changed
    seconds   wall-clock time of the call

Arguments are deep-copied before the call, so the caller's case is never changed.
`adapter="fit_predict"`: args are (X_train, y_train, X_test); fn(X_train, y_train) must return
a trained model with a predict method (or a function); the answer is its predictions on X_test.
`substitutes={"dense_forward": correct_dense_forward}`: while the call runs, these names in
fn's module globals are bound to the given functions (and restored afterwards), so a function
that calls another graded function is graded on its own.
"""
from __future__ import annotations

import contextlib
import copy
import inspect
import io
import keyword
import linecache
import os
import re
import sys
import time
import traceback
import warnings

import numpy as np

STATUSES = ("returned", "raised", "todo")
_NUMPY_DIR = os.path.dirname(os.path.realpath(np.__file__))
_NNLIB_DIR = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))   # nnlib/ (this file's package's parent)
_THIS_FILE = os.path.realpath(__file__)
_LIBRARY_DIRS = tuple(sorted({_NUMPY_DIR, os.path.dirname(os.__file__)}))


def _library(filename: str, nnlib_dir: str) -> bool:
    """True for a frame of NumPy, the standard library, nnlib or this module."""
    if filename.startswith("<"):     # "<cell 3>", "<string>": code compiled from a notebook cell
        return False
    real = os.path.realpath(filename)
    if real == _THIS_FILE:
        return True
    roots = _LIBRARY_DIRS + ((nnlib_dir,) if nnlib_dir else ())
    return any(real == r or real.startswith(r.rstrip("/") + "/") for r in roots)


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")


def _shapes_on_line(line: str, frame) -> dict:
    """{name: shape} for the arrays named on `line` (plain names and dotted names like self.W)."""
    shapes = {}
    for name in dict.fromkeys(_NAME.findall(line)):
        head, *rest = name.split(".")
        if keyword.iskeyword(head) or head in ("np", "numpy"):
            continue
        value = frame.f_locals.get(head, frame.f_globals.get(head))
        try:
            for part in rest:
                if part == "T" and isinstance(value, np.ndarray):
                    value = value.T
                else:
                    value = inspect.getattr_static(value, part)
        except AttributeError:
            continue
        if isinstance(value, np.ndarray):
            shapes[name] = [int(n) for n in value.shape]
        if len(shapes) >= 12:
            break
    return shapes


def _student_line(tb, nnlib_dir: str):
    """(line text, line number, shapes) of the innermost traceback frame outside the libraries."""
    found = ("", 0, {})
    while tb is not None:
        frame, lineno = tb.tb_frame, tb.tb_lineno
        filename = frame.f_code.co_filename
        if not _library(filename, nnlib_dir):
            text = linecache.getline(filename, lineno).strip()
            if text:
                found = (text[:200], int(lineno), _shapes_on_line(text, frame))
        tb = tb.tb_next
    return found


def _snapshot(value, depth=0):
    """A copy of the arrays inside `value` (lists, tuples and dicts walked), to detect changes."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if depth < 4 and isinstance(value, (list, tuple)):
        return type(value)(_snapshot(v, depth + 1) for v in value) if isinstance(value, list) \
            else tuple(_snapshot(v, depth + 1) for v in value)
    if depth < 4 and isinstance(value, dict):
        return {k: _snapshot(v, depth + 1) for k, v in value.items()}
    return value


def _changed(before, after, depth=0) -> bool:
    if isinstance(before, np.ndarray):
        if not isinstance(after, np.ndarray) or before.shape != after.shape or before.dtype != after.dtype:
            return True
        return not np.array_equal(before, after, equal_nan=before.dtype.kind in "fc")
    if depth < 4 and isinstance(before, (list, tuple)):
        if type(after) is not type(before) or len(after) != len(before):
            return True
        return any(_changed(b, a, depth + 1) for b, a in zip(before, after))
    if depth < 4 and isinstance(before, dict):
        if not isinstance(after, dict) or set(after) != set(before):
            return True
        return any(_changed(before[k], after[k], depth + 1) for k in before)
    return False


def register_source(filename: str, source: str) -> None:
    """Make `source` (a notebook cell compiled under `filename`, e.g. "<cell 3>") known to
    linecache, so a record can quote the student's line. IPython does this for its own cells."""
    lines = source.splitlines(True)
    linecache.cache[filename] = (len(source), None, lines, filename)


def argument_names(fn, count: int) -> list:
    """The names of fn's first `count` parameters ("argument 1", ... where unknown)."""
    try:
        params = [p.name for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    return [params[i] if i < len(params) else f"argument {i + 1}" for i in range(count)]


@contextlib.contextmanager
def bound(fn, substitutes):
    """Bind `substitutes` (name -> object) in fn's module globals for the duration; restore after."""
    namespace = getattr(fn, "__globals__", None)
    if not substitutes or not isinstance(namespace, dict):
        yield
        return
    missing = object()
    saved = {name: namespace.get(name, missing) for name in substitutes}
    namespace.update(substitutes)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is missing:
                namespace.pop(name, None)
            else:
                namespace[name] = value


def _fit_predict(fn, args, kwargs):
    X_train, y_train, X_test = args
    model = fn(X_train, y_train, **kwargs)
    predict = getattr(model, "predict", None)
    if callable(predict):
        return predict(X_test)
    if callable(model):
        return model(X_test)
    raise TypeError(f"it returned {type(model).__name__}, not a trained model with a predict method")


def call(fn, args, kwargs=None, *, names=None, adapter="plain", substitutes=None,
         capture_stdout=True, nnlib_dir=_NNLIB_DIR) -> dict:
    """Call fn(*args, **kwargs) on copies of the arguments; return the answer record (see the module).

    Warnings are silenced; with capture_stdout (hidden checks, the grader) the call's output is
    captured and dropped, without it (public checks) print() shows and stderr goes to stdout
    (nbgrader gives a cell 0 points when it writes to stderr). `names`: the argument names used in "modified" (default: fn's parameters)."""
    kwargs = dict(kwargs or {})
    args = tuple(args)
    before = _snapshot(args)
    given = copy.deepcopy(args)
    given_kwargs = copy.deepcopy(kwargs)
    record = {"status": "returned", "value": None, "type": "", "message": "", "line": "", "lineno": 0,
              "shapes": {}, "modified": [], "seconds": 0.0}
    sink = io.StringIO() if capture_stdout else sys.stdout     # stderr never reaches the real stderr
    started = time.perf_counter()
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"), bound(fn, substitutes):
            warnings.simplefilter("ignore")
            with contextlib.redirect_stderr(sink), \
                    (contextlib.redirect_stdout(sink) if capture_stdout else contextlib.nullcontext()):
                if adapter == "fit_predict":
                    value = _fit_predict(fn, given, given_kwargs)
                elif adapter == "plain":
                    value = fn(*given, **given_kwargs)
                else:
                    raise ValueError(f"unknown call adapter {adapter!r}; use 'plain' or 'fit_predict'")
        record["value"] = value
    except NotImplementedError:
        record["status"] = "todo"
    except Exception as exc:  # noqa: BLE001 - the student's code may raise anything: describe it
        record["status"] = "raised"
        record["type"] = type(exc).__name__
        try:
            record["message"] = str(exc)[:500]
        except Exception:  # noqa: BLE001 - a hostile __str__
            record["message"] = "(the exception's message could not be shown)"
        line, lineno, shapes = _student_line(exc.__traceback__, nnlib_dir)
        record.update(line=line, lineno=lineno, shapes=shapes)
    record["seconds"] = round(time.perf_counter() - started, 4)
    if adapter == "plain":
        labels = list(names) if names else argument_names(fn, len(args))
        record["modified"] = [labels[i] if i < len(labels) else f"argument {i + 1}"
                              for i, (b, a) in enumerate(zip(before, given)) if _changed(b, a)]
    return record


def format_exception_line(record: dict) -> str:
    """"ValueError: message" of a raised record (for logs)."""
    return f"{record.get('type', '')}: {record.get('message', '')}"


__all__ = ["STATUSES", "call", "bound", "argument_names", "register_source", "format_exception_line"]

if __name__ == "__main__":  # pragma: no cover
    sys.exit("calling.py is a module: import it and use call(fn, args)")
