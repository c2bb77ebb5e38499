"""The sandboxed child: runs a submission's code and calls its graded functions.

The grader starts this file inside the sandbox (see sandbox.py) as

    python -I -S child.py JOB_FILE

with file descriptor 0 = messages from the grader, 1 = reports to the grader (both pipes).
It is trusted only until the first line of student code runs, so everything that matters
is enforced outside it: the sandbox's walls (bubblewrap), the wall-clock limits (the grader
kills the sandbox), the answer keys (absent from the nnlib copy it imports), the verdicts
(computed by the grader from the plain data this process reports). What it does:

1. Read the job (a protocol message in a read-only file): the notebook's code cells, per
   exercise the encoded cases, the limits, the uid to run as.
2. Drop root for the job's own uid, set hard resource limits, keep the report pipe on a
   private descriptor and point 1 and 2 at /dev/null (C-level output goes nowhere).
3. Import numpy and the grading copy of nnlib (graded functions replaced by stubs), then
   add an audit hook that refuses new processes, sockets, ctypes and files outside the
   allowed folders (a second wall; the first is the sandbox).
4. Run the code cells, each with a time limit; report errors and the (truncated) output.
5. For each exercise: say "ready", wait for the grader's "start" (which may hand in the
   correct implementation of earlier, already graded exercises this one uses), call the
   student's function on every case and report each result as soon as it is known. Output
   printed during these calls is thrown away.
6. Leave with os._exit (no atexit handler of the student runs).
"""
import json
import os
import struct
import sys

JOB_FILE = sys.argv[1]
HARNESS = os.path.dirname(os.path.abspath(__file__))


def _read_job():
    with open(JOB_FILE, "rb") as f:
        data = f.read()
    (length,) = struct.unpack(">I", data[:4])
    return json.loads(data[4:4 + length].decode("utf-8")), data, 4 + length


JOB, _JOB_BYTES, _BLOB_START = _read_job()
LIMITS = JOB["limits"]

# ---------------------------------------------------------------- 2. uid, limits, descriptors
if JOB.get("uid") and os.geteuid() == 0:
    os.setgroups([])
    os.setgid(JOB["uid"])
    os.setuid(JOB["uid"])
    if os.getuid() != JOB["uid"] or os.geteuid() != JOB["uid"]:
        os._exit(70)

import resource  # noqa: E402
import signal  # noqa: E402

MB = 1024 * 1024
for _limit, _value in ((resource.RLIMIT_AS, LIMITS["memory_mb"] * MB),
                       (resource.RLIMIT_CPU, LIMITS["cpu_seconds"]),
                       (resource.RLIMIT_FSIZE, LIMITS["file_mb"] * MB),
                       (resource.RLIMIT_NOFILE, 256),
                       (resource.RLIMIT_CORE, 0)):
    resource.setrlimit(_limit, (_value, _value))
if JOB.get("uid"):
    resource.setrlimit(resource.RLIMIT_NPROC, (LIMITS["processes"], LIMITS["processes"]))
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # an oversized write fails with an error instead of killing us

REPORT = os.dup(1)          # not inheritable: a subprocess would not get it
COMMANDS = os.dup(0)
_null = os.open(os.devnull, os.O_RDWR)
for _fd in (0, 1) if JOB.get("debug") else (0, 1, 2):
    os.dup2(_null, _fd)
os.close(_null)
os.umask(0o077)
os.chdir(JOB["scratch"])
_fonts = os.path.join(JOB["nnlib_copy"], "mplconfig")
if os.path.isdir(_fonts):        # matplotlib's font list, prepared by the grader (no font search here)
    os.makedirs(os.environ.get("MPLCONFIGDIR", ".matplotlib"), exist_ok=True)
    for _name in os.listdir(_fonts):
        if _name.endswith(".json"):
            with open(os.path.join(_fonts, _name), "rb") as _src, \
                    open(os.path.join(os.environ.get("MPLCONFIGDIR", ".matplotlib"), _name), "wb") as _dst:
                _dst.write(_src.read())

