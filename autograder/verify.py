"""Tests of the tests: do the hidden checks catch the bugs a student could make?

    python -m autograder verify            every chapter
    python -m autograder verify 03 07      chapters 03 and 07 (also "3", "ch03", "03-activation-functions")
    python -m autograder verify sigmoid    one exercise, by name
    python -m autograder.verify ...        the same, without the grader's command line

For every registered exercise (nnlib.checks.EXERCISES) it makes mutants of two versions of the right
answer: the exercise's answer key in nnlib (see `target`) and the solution cell of the source
notebook in solutions/ (what students write, see `notebook_solution`). A mutant is a copy with one
small bug (autograder/mutate.py: an operator swapped, a sign flipped, a transpose added or removed,
an axis changed, a term dropped, an index or a range off by one, a constant changed, a comparison
flipped, np.sum for np.mean, a variable for another, the outputs swapped, an input returned).

1. Equivalent mutants are dropped: a mutant that gives the same answer as the reference (compared with
   the exercise's own comparison, arguments included, since some exercises forbid modifying them) on
   the public cases and on the hidden cases drawn with EQUIVALENCE_SEEDS cannot be told apart by any
   test of that kind, so no test is expected to catch it.
2. Every other mutant is graded by the exercise's hidden check (`checks.hidden.<name>(mutant,
   points=1)`, the call the notebooks' test cells make) with the grading seed GRADING_SEED (with
   --seeds K, also the next K - 1 seeds). The mutant is *killed* when it earns less than full
   points (with every seed). A mutant that raises is a bug like any
   other and must be killed; one that runs longer than MUTANT_SECONDS counts as killed (the sandbox
   would stop it).

The report gives, per exercise, killed/total (total = non-equivalent mutants graded) and every
survivor (file:line [kind] original -> mutated; -v also lists the equivalent ones, --json FILE
writes everything); its last line is `mutants: K/N killed`. The exit
status is 1 when a non-equivalent mutant survives (the hidden checks need another case), 2 on a bad
argument, else 0. At most CAP mutants per exercise are graded, chosen deterministically so that every
kind of change present in the function is represented.

Exercises graded by what a trained model predicts (call "fit_predict", the capstone) are skipped:
a mutant of a training loop still trains a model, and whether its accuracy clears the bar says
nothing about the hidden cases.
"""
from __future__ import annotations

import argparse
import ast
import contextlib
import copy
import importlib
import inspect
import io
import json
import os
import re
import signal
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from autograder.mutate import mutants, mutants_of_source, select

GRADING_SEED = 20261130
EQUIVALENCE_SEEDS = tuple(range(1, 9))
CAP = 80                       # per exercise, shared by its two sources
MUTANT_SECONDS = 10.0
FEW = 10                       # fewer non-equivalent mutants than this get a note
ROOT = Path(__file__).resolve().parent.parent


class MutantTimeout(BaseException):
    """Raised inside a mutant that runs too long (a BaseException, so the checks do not catch it)."""


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Stop the block after `seconds` with MutantTimeout (Unix, main thread; otherwise no limit)."""
    usable = hasattr(signal, "setitimer") and _in_main_thread()
    if not usable:
        yield
        return

    def expire(signum, frame):
        raise MutantTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _in_main_thread() -> bool:
    import threading
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def _silenced():
    """No output, no warnings: mutants and the hidden checks' reports are not for the reader."""
    sink = io.StringIO()
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            yield


# ---------------------------------------------------------------------------- what to mutate
def _resolve(dotted: str):
    """nnlib.optim.sgd_step -> the object (None when it does not resolve)."""
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            value = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for part in parts[cut:]:
                value = getattr(value, part)
        except AttributeError:
            return None
        return value
    return None


