"""Chapter 06 (gradient descent): the graded exercise gradient_descent and its checks.

Correct and buggy variants of gradient_descent, momentum_step and adam_step (points earned,
mistake named) are in tests/checks/variants_ch06.py; here: the references, public checks and
hidden cases.
"""
import numpy as np
import pytest

from checks.variants_ch06 import (adam_variant, adam_with_loops, adds_the_step, forgets_w0,
                                  momentum_moves_with_the_old_velocity, momentum_with_loops, not_implemented,
                                  with_a_list)
from nnlib import checks, optim
from nnlib.checks import ch06

EXERCISE = checks.EXERCISES["gradient_descent"]


# ------------------------------------------------------------------ the reference
def test_the_reference_is_nnlibs_and_matches_the_chapters_example():
    assert EXERCISE.reference is optim.gradient_descent
    trajectory = optim.gradient_descent(ch06.exam_mean_grad, 50.0, 0.05, 3, 0.0)
    np.testing.assert_allclose(trajectory, [50.0, 61.4, 68.24, 72.344])
    assert ch06.exam_mean_grad(np.mean(ch06.EXAM)) == 0
    beta = optim.gradient_descent(ch06.linear_regression_grad, [0.0, 0.0], 0.1, 5000, 1e-9)[-1]
    A = np.column_stack([np.ones(8), ch06.STUDY_HUNDREDS])
    np.testing.assert_allclose(beta, np.linalg.lstsq(A, ch06.EXAM, rcond=None)[0], atol=1e-5)


# ------------------------------------------------------------------ public check
def test_public_check_passes_the_reference_and_names_a_mistake(capsys):
    checks.gradient_descent(with_a_list)
    out = capsys.readouterr().out
    assert out.count("✓") == len(EXERCISE.public_cases) and "✗" not in out
    assert "all pass" in out and "decide the grade" in out

    checks.gradient_descent(adds_the_step)
    out = capsys.readouterr().out
    assert "✗ the chapter's example" in out
    assert "expected 61.4, received 38.6" in out
    assert "known mistake: the step is added instead of subtracted" in out
    assert "hint: new w = old w − step" in out
    assert "1 of 7 pass" in out

    checks.gradient_descent(forgets_w0)
    out = capsys.readouterr().out
    assert "has shape (3,)" in out and "expected shape (4,)" in out
    assert "known mistake: the trajectory does not start with w0" in out

    checks.gradient_descent(not_implemented)
    assert "not implemented yet" in capsys.readouterr().out


# ------------------------------------------------------------------ the cases can be sent to the sandbox
def test_hidden_cases_use_only_registered_functions_and_plain_data():
    from autograder import codec

    for k in range(3):
        for label, cases in EXERCISE.hidden_groups(np.random.default_rng(k)):
            for case in cases:
                grad_fn = case.args[0]
                assert grad_fn in checks.CALLABLES.values(), f"{label}: {grad_fn} is not registered"
                arrays = {}
                decoded = codec.decode(codec.encode(tuple(case.args), arrays), arrays)
                assert decoded[0] is grad_fn
                ok, reason = codec.plain_result(EXERCISE.expected(case))
                assert ok, reason


def test_hidden_cases_change_with_the_seed_stay_finite_and_stop_as_labelled():
    def labels(k):
        return [c.label for _, cases in EXERCISE.hidden_groups(np.random.default_rng(k))
                for c in cases]

    assert labels(1) != labels(2)
    for k in range(20):
        groups = EXERCISE.hidden_groups(np.random.default_rng(k))
        for number, (label, cases) in enumerate(groups):
            for case in cases:
                trajectory = EXERCISE.expected(case)
                assert np.all(np.isfinite(trajectory))
                steps, max_steps = len(trajectory) - 1, case.args[3]
                if number in (0, 2):      # tol decides: off-by-one in max_steps cannot matter
                    assert steps < max_steps, f"{label}: {case.label} reached max_steps"
                else:                     # max_steps decides: ignoring tol cannot matter
                    assert steps == max_steps, f"{label}: {case.label} stopped on tol"


