"""Benchmark section "autograder": the sandboxed grader against plain nbgrader, and its parallel speed-up.

Rows (measure, median, spread, target, verdict):
    grade one submission            autograder.grade.grade_notebook on chapter 02's solution (a fresh
                                    bubblewrap sandbox per submission), median over repeats
    nbgrader autograde, same file   `nbgrader autograde` of the same file in a scratch course directory
    ratio                           grade ÷ nbgrader; target <= 1.5
    40 submissions, 1 worker        `python -m autograder grade` (no gradebook), wall clock
    40 submissions, 2 workers       the same with --workers 2; speed-up target >= 1.7

    run(quick=False) -> rows;  render(rows) -> str
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ._common import table, verdict

NAME = "autograder"
ROOT = Path(__file__).resolve().parent.parent
HEADERS = ["measure", "median", "spread", "target", "verdict"]
SOLUTION = ROOT / "solutions" / "02-the-neuron" / "the-neuron.ipynb"


def _env():
    env = dict(os.environ, PYTHONPATH=str(ROOT), NNLIB_GRADING_SECRET="bench")
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def _grade_once(path):
    sys.path.insert(0, str(ROOT))
    from autograder import grade

    started = time.perf_counter()
    result = grade.grade_notebook(path, "02-the-neuron", "bench", secret="bench")
    assert result.score == result.max_score, result.to_json()
    return time.perf_counter() - started


def _nbgrader_once(path, course):
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "course.nbgrade", "02-the-neuron", "--student",
                           "bench", "--notebook", str(path), "--course-dir", str(course)],
                          cwd=ROOT, env=_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return time.perf_counter() - started


def _nbgrader_autograde_only(course):
    """Time `nbgrader autograde` alone (the notebook is already filed and the assignment known)."""
    cmd = [sys.executable, "-m", "nbgrader", "autograde", "02-the-neuron", "--student=bench", "--force",
           f"--CourseDirectory.root={course}", f"--CourseDirectory.source_directory={ROOT / 'solutions'}",
           f"--CourseDirectory.db_url=sqlite:///{course / 'autograder' / 'gradebook.db'}"]
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return time.perf_counter() - started


def _batch(folder, workers, results):
    cmd = [sys.executable, "-c", "import sys; from autograder import cli; "
           f"cli.RESULTS = cli.Path({str(results)!r}); cli.FEEDBACK = cli.Path({str(results)!r}) / 'feedback'; "
           "sys.exit(cli.main(sys.argv[1:]))", "grade", str(folder), "--workers", str(workers), "--force",
           "--no-gradebook", "--quiet"]
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return time.perf_counter() - started


def _row(name, values, target="-", ok=None):
    med = statistics.median(values)
    spread = f"{min(values):.2f}–{max(values):.2f} s" if len(values) > 1 else "-"
    return [name, f"{med:.2f} s", spread, target, verdict(ok) if ok is not None else ""]


def run(quick=False, **_ignored):
    repeats = 2 if quick else 5
    n_batch = 6 if quick else 40
    work = Path(tempfile.mkdtemp(prefix="bench-grade-"))
    try:
        path = work / "the-neuron.ipynb"
        shutil.copy(SOLUTION, path)
        ours = [_grade_once(path) for _ in range(repeats)]
        course = work / "course"
        _nbgrader_once(path, course)                     # files the submission, records the assignment
        theirs = [_nbgrader_autograde_only(course) for _ in range(repeats)]
        ratio = statistics.median(ours) / statistics.median(theirs)
        folder = work / "submitted"
        for i in range(n_batch):
            target = folder / f"student{i:02d}" / "02-the-neuron" / "the-neuron.ipynb"
            target.parent.mkdir(parents=True)
            shutil.copy(SOLUTION, target)
        one = _batch(folder, 1, work / "r1")
        two = _batch(folder, 2, work / "r2")
        speedup = one / two
        return [
            _row("grade one submission (sandboxed)", ours),
            _row("nbgrader autograde, same file", theirs),
            ["ratio grade ÷ nbgrader", f"{ratio:.2f}×", "", "≤ 1.5×", verdict(ratio <= 1.5)],
            _row(f"{n_batch} submissions, 1 worker", [one]),
            _row(f"{n_batch} submissions, 2 workers", [two]),
            ["speed-up 2 workers ÷ 1", f"{speedup:.2f}×", "", "≥ 1.7×", verdict(speedup >= 1.7)],
        ]
    finally:
        shutil.rmtree(work, ignore_errors=True)


def render(rows):
    return table(rows, HEADERS)


if __name__ == "__main__":
    print(render(run(quick="--quick" in sys.argv)))