def target(exercise) -> tuple[Callable, Callable[[Callable], Callable]]:
    """(the function to mutate, how to turn a mutant of it into a student answer).

    Usually the reference itself is an nnlib function: the mutant is the answer. Some references
    are wrappers around the answer key (ch07's minibatches collects nnlib.optim.minibatches's
    batches into a list): then the answer key named in `answer_keys` whose code the wrapper
    carries is mutated, and the answer is the wrapper run with the module's name pointing at the
    mutant for the duration of the call (the reference, called separately by the check, is not
    affected)."""
    reference = exercise.reference
    if inspect.isfunction(reference):
        return reference, lambda mutant: mutant
    code = getattr(reference, "__code__", None)
    for dotted in getattr(exercise, "answer_keys", ()) or ():
        key = _resolve(dotted)
        if inspect.isfunction(key) and (code is None or key.__code__ is code):
            module, name = inspect.getmodule(key), key.__name__
            return key, lambda mutant: _patched_call(reference, module, name, mutant)
    if code is not None:                   # a wrapper carrying an nnlib function's code
        for module_name, module in sorted(sys.modules.items()):
            if not module_name.startswith("nnlib.") or module_name.startswith("nnlib.checks"):
                continue
            for name, value in sorted(vars(module).items()):
                if inspect.isfunction(value) and value.__code__ is code:
                    return value, lambda mutant: _patched_call(reference, module, name, mutant)
    raise LookupError(f"the reference of {exercise.name} ({reference!r}) is not a function with "
                      f"source, and none of its answer_keys {getattr(exercise, 'answer_keys', ())} is")


def _patched_call(reference, module, name, mutant):
    def answer(*args, **kwargs):
        original = getattr(module, name)
        setattr(module, name, mutant)
        try:
            return reference(*args, **kwargs)
        finally:
            setattr(module, name, original)

    answer.__name__ = name
    return answer


_NOTEBOOKS: dict = {}


def _solution_cells() -> list:
    """[(notebook path, grade_id, cell source, import statements)] for solutions/: every code cell
    holding `### BEGIN SOLUTION` (read once per run)."""
    if "cells" not in _NOTEBOOKS:
        found = []
        for path in sorted((ROOT / "solutions").glob("[0-9][0-9]-*/*.ipynb")):
            try:
                cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
            except (OSError, ValueError):      # unreadable (or being written): no solutions from it
                continue
            imports = []
            for cell in cells:
                text = "".join(cell.get("source", [])) if cell.get("cell_type") == "code" else ""
                try:
                    tree = ast.parse(text)
                except SyntaxError:
                    continue
                imports += [ast.unparse(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))
                            and _importable(n)]
            for cell in cells:
                text = "".join(cell.get("source", [])) if cell.get("cell_type") == "code" else ""
                if "BEGIN SOLUTION" in text:
                    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
                    found.append((path, grade_id, text, imports))
        _NOTEBOOKS["cells"] = found
    return _NOTEBOOKS["cells"]


def _importable(statement) -> bool:
    """numpy and nnlib imports (not the widgets): what a solution cell may use."""
    modules = ([a.name for a in statement.names] if isinstance(statement, ast.Import)
               else [statement.module or ""])
    return all((m.split(".")[0] in ("numpy", "nnlib", "math")) and "widgets" not in m for m in modules)


def notebook_solution(exercise, registry: dict):
    """(mutants, the solution, where) for the source notebook's solution of `exercise` (the
    function as students write it), or ([], None, why not). It runs with the notebook's
    numpy/nnlib imports, and the other graded functions it calls (dense_forward in forward, ...)
    are nnlib's correct ones."""
    for path, grade_id, text, imports in _solution_cells():
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        if not any(isinstance(n, ast.FunctionDef) and n.name == exercise.name for n in tree.body):
            continue
        namespace = {"__name__": f"solution of {exercise.name}", "np": np}
        for statement in imports:
            try:
                exec(statement, namespace)
            except Exception:
                pass
        for other in registry.values():
            if other.name != exercise.name and callable(other.reference):
                namespace[other.name] = other.reference
        label = f"{path.name}[{grade_id or exercise.name}]"
        definition = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == exercise.name][-1]
        scope = dict(namespace)
        try:
            found = mutants_of_source(text, exercise.name, label, 1, namespace)
            exec(compile(ast.Module(body=[definition], type_ignores=[]), label, "exec"), scope)
        except Exception as exc:
            return [], None, f"the solution cell in {path.name} does not compile ({type(exc).__name__}: {exc})"
        return found, scope[exercise.name], label
    return [], None, "no solution cell defines it"


