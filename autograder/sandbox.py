"""Run a submission's code in a sandboxed child process and collect plain results.

The grader (this process) never runs student code. It writes a job (the notebook's code
cells and, per exercise, the hidden cases as JSON + .npz) into a fresh private folder,
starts `child.py` there and waits, enforcing wall-clock limits from outside:

* the cells phase may take at most `cells_seconds`;
* each exercise may take at most `exercise_seconds`.

If a limit runs out, or the child dies (memory, a crash), the exercise that was running
is recorded as timed out / crashed, and a new child is started for the exercises still
left. So one infinite loop costs one exercise, not the notebook. See child.py for what the
child itself is allowed to do.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

import numpy as np

from . import codec

HERE = os.path.dirname(os.path.abspath(__file__))

DEFAULT_LIMITS = {
    "memory_mb": 2048,        # address space of the child
    "cpu_seconds": 300,       # CPU time of one child, a backstop
    "file_mb": 50,            # largest file the child may write
    "output_chars": 20_000,   # printed output kept for the feedback
    "cell_seconds": 60,       # one notebook cell
    "call_seconds": 10,       # one call of a graded function
    "cells_seconds": 300,     # all cells together (wall clock, enforced from outside)
    "exercise_seconds": 30,   # all calls of one exercise (wall clock, enforced from outside)
}


@dataclass
class ExerciseJob:
    """One graded function to call: its name in the notebook and the encoded hidden cases."""

    name: str
    function: str
    cases: list                       # each an encoded tuple of arguments
    reference_codes: list = field(default_factory=list)   # (filename, function name) pairs to trip on
    adapter: str = ""                 # "fit_predict": call fn(X_train, y_train).predict(X_test)
    seconds: float = 0                # wall-clock limit for this exercise (0: limits["exercise_seconds"])


@dataclass
class SandboxResult:
    """What came back: per exercise, one dict per case ({"status": ..., "value": decoded})."""

    results: dict
    cell_errors: list
    output: str
    isolation: list
    notes: list
    seconds: float


def _decode_results(workdir, number):
    with open(os.path.join(workdir, f"result_{number}.json"), encoding="utf-8") as f:
        results = json.load(f)
    with np.load(os.path.join(workdir, f"result_{number}.npz"), allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    for r in results:
        if "value" in r:
            r["value"] = codec.decode(r["value"], arrays)
    return results


def _read_progress(workdir):
    try:
        with open(os.path.join(workdir, "progress.txt"), encoding="utf-8") as f:
            return [line.strip() for line in f if line.strip()]
    except OSError:
        return []


def _start_child(workdir, job, arrays_per_exercise, uid):
    for number, arrays in enumerate(arrays_per_exercise):
        np.savez(os.path.join(workdir, f"cases_{number}.npz"), **arrays)
    with open(os.path.join(workdir, "job.json"), "w", encoding="utf-8") as f:
        json.dump(job, f)
    for name in ("child.py", "codec.py"):
        shutil.copy(os.path.join(HERE, name), os.path.join(workdir, name))
    if uid and os.geteuid() == 0:
        for root, dirs, files in os.walk(workdir):
            for p in [root] + [os.path.join(root, n) for n in dirs + files]:
                os.chown(p, uid, uid)
    env = {"PATH": "/usr/bin:/bin", "HOME": workdir, "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1",
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    log = open(os.path.join(workdir, "child.log"), "wb")
    proc = subprocess.Popen([sys.executable, "-I", os.path.join(workdir, "child.py"), workdir],
                            cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                            start_new_session=True)
    log.close()
    return proc


def _kill(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def run(cells, exercises, limits=None, hide=(), uid=None, workroot=None):
    """Execute `cells` (list of (index, source)) and call every exercise's function on its cases.

    exercises: list of ExerciseJob with cases already encoded (see codec.encode), given as
    (job, arrays) pairs. hide: folders the child must not see. uid: unprivileged user id for
    the child when the grader runs as root.
    Returns a SandboxResult; never raises because of what the submission does.
    """
    limits = {**DEFAULT_LIMITS, **(limits or {})}
    started = time.perf_counter()
    results, notes, cell_errors, outputs, isolation = {}, [], [], [], []
    remaining = list(exercises)
    while True:
        workdir = tempfile.mkdtemp(prefix="nnlib-grade-", dir=workroot)
        os.chmod(workdir, 0o700)
        try:
            job = {"limits": limits, "cells": cells, "hide": [os.path.realpath(h) for h in hide], "uid": uid,
                   "exercises": [{"name": e.name, "function": e.function, "cases": e.cases,
                                  "reference_codes": e.reference_codes, "adapter": e.adapter,
                                  "call_seconds": e.seconds or limits["call_seconds"]} for e, _ in remaining]}
            proc = _start_child(workdir, job, [arrays for _, arrays in remaining], uid)
            phase, phase_started, deadline_hit = "start", time.perf_counter(), False
            while proc.poll() is None:
                time.sleep(0.02)
                progress = _read_progress(workdir)
                current = progress[-1] if progress else "start"
                if current != phase:
                    phase, phase_started = current, time.perf_counter()
                limit = limits["cells_seconds"]
                if phase.startswith("exercise "):
                    running = next((e for e, _ in remaining if e.name == phase[len("exercise "):]), None)
                    limit = (running.seconds if running and running.seconds else limits["exercise_seconds"])
                if time.perf_counter() - phase_started > limit:
                    deadline_hit = True
                    _kill(proc)
            progress = _read_progress(workdir)
            done = {line[len("done "):] for line in progress if line.startswith("done ")}
            for number, (exercise, _) in enumerate(remaining):
                if exercise.name in done:
                    results[exercise.name] = _decode_results(workdir, number)
            if os.path.exists(os.path.join(workdir, "cells.json")) and not cell_errors:
                with open(os.path.join(workdir, "cells.json"), encoding="utf-8") as f:
                    info = json.load(f)
                cell_errors, isolation = info["errors"], info["isolation"]
            if os.path.exists(os.path.join(workdir, "output.txt")):
                with open(os.path.join(workdir, "output.txt"), encoding="utf-8", errors="replace") as f:
                    outputs.append(f.read())
            remaining = [(e, a) for e, a in remaining if e.name not in results]
            if not remaining:
                break
            last = progress[-1] if progress else "start"
            if last.startswith("exercise "):
                name = last[len("exercise "):]
                spent = next((e.seconds for e, _ in remaining if e.name == name and e.seconds), limits["exercise_seconds"])
                why = (f"stopped after {spent:g} s (an endless loop?)" if deadline_hit
                       else "the process running it died (too much memory, or a crash)")
                results[name] = [{"status": "timeout" if deadline_hit else "crashed", "message": why}]
                notes.append(f"{name}: {why}")
                remaining = [(e, a) for e, a in remaining if e.name != name]
                if not remaining:
                    break
                continue   # a fresh child for the exercises left
            why = (f"the notebook's cells did not finish within {limits['cells_seconds']} s" if deadline_hit
                   else "the notebook's code made the grading process die before the graded functions could be called")
            try:
                with open(os.path.join(workdir, "child.log"), encoding="utf-8", errors="replace") as f:
                    tail = f.read()[-400:]
                if tail.strip() and not deadline_hit:
                    why += f" ({tail.strip().splitlines()[-1]})"
            except OSError:
                pass
            notes.append(why)
            for exercise, _ in remaining:
                results[exercise.name] = [{"status": "crashed", "message": why}]
            break
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    return SandboxResult(results, cell_errors, "".join(outputs)[:limits["output_chars"]], isolation, notes,
                         round(time.perf_counter() - started, 3))
