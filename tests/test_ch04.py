"""Chapter 04 (forward propagation): the checks of dense_forward and forward.

Correct but different implementations earn full points; typical buggy ones lose exactly the
points of the hidden groups they fail, with a message that names the mistake.
"""
import numpy as np
import pytest

from nnlib import activations, checks
from nnlib.layers import dense_forward as reference_dense_forward
from nnlib.network import forward as reference_forward

DENSE = checks.EXERCISES["dense_forward"]
FORWARD = checks.EXERCISES["forward"]
SEEDS = range(6)


def g_of(name):
    return activations.get(name)[0]


# ------------------------------------------------------------------ dense_forward: correct
def dense_vectorised(A_prev, W, b, activation):
    Z = A_prev @ W + b
    return g_of(activation)(Z), (A_prev, W, b, Z, activation)


def dense_loops(A_prev, W, b, activation):
    """z_i = w_{0,i} + Σ_j x_j w_{j,i}, written with loops over examples, units and inputs."""
    n, n_in = A_prev.shape
    n_out = W.shape[1]
    Z = np.zeros((n, n_out))
    for r in range(n):
        for i in range(n_out):
            Z[r, i] = b[i]
            for j in range(n_in):
                Z[r, i] += A_prev[r, j] * W[j, i]
    return g_of(activation)(Z), (A_prev, W, b, Z, activation)


def dense_einsum(A_prev, W, b, activation):
    A_prev = np.asarray(A_prev, dtype=float)
    Z = np.einsum("nj,ji->ni", A_prev, W) + b[None, :]
    return g_of(activation)(Z), (A_prev, W, b, Z, activation)


# ------------------------------------------------------------------ dense_forward: buggy
def dense_transposed(A_prev, W, b, activation):
    Z = A_prev @ W.T + b
    return g_of(activation)(Z), (A_prev, W, b, Z, activation)


def dense_no_bias(A_prev, W, b, activation):
    Z = A_prev @ W
    return g_of(activation)(Z), (A_prev, W, b, Z, activation)


def dense_g_before_b(A_prev, W, b, activation):
    Z = A_prev @ W + b
    return g_of(activation)(A_prev @ W) + b, (A_prev, W, b, Z, activation)


def dense_returns_Z(A_prev, W, b, activation):
    Z = A_prev @ W + b
    return Z, (A_prev, W, b, Z, activation)


def dense_cache_order(A_prev, W, b, activation):
    Z = A_prev @ W + b
    return g_of(activation)(Z), (A_prev, W, b, g_of(activation)(Z), activation)


def dense_not_implemented(A_prev, W, b, activation):
    raise NotImplementedError()


@pytest.mark.parametrize("student", [reference_dense_forward, dense_vectorised, dense_loops, dense_einsum])
@pytest.mark.parametrize("seed", SEEDS)
def test_correct_dense_forward_earns_full_points(student, seed):
    assert DENSE.hidden(student, 2, rng=np.random.default_rng(seed)) == 2.0


@pytest.mark.parametrize("student, points, label", [
    (dense_transposed, 0.0, "W is used transposed (W.T)"),
    (dense_no_bias, 0.0, "the bias is missing"),
    (dense_g_before_b, 0.0, "the activation is applied before the bias is added"),
    (dense_returns_Z, 0.0, "Z is returned instead of A"),
    (dense_cache_order, 0.0, None),
    (dense_not_implemented, 0.0, None),
])
@pytest.mark.parametrize("seed", SEEDS)
def test_buggy_dense_forward_loses_points_and_the_mistake_is_named(student, points, label, seed, capsys):
    assert DENSE.hidden(student, 2, rng=np.random.default_rng(seed)) == points
    out = capsys.readouterr()
    assert out.err == ""
    if label:
        assert f"known mistake: {label}" in out.out


def test_public_dense_forward_check_explains_a_missing_bias(capsys):
    checks.dense_forward(dense_no_bias)
    out = capsys.readouterr().out
    assert "✗ a batch of 3 examples, 2 inputs, 3 units, relu" in out
    assert ("A (the first value returned): 5 of 9 entries differ; at index (0, 0) expected 2.6, "
            "received 2.5. (this looks like a known mistake: the bias is missing)") in out
    assert "hint: Z = A_prev @ W + b: add b before applying g" in out
    assert "✓ the lecture's bank example, hidden layer" in out      # b = 0 there: no difference
    assert "decide the grade" in out


def test_public_dense_forward_check_recognises_W_transposed_on_the_bank_example(capsys):
    checks.dense_forward(dense_transposed)
    out = capsys.readouterr().out
    assert "✗ the lecture's bank example, hidden layer" in out
    assert "known mistake: W is used transposed (W.T)" in out


def test_public_dense_forward_check_names_the_cache_entry(capsys):
    checks.dense_forward(dense_cache_order)
    out = capsys.readouterr().out
    assert "entry 3 of the cache (Z)" in out
    checks.dense_forward(lambda A_prev, W, b, g: dense_vectorised(A_prev, W, b, g)[1][:4])
    assert "should return a pair (A, cache)" in capsys.readouterr().out
    checks.dense_forward(lambda A_prev, W, b, g: (dense_vectorised(A_prev, W, b, g)[0],
                                                  dense_vectorised(A_prev, W, b, g)[1][:4]))
    assert "the tuple (A_prev, W, b, Z, activation) of 5 values" in capsys.readouterr().out