def skip_reason(exercise) -> str:
    """Why an exercise is not verified by mutants ("" when it is)."""
    fit_predict = (getattr(exercise, "call", "plain") == "fit_predict"
                   or "FitPredict" in type(exercise).__name__)
    if fit_predict:
        return ("graded by held-out accuracy after training (call fit_predict): a mutant of a "
                "training loop still trains a model, so grading its accuracy tests nothing")
    return ""


# ---------------------------------------------------------------------------- chapters
def chapter_of(exercise) -> str:
    """"07" for an exercise declared in nnlib/checks/ch07.py (else from the notebooks, else "")."""
    for candidate in (exercise.hidden_groups, exercise.reference, exercise):
        module = getattr(candidate, "__module__", "") or ""
        found = re.search(r"\bch(\d\d)\b", module)
        if found:
            return found.group(1)
    pattern = f"checks.hidden.{exercise.name}("
    for notebook in sorted((ROOT / "solutions").glob("[0-9][0-9]-*/*.ipynb")):
        if pattern in notebook.read_text(encoding="utf-8"):
            return notebook.parent.name[:2]
    return ""


def _chapter_key(text: str) -> str | None:
    found = re.fullmatch(r"(?:ch)?(\d{1,2})(?:-[\w-]+)?", text.strip().lower())
    return f"{int(found.group(1)):02d}" if found else None


def choose(words: list, registry: dict) -> list:
    """The exercises named by `words` (chapters or exercise names); all when `words` is empty."""
    if not words:
        return list(registry.values())
    chosen = []
    for word in words:
        if word in registry:
            picked = [registry[word]]
        else:
            chapter = _chapter_key(word)
            if chapter is None:
                raise ValueError(f"{word!r} is neither a chapter (e.g. 03, ch03, 03-activation-functions) "
                                 f"nor an exercise; exercises: {', '.join(sorted(registry))}")
            picked = [e for e in registry.values() if chapter_of(e) == chapter]
            if not picked:
                known = sorted({chapter_of(e) for e in registry.values()} - {""})
                raise ValueError(f"chapter {chapter} has no graded exercises; chapters with "
                                 f"exercises: {', '.join(known)}")
        chosen += [e for e in picked if e not in chosen]
    return chosen


# ---------------------------------------------------------------------------- one exercise
def _compare(exercise, received, expected) -> str:
    compare = getattr(exercise, "compare", None)
    if compare is None:
        from nnlib.checks import compare
        return compare(received, expected)
    return compare(received, expected)


def _outcome(function, case):
    """(result, arguments after the call, None) or (None, None, exception type name)."""
    args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
    try:
        with _silenced():
            result = function(*args, **kwargs)
    except MutantTimeout:
        raise
    except Exception as exc:   # a mutant may raise anything
        return None, None, type(exc).__name__
    return result, args, None


def _arrays(value) -> list:
    """The arrays inside the (nested) arguments, in order: what a function could modify."""
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, (list, tuple)):
        return [a for item in value for a in _arrays(item)]
    if isinstance(value, dict):
        return [a for key in sorted(value, key=str) for a in _arrays(value[key])]
    return []


