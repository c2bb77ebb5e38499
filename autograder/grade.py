"""Grade one submitted chapter notebook: hidden checks in a sandbox, verdicts computed here.

    result = grade_notebook(path, assignment="02-the-neuron", student="ada")

1. Read the submission (a broken or empty file, or one that is not a notebook, scores 0
   with a message; nothing is raised).
2. Look up the assignment's graded exercises in its *source* notebook (solutions/): each
   test cell's grade_id, points, and the `checks.hidden.<exercise>(<function>, ...)` call
   in it. The submission's own test cells, points and metadata are ignored, so deleting,
   editing or re-pointing them changes nothing.
3. Draw the hidden cases from a seed that depends on the student and the assignment (and a
   course secret), so each student gets different inputs and a re-run gives the same ones.
4. Run the submission's other code cells and call each graded function in the sandbox
   (sandbox.py); compare what came back with nnlib's reference *here*; each group of
   cases earns its share of the exercise's points.
5. Name typical mistakes (a wrong answer that equals a known buggy variant's answer) and show
   expected vs received on the public example, never the hidden inputs.
"""
import hashlib
import json
import os
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from . import codec, sandbox

ROOT = Path(__file__).resolve().parent.parent
HIDDEN_CALL = re.compile(r"checks\.hidden\.(\w+)\(\s*(\w+)")
MAGIC_LINE = re.compile(r"^\s*[%!]")


@dataclass
class ExerciseResult:
    """The verdict on one graded function."""

    name: str
    grade_id: str
    points: float
    max_points: float
    status: str                      # graded, missing, timeout, crashed, reference, not implemented
    groups: list = field(default_factory=list)    # [{"label", "passed", "points", "message"}]
    message: str = ""


@dataclass
class NotebookResult:
    """The verdict on one submission."""

    student: str
    assignment: str
    notebook: str
    score: float
    max_score: float
    exercises: list
    seed: int
    messages: list = field(default_factory=list)
    cell_errors: list = field(default_factory=list)
    output: str = ""
    isolation: list = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self):
        return asdict(self)


# ---------------------------------------------------------------- the assignment's exercises
def graded_exercises(source_notebook):
    """[(grade_id, points, exercise, function)] from the source notebook's test cells."""
    nb = json.loads(Path(source_notebook).read_text(encoding="utf-8"))
    found = []
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        source = "".join(cell["source"])
        for exercise, function in HIDDEN_CALL.findall(source):
            found.append((meta["grade_id"], float(meta.get("points", 0)), exercise, function))
    return found


def source_notebook(assignment, solutions=ROOT / "solutions"):
    """The assignment's single source notebook, solutions/NN-slug/*.ipynb."""
    folder = Path(solutions) / assignment
    notebooks = sorted(folder.glob("*.ipynb"))
    if len(notebooks) != 1:
        raise ValueError(f"expected one notebook in {folder}, found {len(notebooks)}")
    return notebooks[0]


def grading_seed(student, assignment, secret=None):
    """The seed of a student's hidden cases: a hash of (secret, student, assignment)."""
    secret = secret if secret is not None else os.environ.get("NNLIB_GRADING_SECRET", "nnlib-course")
    digest = hashlib.sha256(f"{secret}\0{student}\0{assignment}".encode()).hexdigest()
    return int(digest[:12], 16)


# ---------------------------------------------------------------- the submission's code
def submission_cells(path, test_sources):
    """(code cells to run, problems): every code cell except test cells.

    A cell is a test cell if nbgrader's metadata says so, if its text equals a test cell of
    the source, or if it calls the hidden checks. Lines of IPython magic (%..., !...) are
    commented out: the sandbox runs plain Python."""
    raw = Path(path).read_bytes()
    if not raw.strip():
        return None, "the file is empty"
    try:
        nb = json.loads(raw.decode("utf-8", errors="replace"))
    except ValueError as exc:
        return None, f"the file is not valid notebook JSON ({exc.__class__.__name__}: {str(exc)[:120]})"
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return None, "the file is JSON but not a Jupyter notebook (no list of cells)"
    cells = []
    for index, cell in enumerate(nb["cells"]):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        is_test = (meta.get("grade") and not meta.get("solution")) or source.strip() in test_sources \
            or "checks.hidden" in source or "BEGIN HIDDEN TESTS" in source
        if is_test:
            continue
        lines = [("# " + line if MAGIC_LINE.match(line) else line) for line in source.splitlines()]
        cells.append((index, "\n".join(lines)))
    return cells, ""


# ---------------------------------------------------------------- verdicts
def _reference_codes(fn):
    """(file, function name) of nnlib's implementation: the child notices when it runs."""
    code = getattr(fn, "__code__", None)
    return [[os.path.realpath(code.co_filename), code.co_name]] if code else []


