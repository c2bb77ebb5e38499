"""Task: losses (chapter 05). Values, gradients against central differences, finiteness at 0 and 1."""
import warnings

import numpy as np
import pytest
from gradtools import well_above_noise
from hypothesis import assume, given, strategies as st

from nnlib import losses
from nnlib.activations import softmax
from nnlib.datasets import study_hours
from nnlib.gradcheck import numerical_gradient, relative_error

shapes = st.tuples(st.integers(1, 6), st.integers(1, 4))


def _targets_and_predictions(shape, seed, kind):
    """Random targets and predictions of one shape, for one kind of loss."""
    rng = np.random.default_rng(seed)
    if kind == "regression":
        return rng.normal(size=shape), rng.normal(size=shape)
    if kind == "binary":
        return rng.uniform(0.05, 0.95, size=shape), rng.integers(0, 2, size=shape).astype(float)
    n, k = shape[0], max(shape[1], 2)            # one-hot rows
    y = np.eye(k)[rng.integers(0, k, size=n)]
    logits = rng.uniform(-2, 2, size=(n, k))
    return (softmax(logits) if kind == "probabilities" else logits), y


CASES = [("half_sse", "regression"), ("mse", "regression"), ("binary_cross_entropy", "binary"),
         ("categorical_cross_entropy", "probabilities"), ("softmax_cross_entropy", "logits")]


@pytest.mark.parametrize("name,kind", CASES)
@given(shape=shapes, seed=st.integers(0, 2**32 - 1))
def test_gradient_matches_central_difference(name, kind, shape, seed):
    y_hat, y = _targets_and_predictions(shape, seed, kind)
    loss, grad = losses.get(name)
    analytic = grad(y_hat, y)
    assume(well_above_noise(analytic))
    h = 1e-6 if kind == "probabilities" else 1e-5   # −y/p curves sharply: a smaller h cuts truncation error
    numeric = numerical_gradient(lambda p: loss(p, y), y_hat.copy(), h)
    assert relative_error(analytic, numeric) < 1e-7


def test_half_sse_on_the_lectures_table_row_by_row_and_in_one_line():
    X, y = study_hours()
    y_hat = np.full_like(y, 80.0)
    by_rows = sum(0.5 * (y_hat[i, 0] - y[i, 0]) ** 2 for i in range(len(y)))
    assert losses.half_sse(y_hat, y) == pytest.approx(by_rows)
    assert losses.half_sse(y_hat, y) == pytest.approx(0.5 * (13**2 + 12**2 + 15**2 + 5**2 + 29**2 + 20**2 + 9**2 + 17**2))


def test_known_values():
    y = np.array([[1.0], [0.0]])
    p = np.array([[0.9], [0.2]])
    assert losses.mse(p, y) == pytest.approx((0.01 + 0.04) / 2)
    assert losses.binary_cross_entropy(p, y) == pytest.approx(-(np.log(0.9) + np.log(0.8)) / 2)
    Z = np.array([[2.0, 1.0, 0.1]])
    onehot = np.array([[1.0, 0.0, 0.0]])
    assert losses.softmax_cross_entropy(Z, onehot) == pytest.approx(-np.log(softmax(Z)[0, 0]))
    assert losses.categorical_cross_entropy(softmax(Z), onehot) == pytest.approx(losses.softmax_cross_entropy(Z, onehot))


def test_cross_entropies_are_finite_at_0_and_1():
    p = np.array([[0.0], [1.0], [0.0], [1.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = [losses.binary_cross_entropy(p, y), losses.binary_cross_entropy_grad(p, y),
                  losses.categorical_cross_entropy(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]])),
                  losses.categorical_cross_entropy_grad(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]])),
                  losses.softmax_cross_entropy(np.array([[1000.0, -1000.0]]), np.array([[0.0, 1.0]]))]
    assert all(np.all(np.isfinite(v)) for v in values)
    assert losses.binary_cross_entropy(p[:2], y[:2]) < 1e-9  # perfect predictions cost ~0


def test_shape_mismatch_is_refused_not_broadcast():
    with pytest.raises(ValueError, match=r"y_hat has shape \(4, 1\) but y has shape \(4,\).*reshape\(-1, 1\)"):
        losses.mse(np.zeros((4, 1)), np.zeros(4))


def test_unknown_loss_name():
    with pytest.raises(ValueError, match="unknown loss 'cross_entropy'; allowed values: half_sse, mse"):
        losses.get("cross_entropy")
