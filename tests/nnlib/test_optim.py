"""Task: gradient descent, mini-batches, SGD and momentum (chapters 06 and 07)."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from nnlib.losses import mse
from nnlib.network import forward, init_params
from nnlib.optim import gradient_descent, minibatches, momentum_step, sgd_step, train_epoch


def test_gradient_descent_one_parameter_by_hand():
    # C(w) = (w - 3)^2, dC/dw = 2 (w - 3); from w0 = 0 with lr = 0.1 each step keeps 80% of the gap.
    traj = gradient_descent(lambda w: 2 * (w - 3), w0=0.0, lr=0.1, max_steps=3, tol=0)
    np.testing.assert_allclose(traj, [0.0, 0.6, 1.08, 1.464])


def test_gradient_descent_stops_when_the_step_is_tiny():
    traj = gradient_descent(lambda w: 2 * (w - 3), w0=0.0, lr=0.1, max_steps=10_000, tol=1e-6)
    assert len(traj) < 100 and abs(traj[-1] - 3) < 1e-5
    last_step = abs(traj[-1] - traj[-2])   # the lr·slope of the last step
    assert last_step < 1e-6 <= abs(traj[-2] - traj[-3])


def test_gradient_descent_two_parameters_linear_regression():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    y = 1.0 + 2.0 * x

    def grad(beta):  # C = Σ ½ (β0 + β1 x − y)²
        r = beta[0] + beta[1] * x - y
        return np.array([r.sum(), (r * x).sum()])

    traj = gradient_descent(grad, w0=[0.0, 0.0], lr=0.02, max_steps=20_000, tol=1e-10)
    assert traj.shape[1] == 2
    np.testing.assert_allclose(traj[-1], [1.0, 2.0], atol=1e-6)


def test_gradient_descent_divergence_is_shown_not_hidden():
    with pytest.warns(RuntimeWarning, match="diverged.*smaller learning rate"), np.errstate(over="ignore"):
        traj = gradient_descent(lambda w: 2 * w ** 3, w0=10.0, lr=1.0, max_steps=100, tol=0)
    assert not np.isfinite(traj[-1]) and np.all(np.isfinite(traj[:-1]))


def test_gradient_descent_rejects_bad_arguments():
    with pytest.raises(ValueError, match="lr must be a number > 0"):
        gradient_descent(lambda w: w, 1.0, lr=0)
    with pytest.raises(ValueError, match="max_steps"):
        gradient_descent(lambda w: w, 1.0, lr=0.1, max_steps=-1)


@given(n=st.integers(1, 40), batch_size=st.integers(1, 50), shuffle=st.booleans(), seed=st.integers(0, 99))
def test_minibatches_cover_every_row_once_and_keep_the_last_partial_batch(n, batch_size, shuffle, seed):
    X = np.arange(n * 2.0).reshape(n, 2)
    y = np.arange(n, dtype=float).reshape(n, 1)
    batches = list(minibatches(X, y, batch_size, shuffle=shuffle, rng=seed))
    sizes = [len(xb) for xb, _ in batches]
    assert sizes == [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    seen = np.concatenate([yb[:, 0] for _, yb in batches])
    assert sorted(seen) == list(range(n))
    for xb, yb in batches:   # rows stay paired
        np.testing.assert_array_equal(xb[:, 0], 2 * yb[:, 0])
    if not shuffle:
        np.testing.assert_array_equal(seen, np.arange(n))


def test_minibatches_shuffle_differs_between_epochs_and_is_seeded():
    X, y = np.arange(20.0).reshape(20, 1), np.arange(20.0).reshape(20, 1)
    rng = np.random.default_rng(0)
    first = np.concatenate([b for _, b in minibatches(X, y, 5, rng=rng)])
    second = np.concatenate([b for _, b in minibatches(X, y, 5, rng=rng)])
    assert not np.array_equal(first, second)
    again = np.concatenate([b for _, b in minibatches(X, y, 5, rng=np.random.default_rng(0))])
    np.testing.assert_array_equal(first, again)


def test_minibatches_reject_bad_arguments():
    X, y = np.zeros((4, 1)), np.zeros((4, 1))
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="batch_size must be an integer >= 1"):
            list(minibatches(X, y, bad))
    with pytest.raises(ValueError, match=r"same number of rows.*\(4, 1\).*\(3, 1\)"):
        list(minibatches(X, np.zeros((3, 1)), 2))


def test_sgd_step_moves_against_the_gradient_and_returns_new_arrays():
    params = [(np.ones((2, 2)), np.ones(2))]
    grads = [(np.full((2, 2), 0.5), np.array([1.0, -1.0]))]
    new = sgd_step(params, grads, lr=0.1)
    np.testing.assert_allclose(new[0][0], 0.95)
    np.testing.assert_allclose(new[0][1], [0.9, 1.1])
    np.testing.assert_array_equal(params[0][0], 1.0)  # the old parameters are untouched
    with pytest.raises(ValueError, match="lr must be a number > 0"):
        sgd_step(params, grads, lr=-0.1)


def test_momentum_accumulates_velocity():
    params = [(np.zeros((1, 1)), np.zeros(1))]
    grads = [(np.ones((1, 1)), np.zeros(1))]
    p1, v1 = momentum_step(params, grads, None, lr=1.0, mu=0.5)
    p2, v2 = momentum_step(p1, grads, v1, lr=1.0, mu=0.5)
    assert p1[0][0][0, 0] == -1.0 and p2[0][0][0, 0] == -2.5   # second step: 0.5·(−1) − 1


def test_train_epoch_lowers_the_loss_and_reports_the_mean_batch_loss():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 2))
    y = (X[:, :1] * X[:, 1:] > 0).astype(float)
    params = init_params([2, 8, 1], rng=0)
    acts = ["tanh", "sigmoid"]
    start = mse(forward(X, params, acts)[0], y)
    losses = []
    for epoch in range(200):
        params, loss = train_epoch(X, y, params, acts, lr=0.5, batch_size=8, rng=epoch)
        losses.append(loss)
    assert losses[-1] < 0.5 * start
    # with one batch the reported loss is exactly the loss before the update
    p0 = init_params([2, 8, 1], rng=0)
    _, full = train_epoch(X, y, p0, acts, lr=0.5, batch_size=len(X), rng=0)
    assert full == pytest.approx(mse(forward(X, p0, acts)[0], y))