def _verdict(exercise, cases, outcomes):
    """Compare one group's outcomes with the reference; return (passed, message).

    The message names the first failure: an error, a time-out, a value that is not plain
    data, or a wrong value (with the typical mistake it matches, if any). It never shows
    the hidden inputs themselves beyond the case's short label."""
    for case, outcome in zip(cases, outcomes):
        status = outcome.get("status")
        if status == "todo":
            return False, "not implemented yet (the function still raises NotImplementedError)"
        if status in ("error", "timeout", "not_plain"):
            return False, f"{outcome.get('message', status)}"
        if status != "ok":
            return False, outcome.get("message", status)
        expected = exercise.expected(case)
        if exercise.compare(outcome.get("value"), expected):
            mistake = exercise.recognise(case, outcome.get("value"))
            if mistake:
                return False, f"wrong result; this looks like a known mistake: {mistake.label}. Hint: {mistake.hint}"
            return False, "wrong result on these random inputs (see the public example below)"
    return True, ""


def _public_report(exercise, outcomes):
    """Expected vs received on the first public example that fails (small, fixed inputs)."""

    for case, outcome in zip(exercise.public_cases, outcomes):
        if outcome.get("status") != "ok":
            continue
        expected = exercise.expected(case)
        problem = exercise.compare(outcome.get("value"), expected)
        if problem:
            text = f"On the public example {case.label}: {problem.splitlines()[0]}"
            mistake = exercise.recognise(case, outcome.get("value"))
            hint = mistake.hint if mistake else case.hint
            return text + (f" Hint: {hint}" if hint else "")
    return ""


def grade_notebook(path, assignment, student, solutions=ROOT / "solutions", secret=None, limits=None,
                   hide=(), uid=None):
    """Grade `path` for (student, assignment); returns a NotebookResult (never raises for bad input)."""
    from nnlib import checks

    started = time.perf_counter()
    source = source_notebook(assignment, solutions)
    plan = graded_exercises(source)
    max_score = float(sum(points for _, points, _, _ in plan))
    seed = grading_seed(student, assignment, secret)
    src_nb = json.loads(Path(source).read_text(encoding="utf-8"))
    test_sources = {"".join(c["source"]).strip() for c in src_nb["cells"]
                    if c["cell_type"] == "code" and (c.get("metadata", {}).get("nbgrader", {}).get("grade"))
                    and not c.get("metadata", {}).get("nbgrader", {}).get("solution")}
    result = NotebookResult(student, assignment, Path(path).name, 0.0, max_score, [], seed)
    try:
        cells, problem = submission_cells(path, test_sources)
    except OSError as exc:
        cells, problem = None, f"the file could not be read ({exc})"
    if cells is None:
        result.messages.append(f"Not graded: {problem}. Score 0.")
        result.exercises = [asdict(ExerciseResult(ex, gid, 0.0, pts, "not graded", message=problem))
                            for gid, pts, ex, fn in plan]
        result.seconds = round(time.perf_counter() - started, 3)
        return result

    jobs, groups_of = [], {}
    for number, (grade_id, points, name, function) in enumerate(plan):
        exercise = checks.EXERCISES[name]
        rng = np.random.default_rng([seed, number])
        groups = exercise.hidden_groups(rng)
        groups_of[name] = groups
        flat = [case for _, cases in groups for case in cases] + list(exercise.public_cases)
        arrays = {}
        encoded = [codec.encode(tuple(case.args), arrays) for case in flat]
        # nnlib_reference: the nnlib function the exercise mirrors, when the answer key is a wrapper.
        codes = _reference_codes(getattr(exercise, "nnlib_reference", exercise.reference))
        adapter = getattr(exercise, "adapter", "") or ""
        seconds = 300 if adapter == "fit_predict" else 0     # training a network takes a while
        jobs.append((sandbox.ExerciseJob(name, function, encoded, codes, adapter, seconds), arrays))
    run = sandbox.run(cells, jobs, limits=limits, hide=hide, uid=uid)
    result.cell_errors, result.output, result.isolation = run.cell_errors, run.output, run.isolation
    result.messages.extend(run.notes)

    for grade_id, points, name, function in plan:
        exercise = checks.EXERCISES[name]
        outcomes = run.results.get(name, [])
        groups = groups_of[name]
        entry = ExerciseResult(name, grade_id, 0.0, points, "graded")
        first = outcomes[0] if outcomes else {"status": "crashed", "message": "no result"}
        if first.get("status") == "missing":
            entry.status, entry.message = "missing", (
                f"the notebook never defines a function called {function}: keep the exercise cell's "
                f"`def {function}(...)` line and run it")
        elif first.get("status") in ("timeout", "crashed") and len(outcomes) == 1:
            entry.status, entry.message = first["status"], first.get("message", "")
        elif any(o.get("status") == "reference" for o in outcomes):
            entry.status, entry.message = "reference", (
                f"{function} calls nnlib's own implementation of {name}; the exercise is to write it yourself "
                f"(0 points for this exercise)")
        elif all(o.get("status") == "todo" for o in outcomes):
            entry.status, entry.message = "not implemented", "not implemented yet: 0 points"
        else:
            share = points / len(groups)
            position = 0
            for label, cases in groups:
                passed, message = _verdict(exercise, cases, outcomes[position:position + len(cases)])
                position += len(cases)
                entry.groups.append({"label": label, "passed": passed, "points": share if passed else 0.0,
                                     "message": message})
                entry.points += share if passed else 0.0
            entry.message = _public_report(exercise, outcomes[position:])
        entry.points = round(entry.points, 6)
        result.exercises.append(asdict(entry))
        result.score += entry.points
    result.score = round(result.score, 6)
    result.seconds = round(time.perf_counter() - started, 3)
    return result