def _same(exercise, case, reference_outcome, answer) -> bool:
    expected, args_after, ref_error = reference_outcome
    received, answer_args_after, error = _outcome(answer, case)
    if ref_error or error:
        return ref_error == error
    try:
        if _compare(exercise, received, expected):
            return False
        for a, b in zip(_arrays(answer_args_after), _arrays(args_after)):
            if a.shape != b.shape or not np.array_equal(a, b, equal_nan=True):
                return False
    except Exception:
        return False
    return True


def equivalence_cases(exercise) -> list:
    """[(case, the reference's outcome on it)]: the inputs on which a mutant must differ from the
    reference to count (public cases and the hidden groups drawn with the grading seed and every
    seed in EQUIVALENCE_SEEDS), with the reference's answers computed once."""
    cases = list(exercise.public_cases)
    for seed in (GRADING_SEED,) + EQUIVALENCE_SEEDS:
        with _silenced():
            groups = exercise.hidden_groups(np.random.default_rng(seed))
        for _, group in groups:
            cases += list(group)
    return [(case, _outcome(exercise.reference, case)) for case in cases]


def is_equivalent(exercise, answer, cases) -> bool:
    """True when `answer` gives the reference's outcome on every case of equivalence_cases."""
    try:
        with _time_limit(MUTANT_SECONDS):
            return all(_same(exercise, case, outcome, answer) for case, outcome in cases)
    except MutantTimeout:
        return False


def grade(exercise, answer, seed: int = GRADING_SEED) -> float:
    """The fraction of the points the hidden check gives `answer` (checks.hidden.<name>, seeded)."""
    from nnlib import checks
    from nnlib.checks.engine import SEED_VARIABLE
    before = os.environ.get(SEED_VARIABLE)
    os.environ[SEED_VARIABLE] = str(seed)
    try:
        with _silenced(), _time_limit(MUTANT_SECONDS):
            return float(getattr(checks.hidden, exercise.name)(answer, points=1.0))
    except MutantTimeout:
        return 0.0
    finally:
        if before is None:
            os.environ.pop(SEED_VARIABLE, None)
        else:
            os.environ[SEED_VARIABLE] = before


@dataclass
class Result:
    """What verify found for one exercise."""

    name: str
    chapter: str
    skipped: str = ""
    generated: int = 0          # mutants the function has
    equivalent: list = field(default_factory=list)   # dropped: same answers as the reference
    broken: int = 0             # mutants that do not compile into a function
    killed: list = field(default_factory=list)
    survived: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return len(self.killed) + len(self.survived)


def sources(exercise, registry: dict) -> tuple[list, list]:
    """([(where, mutants, the unmutated function, mutant -> answer)], notes): what verify mutates.

    Two versions of the right answer: nnlib's reference (see `target`) and the source notebook's
    solution cell (what students write; often shorter and closer to their bugs)."""
    found, notes = [], []
    try:
        function, as_answer = target(exercise)
        found.append((f"{function.__module__}.{function.__name__}", mutants(function), function, as_answer))
    except (LookupError, OSError, TypeError, SyntaxError) as exc:
        notes.append(f"reference not mutated: {exc}")
    cell_mutants, solution, where = notebook_solution(exercise, registry)
    if solution is None:
        notes.append(f"notebook solution not mutated: {where}")
    else:
        found.append((where, cell_mutants, solution, lambda mutant: mutant))
    return found, notes


