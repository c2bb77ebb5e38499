"""Task: L1/L2, dropout, early stopping (chapter 10); standardize, batch norm (chapter 11)."""
import numpy as np
import pytest
from gradtools import well_above_noise
from hypothesis import assume, given, strategies as st

from nnlib.gradcheck import numerical_gradient, relative_error
from nnlib.normalization import batchnorm_backward, batchnorm_forward, standardize
from nnlib.regularization import (EarlyStopping, dropout_backward, dropout_forward, early_stopping_epoch,
                                  l1_grad, l1_penalty, l2_grad, l2_penalty)


@given(seed=st.integers(0, 10_000), lam=st.floats(0.01, 2.0))
def test_penalty_gradients_match_central_difference(seed, lam):
    rng = np.random.default_rng(seed)
    params = [(rng.normal(size=(3, 2)), rng.normal(size=2)), (rng.normal(size=(2, 1)), rng.normal(size=1))]
    assume(all(np.min(np.abs(W)) > 1e-3 for W, _ in params))   # |w| has a kink at 0
    for penalty, grad in ((l2_penalty, l2_grad), (l1_penalty, l1_grad)):
        analytic = grad(params, lam)
        for (W, b), (dW, db) in zip(params, analytic):
            assert relative_error(dW, numerical_gradient(lambda _: penalty(params, lam), W)) < 1e-7
            np.testing.assert_array_equal(db, 0.0)   # biases are not penalised


def test_penalty_values():
    params = [(np.array([[1.0, -2.0]]), np.array([5.0, 5.0]))]
    assert l2_penalty(params, 0.1) == pytest.approx(0.5 * 0.1 * 5)
    assert l1_penalty(params, 0.1) == pytest.approx(0.1 * 3)
    with pytest.raises(ValueError, match="lam"):
        l2_penalty(params, -1)


def test_inverted_dropout_keeps_the_expected_value():
    A = np.ones((2000, 50))
    A_dropped, mask = dropout_forward(A, keep_prob=0.8, rng=0)
    assert set(np.unique(mask)) == {0.0, 1.0}
    assert mask.mean() == pytest.approx(0.8, abs=0.01)
    assert A_dropped.mean() == pytest.approx(1.0, abs=0.01)
    np.testing.assert_allclose(A_dropped[mask == 1], 1.25)
    dA = dropout_backward(np.ones_like(A), mask, 0.8)
    np.testing.assert_allclose(dA, mask / 0.8)


def test_dropout_gradient_matches_central_difference():
    rng = np.random.default_rng(3)
    A, R = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    _, mask = dropout_forward(A, 0.6, rng=1)
    numeric = numerical_gradient(lambda a: np.sum(a * mask / 0.6 * R), A.copy())
    assert relative_error(dropout_backward(R, mask, 0.6), numeric) < 1e-7


@pytest.mark.parametrize("keep_prob", [0, -0.5, 1.5, "0.5"])
def test_keep_prob_outside_0_1_is_rejected(keep_prob):
    with pytest.raises(ValueError, match=r"keep_prob must be in \(0, 1\]"):
        dropout_forward(np.ones((2, 2)), keep_prob, rng=0)


def test_keep_prob_one_is_the_identity():
    A = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(dropout_forward(A, 1.0, rng=0)[0], A)


def test_early_stopping_epoch():
    losses = [1.0, 0.8, 0.7, 0.71, 0.72, 0.69, 0.75, 0.8, 0.9]
    assert early_stopping_epoch(losses, patience=2) == 4      # epochs 3 and 4 did not improve on 0.7
    assert early_stopping_epoch(losses, patience=3) == 8      # 0.69 at epoch 5 resets; 6, 7, 8 do not improve
    assert early_stopping_epoch(losses, patience=2, min_delta=0.15) == 3   # 1.0 → 0.8 counts, 0.8 → 0.7 does not
    assert early_stopping_epoch([3, 2, 1], patience=1) == 2   # never stops: the last epoch


def test_early_stopping_restores_the_best_weights():
    stopper = EarlyStopping(patience=2)
    stops = [stopper.update(loss, [(np.full(1, loss), np.zeros(1))]) for loss in [0.5, 0.3, 0.4, 0.35]]
    assert stops == [False, False, False, True]
    assert stopper.best_epoch == 1 and stopper.best_params[0][0][0] == 0.3
    with pytest.raises(ValueError, match="patience"):
        EarlyStopping(patience=0)


def test_standardize_uses_training_statistics_only():
    X_train = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 10.0]])
    X_test = np.array([[3.0, 20.0]])
    X_train_s, X_test_s = standardize(X_train, X_test)
    np.testing.assert_allclose(X_train_s.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(X_train_s[:, 0].std(), 1)
    np.testing.assert_allclose(X_test_s, [[0.0, 10.0]])       # constant column: centred, not divided by 0
    with pytest.raises(ValueError, match="1-D"):
        standardize(np.ones(3))
    with pytest.raises(ValueError, match="columns"):
        standardize(X_train, np.ones((2, 3)))


@given(n=st.integers(3, 6), k=st.integers(1, 4), seed=st.integers(0, 10_000), training=st.booleans())
def test_batchnorm_gradients_match_central_difference(n, k, seed, training):
    rng = np.random.default_rng(seed)
    Z, gamma, beta, R = rng.normal(size=(n, k)), rng.normal(size=k), rng.normal(size=k), rng.normal(size=(n, k))
    running = {"mean": rng.normal(size=k), "var": rng.uniform(0.5, 2, size=k)}

    def C(_):
        return np.sum(batchnorm_forward(Z, gamma, beta, running=dict(running), training=training)[0] * R)

    _, cache = batchnorm_forward(Z, gamma, beta, running=dict(running), training=training)
    dZ, dgamma, dbeta = batchnorm_backward(R, cache)
    assume(well_above_noise(dZ, dgamma, dbeta, floor=1e-2))
    assert relative_error(dZ, numerical_gradient(C, Z)) < 1e-7
    assert relative_error(dgamma, numerical_gradient(C, gamma)) < 1e-7
    assert relative_error(dbeta, numerical_gradient(C, beta)) < 1e-7


def test_batchnorm_normalises_and_tracks_running_statistics():
    rng = np.random.default_rng(0)
    running = {}
    for _ in range(200):
        Z = rng.normal(loc=3.0, scale=2.0, size=(64, 3))
        out, _ = batchnorm_forward(Z, np.ones(3), np.zeros(3), running=running)
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), 1, atol=1e-3)
    np.testing.assert_allclose(running["mean"], 3.0, atol=0.2)
    np.testing.assert_allclose(running["var"], 4.0, atol=0.5)
    test_out, _ = batchnorm_forward(np.full((1, 3), 3.0), np.ones(3), np.zeros(3), running=running, training=False)
    np.testing.assert_allclose(test_out, 0, atol=0.1)
    with pytest.raises(ValueError, match="running statistics"):
        batchnorm_forward(Z, np.ones(3), np.zeros(3), training=False)
    with pytest.raises(ValueError, match=r"gamma and beta must have shape \(3,\)"):
        batchnorm_forward(Z, np.ones(2), np.zeros(3))
