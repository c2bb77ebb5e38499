"""Chapter 06 (gradient descent): the graded exercise gradient_descent and its checks.

Correct implementations written in different styles earn full points; typical wrong ones lose
exactly the groups they should, with a message that names the mistake.
"""
import numpy as np
import pytest

from nnlib import checks, optim
from nnlib.checks import ch06

EXERCISE = checks.EXERCISES["gradient_descent"]
POINTS = 4


# ------------------------------------------------------------------ correct, in different styles
def with_a_list(grad_fn, w0, lr, max_steps=1000, tol=1e-6):
    w = np.array(w0, dtype=float)
    trajectory = [w.copy()]
    for _ in range(max_steps):
        step = lr * np.asarray(grad_fn(w), dtype=float)
        w = w - step
        trajectory.append(w.copy())
        if np.max(np.abs(step)) < tol:
            break
    return np.array(trajectory)


def preallocated_while_loop(grad_fn, w0, lr, max_steps=1000, tol=1e-6):
    w = np.asarray(w0, dtype=float)
    out = np.empty((max_steps + 1,) + w.shape)
    out[0] = w
    t = 0
    while t < max_steps:
        step = lr * np.asarray(grad_fn(out[t]), dtype=float)
        out[t + 1] = out[t] - step
        t += 1
        if np.all(np.abs(step) < tol):
            break
    return out[:t + 1].copy()


def in_place_with_copies(grad_fn, w0, lr, max_steps=1000, tol=1e-6):
    w = np.array(w0, dtype=float)
    points = [w.copy()]
    steps = 0
    while steps < max_steps:
        step = lr * grad_fn(w)
        w -= step                      # in place, but every recorded point is a copy
        points.append(np.copy(w))
        steps += 1
        if (np.abs(step) < tol).all():
            break
    return np.stack(points).astype(float)


# ------------------------------------------------------------------ typical mistakes
def adds_the_step(grad_fn, w0, lr, max_steps=1000, tol=1e-6):
    w = np.array(w0, dtype=float)
    trajectory = [w.copy()]
    for _ in range(max_steps):
        step = lr * grad_fn(w)
        w = w + step
        trajectory.append(w.copy())
        if np.max(np.abs(step)) < tol:
            break
    return np.array(trajectory)


def forgets_w0(grad_fn, w0, lr, max_steps=1000, tol=1e-6):
    w = np.array(w0, dtype=float)
    trajectory = []
    for _ in range(max_steps):
        step = lr * grad_fn(w)
        w = w - step
        trajectory.append(w.copy())
        if np.max(np.abs(step)) < tol:
            break
    return np.array(trajectory)


def compares_the_gradient(grad_fn, w0, lr, max_steps=1000, tol=1e-6):
    w = np.array(w0, dtype=float)
    trajectory = [w.copy()]
    for _ in range(max_steps):
        grad = grad_fn(w)
        w = w - lr * grad
        trajectory.append(w.copy())
        if np.max(np.abs(grad)) < tol:
            break
    return np.array(trajectory)


def one_step_too_few(grad_fn, w0, lr, max_steps=1000, tol=1e-6):
    w = np.array(w0, dtype=float)
    trajectory = [w.copy()]
    for _ in range(1, max_steps):
        step = lr * grad_fn(w)
        w = w - step
        trajectory.append(w.copy())
        if np.max(np.abs(step)) < tol:
            break
    return np.array(trajectory)


def ignores_tol(grad_fn, w0, lr, max_steps=1000, tol=1e-6):
    w = np.array(w0, dtype=float)
    trajectory = [w.copy()]
    for _ in range(max_steps):
        w = w - lr * grad_fn(w)
        trajectory.append(w.copy())
    return np.array(trajectory)


def records_the_same_array(grad_fn, w0, lr, max_steps=1000, tol=1e-6):
    w = np.array(w0, dtype=float)
    trajectory = [w]
    for _ in range(max_steps):
        step = lr * grad_fn(w)
        w -= step
        trajectory.append(w)
        if np.max(np.abs(step)) < tol:
            break
    return np.array(trajectory)


