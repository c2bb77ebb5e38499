"""Chapter 05 (loss functions): the graded exercises' checks.

Correct and buggy variants (points earned, mistake named) are in tests/checks/variants_ch05.py;
here: the group with p exactly 0 and 1, the public checks' words, and the derivations."""
import numpy as np
import pytest

from checks.variants_ch05 import (bce_grad_no_n, bce_grad_unclipped, bce_unclipped, ce_grad_formula,
                                  half_sse_no_half)
from nnlib import checks, losses

def hidden_points(name, student, points, seed):
    return checks.EXERCISES[name].hidden(student, points, rng=np.random.default_rng(seed))


def test_unclipped_cross_entropy_fails_only_the_group_with_p_0_and_1(capsys):
    hidden_points("binary_cross_entropy", bce_unclipped, 2, 3)
    failed = [line for line in capsys.readouterr().out.splitlines() if line.lstrip().startswith("✗")]
    assert len(failed) == 1 and "p exactly 0 and 1" in failed[0]


def test_hidden_groups_include_p_exactly_0_and_1():
    groups = dict(checks.EXERCISES["binary_cross_entropy"].hidden_groups(np.random.default_rng(5)))
    edge = groups["p exactly 0 and 1 (clipping)"]
    values = np.concatenate([np.ravel(case.args[0]) for case in edge])
    assert (values == 0).any() and (values == 1).any()
    for case in edge:   # the reference stays finite there
        assert np.isfinite(losses.binary_cross_entropy(*case.args))
        assert np.isfinite(losses.binary_cross_entropy_grad(*case.args)).all()


def test_public_check_names_the_mistake_and_shows_expected_and_received(capsys):
    checks.half_sse(half_sse_no_half)
    out = capsys.readouterr().out
    assert "✗ one example: y_hat = [[3]], y = [[1]]" in out
    assert "expected 2, received 4" in out
    assert "known mistake: the ½ is missing" in out
    assert "hint: C = Σ ½ (y_hat − y)²: multiply the sum of squares by 0.5" in out
    assert "decide the grade" in out

    checks.binary_cross_entropy(bce_unclipped)
    out = capsys.readouterr().out
    assert "✗ certain and wrong: p = [[0], [1]], y = [[1], [0]]" in out
    assert "known mistake: p is not clipped" in out
    assert "✓ the chapter's four days" in out

    checks.binary_cross_entropy_grad(bce_grad_no_n)
    out = capsys.readouterr().out
    assert "known mistake: the 1/N is missing" in out
    assert "✓ one example: p = [[0.8]], y = [[1]]" in out     # N = 1 hides the mistake there


def test_public_cases_match_the_chapter_numbers():
    study = checks.EXERCISES["half_sse"].public_cases[2]
    assert round(losses.half_sse(*study.args), 2) == 1215.84
    days = checks.EXERCISES["binary_cross_entropy"].public_cases[2]
    assert round(losses.binary_cross_entropy(*days.args), 3) == 0.959


def test_checks_write_nothing_to_stderr(capsys):
    for name, student in (("half_sse", half_sse_no_half), ("binary_cross_entropy", bce_unclipped),
                          ("binary_cross_entropy_grad", bce_grad_unclipped)):
        getattr(checks, name)(student)
        hidden_points(name, student, 2, 0)
    assert capsys.readouterr().err == ""


# ------------------------------------------------------------------ softmax_cross_entropy_grad
def test_softmax_ce_grad_is_the_derivative_of_the_mean_cost():
    """∂C/∂Z = (P − Y)/n, checked by finite differences on the chapter's logits."""
    Z = np.array([[2.0, 1.0, -1.0], [0.5, 0.0, 3.0]])
    Y = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    h = 1e-6
    numerical = np.zeros_like(Z)
    for index in np.ndindex(Z.shape):
        step = np.zeros_like(Z)
        step[index] = h
        numerical[index] = (losses.softmax_cross_entropy(Z + step, Y)
                            - losses.softmax_cross_entropy(Z - step, Y)) / (2 * h)
    assert np.allclose(losses.softmax_cross_entropy_grad(Z, Y), numerical, atol=1e-8)
    big = losses.softmax_cross_entropy_grad(np.array([[1000.0, 0.0, -1000.0]]),
                                            np.array([[0.0, 0.0, 1.0]]))
    assert np.allclose(big, [[1.0, 0.0, -1.0]])


def test_softmax_ce_grad_declaration():
    exercise = checks.EXERCISES["softmax_cross_entropy_grad"]
    assert exercise.answer_keys == ("nnlib.losses.softmax_cross_entropy_grad",)
    assert len(exercise.mistakes) >= 3
    groups = exercise.hidden_groups(np.random.default_rng(2))
    assert len(groups) >= 3
    for _, cases in groups:
        for case in cases:
            Z, Y = case.args
            assert Z.shape == Y.shape and np.all(Y.sum(axis=1) == 1)
            assert np.all(np.isfinite(exercise.expected(case)))
    checks.softmax_cross_entropy_grad(ce_grad_formula)


def test_softmax_ce_grad_hard_coding_earns_nothing():
    exercise = checks.EXERCISES["softmax_cross_entropy_grad"]
    table = {str(np.asarray(c.args[0]).tolist()): exercise.expected(c) for c in exercise.public_cases}

    def hard_coded(Z, y):
        return table.get(str(np.asarray(Z).tolist()), np.zeros(np.shape(Z)))

    assert hidden_points("softmax_cross_entropy_grad", hard_coded, 2, 4) == 0.0


# ------------------------------------------------------------------ the three-class data
def test_spirals_are_balanced_reproducible_and_checked():
    from nnlib import datasets

    X, y = datasets.spirals(n=301, classes=3, seed=4)
    assert X.shape == (301, 2) and y.shape == (301,) and y.dtype.kind == "i"
    assert sorted(np.bincount(y).tolist()) == [100, 100, 101]
    X2, y2 = datasets.spirals(n=301, classes=3, seed=4)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    assert np.abs(X).max() < 1.5
    clean, labels = datasets.spirals(n=90, classes=3, noise=0.0, seed=0)
    radii = np.hypot(*clean.T)
    assert radii.min() >= 0.05 - 1e-12 and radii.max() <= 1.0 + 1e-12
    for bad in ({"classes": 1}, {"classes": 2.5}, {"n": 2, "classes": 3}, {"noise": -1}):
        with pytest.raises(ValueError):
            datasets.spirals(**bad)
