"""Chapter 03 (activation functions): the checks of its five graded exercises.

Correct and buggy variants of every graded function (points earned, mistake named) are in
tests/checks/variants_ch03.py. Here: unfinished and hard-coded work, the hidden cases, and the
public checks' output, including the note on NumPy overflow warnings.
"""
import warnings

import numpy as np
import pytest

from checks.variants_ch03 import VARIANTS, f, sigmoid_direct, sigmoid_ratio, softmax_naive
from nnlib import activations, checks

POINTS = {"sigmoid": 2, "sigmoid_prime": 2, "tanh_prime": 1, "relu": 1, "relu_prime": 2}


def hidden(name, student, points, seed):
    return checks.EXERCISES[name].hidden(student, points, rng=np.random.default_rng(seed))


# ------------------------------------------------------------------ hidden checks
def test_each_exercise_has_at_least_three_named_mistakes_and_two_correct_versions():
    for name in POINTS:
        labelled = {v.mistake for v in VARIANTS if v.exercise == name and v.mistake}
        assert len(labelled) >= 3, name
        assert len([v for v in VARIANTS if v.exercise == name and v.fraction == 1.0]) >= 2, name
        assert len(checks.EXERCISES[name].mistakes) >= 3, name


def test_not_implemented_earns_nothing():
    def todo(Z):
        raise NotImplementedError()

    for name, points in POINTS.items():
        assert hidden(name, todo, points, 0) == 0.0


def test_hard_coding_the_public_examples_earns_nothing():
    for name, points in POINTS.items():
        exercise = checks.EXERCISES[name]
        table = {str(np.asarray(c.args[0]).tolist()): exercise.expected(c) for c in exercise.public_cases}

        def hard_coded(Z):
            return table.get(str(np.asarray(Z).tolist()), np.zeros(np.shape(Z)))

        assert hidden(name, hard_coded, points, 3) == 0.0


# ------------------------------------------------------------------ registry and data
def test_registry_entries_are_nnlib_references_with_plain_data():
    for name in POINTS:
        exercise = checks.EXERCISES[name]
        assert exercise.reference is getattr(activations, name)
        groups = exercise.hidden_groups(np.random.default_rng(0))
        labels = [label for label, _ in groups]
        assert "large |Z| (up to 1000)" in labels and len(groups) == 4
        for case in list(exercise.public_cases) + [c for _, cs in groups for c in cs]:
            (Z,) = case.args
            assert isinstance(Z, np.ndarray) and Z.dtype.kind in "if"
            assert exercise.compare(exercise.expected(case), exercise.expected(case)) == ""
        large = dict(groups)["large |Z| (up to 1000)"]
        assert max(np.abs(c.args[0]).max() for c in large) > 700


def test_hidden_cases_are_reproducible_from_the_seed():
    for name in POINTS:
        groups = checks.EXERCISES[name].hidden_groups
        a, b = groups(np.random.default_rng(7)), groups(np.random.default_rng(7))
        assert [c.label for _, cs in a for c in cs] == [c.label for _, cs in b for c in cs]