# ---------------------------------------------------------------- 3. imports, then the audit hook
sys.path[:0] = [JOB["nnlib_copy"]] + list(JOB["python_path"])
sys.path.insert(0, HARNESS)
sys.dont_write_bytecode = True
import protocol  # noqa: E402  (next to this file)

import numpy as np  # noqa: E402
import nnlib  # noqa: E402  (the grading copy)
import nnlib.models  # noqa: E402,F401

_write, _perf, _exit = protocol.write_message, __import__("time").perf_counter, os._exit


def report(header, arrays=()):
    _write(REPORT, header, arrays)


def _read_command():
    """One message from the grader on the command pipe (blocking)."""
    def take(n):
        data = b""
        while len(data) < n:
            chunk = os.read(COMMANDS, n - len(data))
            if not chunk:
                _exit(0)        # the grader went away
            data += chunk
        return data
    (length,) = struct.unpack(">I", take(4))
    return json.loads(take(length).decode("utf-8"))


# Job arrays: the raw bytes after the header, as the header's "blobs" describe them.
def _job_arrays():
    arrays, position = [], _BLOB_START
    for spec in JOB.get("blobs", []):
        dtype = np.dtype(spec["dtype"])
        size = dtype.itemsize * int(np.prod(spec["shape"], dtype=np.int64))
        arrays.append(np.frombuffer(_JOB_BYTES, dtype=dtype, count=size // dtype.itemsize,
                                    offset=position).reshape(spec["shape"]).copy())
        position += size
    return arrays


ARRAYS = _job_arrays()
del _JOB_BYTES

# Functions that cases pass as arguments (a gradient, an activation): numpy's by name, the
# grader's own test functions as source code executed here.
FUNCTIONS = {}


def _build_functions(specs):
    import importlib

    def build(spec):
        if spec["name"] in FUNCTIONS:
            return FUNCTIONS[spec["name"]]
        if "module" in spec:
            obj = importlib.import_module(spec["module"])
            for part in spec["attribute"].split("."):
                obj = getattr(obj, part)
            FUNCTIONS[spec["name"]] = obj
            return obj
        scope = {"__name__": "grading_functions", "__builtins__": __builtins__}
        for name, ref in spec.get("globals", {}).items():
            if ref[0] == "module":
                scope[name] = importlib.import_module(ref[1])
            elif ref[0] == "value":
                scope[name] = protocol.decode(ref[1], ARRAYS)
            elif ref[0] == "function":
                scope[name] = build(ref[1])
        exec(compile(spec["source"], f"<{spec['name']}>", "exec"), scope)
        FUNCTIONS[spec["name"]] = scope[spec["function"]]
        return scope[spec["function"]]

    for spec in specs:
        build(spec)


_build_functions(JOB.get("functions", []))


def _resolve(name):
    if name not in FUNCTIONS:
        raise protocol.BadValue(f"unknown function {name}")
    return FUNCTIONS[name]


def _allowed_roots():
    reads = {os.path.realpath(p) for p in [sys.prefix, sys.base_prefix, os.path.dirname(os.__file__),
                                           JOB["nnlib_copy"], HARNESS, JOB["scratch"], "/usr/share",
                                           "/usr/lib", "/lib", "/dev/null", "/dev/urandom", "/proc/self",
                                           "/sys/devices/system/cpu", "/etc/localtime", "/etc/fonts"]
             + list(JOB["python_path"])}
    return tuple(sorted(reads)), (os.path.realpath(JOB["scratch"]), "/dev/null")


