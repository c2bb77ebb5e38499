"""The sandboxed child: runs a submission's code and calls its graded functions.

This file is copied into the child's private work folder and started as
`python -I child.py <workdir>`. It trusts nothing that happens after step 3.

1. Isolation (when started as root): new network and mount namespaces, the course's
   private folders (solutions, gradebook, other submissions) hidden under empty tmpfs
   mounts, then the process drops to an unprivileged uid of its own.
2. Limits: address space, CPU time, file size, open files, processes.
3. Pre-import numpy, matplotlib (Agg) and nnlib, then install an audit hook that refuses
   network use, new processes, ctypes, tracing hooks, and any file access outside the
   work folder and the Python installation (reads) or the work folder (writes).
4. Execute the notebook's code cells (test cells were removed by the grader), each with
   a time limit; errors are recorded and execution goes on, as `nbgrader autograde` does.
5. For each exercise, call the student's function on every hidden case and save what it
   returned as plain data (JSON + .npz, no pickle). The grader compares, not this process.

Progress is appended to progress.txt so the grader knows which exercise was running
when a time limit ran out.
"""
import json
import os
import sys
import time

WORKDIR = os.path.realpath(sys.argv[1])
with open(os.path.join(WORKDIR, "job.json"), encoding="utf-8") as f:
    JOB = json.load(f)
LIMITS = JOB["limits"]


def _progress(text):
    with open(os.path.join(WORKDIR, "progress.txt"), "a", encoding="utf-8") as f:
        f.write(text + "\n")


# ---------------------------------------------------------------- 1. isolation (root only)
def _isolate():
    import ctypes
    import stat

    libc = ctypes.CDLL(None, use_errno=True)
    CLONE_NEWNS, CLONE_NEWNET = 0x00020000, 0x40000000
    MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18

    def mount(source, target, fstype=None, flags=0, data=None):
        return libc.mount(source.encode(), target.encode(), fstype and fstype.encode(), flags,
                          data and data.encode()) == 0

    def expose(path):
        """Keep `path` reachable after dropping root: a parent such as /root (mode 700) is
        replaced by an empty, traversable tmpfs into which `path` alone is bind-mounted back."""
        parts = os.path.realpath(path).split("/")
        for i in range(2, len(parts)):
            ancestor = "/".join(parts[:i])
            if not os.stat(ancestor).st_mode & stat.S_IXOTH:
                stash = os.path.join(WORKDIR, ".stash")
                os.makedirs(stash, exist_ok=True)
                inner = "/".join(parts[:i + 1])
                if not mount(inner, stash, flags=MS_BIND | MS_REC):
                    return False
                mount("tmpfs", ancestor, "tmpfs", 0, "size=1m,mode=711")
                os.makedirs(inner, exist_ok=True)
                return mount(stash, inner, flags=MS_BIND | MS_REC)
        return True

    isolated = []
    if libc.unshare(CLONE_NEWNET) == 0:
        isolated.append("network")
    if libc.unshare(CLONE_NEWNS) != 0 or not mount("none", "/", None, MS_REC | MS_PRIVATE):
        return isolated + ["no mount namespace: staying as is"]
    hidden = sum(mount("tmpfs", p, "tmpfs", 0, "size=1m,mode=000") for p in JOB["hide"] if os.path.isdir(p))
    isolated.append(f"{hidden} folders hidden")
    if not all(expose(p) for p in {sys.base_prefix, sys.prefix}):
        return isolated + ["python not reachable without root: staying root"]
    uid = JOB["uid"]
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    isolated.append(f"uid {uid}")
    return isolated


ISOLATION = _isolate() if os.geteuid() == 0 and JOB.get("uid") else ["none (not root)"]

# ---------------------------------------------------------------- 2. limits
import resource  # noqa: E402
import signal  # noqa: E402

MB = 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (LIMITS["memory_mb"] * MB, LIMITS["memory_mb"] * MB))
resource.setrlimit(resource.RLIMIT_CPU, (LIMITS["cpu_seconds"], LIMITS["cpu_seconds"] + 5))
resource.setrlimit(resource.RLIMIT_FSIZE, (LIMITS["file_mb"] * MB, LIMITS["file_mb"] * MB))
resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
if ISOLATION[-1].startswith("uid"):
    resource.setrlimit(resource.RLIMIT_NPROC, (64, 64))
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # an oversized write fails with an error instead of killing us

