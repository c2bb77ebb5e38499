"""Self-checks for the exercises: public checks for students, hidden checks for the grader.

Every graded exercise in the book follows the same pattern (see DESIGN.md):

    from nnlib import checks
    checks.neuron_output(neuron_output)                   # public: prints ✓/✗ per example
    ### BEGIN HIDDEN TESTS
    checks.hidden.neuron_output(neuron_output, points=2)  # hidden: returns the points earned
    ### END HIDDEN TESTS

Public checks run a few small, fixed examples (the lectures' worked examples among them), print
one line per example and, on failure, what was expected and what was received, with a hint.
They never raise, so a notebook runs top to bottom even with unfinished exercises.

Hidden checks draw fresh random inputs (seeded from the environment variable
``NNLIB_GRADING_SEED`` when it is set, so a grading run can be reproduced), compare the
student's function with nnlib's reference, and return the points earned as a number. nbgrader
gives a test cell whose result is a number that many points, so each *group* of hidden cases
earns its share of the points: partial credit for partially correct work.

Adding the checks for a new exercise: write `nnlib/checks/chNN.py` (see ch02.py) with
`register(Exercise(name, signature, reference, public_cases, hidden_groups, mistakes))`,
where `reference` is nnlib's implementation, `public_cases` a few `Case`s (the lectures'
examples among them), `hidden_groups(rng)` returns [(label, [Case, ...]), ...] of random
cases drawn from `rng` (plain data only: numbers, strings, tuples, lists, arrays, NumPy
functions, so the sandboxed autograder can send them), and `mistakes` are typical wrong
answers (`Mistake(label, hint, wrong)`) recognised in failures. The package imports every
chNN module, and `checks.<name>(student_function)` is then the public check.
"""
from __future__ import annotations

import contextlib
import copy
import io
import numbers
import os
import sys
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np


SEED_VARIABLE = "NNLIB_GRADING_SEED"
PASS, FAIL, ERROR, TODO = "pass", "fail", "error", "not implemented"


# ---------------------------------------------------------------------------- the engine
@dataclass(frozen=True)
class Case:
    """One call of the exercise function: its arguments, a label to show, a hint on failure."""

    args: tuple
    label: str
    hint: str = ""
    kwargs: dict = field(default_factory=dict)


@dataclass
class Outcome:
    """What happened when one case was run: status is pass, fail, error or not implemented."""

    case: Case
    status: str
    message: str = ""
    expected: Any = None
    received: Any = None

    @property
    def passed(self) -> bool:
        return self.status == PASS


def describe(value) -> str:
    """A short description of a value's type, shape and dtype, for messages."""
    if isinstance(value, np.ndarray):
        return f"a NumPy array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, bool):
        return f"a bool ({value})"
    if isinstance(value, np.generic):
        return f"a NumPy scalar of dtype {value.dtype}"
    if isinstance(value, numbers.Number):
        return f"a Python {type(value).__name__}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of length {len(value)}"
    return f"an object of type {type(value).__name__}"


