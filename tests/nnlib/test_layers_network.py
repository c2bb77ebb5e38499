"""Task: dense layer and network, forward and backward (chapters 04 and 08)."""
import numpy as np
import pytest
from gradtools import well_above_noise
from hypothesis import assume, given, strategies as st

from nnlib import activations, losses
from nnlib.gradcheck import check_gradients, numerical_gradient, relative_error
from nnlib.layers import dense_backward, dense_forward
from nnlib.network import backward, forward, init_params, parameter_count

SMOOTH = ["sigmoid", "tanh", "linear", "softmax"]


@given(n=st.integers(1, 5), n_in=st.integers(1, 4), n_out=st.integers(2, 4),
       act=st.sampled_from(SMOOTH), seed=st.integers(0, 10_000))
def test_dense_backward_matches_central_difference(n, n_in, n_out, act, seed):
    rng = np.random.default_rng(seed)
    A_prev, W, b = rng.normal(size=(n, n_in)), rng.normal(size=(n_in, n_out)), rng.normal(size=n_out)
    R = rng.normal(size=(n, n_out))  # C = Σ A ⊙ R, so dA = R

    def C(_):
        return np.sum(dense_forward(A_prev, W, b, act)[0] * R)

    _, cache = dense_forward(A_prev, W, b, act)
    dA_prev, dW, db = dense_backward(R, cache)
    assume(well_above_noise(dA_prev, dW, db))
    assert relative_error(dW, numerical_gradient(C, W)) < 1e-7
    assert relative_error(db, numerical_gradient(C, b)) < 1e-7
    assert relative_error(dA_prev, numerical_gradient(C, A_prev)) < 1e-7


@given(sizes=st.lists(st.integers(1, 5), min_size=2, max_size=4), n=st.integers(1, 6),
       seed=st.integers(0, 10_000), data=st.data())
def test_network_gradients_match_central_difference(sizes, n, seed, data):
    acts = [data.draw(st.sampled_from(["sigmoid", "tanh", "linear", "relu", "leaky_relu"])) for _ in sizes[1:]]
    rng = np.random.default_rng(seed)
    params = init_params(sizes, rng, scale=1.0)
    params = [(W, rng.normal(size=b.shape)) for W, b in params]
    X, y = rng.normal(size=(n, sizes[0])), rng.normal(size=(n, sizes[-1]))
    h = 1e-5
    if any(a in ("relu", "leaky_relu") for a in acts):
        # A nudged Z must not cross a kink (Z = 0) of a piecewise-linear unit.
        _, caches = forward(X, params, acts)
        assume(all(np.min(np.abs(c[3])) > 1e-2 for c in caches))
        if set(acts) <= {"relu", "leaky_relu", "linear"}:
            h = 1e-4  # piecewise linear: the difference quotient is exact, a larger h only cuts round-off
    # Relative error means nothing for entries near the finite-difference noise (see gradtools).
    grads = backward(forward(X, params, acts)[0] - y, forward(X, params, acts)[1])
    assume(well_above_noise(*[g for pair in grads for g in pair]))
    report = check_gradients(X, y, params, acts, loss="half_sse", h=h)
    assert set(report) == {f"{p}{l}" for l in range(1, len(sizes)) for p in "Wb"}
    assert max(report.values()) < 1e-7, report


def test_one_input_feeding_two_paths_accumulates_gradients():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(4, 3))
    W1, b1, W2, b2 = rng.normal(size=(3, 2)), rng.normal(size=2), rng.normal(size=(3, 2)), rng.normal(size=2)

    def C(X):
        return np.sum(dense_forward(X, W1, b1, "tanh")[0] * dense_forward(X, W2, b2, "sigmoid")[0])

    A1, cache1 = dense_forward(X, W1, b1, "tanh")
    A2, cache2 = dense_forward(X, W2, b2, "sigmoid")
    dX_1 = dense_backward(A2, cache1)[0]   # ∂C/∂A1 = A2
    dX_2 = dense_backward(A1, cache2)[0]   # ∂C/∂A2 = A1
    numeric = numerical_gradient(C, X.copy())
    assert relative_error(dX_1 + dX_2, numeric) < 1e-7
    assert relative_error(dX_1, numeric) > 1e-2  # one path alone is wrong: the two must add


def test_same_weights_used_twice_accumulate():
    rng = np.random.default_rng(2)
    X, W, b = rng.normal(size=(3, 2)), rng.normal(size=(2, 2)), rng.normal(size=2)
    params = [(W, b), (W, b)]  # the same arrays in both layers
    y = rng.normal(size=(3, 2))
    y_hat, caches = forward(X, params, ["tanh", "linear"])
    grads = backward(losses.half_sse_grad(y_hat, y), caches)
    total_dW = grads[0][0] + grads[1][0]
    numeric = numerical_gradient(lambda _: losses.half_sse(forward(X, params, ["tanh", "linear"])[0], y), W)
    assert relative_error(total_dW, numeric) < 1e-7


def test_cache_is_a_documented_plain_tuple_a_grader_can_build():
    A_prev, W, b = np.ones((2, 3)), np.full((3, 1), 0.5), np.zeros(1)
    A, cache = dense_forward(A_prev, W, b, "relu")
    assert isinstance(cache, tuple) and len(cache) == 5
    assert cache[0] is A_prev and cache[1] is W and cache[2] is b and cache[4] == "relu"
    np.testing.assert_array_equal(cache[3], A_prev @ W + b)
    built = (A_prev, W, b, A_prev @ W + b, "relu")
    for got, want in zip(dense_backward(np.ones((2, 1)), built), dense_backward(np.ones((2, 1)), cache)):
        np.testing.assert_array_equal(got, want)


