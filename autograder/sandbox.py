"""Run a submission's code in a sandbox and receive its results, one call at a time.

The grader (this process) never runs student code and never opens a file the student's code
could have written. For one submission it

1. writes a *job* (the notebook's code cells, every exercise's encoded cases, limits) into a
   fresh folder of its own, which the sandbox sees read-only;
2. starts child.py in a sandbox (the strongest level this machine allows, see `level()`):

   bubblewrap   an allow-list file system (the Python installation, the grading copy of
                nnlib and the job read-only, a private size-limited tmpfs as the only
                writable place), new network, PID, IPC and UTS namespaces, a cleared
                environment, an unprivileged uid used by no other sandbox of the batch;
                when the sandbox ends every process in it ends (PID namespace)
   namespaces   util-linux `unshare` (network, PID, IPC, UTS, mount namespaces) and the
                uid of its own, but the host's file system (answer keys on disk readable)
   process      resource limits and the child's audit hook only (refused by `grade`
                unless the instructor passes --allow-weak-sandbox)

3. reads the child's reports from a pipe (protocol.py: framed, bounded, plain data), with a
   deadline on every read: the notebook's cells may take `cells_seconds`, one call
   `call_seconds`, one exercise its budget. When a deadline passes or the child breaks the
   protocol, the sandbox is killed (its process group, then every process of its uid), the
   exercise is recorded as timed out / crashed, and a fresh sandbox continues with the
   exercises left. A result, once received, is final.

Before each exercise the child says "ready"; the grader answers "start", handing in the
correct implementation of every exercise this one `uses` that is already graded, so one bug
costs one exercise.
"""
import itertools
import json
import os
import shutil
import signal
import site
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
import time
from dataclasses import dataclass

import numpy as np

from . import protocol

LEVELS = ("bubblewrap", "namespaces", "process")
WEAK = "process"

DEFAULT_LIMITS = {
    "memory_mb": 2048,        # address space of the child
    "cpu_seconds": 600,       # CPU time of one child, a backstop
    "file_mb": 50,            # largest file the child may write
    "scratch_mb": 128,        # size of the private tmpfs (bubblewrap)
    "processes": 64,          # processes and threads of the sandbox's uid
    "output_chars": 20_000,   # printed output of the cells kept for the feedback
    "cell_seconds": 60,       # one notebook cell (inside the child: a cooperative alarm)
    "call_seconds": 10,       # one call of a graded function
    "cells_seconds": 300,     # all cells together (wall clock, enforced from outside)
    "exercise_seconds": 30,   # all calls of one exercise (wall clock, enforced from outside)
    "start_seconds": 60,      # the sandbox's start-up (interpreter, numpy, nnlib)
}
GRACE = 2.0                   # seconds the grader waits beyond the child's own alarm

@dataclass
class ExerciseJob:
    """One graded function to call: its name in the notebook and the encoded cases.

    cases: [(args, kwargs)] encoded with protocol.encode into the run's shared `arrays`.
    handin: (module, name, source) of its correct implementation, sent to later exercises
    that list this one in `uses`."""

    name: str
    function: str
    cases: list
    call: str = "plain"
    seconds: float = 0                # wall-clock budget of the exercise (0: limits["exercise_seconds"])
    call_seconds: float = 0           # one call (0: limits["call_seconds"])
    uses: tuple = ()
    handin: tuple = None


@dataclass
class SandboxResult:
    """What came back: per exercise, one answer record per case (nnlib/checks/calling.py's form,
    values decoded and checked), or a last record {"status": "timeout"/"crashed", "message"}
    when the sandbox had to be stopped during that exercise."""

    results: dict
    cell_errors: list
    output: str
    level: str
    isolation: list
    notes: list
    seconds: float


class SandboxUnavailable(RuntimeError):
    """No sandbox level at or above the one asked for works on this machine."""


# ---------------------------------------------------------------- the Python the child runs
def python_paths():
    """Folders of installed packages the child needs (the venv's or the system's site-packages)."""
    paths = []
    for p in site.getsitepackages() + [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]:
        p = os.path.realpath(p)
        if os.path.isdir(p) and p not in paths:
            paths.append(p)
    return paths


def interpreter():
    return os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable)


# ---------------------------------------------------------------- uids: one per sandbox, never reused in a run
_uid_lock = threading.Lock()
_uid_counter = itertools.count(int(os.environ.get("NNLIB_SANDBOX_BASE_UID", "200000")) + (os.getpid() % 997) * 1000)