def uses_the_step_length(grad_fn, w0, lr, max_steps=1000, tol=1e-6):
    w = np.array(w0, dtype=float)
    trajectory = [w.copy()]
    for _ in range(max_steps):
        step = lr * grad_fn(w)
        w = w - step
        trajectory.append(w.copy())
        if np.linalg.norm(step) < tol:
            break
    return np.array(trajectory)


def stops_before_the_tiny_step(grad_fn, w0, lr, max_steps=1000, tol=1e-6):
    w = np.array(w0, dtype=float)
    trajectory = [w.copy()]
    for _ in range(max_steps):
        step = lr * grad_fn(w)
        if np.max(np.abs(step)) < tol:
            break
        w = w - step
        trajectory.append(w.copy())
    return np.array(trajectory)


def returns_a_list(grad_fn, w0, lr, max_steps=1000, tol=1e-6):
    return [np.asarray(p) for p in with_a_list(grad_fn, w0, lr, max_steps, tol)]


def not_implemented(grad_fn, w0, lr, max_steps=1000, tol=1e-6):
    # YOUR CODE HERE
    raise NotImplementedError()


def hidden_points(student, k):
    return EXERCISE.hidden(student, POINTS, rng=np.random.default_rng(k))


# ------------------------------------------------------------------ the reference
def test_the_reference_is_nnlibs_and_matches_the_chapters_example():
    assert EXERCISE.reference is optim.gradient_descent
    trajectory = optim.gradient_descent(ch06.exam_mean_grad, 50.0, 0.05, 3, 0.0)
    np.testing.assert_allclose(trajectory, [50.0, 61.4, 68.24, 72.344])
    assert ch06.exam_mean_grad(np.mean(ch06.EXAM)) == 0
    beta = optim.gradient_descent(ch06.linear_regression_grad, [0.0, 0.0], 0.1, 5000, 1e-9)[-1]
    A = np.column_stack([np.ones(8), ch06.STUDY_HUNDREDS])
    np.testing.assert_allclose(beta, np.linalg.lstsq(A, ch06.EXAM, rcond=None)[0], atol=1e-5)


# ------------------------------------------------------------------ hidden checks: exact points
@pytest.mark.parametrize("student", [with_a_list, preallocated_while_loop, in_place_with_copies])
@pytest.mark.parametrize("k", range(3))
def test_correct_implementations_earn_full_points(student, k, capsys):
    assert hidden_points(student, k) == POINTS
    assert "✗" not in capsys.readouterr().out


@pytest.mark.parametrize("student, expected, mistake", [
    (adds_the_step, 0.0, "the step is added instead of subtracted"),
    (forgets_w0, 0.0, "the trajectory does not start with w0"),
    (compares_the_gradient, 2.0, "the gradient, not the step, is compared with tol"),
    (one_step_too_few, 2.0, "one step too few"),
    (ignores_tol, 2.0, "tol is ignored"),
    (records_the_same_array, 0.0, "the same array is recorded again and again"),
    (uses_the_step_length, 3.0, "the length of the step is compared with tol"),
    (stops_before_the_tiny_step, 2.0, "the last, tiny step is not taken"),
])
@pytest.mark.parametrize("k", range(3))
def test_typical_mistakes_lose_the_expected_points_and_are_named(student, expected, mistake, k,
                                                                 capsys):
    assert hidden_points(student, k) == expected
    out = capsys.readouterr()
    assert f"known mistake: {mistake}" in out.out
    assert out.err == ""


@pytest.mark.parametrize("student", [returns_a_list, not_implemented])
def test_wrong_types_and_unfinished_work_earn_nothing(student, capsys):
    assert hidden_points(student, 0) == 0.0
    assert capsys.readouterr().err == ""


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
