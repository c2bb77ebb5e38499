"""Grade one submitted chapter notebook: hidden checks in a sandbox, verdicts computed here.

    result = grade_notebook(path, assignment="02-the-neuron", student="ada")

1. Read the submission (a broken or empty file, or one that is not a notebook, scores 0
   with a message; nothing is raised). A notebook of another chapter is refused with a
   message naming the chapter it looks like, unless `force_assignment`.
2. Look up the assignment's graded exercises in its *source* notebook (solutions/, parsed
   once per run): each test cell's grade_id, points, and the
   `checks.hidden.<exercise>(<function>, ...)` call in it. The submission's own test cells,
   points and metadata are ignored, so deleting, editing or re-pointing them changes nothing.
3. Draw the hidden cases from a seed that hashes the course secret, the student, the
   assignment and the submission's code: a resubmission sees new inputs, a regrade of the
   same file the same ones.
4. Run the submission's other code cells and call each graded function in the sandbox
   (sandbox.py), against a copy of nnlib without the chapter's answer keys
   (gradingcopy.py); compare what came back with nnlib's reference *here*; each group of
   cases earns its share of the exercise's points.
5. Name typical mistakes (a wrong answer that equals a known buggy variant's answer) and show
   expected vs received on the public example, never the hidden inputs.

An exception raised here is a bug of the grader, never the student's doing: the caller
records it as a grader error (not cached as graded).
"""
import ast
import hashlib
import inspect
import json
import os
import re
import time
import types
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from . import gradingcopy, protocol, sandbox

ROOT = Path(__file__).resolve().parent.parent
HIDDEN_CALL = re.compile(r"checks\.hidden\.(\w+)\(\s*(\w+)")
MAGIC_LINE = re.compile(r"^\s*[%!]")
MAX_CELLS = 2000
MAX_SOURCE = 2_000_000


@dataclass
class ExerciseResult:
    """The verdict on one graded function."""

    name: str
    grade_id: str
    points: float
    max_points: float
    status: str                      # graded, missing, timeout, crashed, not implemented, not graded
    groups: list = field(default_factory=list)    # [{"label", "passed", "points", "message", "hint", "notes"}]
    message: str = ""
    text: str = ""                   # the judge's report, the words the hidden check prints in the notebook


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
    sandbox: str = ""                # the isolation level: bubblewrap, namespaces or process
    code_sha256: str = ""

    def to_json(self):
        return asdict(self)


# ---------------------------------------------------------------- the assignment's exercises
def graded_exercises(source_notebook):
    """[(grade_id, points, exercise, function)] from the source notebook's test cells."""
    return load_plan(source_notebook).exercises


@dataclass
class Plan:
    """What a source notebook says about grading: parsed once per run (see load_plan)."""

    source: Path
    exercises: list                   # [(grade_id, points, exercise, function)]
    test_sources: set
    solution_ids: set                 # grade_ids of the source's solution cells


_plans = {}


def load_plan(source_notebook):
    """The Plan of a source notebook, cached by path and modification time."""
    source = Path(source_notebook)
    key = (str(source.resolve()), source.stat().st_mtime_ns)
    if key not in _plans:
        nb = json.loads(source.read_text(encoding="utf-8"))
        exercises, tests, solutions = [], set(), set()
        for cell in nb["cells"]:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            text = "".join(cell["source"])
            if meta.get("solution") and meta.get("grade_id"):
                solutions.add(meta["grade_id"])
            if cell["cell_type"] != "code" or not meta.get("grade") or meta.get("solution"):
                continue
            tests.add(text.strip())
            for exercise, function in HIDDEN_CALL.findall(text):
                exercises.append((meta["grade_id"], float(meta.get("points", 0)), exercise, function))
        _plans[key] = Plan(source, exercises, tests, solutions)
    return _plans[key]


def source_notebook(assignment, solutions=ROOT / "solutions"):
    """The assignment's single source notebook, solutions/NN-slug/*.ipynb."""
    folder = Path(solutions) / assignment
    notebooks = sorted(folder.glob("*.ipynb"))
    if len(notebooks) != 1:
        raise ValueError(f"expected one notebook in {folder}, found {len(notebooks)}")
    return notebooks[0]


def grading_seed(student, assignment, secret=None, code=""):
    """The seed of one attempt's hidden cases: a hash of (secret, student, assignment, code).

    `code` is the hash of the submission's code cells, so a resubmission gets new inputs
    and a regrade of the same file the same ones."""
    if secret is None:
        from . import secret as _secret

        secret = _secret.load()[0]
    digest = hashlib.sha256(f"{secret}\0{student}\0{assignment}\0{code}".encode()).hexdigest()
    return int(digest[:12], 16)


