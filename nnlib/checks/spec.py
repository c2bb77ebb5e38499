"""Exercise declarations: Case, Mistake, Exercise, and the registry of exercises.

A chapter's checks (nnlib/checks/chNN.py) declare data only:

    register(Exercise(
        name="dense_forward",                      # the function students write (and grade_id tail)
        signature="dense_forward(A_prev, W, b, activation)",
        reference=layers.dense_forward,            # nnlib's implementation: the answer key
        public_cases=[Case(args, label, hint), ...],
        hidden_groups=lambda rng: [(label, [Case, ...]), ...],
        mistakes=[Mistake(label, hint, wrong), ...],
        answer=Pair(Array("A"), Cache("A_prev", "W", "b", "Z", "activation")),
    ))

Fields (defaults in brackets):
    name, signature, reference, public_cases, hidden_groups, mistakes [()]
    rtol, atol [1e-6, 1e-9]   tolerances of the comparison
    answer [Value()]          how answers are compared: a schema from nnlib.checks.compare
    answer_keys [the reference's nnlib name]  dotted nnlib names that are the answer key; the
                              sandboxed grader's copy of nnlib has them replaced by stubs
    uses [()]                 other graded exercises the student's function calls; while this
                              exercise is graded those names resolve to correct implementations
    call ["plain"]            "plain": fn(*args, **kwargs); "fit_predict": fn(X_train, y_train)
                              returns a model, the answer is model.predict(X_test)
    seconds [30]              wall-clock budget of the whole exercise in the grader
    may_modify_args [False]   False: an answer that changes its input arrays is wrong
    public_note [None]        note(student, exercise) -> str: advice printed after the public
                              check (never about points; see ch03)

Hidden case arguments must be plain data (numbers, strings, tuples, lists, arrays, or functions
registered with `argument_function`) so the sandboxed grader can send them.
Points live only in the notebook's test cell: `checks.hidden.<name>(<function>, points=P)`.
"""
from __future__ import annotations

import copy
import os
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from .compare import Schema, Value

SEED_VARIABLE = "NNLIB_GRADING_SEED"


@dataclass(frozen=True)
class Case:
    """One call of the exercise function: its arguments, a label to show, a hint on failure."""

    args: tuple
    label: str
    hint: str = ""
    kwargs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Mistake:
    """A typical wrong answer: `wrong` has the exercise's signature and computes that answer;
    `label` names it, `hint` says how to fix it."""

    label: str
    hint: str
    wrong: Callable


def call_quietly(function: Callable, case: Case):
    """function(*case.args, **case.kwargs) on copies of the arguments, with warnings silenced."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return function(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))


def grading_rng() -> np.random.Generator:
    """Random generator for hidden cases: seeded from NNLIB_GRADING_SEED if set, else fresh."""
    seed = os.environ.get(SEED_VARIABLE, "").strip()
    return np.random.default_rng(int(seed) if seed else None)


@dataclass
class Exercise:
    """Everything the checks need to know about one graded function (see the module docstring)."""

    name: str
    signature: str
    reference: Callable
    public_cases: Sequence[Case]
    hidden_groups: Callable[[np.random.Generator], list]
    mistakes: Sequence[Mistake] = ()
    rtol: float = 1e-6
    atol: float = 1e-9
    answer_keys: tuple = ()
    uses: tuple = ()
    call: str = "plain"
    seconds: float = 30.0
    may_modify_args: bool = False
    answer: Any = None
    public_note: Callable | None = None

    def __post_init__(self):
        if not self.answer_keys:
            module = getattr(self.reference, "__module__", "") or ""
            if module.startswith("nnlib.") and not module.startswith("nnlib.checks"):
                self.answer_keys = (f"{module}.{self.reference.__name__}",)
        self.answer_keys, self.uses = tuple(self.answer_keys), tuple(self.uses)
        if self.answer is None:
            self.answer = Value()
        if not isinstance(self.answer, Schema):
            raise TypeError(f"{self.name}: answer must be a schema from nnlib.checks.compare "
                            f"(Value, Pair, Cache, ListOf, ...); got {self.answer!r}")
        if self.call not in ("plain", "fit_predict"):
            raise ValueError(f"{self.name}: call must be 'plain' or 'fit_predict'; got {self.call!r}")

    # ------------------------------------------------------------ answers
    def expected(self, case: Case):
        """The reference's answer on `case` (the truth for a fit_predict exercise is its own)."""
        if self.call == "fit_predict":
            from .calling import _fit_predict
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                return _fit_predict(self.reference, copy.deepcopy(case.args), dict(case.kwargs))
        return call_quietly(self.reference, case)

    def compare(self, received, expected) -> str:
        """"" when `received` is right, else a sentence saying what differs."""
        return self.answer.compare(received, expected, self.rtol, self.atol)

    def mistake_answer(self, mistake: Mistake, case: Case):
        """What `mistake` answers on `case`."""
        return call_quietly(mistake.wrong, case)

    def matches(self, mistake: Mistake, case: Case, received, expected) -> bool:
        """True when `received` is what `mistake` answers on `case` (and that answer is wrong)."""
        try:
            wrong = self.mistake_answer(mistake, case)
        except Exception:  # noqa: BLE001 - a mistake that cannot handle this case is not it
            return False
        try:
            if self.compare(wrong, expected) == "":
                return False                       # the mistake gives the right answer here
            if self.compare(received, wrong) == "":
                return True
            key, key_schema = self.answer.key, self.answer.key_schema()
            if key_schema is self.answer:
                return False
            return (key_schema.compare(key(received), key(wrong), self.rtol, self.atol) == ""
                    and key_schema.compare(key(wrong), key(expected), self.rtol, self.atol) != "")
        except Exception:  # noqa: BLE001 - an answer of an unexpected type matches no mistake
            return False

    def recognise(self, case: Case, received) -> Mistake | None:
        """The known mistake whose answer on `case` equals `received` (and differs from the
        right answer), or None."""
        expected = self.expected(case)
        for mistake in self.mistakes:
            if self.matches(mistake, case, received, expected):
                return mistake
        return None

    # ------------------------------------------------------------ checks
    def public(self, student: Callable) -> None:
        """Print a ✓/✗ report of `student` on the public cases. Never raises."""
        from . import judge, report
        print(report.public_text(judge.public(self, student)))
        if self.public_note is not None:
            try:
                note = self.public_note(student, self)
            except Exception:  # noqa: BLE001 - a note is advice; it never breaks the check
                note = ""
            if note:
                print(note)
        return None

    def hidden(self, student: Callable, points: float, rng=None) -> float:
        """Grade `student` on fresh random groups of cases; print a report; return the points.

        Each group is worth points / len(groups) and earns them only if all its cases pass."""
        from . import judge, report
        groups = self.hidden_groups(grading_rng() if rng is None else rng)
        verdict = judge.in_kernel(self, student, groups, points)
        print(report.hidden_text(verdict))
        return float(verdict.points)


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