def test_activation_given_as_a_pair():
    A_prev, W, b = np.ones((2, 2)), np.eye(2), np.zeros(2)
    pair = (activations.tanh, activations.tanh_prime)
    A, cache = dense_forward(A_prev, W, b, pair)
    np.testing.assert_allclose(A, np.tanh(A_prev))
    np.testing.assert_allclose(dense_backward(np.ones((2, 2)), cache)[1],
                               dense_backward(np.ones((2, 2)), dense_forward(A_prev, W, b, "tanh")[1])[1])


def test_init_params_shapes_schemes_and_determinism():
    p = init_params([784, 128, 64, 10], rng=0, scale="he")
    assert [W.shape for W, _ in p] == [(784, 128), (128, 64), (64, 10)]
    assert all(np.all(b == 0) for _, b in p)
    assert np.std(p[0][0]) == pytest.approx(np.sqrt(2 / 784), rel=0.05)
    assert np.std(init_params([784, 128], 0, scale="xavier")[0][0]) == pytest.approx(np.sqrt(1 / 784), rel=0.05)
    np.testing.assert_array_equal(p[0][0], init_params([784, 128, 64, 10], rng=0, scale="he")[0][0])
    assert parameter_count(p) == 784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10
    with pytest.raises(ValueError, match="scale must be one of"):
        init_params([2, 1], 0, scale="zeros")
    with pytest.raises(TypeError):              # scale is keyword-only: init_params(sizes, "he") is a slip
        init_params([2, 1], 0, "he")
    with pytest.raises(ValueError, match="layer_sizes"):
        init_params([2], 0)


def test_shape_mismatch_names_the_layer_and_both_shapes():
    params = init_params([2, 8, 8, 1], rng=0)
    params[1] = (np.zeros((8, 8)), np.zeros(8))
    X = np.zeros((10, 2))
    broken = [params[0], (np.zeros((8, 8)), np.zeros(8)), params[2]]
    forward(X, broken, ["relu", "relu", "sigmoid"])  # fine
    with pytest.raises(ValueError, match=r"layer 1 expects 2 inputs, got an array of shape \(10, 3\)"):
        forward(np.zeros((10, 3)), params, ["relu", "relu", "sigmoid"])
    bad = [params[0], (np.zeros((3, 8)), np.zeros(8)), params[2]]
    with pytest.raises(ValueError, match=r"layer 2 expects 3 inputs, got an array of shape \(10, 8\)"):
        forward(X, bad, ["relu", "relu", "sigmoid"])


def test_one_dimensional_input_is_rejected_with_a_reshape_hint():
    W, b = np.ones((3, 2)), np.zeros(2)
    with pytest.raises(ValueError, match=r"1-D|shape \(3,\).*reshape\(1, -1\)"):
        dense_forward(np.ones(3), W, b, "relu")


def test_activation_list_must_match_layers_and_names_must_exist():
    params = init_params([2, 3, 1], rng=0)
    with pytest.raises(ValueError, match="one name per layer"):
        forward(np.zeros((1, 2)), params, ["relu"])
    with pytest.raises(ValueError, match="unknown activation 'rellu'"):
        forward(np.zeros((1, 2)), params, ["rellu", "sigmoid"])


def test_softmax_given_as_a_pair_backpropagates_like_softmax_by_name():
    """Issue 12: dense_backward has no name check; the pair (softmax, softmax_prime) gets
    softmax's own backward step (before, dW came out (3, 2, 3) instead of (3, 3))."""
    rng = np.random.default_rng(0)
    A_prev, W, b, dA = rng.normal(size=(2, 3)), rng.normal(size=(3, 3)), rng.normal(size=3), rng.normal(size=(2, 3))
    by_name = dense_backward(dA, dense_forward(A_prev, W, b, "softmax")[1])
    by_pair = dense_backward(dA, dense_forward(A_prev, W, b, (activations.softmax, activations.softmax_prime))[1])
    assert by_pair[1].shape == W.shape and by_pair[2].shape == b.shape
    for a, c in zip(by_name, by_pair):
        np.testing.assert_allclose(a, c)


def test_arguments_that_change_behaviour_are_keyword_only():
    A_prev, W, b = np.ones((1, 2)), np.ones((2, 1)), np.zeros(1)
    with pytest.raises(TypeError):
        dense_forward(A_prev, W, b, "linear", "layer 1")
    _, cache = dense_forward(A_prev, W, b, "linear", layer="layer 1")
    with pytest.raises(TypeError):
        dense_backward(np.ones((1, 1)), cache, False)
    assert dense_backward(np.ones((1, 1)), cache, need_dA_prev=False)[0] is None


def test_hidden_hooks_touch_hidden_layers_only_and_backward_undoes_them():
    rng = np.random.default_rng(1)
    params = init_params([3, 4, 4, 2], rng=0)
    X = rng.normal(size=(5, 3))
    seen = []

    def halve(l, A):
        seen.append(l)
        return A / 2

    y_hat, caches = forward(X, params, ["tanh", "relu", "linear"], hidden_hook=halve)
    assert seen == [1, 2] and np.allclose(caches[1][0], np.tanh(X @ params[0][0] + params[0][1]) / 2)
    seen.clear()
    backward(np.ones_like(y_hat), caches, hidden_hook=halve)
    assert seen == [2, 1]
