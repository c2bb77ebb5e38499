"""Compatibility names for code written against the old single-module engine.

The checks now live in spec.py (Case, Mistake, Exercise, the registry), compare.py (comparison
and answer schemas), calling.py (calling a function on a case -> an answer record), judge.py
(records -> Verdict) and report.py (Verdict -> words). This module re-exports them, plus the
old outcome helpers (`run_case`, `Outcome`) that some tests and chapter 09 still use.
"""
from __future__ import annotations

import contextlib
import copy
import io
import sys
import warnings
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .compare import compare, describe, show, _is_number  # noqa: F401
from .spec import (CALLABLES, EXERCISES, SEED_VARIABLE, Case, Exercise, Mistake,  # noqa: F401
                   argument_function, call_quietly, grading_rng, hidden, register)

PASS, FAIL, ERROR, TODO = "pass", "fail", "error", "not implemented"


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


@contextlib.contextmanager
def _quiet(capture_stdout: bool):
    """Run student code without letting it write to stderr or raise warnings."""
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
    """Call `student` and `reference` on (copies of) the case's arguments and compare."""
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
