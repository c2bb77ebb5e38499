"""Self-checks for the exercises: public checks for students, hidden checks for the grader.

    from nnlib import checks
    checks.neuron_output(neuron_output)                   # public: prints ✓/✗ per example
    checks.hidden.neuron_output(neuron_output, points=2)  # hidden: returns the points earned

spec.py declares exercises (Case, Mistake, Exercise, register), compare.py compares answers
(and holds the answer schemas Pair, Cache, ListOf, ...), calling.py calls a function on a case
(an answer record, importing nothing from nnlib), judge.py turns records into a Verdict and
report.py a Verdict into words; chNN.py registers chapter NN's exercises. Every registered exercise `name` is available
as `checks.name(student_function)`, its public check.
"""
import importlib
import pkgutil

from .compare import (Array, Cache, ListOf, Labelled, Mask, Number, Pair, Unchecked, Value,  # noqa: F401
                      compare, describe, show)
from .engine import ERROR, FAIL, PASS, TODO, Outcome, run_case  # noqa: F401
from .spec import (CALLABLES, EXERCISES, SEED_VARIABLE, Case, Exercise, Mistake,  # noqa: F401
                   argument_function, grading_rng, hidden, register)
from . import calling, judge, report  # noqa: F401,E402

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("ch") and m.name[2:].isdigit()):
    importlib.import_module(f"{__name__}.{_module}")


def __getattr__(name):
    """checks.<exercise>(student_function): the public check of a registered exercise."""
    if name in EXERCISES:
        return EXERCISES[name].public
    raise AttributeError(f"nnlib.checks has no check called {name!r}; known: {', '.join(sorted(EXERCISES))}")


def __dir__():
    return sorted(list(globals()) + list(EXERCISES))