def _install_audit_hook():
    """Refuse what the student's code never needs. Defined in a function and never stored in a
    global, so the student's code has no handle on the hook or its settings."""
    reads, writes = _allowed_roots()
    blocked = ("socket.", "subprocess.", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
               "os.system", "os.kill", "os.killpg", "os.startfile", "pty.", "ctypes.", "sys.setprofile",
               "sys.settrace", "sys.addaudithook", "gc.get_", "os.setuid", "os.chroot", "resource.setrlimit",
               "resource.prlimit", "webbrowser.", "urllib.", "http.", "ftplib.", "smtplib.", "shutil.rmtree",
               "os.unshare", "os.setns", "faulthandler.", "signal.pthread_kill", "_posixsubprocess.")
    write_events = frozenset({"os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.link",
                              "os.symlink", "os.truncate", "os.utime", "os.replace", "shutil.copyfile",
                              "shutil.copymode", "shutil.copystat", "shutil.copytree", "shutil.move"})
    read_events = frozenset({"os.listdir", "os.scandir", "os.chdir", "glob.glob", "glob.glob/2", "os.walk",
                             "os.fwalk"})
    realpath, fsdecode = os.path.realpath, os.fsdecode
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

    def inside(path, roots):
        if isinstance(path, int):
            return True
        try:
            real = realpath(fsdecode(path))
        except Exception:
            return False
        return any(real == r or real.startswith(r.rstrip("/") + "/") for r in roots)

    def hook(event, args):
        if event.startswith(blocked):
            raise PermissionError(f"not allowed while grading: {event}")
        if event == "open":
            path, mode, flags = args
            if path is None:
                return
            writing = (mode is not None and any(c in str(mode) for c in "wax+")) or bool((flags or 0) & write_flags)
            if not inside(path, writes if writing else reads):
                raise PermissionError(f"not allowed while grading: {'writing' if writing else 'reading'} {path}")
        elif event in write_events:
            for path in args[:2]:
                if isinstance(path, (str, bytes, os.PathLike)) and not inside(path, writes):
                    raise PermissionError(f"not allowed while grading: {event} {path}")
        elif event in read_events:
            if args and isinstance(args[0], (str, bytes, os.PathLike)) and not inside(args[0], reads):
                raise PermissionError(f"not allowed while grading: {event} {args[0]}")

    sys.addaudithook(hook)


_install_audit_hook()


# ---------------------------------------------------------------- output: bounded, never on a real descriptor
class _Capped:
    """A text sink that keeps the first `limit` characters and counts the rest."""

    def __init__(self, limit):
        self.limit, self.parts, self.size, self.dropped = limit, [], 0, 0

    def write(self, text):
        text = str(text)
        room = self.limit - self.size
        if room > 0:
            self.parts.append(text[:room])
            self.size += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False


class _Nothing:
    """Where output printed during the hidden calls goes: nowhere."""

    def write(self, text):
        return len(str(text))

    def flush(self):
        pass

    def isatty(self):
        return False


OUTPUT, NOTHING = _Capped(LIMITS["output_chars"]), _Nothing()
sys.stdout = sys.stderr = OUTPUT


class _TimeLimit(BaseException):
    """Raised in the student's code when a cell or a call runs too long (the grader's own
    deadline, which the student's code cannot stop, backs this up)."""


def _on_alarm(signum, frame):
    raise _TimeLimit()


signal.signal(signal.SIGALRM, _on_alarm)


def _with_time_limit(seconds, fn, *args, **kwargs):
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn(*args, **kwargs)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _short(exc):
    try:
        text = f"{type(exc).__name__}: {exc}"
    except BaseException:  # noqa: BLE001 - str() of a hostile exception may raise anything
        text = type(exc).__name__ if isinstance(type(exc).__name__, str) else "an exception"
    return text[:500]


# ---------------------------------------------------------------- 4. run the notebook's cells
report({"type": "hello", "uid": os.getuid()})
namespace = {"__name__": "__main__", "__builtins__": __builtins__}
cell_errors = []
for index, source in JOB["cells"]:
    try:
        code = compile(source, f"<cell {index}>", "exec")
        _with_time_limit(LIMITS["cell_seconds"], exec, code, namespace)
    except _TimeLimit:
        cell_errors.append({"cell": index, "error": f"the cell ran longer than {LIMITS['cell_seconds']} s and was stopped"})
    except BaseException as exc:  # noqa: BLE001 - any error in student code is recorded, not fatal
        cell_errors.append({"cell": index, "error": _short(exc)})
sys.stdout = sys.stderr = NOTHING
report({"type": "cells", "errors": cell_errors[:200], "output": "".join(OUTPUT.parts), "dropped": OUTPUT.dropped})


# ---------------------------------------------------------------- 5. call the graded functions
import calling  # noqa: E402  (nnlib/checks/calling.py, copied next to this file: the in-kernel checks' own caller)