# ---------------------------------------------------------------- the submission's code
def _text(source):
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(s, str) for s in source):
        return "".join(source)
    return None


def read_submission(path):
    """(notebook dict, problem): the parsed notebook, or None and a sentence saying why not."""
    raw = Path(path).read_bytes()
    if not raw.strip():
        return None, "the file is empty"
    try:
        nb = json.loads(raw.decode("utf-8", errors="replace"))
    except (ValueError, RecursionError) as exc:
        return None, f"the file is not valid notebook JSON ({exc.__class__.__name__}: {str(exc)[:120]})"
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return None, "the file is JSON but not a Jupyter notebook (no list of cells)"
    return nb, ""


def _nbgrader_meta(cell):
    meta = cell.get("metadata")
    meta = meta.get("nbgrader") if isinstance(meta, dict) else None
    return meta if isinstance(meta, dict) else {}


def submission_cells(path, test_sources, nb=None):
    """(code cells to run, problem): every code cell except test cells.

    A cell is a test cell if nbgrader's metadata says so, if its text equals a test cell of
    the source, or if it calls the hidden checks. Lines of IPython magic (%..., !...) are
    commented out: the sandbox runs plain Python. Cells of unexpected types (a source that
    is a number, metadata that is text) are skipped and counted in `problem`."""
    if nb is None:
        nb, problem = read_submission(path)
        if nb is None:
            return None, problem
    cells, odd = [], 0
    for index, cell in enumerate(nb["cells"][:MAX_CELLS]):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = _text(cell.get("source", ""))
        if source is None or len(source) > MAX_SOURCE:
            odd += 1
            continue
        meta = _nbgrader_meta(cell)
        is_test = (meta.get("grade") is True and not meta.get("solution")) or source.strip() in test_sources \
            or "checks.hidden" in source or "BEGIN HIDDEN TESTS" in source
        if is_test:
            continue
        lines = [("# " + line if MAGIC_LINE.match(line) else line) for line in source.splitlines()]
        cells.append((index, "\n".join(lines)))
    note = f"{odd} cell(s) with a malformed source were skipped" if odd else ""
    return cells, note


def code_digest(cells):
    h = hashlib.sha256()
    for _, source in cells:
        h.update(source.encode("utf-8", errors="replace") + b"\0")
    return h.hexdigest()


def other_chapter(nb, plan, assignment):
    """A sentence when the notebook's exercise cells belong to another chapter, else ""."""
    ids = set()
    for cell in nb["cells"][:MAX_CELLS]:
        if isinstance(cell, dict):
            grade_id = _nbgrader_meta(cell).get("grade_id")
            if isinstance(grade_id, str) and _nbgrader_meta(cell).get("solution"):
                ids.add(grade_id)
    if not ids or not plan.solution_ids or ids & plan.solution_ids:
        return ""
    numbers = sorted({i[:2] for i in ids if re.match(r"\d\d-", i)})
    looks = f"chapter {numbers[0]}" if len(numbers) == 1 else "another chapter"
    return (f"this notebook's exercise cells ({', '.join(sorted(ids)[:3])}) are those of {looks}, not of "
            f"{assignment}: grade it as its own chapter, or pass --force-assignment to grade it as {assignment}")


# ---------------------------------------------------------------- what the exercise declarations say
def answer_keys(exercise):
    """Dotted nnlib names that are this exercise's answer key (absent from the sandbox)."""
    keys = getattr(exercise, "answer_keys", None)
    if keys:
        return tuple(keys)
    keys = []
    reference = getattr(exercise, "nnlib_reference", None) or exercise.reference
    module = getattr(reference, "__module__", "") or ""
    name = getattr(reference, "__name__", "") or ""
    if module.startswith("nnlib") and not module.startswith(("nnlib.checks", "nnlib.widgets")) and name:
        keys.append(f"{module}.{name}")
    import nnlib

    if hasattr(nnlib, exercise.name) and callable(getattr(nnlib, exercise.name)):
        keys.append(f"nnlib.{exercise.name}")
    for module_name in ("activations", "layers", "network", "losses", "optim", "gradcheck", "regularization",
                        "normalization", "models", "neuron"):
        module = getattr(nnlib, module_name, None)
        if module is not None and callable(getattr(module, exercise.name, None)):
            keys.append(f"nnlib.{module_name}.{exercise.name}")
    return tuple(dict.fromkeys(keys))