def _uid_in_use(uid):
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    return True
            except OSError:
                pass
    return False


USED_UIDS = set()      # every uid this process gave a sandbox (tests check none of them survives)


def new_uid():
    """A fresh unprivileged uid (only when the grader is root; else None)."""
    if os.geteuid() != 0:
        return None
    with _uid_lock:
        while True:
            uid = next(_uid_counter)
            if not _uid_in_use(uid):
                USED_UIDS.add(uid)
                return uid


def processes_of(uid):
    """Pids of every process running as `uid`."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    found.append(int(entry))
            except OSError:
                pass
    return found


def kill_uid(uid):
    """SIGKILL every process of `uid` until none is left (a second net under the PID namespace)."""
    if not uid:
        return
    for _ in range(50):
        pids = processes_of(uid)
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.01)


def _reachable_by_others(copy_dir):
    """True when every folder on the way to the interpreter, the packages and the copy can be
    entered by any user (so the child still starts after dropping root)."""
    import stat

    for path in [os.path.dirname(interpreter()), os.path.realpath(sys.base_prefix), str(copy_dir)] + python_paths():
        parts = os.path.realpath(path).split("/")
        for i in range(2, len(parts) + 1):
            try:
                if not os.stat("/".join(parts[:i])).st_mode & stat.S_IXOTH:
                    return False
            except OSError:
                return False
    return True


# ---------------------------------------------------------------- levels
def hidden_packages(copy_dir):
    """Installed packages the exercises declare as answer keys (gradingcopy's HIDDEN_PACKAGES)."""
    try:
        text = (Path(copy_dir) / "HIDDEN_PACKAGES").read_text(encoding="utf-8")
    except OSError:
        return []
    return [line.strip() for line in text.splitlines() if line.strip().isidentifier()]


def _bwrap_path():
    return os.environ.get("NNLIB_BWRAP", shutil.which("bwrap") or "/usr/bin/bwrap")


def _ceiling():
    """NNLIB_SANDBOX_LEVEL caps the level (tests simulate a machine without bubblewrap)."""
    wanted = os.environ.get("NNLIB_SANDBOX_LEVEL", "").strip()
    if wanted and wanted not in LEVELS:
        raise SandboxUnavailable(f"NNLIB_SANDBOX_LEVEL={wanted!r}: expected one of {', '.join(LEVELS)}")
    return LEVELS.index(wanted) if wanted else 0


def _bwrap_command(copy_dir, job_dir, limits, inner_paths):
    uid_args = [] if os.geteuid() == 0 else ["--unshare-user"]
    cmd = [_bwrap_path(), "--die-with-parent", "--new-session", "--unshare-net", "--unshare-pid",
           "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", *uid_args, "--hostname", "sandbox"]
    # /tmp first: a later mount of it would hide packages installed under /tmp (a test's venv)
    cmd += ["--perms", "1777", "--size", str(16 * 1024 * 1024), "--tmpfs", "/tmp", "--ro-bind", "/usr", "/usr"]
    for name in ("bin", "lib", "lib64", "lib32", "sbin"):
        path = f"/{name}"
        if os.path.islink(path):
            cmd += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            cmd += ["--ro-bind", path, path]
    cmd += ["--perms", "0755", "--dir", "/etc"]
    for path in ("/etc/ld.so.cache", "/etc/localtime", "/etc/fonts"):
        cmd += ["--ro-bind-try", path, path]
    python = interpreter()
    prefixes = {os.path.realpath(sys.base_prefix), os.path.dirname(os.path.dirname(python))}
    binds = [p for p in sorted(prefixes) if not p.startswith("/usr/") and p != "/usr"] + python_paths()
    made = set()
    for path in binds:       # parents bwrap would create with mode 700 (unreadable after dropping root)
        parts = path.strip("/").split("/")[:-1]
        for i in range(1, len(parts) + 1):
            ancestor = "/" + "/".join(parts[:i])
            if ancestor not in made and ancestor != "/usr" and not ancestor.startswith("/usr/"):
                made.add(ancestor)
                cmd += ["--perms", "0755", "--dir", ancestor]
    for path in binds:
        cmd += ["--ro-bind", path, path]
    hidden = ["nnlib"] + hidden_packages(copy_dir)
    for path in python_paths():   # an installed copy of the real nnlib, and packages that are answer keys
        for package in hidden:
            if os.path.isdir(os.path.join(path, package)):
                cmd += ["--tmpfs", os.path.join(path, package)]
    cmd += ["--perms", "0755", "--dir", os.path.dirname(inner_paths["copy"]),
            "--ro-bind", str(copy_dir), inner_paths["copy"], "--ro-bind", str(job_dir), inner_paths["job"],
            "--proc", "/proc", "--dev", "/dev",
            "--perms", "1777", "--size", str(limits["scratch_mb"] * 1024 * 1024), "--tmpfs", inner_paths["scratch"],
            "--clearenv"]
    for key, value in _child_env(inner_paths["scratch"]).items():
        cmd += ["--setenv", key, value]
    cmd += ["--chdir", inner_paths["scratch"], "--"]
    return cmd


def _child_env(scratch):
    return {"PATH": "/usr/bin:/bin", "HOME": scratch, "TMPDIR": scratch, "LANG": "C.UTF-8",
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "MPLBACKEND": "Agg", "MPLCONFIGDIR": os.path.join(scratch, ".matplotlib"), "PYTHONHASHSEED": "0"}


def _unshare_command():
    return [shutil.which("unshare") or "/usr/bin/unshare", "--net", "--ipc", "--uts", "--pid", "--fork",
            "--kill-child", "--mount-proc", "--"]


_level_cache = {}


def level(copy_dir=None):
    """The strongest sandbox level that works here (probed once per process, then cached)."""
    ceiling = _ceiling()
    key = (ceiling, _bwrap_path())
    if key in _level_cache:
        return _level_cache[key]
    found = WEAK
    probe = [interpreter(), "-I", "-S", "-c", "pass"]
    with tempfile.TemporaryDirectory(prefix="nnlib-probe-") as empty:
        os.chmod(empty, 0o755)
        candidates = []
        if ceiling <= 0 and os.path.exists(_bwrap_path()):
            inner = {"copy": "/grading/copy", "job": "/grading/job", "scratch": "/scratch"}
            candidates.append(("bubblewrap", _bwrap_command(empty, empty, DEFAULT_LIMITS, inner) + probe))
        if ceiling <= 1 and shutil.which("unshare"):
            candidates.append(("namespaces", _unshare_command() + probe))
        for name, cmd in candidates:
            try:
                done = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                continue
            if done.returncode == 0:
                found = name
                break
    _level_cache[key] = found
    return found


def describe_level(name):
    """One sentence for the instructor (printed by `grade`, kept in every record)."""
    return {
        "bubblewrap": "bubblewrap: allow-list file system, no network, own PID namespace and uid per submission",
        "namespaces": ("namespaces only (bubblewrap is not available): no network, own PID namespace and uid, "
                       "but the host's files are visible (install bubblewrap: make bubblewrap)"),
        "process": ("WEAK: resource limits and an audit hook inside the student's process only; a determined "
                    "student can read files and escape the limits (install bubblewrap: make bubblewrap)"),
    }[name]


# ---------------------------------------------------------------- one sandbox
class _Sandbox:
    """One child process in a sandbox, with its job folder and (outside bubblewrap) scratch."""

    def __init__(self, how, job, arrays, limits, copy_dir, workroot):
        self.how = how
        # Outside bubblewrap the child sees the host's files: it can drop root only when an
        # unprivileged user can reach the Python installation (e.g. not under /root).
        self.uid = new_uid() if how == "bubblewrap" or _reachable_by_others(copy_dir) else None
        self.job_dir = tempfile.mkdtemp(prefix="job-", dir=workroot)
        self.scratch_dir = None
        if how == "bubblewrap":
            inner = {"copy": "/grading/copy", "job": "/grading/job", "scratch": "/scratch"}
        else:
            self.scratch_dir = tempfile.mkdtemp(prefix="scratch-", dir=workroot)
            if self.uid:
                os.chown(self.scratch_dir, self.uid, self.uid)
            os.chmod(self.scratch_dir, 0o700)
            inner = {"copy": str(copy_dir), "job": self.job_dir, "scratch": self.scratch_dir}
        job = dict(job, uid=self.uid, debug=bool(os.environ.get("NNLIB_SANDBOX_DEBUG")), scratch=inner["scratch"], nnlib_copy=inner["copy"],
                   python_path=python_paths())
        with open(os.path.join(self.job_dir, "job.msg"), "wb") as f:
            f.write(protocol.pack(job, arrays))
        os.chmod(os.path.join(self.job_dir, "job.msg"), 0o644)
        os.chmod(self.job_dir, 0o755)
        child = [interpreter(), "-I", "-S", os.path.join(inner["copy"], "_harness", "child.py"),
                 os.path.join(inner["job"], "job.msg")]
        if how == "bubblewrap":
            cmd, env = _bwrap_command(copy_dir, self.job_dir, limits, inner) + child, {}
        elif how == "namespaces":
            cmd, env = _unshare_command() + child, _child_env(inner["scratch"])
        else:
            cmd, env = child, _child_env(inner["scratch"])
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=None if os.environ.get("NNLIB_SANDBOX_DEBUG") else subprocess.DEVNULL,
                                     env=env, cwd=inner["scratch"] if how != "bubblewrap" else "/",
                                     start_new_session=True, close_fds=True)
        self.reader = protocol.Reader(self.proc.stdout.fileno())

    def send(self, header):
        try:
            self.proc.stdin.write(protocol.pack(header))
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            pass

    def stop(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        kill_uid(self.uid)
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        shutil.rmtree(self.job_dir, ignore_errors=True)
        if self.scratch_dir:
            shutil.rmtree(self.scratch_dir, ignore_errors=True)


class _Stop(Exception):
    """End this sandbox: why (a sentence) and whether a deadline passed."""

    def __init__(self, why, timeout=False):
        super().__init__(why)
        self.why, self.timeout = why, timeout


def _expect(box, kind, deadline, exercise=None):
    try:
        header, arrays = box.reader.read(deadline)
    except TimeoutError:
        raise _Stop("time", timeout=True) from None
    except EOFError:
        raise _Stop("died") from None
    except protocol.ProtocolError as exc:
        raise _Stop(f"sent something the grader could not read ({exc})") from None
    if header.get("type") != kind or (exercise is not None and header.get("exercise") != exercise):
        raise _Stop("sent a report out of order")
    return header, arrays


RECORD_STATUSES = {"returned", "raised", "todo", "timeout", "not_plain", "missing"}


def _record(raw, arrays):
    """A validated answer record (see nnlib/checks/calling.py) from what the child sent."""
    if type(raw) is not dict or raw.get("status") not in RECORD_STATUSES:
        return {"status": "raised", "type": "", "message": "the grading process reported something unreadable"}
    status = raw["status"]
    text = lambda key, n: raw[key][:n] if type(raw.get(key)) is str else ""  # noqa: E731
    if status == "timeout":
        return {"status": "raised", "type": "", "message": text("message", 300) or "a call took too long",
                "timeout": True}
    if status == "not_plain":
        return {"status": "raised", "type": "", "message": text("message", 300) or "returned something that is not plain data"}
    if status == "missing":
        return {"status": "missing"}
    record = {"status": status, "type": text("type", 100), "message": text("message", 500), "line": text("line", 300),
              "lineno": raw["lineno"] if type(raw.get("lineno")) is int else 0, "shapes": {}, "modified": [],
              "seconds": float(raw["seconds"]) if type(raw.get("seconds")) in (int, float) else 0.0}
    shapes = raw.get("shapes")
    if type(shapes) is dict:
        for key, value in list(shapes.items())[:20]:
            if type(key) is str and type(value) is list and all(type(n) is int for n in value[:8]):
                record["shapes"][key[:50]] = value[:8]
    modified = raw.get("modified")
    if type(modified) is list:
        record["modified"] = [m[:50] for m in modified[:20] if type(m) is str]
    if status == "returned":
        try:
            record["value"] = protocol.decode(raw.get("value"), arrays)
        except protocol.BadValue as exc:
            return {"status": "raised", "type": "", "message": f"returned {exc}"}
        except RecursionError:
            return {"status": "raised", "type": "", "message": "returned something nested too deeply"}
    return record


def _cells_report(header, limits):
    errors = []
    raw = header.get("errors")
    for item in (raw if type(raw) is list else [])[:200]:
        if type(item) is dict and type(item.get("cell")) is int and type(item.get("error")) is str:
            errors.append({"cell": item["cell"], "error": item["error"][:500]})
    output = header.get("output") if type(header.get("output")) is str else ""
    dropped = header.get("dropped") if type(header.get("dropped")) is int and header["dropped"] >= 0 else 0
    return errors, cut_output(output, limits["output_chars"], dropped)


def cut_output(text, limit, already_dropped=0):
    """`text` cut to `limit` characters, followed by a note saying how much was cut (never cut)."""
    dropped = already_dropped + max(0, len(text) - limit)
    text = text[:limit]
    return text + (f"\n[... {dropped} more characters of output cut]" if dropped else "")


def run(cells, exercises, copy_dir, limits=None, functions=(), arrays=(), how=None, workroot=None):
    """Execute `cells` (list of (index, source)) and call every exercise's function on its cases.

    exercises: ExerciseJob list (cases encoded into the shared `arrays`); functions: specs of
    argument functions (see grade.function_specs); how: the sandbox level (default: level()).
    Returns a SandboxResult; never raises because of what the submission does."""
    limits = {**DEFAULT_LIMITS, **(limits or {})}
    how = how or level()
    started = time.perf_counter()
    results, partial, notes, cell_errors, output, isolation = {}, {}, [], [], "", []
    remaining = list(exercises)
    by_name = {e.name: e for e in exercises}
    workroot = workroot or tempfile.gettempdir()
    first = True
    while remaining:
        job = {"limits": limits, "cells": cells, "functions": list(functions),
               "exercises": [{"name": e.name, "function": e.function, "cases": e.cases, "call": e.call,
                              "call_seconds": e.call_seconds or limits["call_seconds"]} for e in remaining]}
        box = _Sandbox(how, job, list(arrays), limits, copy_dir, workroot)
        phase = "start"
        try:
            hello, _ = _expect(box, "hello", time.monotonic() + limits["start_seconds"])
            if first:
                isolation = [how] + ([f"uid {hello.get('uid')}"] if type(hello.get("uid")) is int else [])
            phase = "cells"
            header, _ = _expect(box, "cells", time.monotonic() + limits["cells_seconds"])
            if first:
                cell_errors, output = _cells_report(header, limits)
            first = False
            for exercise in list(remaining):
                phase = exercise.name
                _expect(box, "ready", time.monotonic() + 10 + GRACE, exercise.name)
                handins = []
                for used in exercise.uses:
                    done = by_name.get(used)
                    if done is not None and used in results and done.handin:
                        module, name, source = done.handin
                        handins.append({"name": name, "module": module, "source": source})
                box.send({"type": "start", "references": handins})
                budget = exercise.seconds or limits["exercise_seconds"]
                per_call = (exercise.call_seconds or limits["call_seconds"]) + GRACE
                ends = time.monotonic() + budget
                outcomes = []
                for number in range(len(exercise.cases)):
                    header, arrays_in = _expect(box, "result", min(ends, time.monotonic() + per_call), exercise.name)
                    if header.get("case") != number:
                        raise _Stop("sent a report out of order")
                    outcome = _record(header.get("record"), arrays_in)
                    if "own" in header:
                        outcome["own"] = _record(header.get("own"), arrays_in)
                    outcomes.append(outcome)
                    partial[exercise.name] = outcomes
                    if outcome["status"] == "missing":
                        break
                _expect(box, "end", min(ends, time.monotonic() + GRACE) + GRACE, exercise.name)
                results[exercise.name] = outcomes
                remaining.remove(exercise)
            _expect(box, "bye", time.monotonic() + GRACE)
        except _Stop as stop:
            if phase in by_name and phase not in results:
                done_before = partial.get(phase, [])
                if stop.timeout:
                    budget = by_name[phase].seconds or limits["exercise_seconds"]
                    why = f"stopped: it ran longer than the time allowed ({budget:g} s for the exercise, " \
                          f"{by_name[phase].call_seconds or limits['call_seconds']:g} s per call; an endless loop?)"
                    status = "timeout"
                elif stop.why == "died":
                    why, status = "the process running it died (too much memory, or a crash)", "crashed"
                else:
                    why, status = f"the process running it {stop.why}", "crashed"
                results[phase] = done_before + [{"status": status, "message": why}]
                notes.append(f"{phase}: {why}")
                remaining = [e for e in remaining if e.name != phase]
                continue          # a fresh sandbox for the exercises left
            if phase in by_name:      # the exercise was complete; only the goodbye went wrong
                continue
            if stop.timeout:
                why = (f"the notebook's cells did not finish within {limits['cells_seconds']:g} s" if phase == "cells"
                       else f"the sandbox did not start within {limits['start_seconds']:g} s")
            elif phase == "start":
                why = "the sandbox could not start the notebook's code"
            else:
                why = "the notebook's code made the grading process end before the graded functions could be called"
                if stop.why != "died":
                    why = f"the notebook's code {stop.why}"
            notes.append(why)
            for exercise in remaining:
                results[exercise.name] = [{"status": "crashed", "message": why}]
            remaining = []
        finally:
            box.stop()
    return SandboxResult(results, cell_errors, output, how, isolation, notes,
                         round(time.perf_counter() - started, 3))
