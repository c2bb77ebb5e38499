"""A variant: one way of answering a graded exercise, and what the hidden check must make of it.

Each variants_chNN.py holds chapter NN's table `VARIANTS`: correct answers written in different
ways (fraction 1.0) and typical buggy ones (the fraction of the points they keep, and the words
of the mistake the report must name). tests/checks/test_variants.py runs every table.
"""
from dataclasses import dataclass
from typing import Callable, Optional


@dataclass(frozen=True)
class Variant:
    """exercise: a registered exercise's name; answer: the student's function; fraction: of the
    points it earns on every seed; mistake: words the report must name as the known mistake
    (None: no mistake has to be named); seeds: the hidden groups' seeds to grade it with;
    says: other words the report must contain (on every seed)."""

    exercise: str
    answer: Callable
    fraction: float = 1.0
    mistake: Optional[str] = None
    seeds: tuple = (0, 1, 2)
    says: tuple = ()

    @property
    def id(self) -> str:
        name = getattr(self.answer, "__name__", "answer")
        return f"{self.exercise}-{name}"


def correct(exercise: str, *answers, seeds=(0, 1, 2)) -> list:
    """Variants that must earn full points."""
    return [Variant(exercise, answer, 1.0, None, seeds) for answer in answers]
