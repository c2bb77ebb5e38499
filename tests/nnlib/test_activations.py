"""Task: activations (chapter 03). Values, derivatives against central differences, stability."""
import warnings

import numpy as np
import pytest
from gradtools import well_above_noise
from hypothesis import assume, given, strategies as st

from nnlib import activations
from nnlib.gradcheck import numerical_gradient, relative_error

ELEMENTWISE = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]

def random_Z(shape, seed, spread=3.0):
    """Random pre-activations, kept away from ReLU's kink at 0 by more than the step h."""
    Z = np.random.default_rng(seed).uniform(-spread, spread, size=shape)
    return np.where(np.abs(Z) < 1e-3, 0.5, Z)


shapes = st.tuples(st.integers(1, 5), st.integers(1, 4))
seeds = st.integers(0, 2**32 - 1)


@pytest.mark.parametrize("name", ELEMENTWISE)
@given(shape=shapes, seed=seeds)
def test_derivative_matches_central_difference(name, shape, seed):
    Z = random_Z(shape, seed)
    g, g_prime = activations.get(name)
    # d/dZ of sum(g(Z) * R) is g'(Z) * R for an elementwise g; R makes every entry count.
    R = np.linspace(0.5, 1.5, Z.size).reshape(Z.shape)
    numeric = numerical_gradient(lambda z: np.sum(g(z) * R), Z.copy())
    assume(well_above_noise(g_prime(Z) * R))
    assert relative_error(g_prime(Z) * R, numeric) < 1e-7


@given(shape=st.tuples(st.integers(1, 5), st.integers(2, 5)), seed=seeds)
def test_softmax_jacobian_matches_central_difference(shape, seed):
    Z = random_Z(shape, seed)
    R = np.linspace(-1, 2, Z.size).reshape(Z.shape)
    numeric = numerical_gradient(lambda z: np.sum(activations.softmax(z) * R), Z.copy())
    analytic = np.einsum("ni,nij->nj", R, activations.softmax_prime(Z))
    assume(well_above_noise(analytic))
    assert relative_error(analytic, numeric) < 1e-7


def test_known_values():
    Z = np.array([[-2.0, 0.0, 3.0]])
    np.testing.assert_allclose(activations.sigmoid(Z), 1 / (1 + np.exp(-Z)))
    np.testing.assert_allclose(activations.sigmoid_prime(np.zeros(1)), [0.25])
    np.testing.assert_allclose(activations.tanh_prime(np.zeros(1)), [1.0])
    np.testing.assert_array_equal(activations.relu(Z), [[0, 0, 3]])
    np.testing.assert_array_equal(activations.relu_prime(Z), [[0, 0, 1]])
    np.testing.assert_allclose(activations.leaky_relu(Z), [[-0.02, 0, 3]])
    np.testing.assert_allclose(activations.leaky_relu_prime(Z), [[0.01, 0.01, 1]])
    np.testing.assert_array_equal(activations.step(Z), [[0, 1, 1]])
    np.testing.assert_array_equal(activations.linear_prime(Z), [[1, 1, 1]])
    np.testing.assert_allclose(activations.softmax(Z).sum(axis=1), [1.0])


def test_sigmoid_is_stable_at_plus_minus_1000():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = activations.sigmoid(np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0]))
        p = activations.sigmoid_prime(np.array([-1000.0, 1000.0]))
        sm = activations.softmax(np.array([[1000.0, 0.0, -1000.0]]))
    assert np.all(np.isfinite(s)) and s[0] == 0.0 and s[-1] == 1.0
    assert s[1] == pytest.approx(1.9287498479639178e-22, rel=1e-12)  # tail keeps relative precision
    np.testing.assert_array_equal(p, [0.0, 0.0])
    np.testing.assert_allclose(sm, [[1.0, 0.0, 0.0]])


@pytest.mark.parametrize("name", activations.NAMES)
def test_shapes_are_kept(name):
    g, g_prime = activations.get(name)
    Z = np.arange(12.0).reshape(3, 4) - 6
    assert g(Z).shape == Z.shape
    assert g(Z.astype(np.float32)).dtype == np.float32
    if name != "softmax":
        assert g_prime(Z).shape == Z.shape


def test_integer_input_becomes_float():
    assert activations.relu(np.array([-1, 2])).dtype == np.float64


def test_unknown_activation_names_allowed_values():
    with pytest.raises(ValueError, match="unknown activation 'sigmoidd'.*sigmoid, tanh, relu"):
        activations.get("sigmoidd")


def test_get_accepts_a_pair():
    pair = (np.sin, np.cos)
    assert activations.get(pair) is pair


@pytest.mark.parametrize("name", activations.NAMES)
def test_every_activation_owns_its_backward_step(name):
    """backward(activation, dA, Z) = dA J(Z) row by row: dA ⊙ g'(Z) for element-wise
    activations, the full Jacobian product for softmax (checked against softmax_prime)."""
    rng = np.random.default_rng(3)
    Z, dA = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    g, g_prime = activations.get(name)
    if name == "softmax":
        expected = np.einsum("ni,nij->nj", dA, activations.softmax_prime(Z))
    else:
        expected = dA * g_prime(Z)
    np.testing.assert_allclose(activations.backward(name, dA, Z), expected, atol=1e-12)
    np.testing.assert_allclose(activations.backward((g, g_prime), dA, Z), expected, atol=1e-12)


def test_a_custom_activation_may_bring_its_own_backward_step():
    def doubled_softmax(Z):
        return 2 * activations.softmax(Z)

    def doubled_backward(dA, Z):
        return activations.softmax_backward(2 * dA, Z)

    triple = (doubled_softmax, lambda Z: None, doubled_backward)
    Z, dA = np.array([[1.0, 2.0, 0.5]]), np.array([[0.3, -1.0, 2.0]])
    np.testing.assert_allclose(activations.backward(triple, dA, Z), 2 * activations.softmax_backward(dA, Z))
    assert activations.get(triple)[0] is doubled_softmax
    with pytest.raises(ValueError, match="unknown activation"):
        activations.backward("softplus", dA, Z)


def test_only_softmax_is_not_elementwise():
    assert [name for name in activations.NAMES if not activations.is_elementwise(name)] == ["softmax"]
    assert not activations.is_elementwise((activations.softmax, activations.softmax_prime))
    assert activations.is_elementwise((np.sin, np.cos))