def verify_exercise(exercise, cap: int = CAP, registry: dict | None = None, seeds: int = 1) -> Result:
    """Mutants of `exercise`: killed when the hidden check takes points from them with the grading
    seed and with each of the next `seeds` - 1 seeds (a bug that a lucky draw lets through survives)."""
    if registry is None:
        from nnlib.checks import EXERCISES as registry
    result = Result(exercise.name, chapter_of(exercise))
    started = time.perf_counter()
    result.skipped = skip_reason(exercise)
    if result.skipped:
        return result
    found, result.notes = sources(exercise, registry)
    cases = equivalence_cases(exercise)
    usable = []
    for where, source_mutants, function, as_answer in found:
        points = grade(exercise, as_answer(function))
        if points < 1.0 - 1e-9:
            result.notes.append(f"{where} earns {points:.2f} of the points itself: its mutants are not graded")
            continue
        usable.append((source_mutants, as_answer))
        result.generated += len(source_mutants)
    if not usable:
        result.skipped = "nothing to mutate: " + "; ".join(result.notes)
        return result
    for source_mutants, as_answer in usable:
        for mutant in select(source_mutants, max(1, cap // len(usable))):
            try:
                answer = as_answer(mutant.build())
            except Exception:
                result.broken += 1
                continue
            if is_equivalent(exercise, answer, cases):
                result.equivalent.append(mutant)
            elif all(grade(exercise, answer, GRADING_SEED + k) < 1.0 - 1e-9 for k in range(seeds)):
                result.killed.append(mutant)
            else:
                result.survived.append(mutant)
    if result.total < FEW:
        result.notes.append(f"only {result.total} non-equivalent mutants: too few to say much about "
                            f"the hidden checks")
    result.seconds = time.perf_counter() - started
    return result


# ---------------------------------------------------------------------------- the command
def report_line(result: Result) -> str:
    head = f"ch{result.chapter or '??'} {result.name}"
    if result.skipped:
        return f"{head}: skipped: {result.skipped}"
    return (f"{head}: {len(result.killed)}/{result.total} killed "
            f"({len(result.equivalent)} equivalent dropped, {result.generated} generated, "
            f"{result.seconds:.1f} s)")


def run(exercises: list, out=None, cap: int = CAP, verbose=False, seeds: int = 1) -> tuple[list, int]:
    """Verify `exercises`, printing the report to `out`; returns (results, exit status)."""
    out = out or sys.stdout
    results = []
    for exercise in exercises:
        result = verify_exercise(exercise, cap, seeds=seeds)
        results.append(result)
        print(report_line(result), file=out, flush=True)
        for note in result.notes:
            print(f"  note: {note}", file=out)
        for mutant in result.survived:
            print(f"  survived: {mutant}", file=out)
        for mutant in result.equivalent if verbose else ():
            print(f"  equivalent: {mutant}", file=out)
    killed = sum(len(r.killed) for r in results)
    total = sum(r.total for r in results)
    failed = any(r.survived for r in results)
    print(f"mutants: {killed}/{total} killed", file=out, flush=True)
    return results, 1 if failed else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m autograder verify",
        description="Tests of the tests: grade mutants of every exercise's reference with its hidden "
                    "checks; exit status 1 when a non-equivalent mutant survives.")
    parser.add_argument("targets", nargs="*", metavar="CHAPTER",
                        help="chapters (03, ch03, 03-activation-functions) or exercise names; default all")
    parser.add_argument("--seeds", type=int, default=1,
                        help="grade each mutant with this many grading seeds; it must lose points with "
                             "every one of them (default 1)")
    parser.add_argument("--cap", type=int, default=CAP,
                        help=f"at most this many mutants per exercise (default {CAP})")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="also list the mutants dropped as equivalent")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE")
    args = parser.parse_args(argv)
    from nnlib.checks import EXERCISES
    try:
        exercises = choose(args.targets, EXERCISES)
    except ValueError as exc:
        print(f"verify: {exc}", file=sys.stderr)
        return 2
    if args.seeds < 1 or args.cap < 1:
        print("verify: --seeds and --cap must be at least 1", file=sys.stderr)
        return 2
    results, status = run(exercises, cap=args.cap, verbose=args.verbose, seeds=args.seeds)
    if args.json:
        Path(args.json).write_text(json.dumps([
            {"exercise": r.name, "chapter": r.chapter, "skipped": r.skipped, "killed": len(r.killed),
             "total": r.total, "equivalent": [str(m) for m in r.equivalent], "generated": r.generated,
             "survived": [str(m) for m in r.survived]} for r in results], indent=1) + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
