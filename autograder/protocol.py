"""The only way data crosses between the grader and the sandboxed child: framed plain data.

A message is

    4 bytes   length H of the header (big-endian)
    H bytes   the header: one JSON object (UTF-8)
    ...       the raw bytes of the arrays it mentions, one after the other

and the header lists each array as {"dtype": "<f8", "shape": [3, 2]}; the bytes that follow
must be exactly as many as dtypes and shapes say. Nothing is pickled and no file is read:
the child writes messages on a pipe, the grader reads them with `Reader`, which takes at most
`max_message` bytes per message and `max_total` bytes in all, and never waits past a deadline.

Values inside a header (a student's return value, a case's arguments) use a small tagged form:

    None, true/false, "text"          themselves
    {"i": "123"}                      an integer (as text, so any size survives the trip)
    {"f": 1.5} / {"f": "nan"}         a float (nan, inf and -inf as text)
    {"a": k}                          the k-th array of the message
    {"t": [...]} / {"l": [...]}       a tuple / a list
    {"d": [[key, value], ...]}        a dict with text keys
    {"fn": "module.name"}             a function the grader registered as an argument

`decode` checks everything (tags, depth, sizes, dtypes, the size of integers) and raises
`BadValue` with a sentence when something does not fit: the grader turns that into a wrong
answer for the case, never into an exception that stops grading.
"""
import json
import os
import select
import struct
import time

import numpy as np

MAX_DEPTH = 8                 # nesting of tuples/lists/dicts in one value
MAX_ITEMS = 100_000           # tagged nodes in one value
MAX_TEXT = 100_000            # characters of one string
MAX_INT_DIGITS = 40           # a larger integer cannot be compared with anything the exercises expect
MAX_NDIM = 8
DTYPES = {"|b1", "|i1", "<i2", "<i4", "<i8", "|u1", "<u2", "<u4", "<u8", "<f2", "<f4", "<f8"}


class BadValue(ValueError):
    """A value that is not plain data the grader can compare; the message says why."""


class ProtocolError(Exception):
    """The stream broke the protocol (bad framing, too large, or too late)."""


# ---------------------------------------------------------------- values -> tagged JSON + arrays
def encode(value, arrays, callable_name=None, depth=0):
    """Tagged, JSON-able form of `value`; its arrays are appended to the list `arrays`.

    callable_name(fn) -> str names a function argument (the grader's side only)."""
    if depth > MAX_DEPTH:
        raise BadValue(f"nested more than {MAX_DEPTH} levels deep")
    if value is None or type(value) in (bool, str):
        return value
    if type(value) is np.bool_:
        return bool(value)
    if type(value) is int or (isinstance(value, np.integer) and type(value).__module__ == "numpy"):
        return {"i": str(int(value))}
    if type(value) is float or (isinstance(value, np.floating) and type(value).__module__ == "numpy"):
        number = float(value)
        return {"f": number if np.isfinite(number) else str(number)}
    if type(value) is np.ndarray:
        array = np.ascontiguousarray(value)
        if array.dtype.kind not in "biuf" or array.dtype.newbyteorder("<").str not in DTYPES:
            raise BadValue(f"an array of dtype {value.dtype} (numbers were expected)")
        arrays.append(array.astype(array.dtype.newbyteorder("<"), copy=False))
        return {"a": len(arrays) - 1}
    if isinstance(value, np.ndarray):
        raise BadValue(f"an object of type {type(value).__name__} (a subclass of ndarray; return a plain array)")
    if type(value) is tuple:
        return {"t": [encode(v, arrays, callable_name, depth + 1) for v in value]}
    if type(value) is list:
        return {"l": [encode(v, arrays, callable_name, depth + 1) for v in value]}
    if type(value) is dict:
        return {"d": [[str(k), encode(v, arrays, callable_name, depth + 1)] for k, v in value.items()]}
    if callable_name is not None and callable(value):
        return {"fn": callable_name(value)}
    raise BadValue(f"an object of type {type(value).__name__}")


