"""Chapter 04's variants: dense_forward and forward."""
import numpy as np

from nnlib import activations
from nnlib.layers import dense_forward as reference_dense_forward
from nnlib.network import forward as reference_forward

from .variants import Variant, correct

SEEDS = tuple(range(6))


def g_of(name):
    return activations.get(name)[0]



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


VARIANTS = [
    *correct("dense_forward", reference_dense_forward, dense_vectorised, dense_loops, dense_einsum,
             seeds=SEEDS),
    Variant("dense_forward", dense_transposed, 0.0, "W is used transposed (W.T)", SEEDS),
    Variant("dense_forward", dense_no_bias, 0.0, "the bias is missing", SEEDS),
    Variant("dense_forward", dense_g_before_b, 0.0, "the activation is applied before the bias is added", SEEDS),
    Variant("dense_forward", dense_returns_Z, 0.0, "Z is returned instead of A", SEEDS),
    Variant("dense_forward", dense_cache_order, 0.0, None, SEEDS),
    Variant("dense_forward", dense_not_implemented, 0.0, None, SEEDS),

    *correct("forward", reference_forward, forward_loop, forward_recursive, forward_indices, seeds=SEEDS),
    Variant("forward", forward_same_activation, 0.25, "the same activation is used for every layer", SEEDS),
    Variant("forward", forward_X_every_time, 0.25,
            "every layer is fed X instead of the previous layer's output A", SEEDS),
    Variant("forward", forward_last_cache, 0.25, "only the last layer's cache is kept", SEEDS),
    Variant("forward", forward_cache_not_list, 0.0, None, SEEDS, says=("caches should be a list of",)),
    Variant("forward", forward_skips_output_layer, 0.0, None, SEEDS,
            says=("y_hat (the first value returned)",)),
]