# ---------------------------------------------------------------- 3. imports, then the audit hook
os.environ["MPLBACKEND"] = "Agg"
os.environ["MPLCONFIGDIR"] = os.path.join(WORKDIR, "mpl")
import numpy as np  # noqa: E402
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot  # noqa: E402,F401
import nnlib  # noqa: E402
import nnlib.checks  # noqa: E402,F401
import nnlib.models  # noqa: E402,F401

sys.path.insert(0, WORKDIR)
import codec  # noqa: E402  (copied next to this file)

READ_ROOTS = tuple(sorted({os.path.realpath(p) for p in (
    sys.prefix, sys.base_prefix, os.path.dirname(os.__file__), os.path.dirname(np.__file__),
    os.path.dirname(matplotlib.__file__), os.path.dirname(nnlib.__file__),
    "/usr/share/fonts", "/usr/share/zoneinfo", "/usr/lib", "/lib", "/dev/null", "/dev/urandom",
    "/proc/self", "/sys/devices/system/cpu", "/etc/localtime", WORKDIR)}))
WRITE_ROOTS = (WORKDIR, "/dev/null")
BLOCKED_PREFIXES = ("socket.", "subprocess.", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
                    "os.forkpty", "os.system", "os.kill", "os.killpg", "os.startfile", "pty.", "ctypes.",
                    "sys.setprofile", "sys.settrace", "sys.addaudithook", "gc.get_", "os.setuid",
                    "os.chroot", "resource.setrlimit", "resource.prlimit", "winreg.", "webbrowser.",
                    "urllib.", "http.", "ftplib.", "smtplib.", "telnetlib.", "imaplib.", "poplib.",
                    "shutil.rmtree", "os.unshare", "os.setns", "faulthandler.")
WRITE_EVENTS = {"os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.link",
                "os.symlink", "os.truncate", "os.utime", "os.replace", "shutil.copyfile", "shutil.copymode",
                "shutil.copystat", "shutil.copytree", "shutil.move", "os.removexattr", "os.setxattr"}
READ_EVENTS = {"os.listdir", "os.scandir", "os.chdir", "glob.glob", "glob.glob/2", "os.walk", "os.fwalk",
               "os.getxattr", "os.listxattr"}
_harness = {"active": False}   # True only while the harness itself installs or removes its profiler


def _inside(path, roots):
    if isinstance(path, int):
        return True   # an already-open descriptor
    try:
        real = os.path.realpath(os.fsdecode(path))
    except Exception:
        return False
    return any(real == r or real.startswith(r.rstrip("/") + "/") for r in roots)


def _audit(event, args):
    if event.startswith(BLOCKED_PREFIXES):
        if event in ("sys.setprofile",) and _harness["active"]:
            return
        raise PermissionError(f"not allowed while grading: {event}")
    if event == "open":
        path, mode, flags = args
        if path is None:
            return
        writing = (mode is not None and any(c in str(mode) for c in "wax+")) or (flags or 0) & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
        if not _inside(path, WRITE_ROOTS if writing else READ_ROOTS):
            raise PermissionError(f"not allowed while grading: {'writing' if writing else 'reading'} {path}")
    elif event in WRITE_EVENTS:
        for path in args[:2]:
            if isinstance(path, (str, bytes, os.PathLike)) and not _inside(path, WRITE_ROOTS):
                raise PermissionError(f"not allowed while grading: {event} {path}")
    elif event in READ_EVENTS:
        if args and isinstance(args[0], (str, bytes, os.PathLike)) and not _inside(args[0], READ_ROOTS):
            raise PermissionError(f"not allowed while grading: {event} {args[0]}")


# The harness keeps its own references before student code can replace anything.
_save_npz, _dump_json, _perf = np.savez, json.dump, time.perf_counter
os.chdir(WORKDIR)
sys.addaudithook(_audit)


# ---------------------------------------------------------------- output: bounded, never on the real stderr
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

    def text(self):
        note = f"\n[... {self.dropped} more characters of output cut]" if self.dropped else ""
        return "".join(self.parts) + note


