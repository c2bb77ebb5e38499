"""Self-checks for the exercises: public checks for students, hidden checks for the grader.

    from nnlib import checks
    checks.neuron_output(neuron_output)                   # public: prints ✓/✗ per example
    checks.hidden.neuron_output(neuron_output, points=2)  # hidden: returns the points earned

engine.py holds the machinery (Case, Exercise, Mistake, register, compare, hidden);
chNN.py registers chapter NN's exercises. Every registered exercise `name` is available
as `checks.name(student_function)`, its public check.
"""
import importlib
import pkgutil

from .engine import (ERROR, EXERCISES, FAIL, PASS, SEED_VARIABLE, TODO, Case, Exercise, Mistake,  # noqa: F401
                     Outcome, compare, describe, show,
                     CALLABLES, argument_function, grading_rng, hidden, register, run_case)

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("ch")):
    importlib.import_module(f"{__name__}.{_module}")


def __getattr__(name):
    """checks.<exercise>(student_function): the public check of a registered exercise."""
    if name in EXERCISES:
        return EXERCISES[name].public
    raise AttributeError(f"nnlib.checks has no check called {name!r}; known: {', '.join(sorted(EXERCISES))}")


def __dir__():
    return sorted(list(globals()) + list(EXERCISES))
