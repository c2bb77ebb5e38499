"""The lectures' worked examples, reproduced (and corrected where a lecture is wrong)."""
import numpy as np
import pytest

from nnlib import neuron_output
from nnlib.datasets import xor_lecture
from nnlib.layers import dense_forward
from nnlib.losses import mse, mse_grad
from nnlib.network import backward, forward
from nnlib.optim import sgd_step


def test_perceptron_example_g_of_minus_6():
    # X = (-1, 2), w0 = 1, w = (3, -2): z = 1 - 3 - 4 = -6
    assert neuron_output([-1, 2], [3, -2], 1, "sigmoid") == pytest.approx(0.0024726231566347743, rel=1e-12)
    assert round(neuron_output([-1, 2], [3, -2], 1, "sigmoid"), 5) == 0.00247


def test_logistic_unit_example():
    x, w, b = np.array([0.9, 0.2, 0.3]), np.array([2.0, 3.0, -1.0]), 0.5
    assert float(x @ w + b) == pytest.approx(2.6)
    assert neuron_output(x, w, b, "sigmoid") == pytest.approx(0.9309, abs=5e-5)


def _bank_params(node_0, node_1, output):
    W1 = np.column_stack([node_0, node_1]).astype(float)   # (2 inputs, 2 hidden)
    W2 = np.array(output, dtype=float).reshape(2, 1)
    return [(W1, np.zeros(2)), (W2, np.zeros(1))]


def test_bank_transactions_identity():
    params = _bank_params([1, 1], [-1, 1], [2, -1])
    hidden, _ = dense_forward(np.array([[2.0, 3.0]]), *params[0], "linear")
    np.testing.assert_array_equal(hidden, [[5.0, 1.0]])
    y_hat, _ = forward(np.array([[2.0, 3.0]]), params, ["linear", "linear"])
    assert y_hat[0, 0] == 9.0


def test_bank_transactions_tanh_corrects_the_lecture():
    params = _bank_params([3, 3], [1, 5], [2, -1])
    y_hat, _ = forward(np.array([[-1.0, 2.0]]), params, ["tanh", "linear"])
    assert y_hat[0, 0] == pytest.approx(0.9901095378334199, abs=1e-15)
    assert abs(y_hat[0, 0] - 1.2382242525694254) > 0.2   # the lecture's printed value is not this network's


def test_lecture_xor_network_3_4_1_sigmoid_full_batch():
    X, y = xor_lecture()
    rng = np.random.default_rng(0)
    params = [(rng.random((3, 4)), np.zeros(4)), (rng.random((4, 1)), np.zeros(1))]  # weights in [0, 1)
    acts = ["sigmoid", "sigmoid"]
    start = mse(forward(X, params, acts)[0], y)
    for _ in range(2000):
        y_hat, caches = forward(X, params, acts)
        params = sgd_step(params, backward(mse_grad(y_hat, y), caches), lr=4.0)
    end = mse(forward(X, params, acts)[0], y)
    assert 0.2 < start < 0.4
    assert end < 0.01