NNLIB_DIR = os.path.join(JOB["nnlib_copy"], "nnlib")


def _install_reference(name, module_name, source):
    """Execute an already graded exercise's correct implementation into its stubbed module,
    and let every nnlib module that holds the stub hold the real one."""
    module = sys.modules.get(module_name) or __import__(module_name, fromlist=["_"])
    stub = getattr(module, name, None)
    exec(compile(source, f"<reference {module_name}.{name}>", "exec"), module.__dict__)
    real = module.__dict__[name]
    for other in list(sys.modules.values()):
        if getattr(other, "__name__", "").startswith("nnlib") and stub is not None:
            for key, value in list(vars(other).items()):
                if value is stub:
                    setattr(other, key, real)
    return real


def _record(fn, args, kwargs, exercise, substitutes):
    """calling.call under the cooperative time limit; statuses returned, raised, todo, timeout."""
    try:
        return _with_time_limit(exercise["call_seconds"], calling.call, fn, args, kwargs,
                                adapter=exercise["call"], substitutes=substitutes, nnlib_dir=NNLIB_DIR)
    except _TimeLimit:
        return {"status": "timeout", "message": f"a call took longer than {exercise['call_seconds']:g} s"}
    except BaseException as exc:  # noqa: BLE001 - SystemExit and friends raised by the student's code
        return {"status": "raised", "type": type(exc).__name__ if isinstance(type(exc).__name__, str) else "",
                "message": _short(exc)}


def _plain(record, out_arrays):
    """The record as plain data for the report; a value that is not plain data becomes not_plain."""
    keep = {}
    for key in ("status", "type", "message", "line", "lineno", "shapes", "modified", "seconds"):
        if key in record:
            keep[key] = record[key]
    if record.get("status") == "returned":
        try:
            keep["value"] = protocol.encode(record.get("value"), out_arrays)
        except BaseException as exc:  # noqa: BLE001 - BadValue, or a hostile object's methods
            del out_arrays[:]
            keep = {"status": "not_plain", "message": f"returned {exc}" if isinstance(exc, protocol.BadValue)
                    else "returned something that is not plain data", "seconds": record.get("seconds", 0.0)}
    try:
        json.dumps(keep)
    except BaseException:  # noqa: BLE001 - e.g. shapes or modified holding something odd
        keep = {k: keep[k] for k in ("status", "value") if k in keep}
    return keep


for exercise in JOB["exercises"]:
    name = exercise["name"]
    report({"type": "ready", "exercise": name})
    command = _read_command()
    substitutes = {}
    for ref in command.get("references", []):
        try:
            substitutes[ref["name"]] = _install_reference(ref["name"], ref["module"], ref["source"])
        except BaseException:  # noqa: BLE001 - a stubbed module the student broke: the student's own is used
            pass
    fn = namespace.get(exercise["function"])
    if not callable(fn):
        report({"type": "result", "exercise": name, "case": 0, "record": {"status": "missing"}})
        report({"type": "end", "exercise": name})
        continue
    own_too = any(key in namespace and namespace[key] is not value for key, value in substitutes.items())
    for number, case in enumerate(exercise["cases"]):
        try:
            args, kwargs = protocol.decode(case, ARRAYS, _resolve)
        except BaseException as exc:  # noqa: BLE001
            report({"type": "result", "exercise": name, "case": number,
                    "record": {"status": "raised", "type": "", "message": f"the grader's case could not be read: {exc}"}})
            continue
        out_arrays = []
        message = {"type": "result", "exercise": name, "case": number,
                   "record": _plain(_record(fn, args, kwargs, exercise, substitutes or None), out_arrays)}
        if own_too:
            own_arrays = []
            own = _plain(_record(fn, args, kwargs, exercise, None), own_arrays)
            if own.get("status") == "returned":
                own["value"] = protocol.encode(protocol.decode(own["value"], own_arrays), out_arrays)
            message["own"] = own
        report(message, out_arrays)
    report({"type": "end", "exercise": name})

report({"type": "bye"})
_exit(0)