# ================================================================== momentum_step and adam_step
MOMENTUM = checks.EXERCISES["momentum_step"]
ADAM = checks.EXERCISES["adam_step"]


# ------------------------------------------------------------------ the references
def test_momentum_and_adam_references_are_nnlibs_and_behave():
    assert MOMENTUM.reference is optim.momentum_step and ADAM.reference is optim.adam_step
    assert not MOMENTUM.may_modify_args and not ADAM.may_modify_args
    params = [(np.array([[1.0, 2.0]]), np.array([0.5, -0.5]))]
    grads = [(np.array([[2.0, -4.0]]), np.array([1.0, 0.0]))]
    # mu = 0 is plain gradient descent
    p, v = optim.momentum_step(params, grads, None, 0.1, mu=0.0)
    np.testing.assert_allclose(p[0][0], [[0.8, 2.4]])
    np.testing.assert_allclose(v[0][1], [-0.1, 0.0])
    # Adam's first step moves every entry with a gradient by lr against its sign
    p, m, s = optim.adam_step(params, grads, None, None, 1, 0.01)
    np.testing.assert_allclose(p[0][0], [[0.99, 2.01]])
    np.testing.assert_allclose(p[0][1], [0.49, -0.5])
    np.testing.assert_allclose(m[0][0], [[0.2, -0.4]])
    np.testing.assert_allclose(s[0][0], [[0.004, 0.016]])
    # the arguments are left unchanged
    np.testing.assert_array_equal(params[0][0], [[1.0, 2.0]])
    with pytest.raises(ValueError, match="mu"):
        optim.momentum_step(params, grads, None, 0.1, mu=1.0)
    with pytest.raises(ValueError, match="t "):
        optim.adam_step(params, grads, None, None, 0, 0.1)
    with pytest.raises(ValueError, match="layer 1: grads"):
        optim.adam_step(params, [(np.zeros((2, 1)), np.zeros(2))], None, None, 1, 0.1)


def test_adam_on_the_chapters_bowl_reaches_least_squares():
    A = np.column_stack([np.ones(8), ch06.STUDY_HUNDREDS])
    exact = np.linalg.lstsq(A, ch06.EXAM, rcond=None)[0]
    params, m, v = [(np.array([[0.0]]), np.array([0.0]))], None, None
    for t in range(1, 5001):
        g = ch06.linear_regression_grad(np.array([params[0][1][0], params[0][0][0, 0]]))
        params, m, v = optim.adam_step(params, [(np.array([[g[1]]]), np.array([g[0]]))],
                                       m, v, t, lr=0.5)
    np.testing.assert_allclose([params[0][1][0], params[0][0][0, 0]], exact, atol=1e-3)


def test_optimizer_public_checks_pass_the_reference_and_name_a_mistake(capsys):
    checks.momentum_step(momentum_with_loops)
    checks.adam_step(adam_with_loops)
    out = capsys.readouterr().out
    assert out.count("✓") == len(MOMENTUM.public_cases) + len(ADAM.public_cases)
    assert "✗" not in out
    checks.momentum_step(momentum_moves_with_the_old_velocity)
    out = capsys.readouterr().out
    assert "✗ the chapter's bowl, first step" in out
    assert "known mistake: the parameters move with the old velocity" in out
    checks.adam_step(adam_variant(correct=False))
    out = capsys.readouterr().out
    assert "known mistake: no bias correction" in out and "hint: divide by 1 − ρᵗ" in out


def test_optimizer_hidden_cases_are_plain_data_and_change_with_the_seed():
    from autograder import codec

    for exercise in (MOMENTUM, ADAM):
        labels = []
        for k in range(3):
            for label, cases in exercise.hidden_groups(np.random.default_rng(k)):
                for case in cases:
                    labels.append(case.label)
                    arrays = {}
                    codec.decode(codec.encode(tuple(case.args), arrays), arrays)
                    ok, reason = codec.plain_result(exercise.expected(case))
                    assert ok, reason
        assert len(set(labels)) > len(labels) // 2
