"""Every chapter's table of correct and buggy variants (tests/checks/variants_chNN.py), graded by
the in-process hidden check: the points earned (a fraction of the exercise's) and the named mistake."""
import importlib
import pkgutil
import re
from pathlib import Path

import numpy as np
import pytest

from nnlib.checks import EXERCISES

TABLES = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)])
                if re.fullmatch(r"variants_ch\d\d", m.name))
VARIANTS = [(table, v) for table in TABLES
            for v in importlib.import_module(f"{__package__}.{table}").VARIANTS]
IDS = [f"{table[9:]}-{v.id}-{i}" for i, (table, v) in enumerate(VARIANTS)]


def grade(variant, seed):
    exercise = EXERCISES[variant.exercise]
    return exercise.hidden(variant.answer, 1.0, rng=np.random.default_rng(seed))


@pytest.mark.parametrize("table, variant", VARIANTS, ids=IDS)
def test_variant_earns_its_points_and_the_mistake_is_named(table, variant, capsys):
    assert variant.exercise in EXERCISES, f"{table}: no registered exercise {variant.exercise!r}"
    for seed in variant.seeds:
        score = grade(variant, seed)
        out = capsys.readouterr()
        assert type(score) is float
        assert score == pytest.approx(variant.fraction, abs=1e-6), f"seed {seed}:\n{out.out}"
        assert out.err == ""
        if variant.fraction == 1.0:
            assert "✗" not in out.out
        else:
            assert "✗" in out.out
        if variant.mistake is not None:
            assert re.search(r"known mistake: [^\n]*" + re.escape(variant.mistake), out.out), out.out
        for words in variant.says:
            assert words in out.out, out.out


def test_every_table_has_correct_and_buggy_variants_of_each_exercise():
    assert TABLES, "no variants_chNN.py tables found"
    by_exercise = {}
    for _, v in VARIANTS:
        by_exercise.setdefault(v.exercise, []).append(v)
    for name, variants in by_exercise.items():
        assert any(v.fraction == 1.0 for v in variants), f"{name}: no correct variant"
        assert any(v.fraction < 1.0 for v in variants), f"{name}: no buggy variant"


def test_every_graded_exercise_has_a_table():
    """Every exercise a chapter declares (nnlib/checks/chNN.py; tests may register exercises of their
    own), except the capstone (call fit_predict: graded on accuracy, tests/checks/test_ch09.py)."""
    in_tables = {v.exercise for _, v in VARIANTS}
    declared = {name: e for name, e in EXERCISES.items()
                if getattr(e.hidden_groups, "__module__", "").startswith("nnlib.checks.ch")}
    assert len(declared) >= 30, sorted(declared)
    missing = [name for name, e in declared.items()
               if name not in in_tables and getattr(e, "call", "plain") != "fit_predict"]
    assert not missing, f"no correct/buggy variants in tests/checks/variants_chNN.py for {missing}"
