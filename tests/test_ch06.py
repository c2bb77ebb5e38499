"""Chapter 06 (gradient descent): the graded exercise gradient_descent and its checks.

gradient_descent's correct and buggy variants (points earned, mistake named) are in
tests/checks/variants_ch06.py; here: its reference, public check and hidden cases, and the
momentum_step and adam_step exercises.
"""
import numpy as np
import pytest

from checks.variants_ch06 import adds_the_step, forgets_w0, not_implemented, with_a_list
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
MOMENTUM_POINTS, ADAM_POINTS = 3, 4


# ------------------------------------------------------------------ momentum_step: correct
def momentum_with_loops(params, grads, velocity, lr, mu=0.9):
    if velocity is None:
        velocity = [(np.zeros_like(W, dtype=float), np.zeros_like(b, dtype=float))
                    for W, b in params]
    new_params, new_velocity = [], []
    for (W, b), (dW, db), (vW, vb) in zip(params, grads, velocity):
        vW = mu * vW - lr * dW
        vb = mu * vb - lr * db
        new_params.append((W + vW, b + vb))
        new_velocity.append((vW, vb))
    return new_params, new_velocity


def momentum_flat_arrays(params, grads, velocity, lr, mu=0.9):
    # every array on its own, velocity None handled per array, lists built with comprehensions
    flat_w = [w for layer in params for w in layer]
    flat_g = [g for layer in grads for g in layer]
    flat_v = ([np.zeros(np.shape(w)) for w in flat_w] if velocity is None
              else [v for layer in velocity for v in layer])
    new_v = [mu * v - lr * g for v, g in zip(flat_v, flat_g)]
    new_w = [w + v for w, v in zip(flat_w, new_v)]
    return ([(new_w[i], new_w[i + 1]) for i in range(0, len(new_w), 2)],
            [[new_v[i], new_v[i + 1]] for i in range(0, len(new_v), 2)])


# ------------------------------------------------------------------ momentum_step: mistakes
def momentum_adds_the_gradient(params, grads, velocity, lr, mu=0.9):
    velocity = velocity or [(np.zeros(W.shape), np.zeros(b.shape)) for W, b in params]
    new_v = [(mu * vW + lr * dW, mu * vb + lr * db)
             for (vW, vb), (dW, db) in zip(velocity, grads)]
    return [(W + vW, b + vb) for (W, b), (vW, vb) in zip(params, new_v)], new_v


def momentum_moves_with_the_old_velocity(params, grads, velocity, lr, mu=0.9):
    velocity = velocity or [(np.zeros(W.shape), np.zeros(b.shape)) for W, b in params]
    new_params = [(W + vW, b + vb) for (W, b), (vW, vb) in zip(params, velocity)]
    new_v = [(mu * vW - lr * dW, mu * vb - lr * db)
             for (vW, vb), (dW, db) in zip(velocity, grads)]
    return new_params, new_v


def momentum_framework_convention(params, grads, velocity, lr, mu=0.9):
    velocity = velocity or [(np.zeros(W.shape), np.zeros(b.shape)) for W, b in params]
    new_v = [(mu * vW + dW, mu * vb + db) for (vW, vb), (dW, db) in zip(velocity, grads)]
    return [(W - lr * vW, b - lr * vb) for (W, b), (vW, vb) in zip(params, new_v)], new_v


def momentum_forgets_the_biases(params, grads, velocity, lr, mu=0.9):
    velocity = velocity or [(np.zeros(W.shape), np.zeros(b.shape)) for W, b in params]
    new_v = [(mu * vW - lr * dW, mu * vb - lr * db)
             for (vW, vb), (dW, db) in zip(velocity, grads)]
    return [(W + vW, b) for (W, b), (vW, vb) in zip(params, new_v)], new_v


def momentum_in_place(params, grads, velocity, lr, mu=0.9):
    # right numbers, but the caller's arrays are overwritten
    if velocity is None:
        velocity = [(np.zeros(W.shape), np.zeros(b.shape)) for W, b in params]
    for (W, b), (dW, db), (vW, vb) in zip(params, grads, velocity):
        vW *= mu
        vW -= lr * dW
        vb *= mu
        vb -= lr * db
        W += vW
        b += vb
    return params, velocity


def momentum_without_none(params, grads, velocity, lr, mu=0.9):
    # forgets that the first velocity is None: fails (raises) on first steps only
    new_params, new_velocity = [], []
    for (W, b), (dW, db), (vW, vb) in zip(params, grads, velocity):
        vW, vb = mu * vW - lr * dW, mu * vb - lr * db
        new_params.append((W + vW, b + vb))
        new_velocity.append((vW, vb))
    return new_params, new_velocity


# ------------------------------------------------------------------ adam_step: correct
def adam_with_loops(params, grads, m, v, t, lr, rho1=0.9, rho2=0.999, eps=1e-8):
    if m is None:
        m = [(np.zeros_like(W, dtype=float), np.zeros_like(b, dtype=float)) for W, b in params]
    if v is None:
        v = [(np.zeros_like(W, dtype=float), np.zeros_like(b, dtype=float)) for W, b in params]
    new_params, new_m, new_v = [], [], []
    for (W, b), (dW, db), (mW, mb), (vW, vb) in zip(params, grads, m, v):
        mW, mb = rho1 * mW + (1 - rho1) * dW, rho1 * mb + (1 - rho1) * db
        vW, vb = rho2 * vW + (1 - rho2) * dW ** 2, rho2 * vb + (1 - rho2) * db ** 2
        W = W - lr * (mW / (1 - rho1 ** t)) / (np.sqrt(vW / (1 - rho2 ** t)) + eps)
        b = b - lr * (mb / (1 - rho1 ** t)) / (np.sqrt(vb / (1 - rho2 ** t)) + eps)
        new_params.append((W, b))
        new_m.append((mW, mb))
        new_v.append((vW, vb))
    return new_params, new_m, new_v