def decode(obj, arrays, resolve_function=None):
    """Rebuild a value written by `encode`, checking every part; raises BadValue."""
    count = [0]

    def walk(node, depth):
        count[0] += 1
        if count[0] > MAX_ITEMS:
            raise BadValue(f"more than {MAX_ITEMS} values")
        if depth > MAX_DEPTH:
            raise BadValue(f"nested more than {MAX_DEPTH} levels deep")
        if node is None or type(node) is bool:
            return node
        if type(node) is str:
            if len(node) > MAX_TEXT:
                raise BadValue("a text longer than the grader accepts")
            return node
        if type(node) is not dict or len(node) != 1:
            raise BadValue("a value the grader cannot read")
        (tag, payload), = node.items()
        if tag == "i":
            if type(payload) is not str or not payload.lstrip("-").isdigit() or len(payload) > MAX_INT_DIGITS + 1:
                raise BadValue("an integer too large to compare")
            return int(payload)
        if tag == "f":
            if type(payload) in (int, float):
                return float(payload)
            if payload in ("nan", "inf", "-inf"):
                return float(payload)
            raise BadValue("a number the grader cannot read")
        if tag == "a":
            if type(payload) is not int or not 0 <= payload < len(arrays):
                raise BadValue("a reference to a missing array")
            return arrays[payload].copy()
        if tag in ("t", "l"):
            if type(payload) is not list:
                raise BadValue("a malformed sequence")
            items = [walk(v, depth + 1) for v in payload]
            return tuple(items) if tag == "t" else items
        if tag == "d":
            if type(payload) is not list or not all(type(p) is list and len(p) == 2 and type(p[0]) is str
                                                    for p in payload):
                raise BadValue("a malformed dict")
            return {k: walk(v, depth + 1) for k, v in payload}
        if tag == "fn" and resolve_function is not None and type(payload) is str:
            return resolve_function(payload)
        raise BadValue("a value the grader cannot read")

    return walk(obj, 0)


# ---------------------------------------------------------------- framing
def pack(header, arrays=()):
    """The bytes of one message: header (a dict) plus arrays (already little-endian, contiguous)."""
    header = dict(header, blobs=[{"dtype": a.dtype.str, "shape": list(a.shape)} for a in arrays])
    text = json.dumps(header, allow_nan=False, separators=(",", ":")).encode("utf-8")
    return b"".join([struct.pack(">I", len(text)), text] + [a.tobytes() for a in arrays])


def write_message(fd, header, arrays=()):
    """Write one message on a blocking file descriptor (the child's side)."""
    data = memoryview(pack(header, arrays))
    while data:
        written = os.write(fd, data)
        data = data[written:]


def _blob_size(spec, max_bytes):
    if type(spec) is not dict or spec.get("dtype") not in DTYPES or type(spec.get("shape")) is not list:
        raise ProtocolError("an array of a kind the grader does not accept")
    shape = spec["shape"]
    if len(shape) > MAX_NDIM or not all(type(n) is int and 0 <= n <= max_bytes for n in shape):
        raise ProtocolError("an array with an impossible shape")
    size = np.dtype(spec["dtype"]).itemsize
    for n in shape:
        size *= n
        if size > max_bytes:
            raise ProtocolError("an array larger than the grader accepts")
    return size


class Reader:
    """Reads messages from a non-blocking pipe with limits on bytes and time (the grader's side)."""

    def __init__(self, fd, max_message=64 * 1024 * 1024, max_total=512 * 1024 * 1024, max_header=1024 * 1024):
        self.fd, self.buffer, self.total, self.closed = fd, bytearray(), 0, False
        self.max_message, self.max_total, self.max_header = max_message, max_total, max_header
        os.set_blocking(fd, False)

    def _fill(self, need, deadline):
        while len(self.buffer) < need:
            if self.closed:
                raise EOFError("the sandbox closed the pipe")
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.5))
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, min(1 << 20, max(need - len(self.buffer), 65536)))
            except BlockingIOError:
                continue
            if not chunk:
                self.closed = True
                continue
            self.total += len(chunk)
            if self.total > self.max_total:
                raise ProtocolError(f"the sandbox sent more than {self.max_total} bytes")
            self.buffer += chunk

    def read(self, deadline):
        """The next (header, arrays); raises TimeoutError, EOFError or ProtocolError."""
        self._fill(4, deadline)
        (length,) = struct.unpack(">I", bytes(self.buffer[:4]))
        if length > self.max_header:
            raise ProtocolError("a message header larger than the grader accepts")
        self._fill(4 + length, deadline)
        try:
            header = json.loads(bytes(self.buffer[4:4 + length]).decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise ProtocolError("a message that is not JSON") from None
        if type(header) is not dict or type(header.get("blobs", [])) is not list:
            raise ProtocolError("a message of the wrong form")
        sizes = [_blob_size(spec, self.max_message) for spec in header.get("blobs", [])]
        if sum(sizes) > self.max_message:
            raise ProtocolError("a message larger than the grader accepts")
        self._fill(4 + length + sum(sizes), deadline)
        arrays, position = [], 4 + length
        for spec, size in zip(header.get("blobs", []), sizes):
            raw = bytes(self.buffer[position:position + size])
            arrays.append(np.frombuffer(raw, dtype=np.dtype(spec["dtype"])).reshape(spec["shape"]).copy())
            position += size
        del self.buffer[:position]
        return header, arrays