def _handin(exercise):
    """(module, name, source) of the correct implementation to hand to exercises that use it."""
    for key in answer_keys(exercise):
        if key.rsplit(".", 1)[-1] == exercise.name:
            try:
                return gradingcopy.definition_source(key)
            except gradingcopy.AnswerKeyError:
                return None
    return None


def _call_kind(exercise):
    return getattr(exercise, "call", None) or getattr(exercise, "adapter", "") or "plain"


def _budget(exercise, limits):
    """(exercise seconds, call seconds): the declaration's budget when it asks for more than the default."""
    limits = {**sandbox.DEFAULT_LIMITS, **(limits or {})}
    seconds = getattr(exercise, "seconds", None)
    if _call_kind(exercise) == "fit_predict" and not seconds:
        seconds = 300
    if seconds and seconds > sandbox.DEFAULT_LIMITS["exercise_seconds"]:
        return float(seconds), float(seconds)
    return float(limits["exercise_seconds"]), float(limits["call_seconds"])


# ---------------------------------------------------------------- functions passed as arguments
def _function_name(fn):
    from nnlib import checks

    for name, known in checks.CALLABLES.items():
        if known is fn:
            return name
    return f"{getattr(fn, '__module__', '')}.{getattr(fn, '__qualname__', repr(fn))}"


def function_spec(fn, arrays, seen=None):
    """How the child rebuilds an argument function: numpy's or nnlib's by import, the
    grader's own test functions from their source plus the plain globals they read."""
    seen = {} if seen is None else seen
    name = _function_name(fn)
    if name in seen:
        return seen[name]
    module = getattr(fn, "__module__", "") or ""
    if isinstance(fn, np.ufunc) or module.startswith("numpy") or (
            module.startswith("nnlib") and not module.startswith(("nnlib.checks", "nnlib.widgets"))):
        spec = {"name": name, "module": "numpy" if isinstance(fn, np.ufunc) else module,
                "attribute": fn.__name__ if isinstance(fn, np.ufunc) else fn.__qualname__}
        seen[name] = spec
        return spec
    source = inspect.getsource(fn)
    tree = ast.parse(inspect.cleandoc(source) if source.startswith((" ", "\t")) else source)
    node = tree.body[0]
    node.decorator_list = []
    spec = {"name": name, "function": fn.__name__, "source": ast.unparse(node), "globals": {}}
    seen[name] = spec
    code_names = set()

    def collect(code):
        code_names.update(code.co_names)
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                collect(const)

    collect(fn.__code__)
    for global_name in sorted(code_names):
        if global_name not in fn.__globals__:
            continue
        value = fn.__globals__[global_name]
        if isinstance(value, types.ModuleType):
            spec["globals"][global_name] = ["module", value.__name__]
        elif callable(value) and not isinstance(value, type):
            spec["globals"][global_name] = ["function", function_spec(value, arrays, seen)]
        else:
            try:
                spec["globals"][global_name] = ["value", protocol.encode(value, arrays)]
            except protocol.BadValue:
                pass
    return spec


def _functions_in(value, found):
    if isinstance(value, (list, tuple)):
        for v in value:
            _functions_in(v, found)
    elif isinstance(value, dict):
        for v in value.values():
            _functions_in(v, found)
    elif callable(value) and not isinstance(value, (np.ndarray, type)):
        found.append(value)
    return found


# ---------------------------------------------------------------- verdicts (nnlib.checks.judge: the same words everywhere)
def _exercise_entry(exercise, grade_id, points, function, groups, records):
    """ExerciseResult (as a dict) from the sandbox's records of the hidden and public cases."""
    from nnlib.checks import judge, report

    entry = ExerciseResult(exercise.name, grade_id, 0.0, points, "graded")
    first = records[0] if records else {"status": "crashed", "message": "no result"}
    if first.get("status") == "missing":
        entry.status, entry.message = "missing", (
            f"the notebook never defines a function called {function}: keep the exercise cell's "
            f"`def {function}(...)` line and run it")
        return asdict(entry)
    stopped = records[-1] if records and records[-1].get("status") in ("timeout", "crashed") else None
    answered = [r for r in records if r.get("status") not in ("timeout", "crashed")]
    hidden_count = sum(len(cases) for _, cases in groups)
    hidden, public = answered[:hidden_count], answered[hidden_count:]
    own = [r.get("own") for r in hidden]
    own = own if own and all(isinstance(o, dict) for o in own) else None
    verdict = judge.verdict(exercise, groups, hidden, points,
                            public_records=public if len(public) == len(exercise.public_cases) else None,
                            own_records=own)
    words = report.feedback(verdict)
    entry.points = round(verdict.points, 6)
    entry.status = verdict.status
    entry.groups = [{"label": g["label"], "passed": g["passed"], "points": g["points"], "message": g["text"],
                     "hint": g["hint"], "notes": g["notes"]} for g in words["groups"]]
    messages = []
    if stopped is not None:
        entry.status = stopped["status"]
        messages.append(stopped.get("message", ""))
    if verdict.public_example and not verdict.public_example.startswith("all ") and stopped is None:
        messages.append(f"Public examples: {verdict.public_example}")
    messages.extend(words["notes"])
    entry.message = " ".join(m for m in messages if m)
    entry.text = words["text"]
    return asdict(entry)