OUTPUT = _Capped(LIMITS["output_chars"])
sys.stdout = sys.stderr = OUTPUT


class _TimeLimit(BaseException):
    """Raised in the student's code when a cell or a call runs too long."""


def _on_alarm(signum, frame):
    raise _TimeLimit()


signal.signal(signal.SIGALRM, _on_alarm)


def _with_time_limit(seconds, fn, *args):
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


# ---------------------------------------------------------------- 4. run the notebook's cells
namespace = {"__name__": "__main__"}
cell_errors = []
_progress("cells")
for index, source in JOB["cells"]:
    try:
        code = compile(source, f"<cell {index}>", "exec")
        _with_time_limit(LIMITS["cell_seconds"], exec, code, namespace)
    except _TimeLimit:
        cell_errors.append({"cell": index, "error": f"the cell ran longer than {LIMITS['cell_seconds']} s and was stopped"})
    except BaseException as exc:  # noqa: BLE001 - any error in student code is recorded, not fatal
        cell_errors.append({"cell": index, "error": f"{type(exc).__name__}: {exc}"[:500]})
with open(os.path.join(WORKDIR, "cells.json"), "w", encoding="utf-8") as f:
    _dump_json({"errors": cell_errors, "isolation": ISOLATION}, f)


# ---------------------------------------------------------------- 5. call the graded functions
def _reference_tripwire(reference_codes):
    """A profiler that notices when nnlib's own implementation of the exercise runs."""
    seen = {"called": False}

    def profile(frame, event, arg):
        if event == "call" and (frame.f_code.co_filename, frame.f_code.co_name) in reference_codes:
            seen["called"] = True
    return profile, seen


def _call(fn, args, adapter):
    """Call the student's function; "fit_predict": fn(X_train, y_train) must return a model
    whose predict(X_test) gives the predictions (only those cross back, not the model)."""
    if adapter == "fit_predict":
        X_train, y_train, X_test = args
        model = fn(X_train, y_train)
        if not callable(getattr(model, "predict", None)):
            raise TypeError(f"it returned {type(model).__name__}, not a trained model with a predict method")
        return model.predict(X_test)
    return fn(*args)


for number, exercise in enumerate(JOB["exercises"]):
    _progress(f"exercise {exercise['name']}")
    arrays = dict(np.load(os.path.join(WORKDIR, f"cases_{number}.npz"), allow_pickle=False))
    fn = namespace.get(exercise["function"])
    results, out_arrays = [], {}
    references = {tuple(r) for r in exercise["reference_codes"]}
    for case in exercise["cases"]:
        if not callable(fn):
            results.append({"status": "missing"})
            continue
        args = codec.decode(case, arrays)
        profile, seen = _reference_tripwire(references)
        started = _perf()
        try:
            _harness["active"] = True
            sys.setprofile(profile)
            _harness["active"] = False
            value = _with_time_limit(exercise["call_seconds"], _call, fn, args, exercise["adapter"])
            status = {"status": "ok"}
        except _TimeLimit:
            value, status = None, {"status": "timeout", "message": f"a call took longer than {exercise['call_seconds']:g} s"}
        except NotImplementedError:
            value, status = None, {"status": "todo"}
        except BaseException as exc:  # noqa: BLE001
            value, status = None, {"status": "error", "message": f"{type(exc).__name__}: {exc}"[:500]}
        finally:
            _harness["active"] = True
            sys.setprofile(None)
            _harness["active"] = False
        status["seconds"] = round(_perf() - started, 4)
        if seen["called"]:
            status = {"status": "reference"}
        elif status["status"] == "ok":
            ok, reason = codec.plain_result(value)
            if ok:
                status["value"] = codec.encode(value, out_arrays)
            else:
                status = {"status": "not_plain", "message": f"returned {reason}"}
        results.append(status)
    _save_npz(os.path.join(WORKDIR, f"result_{number}.npz"), **out_arrays)
    with open(os.path.join(WORKDIR, f"result_{number}.json"), "w", encoding="utf-8") as f:
        _dump_json(results, f)
    _progress(f"done {exercise['name']}")

with open(os.path.join(WORKDIR, "output.txt"), "w", encoding="utf-8") as f:
    f.write(OUTPUT.text())
_progress("finished")
