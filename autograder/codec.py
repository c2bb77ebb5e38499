"""Plain data checks for the exercise declarations (used by the chapters' tests).

The grader's own wire format is protocol.py (framed JSON and raw array bytes over a pipe). This
module keeps the simpler form the chapter tests use to check that an exercise's hidden cases and
answers are plain data the sandbox can receive and send: numbers, strings, arrays of numbers,
tuples, lists and dicts of those, and registered argument functions (by name).

    encode(value, arrays)   value → JSON-able structure; arrays collected in `arrays`
    decode(obj, arrays)     the inverse
    plain_result(value)     check that a return value is plain data, or say why not
"""
import numbers

import numpy as np

# Functions that may be passed as arguments (e.g. an activation g, or a cost's grad_fn) are
# sent by name: nnlib.checks.CALLABLES, filled by the @argument_function decorator.
from nnlib.checks import CALLABLES  # noqa: E402


def _callable_name(fn):
    for name, known in CALLABLES.items():
        if known is fn:
            return name
    raise TypeError(f"the function {fn!r} is not registered: decorate it with nnlib.checks.argument_function")


def encode(value, arrays):
    """Turn arguments or results into JSON-able data; arrays go into the `arrays` dict."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (numbers.Integral,)) and not isinstance(value, bool):
        return {"$int": int(value)}
    if isinstance(value, numbers.Real):
        return {"$float": float(value)}          # JSON cannot hold inf/nan; this keeps them as text
    if isinstance(value, np.ndarray):
        key = f"a{len(arrays)}"
        arrays[key] = value
        return {"$array": key}
    if isinstance(value, tuple):
        return {"$tuple": [encode(v, arrays) for v in value]}
    if isinstance(value, list):
        return [encode(v, arrays) for v in value]
    if isinstance(value, dict):
        return {"$dict": {str(k): encode(v, arrays) for k, v in value.items()}}
    if callable(value):
        return {"$fn": _callable_name(value)}
    raise TypeError(f"cannot encode a value of type {type(value).__name__}")


def decode(obj, arrays):
    """Rebuild a value written by `encode`."""
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, list):
        return [decode(v, arrays) for v in obj]
    (tag, payload), = obj.items()
    if tag == "$int":
        return int(payload)
    if tag == "$float":
        return float(payload)
    if tag == "$array":
        return np.array(arrays[payload])
    if tag == "$tuple":
        return tuple(decode(v, arrays) for v in payload)
    if tag == "$dict":
        return {k: decode(v, arrays) for k, v in payload.items()}
    if tag == "$fn":
        return CALLABLES[payload]
    raise ValueError(f"unknown tag {tag!r}")


def plain_result(value, depth=0):
    """Return (ok, reason). Plain data: exact ndarrays of numbers, real numbers, None,
    and tuples/lists of those (two levels deep, for lists of (dW, db) pairs)."""
    if value is None:
        return True, ""
    if type(value) is np.ndarray:
        if value.dtype.kind not in "biuf":
            return False, f"an array of dtype {value.dtype} (numbers were expected)"
        return True, ""
    if isinstance(value, np.ndarray):
        return False, f"an object of type {type(value).__name__} (a subclass of ndarray; return a plain array)"
    if type(value) in (int, float, bool) or (isinstance(value, np.generic) and value.dtype.kind in "biuf"):
        return True, ""
    if type(value) is str and len(value) <= 100:      # e.g. an activation's name kept in a cache
        return True, ""
    if type(value) in (tuple, list) and depth < 3:
        for item in value:
            ok, reason = plain_result(item, depth + 1)
            if not ok:
                return False, reason
        return True, ""
    return False, f"an object of type {type(value).__name__}"