def _not_graded(result, plan, problem, started):
    result.messages.append(f"Not graded: {problem}. Score 0.")
    result.exercises = [asdict(ExerciseResult(ex, gid, 0.0, pts, "not graded", message=problem))
                        for gid, pts, ex, fn in plan.exercises]
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def grade_notebook(path, assignment, student, solutions=ROOT / "solutions", secret=None, limits=None,
                   hide=(), uid=None, force_assignment=False, how=None):
    """Grade `path` for (student, assignment); returns a NotebookResult (never raises for bad input).

    hide and uid are accepted for compatibility and ignored: the sandbox is an allow-list
    and every sandbox gets a uid of its own."""
    from nnlib import checks

    started = time.perf_counter()
    plan = load_plan(source_notebook(assignment, solutions))
    max_score = float(sum(points for _, points, _, _ in plan.exercises))
    result = NotebookResult(student, assignment, Path(path).name, 0.0, max_score, [], 0)
    try:
        nb, problem = read_submission(path)
    except OSError as exc:
        nb, problem = None, f"the file could not be read ({exc.strerror or exc})"
    if nb is None:
        return _not_graded(result, plan, problem, started)
    wrong = "" if force_assignment else other_chapter(nb, plan, assignment)
    if wrong:
        return _not_graded(result, plan, wrong, started)
    cells, note = submission_cells(path, plan.test_sources, nb)
    if note:
        result.messages.append(note)
    result.code_sha256 = code_digest(cells)
    seed = grading_seed(student, assignment, secret, result.code_sha256)
    result.seed = seed

    unknown = [name for _, _, name, _ in plan.exercises if name not in checks.EXERCISES]
    if unknown:        # the course's own mistake: a grader error, never the student's
        raise ValueError(f"{plan.source} calls checks.hidden.{unknown[0]}, but nnlib.checks declares no "
                         f"exercise called {unknown[0]!r}")
    exercises = [checks.EXERCISES[name] for _, _, name, _ in plan.exercises]
    keys = [key for exercise in exercises for key in answer_keys(exercise)]
    copy_dir = gradingcopy.build(keys)
    jobs, groups_of, arrays, specs = [], {}, [], {}
    for number, ((grade_id, points, name, function), exercise) in enumerate(zip(plan.exercises, exercises)):
        rng = np.random.default_rng([seed, number])
        groups = exercise.hidden_groups(rng)
        groups_of[name] = groups
        flat = [case for _, cases in groups for case in cases] + list(exercise.public_cases)
        encoded = []
        for case in flat:
            kwargs = dict(getattr(case, "kwargs", {}) or {})
            for fn in _functions_in((case.args, kwargs), []):
                spec = function_spec(fn, arrays, specs)
                specs.setdefault(spec["name"], spec)
            encoded.append(protocol.encode((tuple(case.args), kwargs), arrays, callable_name=_function_name))
        seconds, call_seconds = _budget(exercise, limits)
        uses = tuple(getattr(exercise, "uses", ()) or ())
        jobs.append(sandbox.ExerciseJob(name, function, encoded, _call_kind(exercise), seconds, call_seconds, uses))
    used = {u for job in jobs for u in job.uses}
    for job, exercise in zip(jobs, exercises):
        if job.name in used:
            job.handin = _handin(exercise)
    run = sandbox.run(cells, jobs, copy_dir, limits=limits, functions=list(specs.values()), arrays=arrays, how=how)
    result.cell_errors, result.output = run.cell_errors, run.output
    result.isolation, result.sandbox = run.isolation, run.level
    result.messages.extend(run.notes)

    for (grade_id, points, name, function), exercise in zip(plan.exercises, exercises):
        entry = _exercise_entry(exercise, grade_id, points, function, groups_of[name], run.results.get(name, []))
        result.exercises.append(entry)
        result.score += entry["points"]
    result.score = round(result.score, 6)
    result.seconds = round(time.perf_counter() - started, 3)
    return result