# ------------------------------------------------------------------ public checks
@pytest.mark.parametrize("name", sorted(POINTS))
def test_public_check_passes_the_reference_quietly(name, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        getattr(checks, name)(getattr(activations, name))
    out = capsys.readouterr()
    assert "✗" not in out.out and "Note:" not in out.out and out.err == ""
    assert "decide the grade" in out.out


def test_public_check_notes_the_overflow_warning_of_the_direct_sigmoid(capsys):
    checks.sigmoid(sigmoid_direct)
    out = capsys.readouterr()
    assert "✗" not in out.out and "all pass" in out.out
    assert "Note: on Z = [-1000, -50, -1, 0, 1, 50, 1000] your sigmoid made NumPy warn: " \
           "'overflow encountered in exp'." in out.out
    assert "so no points are lost" in out.out
    assert "np.where(Z >= 0, 1 / (1 + E), E / (1 + E))" in out.out
    assert out.err == ""


def test_public_check_names_the_overflow_mistake_of_the_ratio_form(capsys):
    checks.sigmoid(sigmoid_ratio)
    out = capsys.readouterr().out
    assert "✗ large |Z|: Z = [-1000, -50, 50, 1000]" in out
    assert "expected 1, received nan" in out
    assert "(this looks like a known mistake: overflow in exp for large |z|)" in out
    assert "the result contains nan or inf: that loses the hidden group 'large |Z| (up to 1000)'" in out
    assert "3 of 4 pass" in out


def test_public_check_of_relu_prime_explains_the_convention_at_zero(capsys):
    checks.relu_prime(lambda Z: (f(Z) >= 0).astype(float))
    out = capsys.readouterr().out
    assert "✗ the convention at 0: relu_prime([0]) = [0]" in out
    assert "expected 0, received 1" in out
    assert "known mistake: wrong at 0: returns 1 at z = 0" in out
    assert "hint: nnlib's convention is relu_prime(0) = 0: use Z > 0, not Z >= 0" in out
    assert "1 of 4 pass" in out


def test_public_check_of_sigmoid_prime_recognises_the_lectures_difsigmoid_trap(capsys):
    checks.sigmoid_prime(lambda Z: f(Z) * (1 - f(Z)))
    out = capsys.readouterr().out
    assert "known mistake: the formula is applied to z instead of σ(z): Z (1 − Z)" in out


def test_public_checks_say_not_implemented_without_a_note(capsys):
    def todo(Z):
        raise NotImplementedError()

    for name in POINTS:
        getattr(checks, name)(todo)
    out = capsys.readouterr().out
    assert out.count("is not implemented yet") == len(POINTS)
    assert "Note:" not in out and "Traceback" not in out


# ------------------------------------------------------------------ softmax (row by row)
SOFTMAX_POINTS = 2


def test_softmax_exercise_declaration():
    exercise = checks.EXERCISES["softmax"]
    assert exercise.reference is activations.softmax
    assert exercise.answer_keys == ("nnlib.activations.softmax",)
    assert len(exercise.mistakes) >= 3
    groups = exercise.hidden_groups(np.random.default_rng(0))
    assert len(groups) >= 3
    large = dict(groups)["large logits (up to ±1000)"]
    assert max(np.abs(c.args[0]).max() for c in large) > 700
    for case in [c for _, cs in groups for c in cs]:
        P = exercise.expected(case)
        assert np.all(np.isfinite(P)) and np.allclose(P.sum(axis=1), 1.0)
    again = exercise.hidden_groups(np.random.default_rng(0))
    assert [c.label for _, cs in groups for c in cs] == [c.label for _, cs in again for c in cs]


def test_softmax_public_check_names_the_overflow(capsys):
    checks.softmax(softmax_naive)
    out = capsys.readouterr().out
    assert "✗ large logits: Z = [[1000, 999, 998]]" in out
    assert "known mistake: overflow: the row maximum is not subtracted" in out
    assert "3 of 4 pass" in out


def test_softmax_hard_coding_the_public_examples_earns_nothing():
    exercise = checks.EXERCISES["softmax"]
    table = {str(np.asarray(c.args[0]).tolist()): exercise.expected(c) for c in exercise.public_cases}

    def hard_coded(Z):
        return table.get(str(np.asarray(Z).tolist()), np.zeros(np.shape(Z)))

    assert hidden("softmax", hard_coded, SOFTMAX_POINTS, 3) == 0.0


def test_softmax_jacobian_matches_finite_differences():
    """The chapter's derivation: ∂p_i/∂z_j = p_i (δ_ij − p_j), checked numerically."""
    z = np.array([0.3, -1.2, 2.0, 0.5])
    p = activations.softmax(z)
    J = np.diag(p) - np.outer(p, p)
    h = 1e-6
    numerical = np.column_stack([(activations.softmax(z + h * e) - activations.softmax(z - h * e))
                                 / (2 * h) for e in np.eye(4)])
    assert np.allclose(J, numerical, atol=1e-8)
    assert np.allclose(activations.softmax_prime(z[None])[0], J)