def show(value) -> str:
    """A value written compactly: numbers to 6 significant digits, arrays to 4 decimals."""
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return np.array2string(value, precision=4, suppress_small=True, threshold=20)
    if isinstance(value, (numbers.Number, np.generic)) or (isinstance(value, np.ndarray)):
        try:
            return f"{float(value):.6g}"
        except (TypeError, ValueError):
            return repr(value)
    if callable(value):
        return getattr(value, "__name__", "a function")
    if isinstance(value, tuple):
        return "(" + ", ".join(show(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    return repr(value)


def _is_number(value) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, (numbers.Real, np.integer, np.floating)):
        return True
    return isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf"


def compare(received, expected, rtol=1e-6, atol=1e-9, what="the result") -> str:
    """Return "" when `received` matches `expected`, else a sentence saying what differs.

    Scalars: `received` must be one real number (a Python or NumPy number, or a 0-d array).
    Arrays: `received` must be a NumPy array of the same shape, floating if `expected` is.
    Tuples and lists: compared item by item (a list of (W, b) pairs, say).
    Values are compared with np.allclose(rtol, atol).
    """
    if isinstance(expected, list):
        if not isinstance(received, list) or len(received) != len(expected):
            hint = " (return a list, not a generator)" if hasattr(received, "__next__") else ""
            return f"{what} should be a list of {len(expected)} items; received {describe(received)}{hint}"
        for i, (r, e) in enumerate(zip(received, expected)):
            problem = compare(r, e, rtol, atol, what=f"item {i} of {what}")
            if problem:
                return problem
        return ""
    if isinstance(expected, str):
        if received != expected or type(received) is not str:
            return f"{what} should be the text {expected!r}; received {describe(received)}"
        return ""
    if isinstance(expected, tuple):
        if not isinstance(received, tuple) or len(received) != len(expected):
            return f"{what} should be a tuple of {len(expected)} values; received {describe(received)}"
        for i, (r, e) in enumerate(zip(received, expected)):
            problem = compare(r, e, rtol, atol, what=f"element {i} of {what}")
            if problem:
                return problem
        return ""
    prefix = "" if what == "the result" else f"{what}: "
    if np.ndim(expected) == 0:
        if not _is_number(received):
            return f"{what} should be a single number (a float); received {describe(received)}"
        value = float(received)
        if not np.isfinite(value) and np.isfinite(float(expected)):
            return f"{what} is {value}; expected {show(expected)}"
        if not np.isclose(value, float(expected), rtol=rtol, atol=atol):
            return f"{prefix}expected {show(expected)}, received {show(value)}"
        return ""
    expected = np.asarray(expected)
    if not isinstance(received, np.ndarray):
        return (f"{what} should be a NumPy array of shape {expected.shape}; "
                f"received {describe(received)}")
    if received.shape != expected.shape:
        return (f"{what} has shape {received.shape} (dtype {received.dtype}); "
                f"expected shape {expected.shape}")
    if expected.dtype.kind == "f" and received.dtype.kind not in "f":
        return (f"{what} has dtype {received.dtype}; expected floating point numbers "
                f"(dtype {expected.dtype}), e.g. convert with np.asarray(..., dtype=float)")
    if not np.allclose(received, expected, rtol=rtol, atol=atol, equal_nan=True):
        where = np.argwhere(~np.isclose(received, expected, rtol=rtol, atol=atol, equal_nan=True))
        first = tuple(int(i) for i in where[0])
        return (f"{prefix}{len(where)} of {expected.size} entries differ; at index {first} expected "
                f"{show(expected[first])}, received {show(received[first])}.\n"
                f"expected:\n{show(expected)}\nreceived:\n{show(received)}")
    return ""


@contextlib.contextmanager
def _quiet(capture_stdout: bool):
    """Run student code without letting it write to stderr or raise warnings.

    nbgrader gives a test cell 0 points when it writes anything to stderr, so warnings (e.g. an
    overflow in np.exp) are silenced and stderr goes to stdout (or is captured)."""
    sink = io.StringIO() if capture_stdout else sys.stdout
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        with contextlib.redirect_stderr(sink):
            if capture_stdout:
                with contextlib.redirect_stdout(sink):
                    yield
            else:
                yield


def run_case(student: Callable, reference: Callable, case: Case, rtol=1e-6, atol=1e-9,
             capture_stdout=False, compare_fn=None) -> Outcome:
    """Call `student` and `reference` on (copies of) the case's arguments and compare
    (with `compare_fn(received, expected)` when given, else `compare`)."""
    expected = call_quietly(reference, case)
    try:
        with _quiet(capture_stdout):
            received = student(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
    except NotImplementedError:
        return Outcome(case, TODO, "not implemented yet", expected)
    except Exception as exc:  # the student's code may raise anything: report it, do not crash
        return Outcome(case, ERROR, f"raised {type(exc).__name__}: {exc}", expected)
    problem = compare_fn(received, expected) if compare_fn else compare(received, expected, rtol=rtol, atol=atol)
    return Outcome(case, FAIL if problem else PASS, problem, expected, received)


def call_quietly(function: Callable, case: Case):
    """function(*case.args) on copies of the arguments, with warnings silenced."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return function(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))


def grading_rng() -> np.random.Generator:
    """Random generator for hidden cases: seeded from NNLIB_GRADING_SEED if set, else fresh."""
    seed = os.environ.get(SEED_VARIABLE, "").strip()
    return np.random.default_rng(int(seed) if seed else None)


@dataclass(frozen=True)
class Mistake:
    """A typical wrong answer: `wrong` has the exercise's signature and computes that answer."""

    label: str
    hint: str
    wrong: Callable


@dataclass
class Exercise:
    """Everything the checks need to know about one graded function.

    name           the function students write, e.g. "neuron_output" (also the grade_id's tail)
    signature      how it is called, for messages
    reference      nnlib's implementation, the answer key
    public_cases   small fixed examples for the public check (the lectures' among them)
    hidden_groups  rng -> [(label, [Case, ...]), ...]: random cases, each group one share of
                   the points; arguments must be plain data (numbers, strings, tuples, lists,
                   arrays, or NumPy functions) so an out-of-process grader can send them
    mistakes       typical wrong answers, recognised in failures to give a specific hint
    """

    name: str
    signature: str
    reference: Callable
    public_cases: Sequence[Case]
    hidden_groups: Callable[[np.random.Generator], list]
    mistakes: Sequence[Mistake] = ()
    rtol: float = 1e-6
    atol: float = 1e-9
    answer_keys: tuple = ()          # dotted nnlib names that are this exercise's answer key
    uses: tuple = ()                 # other graded exercises the student's function calls
    call: str = "plain"              # "plain": fn(*args, **kwargs); "fit_predict": see ch09
    seconds: float = 30.0            # wall-clock budget of the whole exercise in the grader
    may_modify_args: bool = False    # False: an answer that changes its input arrays is wrong
    answer: Any = None               # comparison schema (None: `compare` on the value)

    def __post_init__(self):
        if not self.answer_keys:
            module = getattr(self.reference, "__module__", "") or ""
            if module.startswith("nnlib.") and not module.startswith("nnlib.checks"):
                self.answer_keys = (f"{module}.{self.reference.__name__}",)
        self.answer_keys, self.uses = tuple(self.answer_keys), tuple(self.uses)

    def expected(self, case: Case):
        return call_quietly(self.reference, case)

    def compare(self, received, expected) -> str:
        return compare(received, expected, rtol=self.rtol, atol=self.atol)

    def recognise(self, case: Case, received) -> Mistake | None:
        """The known mistake whose answer on `case` equals `received` (and differs from the
        right answer), or None."""
        expected = self.expected(case)
        for mistake in self.mistakes:
            try:
                wrong = call_quietly(mistake.wrong, case)
            except Exception:
                continue
            if self.compare(received, wrong) == "" and self.compare(wrong, expected) != "":
                return mistake
        return None

    def run(self, student: Callable, cases: Sequence[Case], capture_stdout=False) -> list:
        """Run every case; stop early (one TODO outcome) when the function is not implemented."""
        outcomes = []
        for case in cases:
            outcome = run_case(student, self.reference, case, self.rtol, self.atol, capture_stdout,
                               compare_fn=self.compare)
            if outcome.status == FAIL:
                mistake = self.recognise(case, outcome.received)
                if mistake is not None:         # say it on the first line, before any arrays
                    first_line, *rest = outcome.message.split("\n", 1)
                    outcome.message = "\n".join(
                        [f"{first_line} (this looks like a known mistake: {mistake.label})"] + rest)
                    outcome.case = Case(case.args, case.label, mistake.hint, case.kwargs)
            outcomes.append(outcome)
            if outcome.status == TODO:
                break
        return outcomes

    def public(self, student: Callable) -> None:
        """Print a ✓/✗ report of `student` on the public cases. Never raises."""
        outcomes = self.run(student, self.public_cases)
        if outcomes and outcomes[-1].status == TODO:
            print(f"✗ {self.name} is not implemented yet: replace the line "
                  f"`raise NotImplementedError()` in the exercise cell with your code, run that "
                  f"cell, then run this one again.")
            print("These public checks only help you; hidden checks on other inputs decide "
                  "the grade.")
            return None
        print(f"Checking {self.signature} on {len(outcomes)} public examples:")
        for o in outcomes:
            print(f"  {'✓' if o.passed else '✗'} {o.case.label}")
            if not o.passed:
                print(f"      {o.message}")
                if o.case.hint:
                    print(f"      hint: {o.case.hint}")
        passed = sum(o.passed for o in outcomes)
        verdict = "all pass" if passed == len(outcomes) else f"{passed} of {len(outcomes)} pass"
        print(f"{verdict}. These public checks only help you; hidden checks on other inputs "
              f"decide the grade.")
        return None

    def hidden(self, student: Callable, points: float, rng=None) -> float:
        """Grade `student` on fresh random groups of cases; print a report; return the points.

        Each group is worth points / len(groups) and earns them only if all its cases pass."""
        groups = self.hidden_groups(grading_rng() if rng is None else rng)
        share = points / len(groups)
        earned = 0.0
        print(f"Hidden checks for {self.name} ({points:g} points, {len(groups)} groups of "
              f"random cases):")
        for label, cases in groups:
            outcomes = self.run(student, cases, capture_stdout=True)
            failed = [o for o in outcomes if not o.passed]
            if not failed:
                earned += share
                print(f"  ✓ {label}: {len(cases)} cases pass (+{share:g})")
            elif failed[0].status == TODO:
                print(f"  ✗ {label}: {self.name} is not implemented yet")
            else:
                f = failed[0]
                print(f"  ✗ {label}: {len(failed)} of {len(cases)} cases fail; e.g. {f.case.label}: "
                      f"{f.message}")
                if f.case.hint:
                    print(f"      hint: {f.case.hint}")
        earned = round(earned, 6)
        print(f"{self.name}: {earned:g} of {points:g} points")
        return float(earned)


EXERCISES: dict[str, Exercise] = {}


def register(exercise: Exercise) -> Exercise:
    """Add an exercise to the registry used by `hidden` and by the autograder."""
    EXERCISES[exercise.name] = exercise
    return exercise


class _Hidden:
    """checks.hidden.<name>(student_function, points=...) for every registered exercise.

    The call is the last line of an nbgrader test cell, so the points it returns are the
    points nbgrader gives the cell."""

    def __getattr__(self, name: str):
        if name not in EXERCISES:
            raise AttributeError(f"no hidden checks for {name!r}; known: {', '.join(EXERCISES)}")
        exercise = EXERCISES[name]

        def hidden_check(student: Callable, points: float) -> float:
            return exercise.hidden(student, points)

        hidden_check.__name__ = name
        hidden_check.__doc__ = f"Hidden checks for {exercise.signature}; returns the points earned."
        return hidden_check

    def __dir__(self):
        return sorted(EXERCISES)


hidden = _Hidden()


# Functions that hidden cases may pass as arguments (an activation g, a cost's grad_fn, ...).
# The sandboxed autograder sends them by name, so they must be registered module-level functions.
CALLABLES: dict[str, Callable] = {"np.sin": np.sin, "np.cos": np.cos, "np.tanh": np.tanh}


def argument_function(fn: Callable) -> Callable:
    """Decorator: allow hidden cases to pass `fn` (a module-level function) as an argument."""
    CALLABLES[f"{fn.__module__}.{fn.__qualname__}"] = fn
    return fn