def test_public_dense_forward_check_says_when_not_implemented(capsys):
    checks.dense_forward(dense_not_implemented)
    out = capsys.readouterr().out
    assert "not implemented yet" in out and "Traceback" not in out


# ------------------------------------------------------------------ forward: correct
def forward_loop(X, params, activations):
    A, caches = X, []
    for (W, b), name in zip(params, activations):
        A, cache = dense_vectorised(A, W, b, name)
        caches.append(cache)
    return A, caches


def forward_recursive(X, params, activations):
    if not params:
        return X, []
    (W, b), name = params[0], activations[0]
    A, cache = dense_loops(np.asarray(X, dtype=float), W, b, name)
    y_hat, rest = forward_recursive(A, params[1:], activations[1:])
    return y_hat, [cache] + rest


def forward_indices(X, params, activations):
    caches = [None] * len(params)
    A = X
    for l in range(len(params)):
        W, b = params[l]
        Z = A @ W + b
        caches[l] = (A, W, b, Z, activations[l])
        A = g_of(activations[l])(Z)
    return A, caches


# ------------------------------------------------------------------ forward: buggy
def forward_same_activation(X, params, activations):
    A, caches = X, []
    for W, b in params:
        A, cache = dense_vectorised(A, W, b, activations[0])
        caches.append(cache)
    return A, caches


def forward_X_every_time(X, params, activations):
    A, caches = X, []
    for (W, b), name in zip(params, activations):
        A, cache = dense_vectorised(X, W, b, name)
        caches.append(cache)
    return A, caches


def forward_last_cache(X, params, activations):
    A, caches = X, []
    for (W, b), name in zip(params, activations):
        A, cache = dense_vectorised(A, W, b, name)
    caches.append(cache)
    return A, caches


def forward_cache_not_list(X, params, activations):
    A = X
    for (W, b), name in zip(params, activations):
        A, cache = dense_vectorised(A, W, b, name)
    return A, cache


def forward_skips_output_layer(X, params, activations):
    A, caches = X, []
    for (W, b), name in zip(params[:-1], activations[:-1]):
        A, cache = dense_vectorised(A, W, b, name)
        caches.append(cache)
    return A, caches


@pytest.mark.parametrize("student", [reference_forward, forward_loop, forward_recursive, forward_indices])
@pytest.mark.parametrize("seed", SEEDS)
def test_correct_forward_earns_full_points(student, seed):
    assert FORWARD.hidden(student, 2, rng=np.random.default_rng(seed)) == 2.0


@pytest.mark.parametrize("student, points, label", [
    (forward_same_activation, 0.5, "the same activation is used for every layer"),
    (forward_X_every_time, 0.5, "every layer is fed X instead of the previous layer's output A"),
    (forward_last_cache, 0.5, "only the last layer's cache is kept"),
    (forward_cache_not_list, 0.0, None),
    (forward_skips_output_layer, 0.0, None),
])
@pytest.mark.parametrize("seed", SEEDS)
def test_buggy_forward_loses_points_and_the_mistake_is_named(student, points, label, seed, capsys):
    assert FORWARD.hidden(student, 2, rng=np.random.default_rng(seed)) == points
    out = capsys.readouterr()
    assert out.err == ""
    if label:
        assert f"known mistake: {label}" in out.out
    else:
        assert "caches should be a list of" in out.out or "y_hat (the first value returned)" in out.out


def test_public_forward_check_explains_feeding_X_to_every_layer(capsys):
    checks.forward(forward_X_every_time)
    out = capsys.readouterr().out
    assert "✗ the lecture's bank example: x = (2, 3)" in out
    assert "y_hat (the first value returned): 1 of 1 entries differ" in out
    assert "expected 9, received 1." in out
    assert "known mistake: every layer is fed X instead of the previous layer's output A" in out
    assert "hint: keep A = X before the loop" in out


def test_public_forward_check_counts_the_caches(capsys):
    checks.forward(forward_last_cache)
    out = capsys.readouterr().out
    assert "caches should be a list of 2 caches, one per layer; received a list of length 1" in out
    assert "known mistake: only the last layer's cache is kept" in out


# ------------------------------------------------------------------ the registry
@pytest.mark.parametrize("exercise", [DENSE, FORWARD])
def test_hidden_cases_are_plain_data_and_differ_from_the_public_ones(exercise):
    def plain(value):
        if isinstance(value, (list, tuple)):
            return all(plain(v) for v in value)
        return isinstance(value, (int, float, str, np.ndarray))

    groups = exercise.hidden_groups(np.random.default_rng(0))
    assert len(groups) == 4 and all(label and cases for label, cases in groups)
    public = {c.label for c in exercise.public_cases}
    for _, cases in groups:
        for case in cases:
            assert plain(case.args), case.label
            assert case.label not in public
            expected = exercise.expected(case)
            assert exercise.compare(expected, expected) == ""


def test_references_are_nnlib_functions():
    assert DENSE.reference is reference_dense_forward
    assert FORWARD.reference is reference_forward
    assert len(DENSE.mistakes) >= 3 and len(FORWARD.mistakes) >= 3