def adam_one_array_at_a_time(params, grads, m, v, t, lr, rho1=0.9, rho2=0.999, eps=1e-8):
    def one(w, g, m_w, v_w):
        m_w = rho1 * m_w + (1 - rho1) * g
        v_w = rho2 * v_w + (1 - rho2) * np.square(g)
        step = lr * (m_w / (1 - rho1 ** t)) / (np.sqrt(v_w / (1 - rho2 ** t)) + eps)
        return w - step, m_w, v_w

    zero = [(0.0, 0.0)] * len(params)                    # broadcasting zeros work as well
    results = [[one(w, g, mw, vw) for w, g, mw, vw in zip(*layer)]
               for layer in zip(params, grads, m or zero, v or zero)]
    return tuple([tuple(np.asarray(r[k], dtype=float) for r in layer) for layer in results]
                 for k in range(3))


# ------------------------------------------------------------------ adam_step: mistakes
def adam_variant(**wrong):
    def student(params, grads, m, v, t, lr, rho1=0.9, rho2=0.999, eps=1e-8):
        return ch06._adam(params, grads, m, v, t, lr, rho1, rho2, eps, **wrong)
    return student


def adam_ignores_the_rates(params, grads, m, v, t, lr, rho1=0.9, rho2=0.999, eps=1e-8):
    return adam_with_loops(params, grads, m, v, t, lr)      # rho1, rho2, eps never used


def adam_in_place(params, grads, m, v, t, lr, rho1=0.9, rho2=0.999, eps=1e-8):
    if m is None or v is None:
        return adam_with_loops(params, grads, m, v, t, lr, rho1, rho2, eps)
    for (W, b), (dW, db), (mW, mb), (vW, vb) in zip(params, grads, m, v):
        for w, g, mw, vw in ((W, dW, mW, vW), (b, db, mb, vb)):
            mw *= rho1
            mw += (1 - rho1) * g
            vw *= rho2
            vw += (1 - rho2) * g ** 2
            w -= lr * (mw / (1 - rho1 ** t)) / (np.sqrt(vw / (1 - rho2 ** t)) + eps)
    return params, m, v


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


# ------------------------------------------------------------------ hidden checks: exact points
@pytest.mark.parametrize("exercise, points, student", [
    (MOMENTUM, MOMENTUM_POINTS, momentum_with_loops),
    (MOMENTUM, MOMENTUM_POINTS, momentum_flat_arrays),
    (ADAM, ADAM_POINTS, adam_with_loops),
    (ADAM, ADAM_POINTS, adam_one_array_at_a_time),
])
@pytest.mark.parametrize("k", range(3))
def test_correct_optimizers_earn_full_points(exercise, points, student, k, capsys):
    assert exercise.hidden(student, points, rng=np.random.default_rng(k)) == points
    assert "✗" not in capsys.readouterr().out


@pytest.mark.parametrize("exercise, points, student, expected, mistake", [
    (MOMENTUM, 3, momentum_adds_the_gradient, 0.0,
     "the gradient is added to the velocity instead of subtracted"),
    (MOMENTUM, 3, momentum_moves_with_the_old_velocity, 0.0,
     "the parameters move with the old velocity"),
    (MOMENTUM, 3, momentum_framework_convention, 0.0, "the velocity leaves out the learning rate"),
    (MOMENTUM, 3, momentum_forgets_the_biases, 0.0, "the biases are not updated"),
    (ADAM, 4, adam_variant(correct=False), 0.0, "no bias correction"),
    (ADAM, 4, adam_variant(eps_inside=True), 0.0, "ε is added inside the square root"),
    (ADAM, 4, adam_variant(return_corrected=True), 0.0,
     "the bias-corrected m̂ and v̂ are returned instead of m and v"),
    (ADAM, 4, adam_variant(swapped=True), 0.0, "ρ and 1 − ρ are swapped"),
    (ADAM, 4, adam_variant(sign=+1.0), 0.0, "the step is added instead of subtracted"),
])
@pytest.mark.parametrize("k", range(3))
def test_optimizer_mistakes_lose_the_expected_points_and_are_named(exercise, points, student,
                                                                   expected, mistake, k, capsys):
    assert exercise.hidden(student, points, rng=np.random.default_rng(k)) == expected
    out = capsys.readouterr()
    assert f"known mistake: {mistake}" in out.out
    assert out.err == ""


@pytest.mark.parametrize("exercise, points, student, expected, words", [
    (MOMENTUM, 3, momentum_in_place, 0.0, "in place"),
    (MOMENTUM, 3, momentum_without_none, 1.5, "NoneType"),
    (ADAM, 4, adam_in_place, 1.0, "in place"),
    (ADAM, 4, adam_ignores_the_rates, 3.0, "other rates"),
])
@pytest.mark.parametrize("k", range(3))
def test_optimizers_that_change_their_inputs_or_miss_a_case_lose_points(exercise, points, student,
                                                                        expected, words, k, capsys):
    assert exercise.hidden(student, points, rng=np.random.default_rng(k)) == expected
    assert words in capsys.readouterr().out


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
