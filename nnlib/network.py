"""A multi-layer network as a list of dense layers (chapters 04 and 08).

The parameters are a list of (W, b) pairs, one per layer; the activations a list
of names of the same length. With A[0] = X:

    Z[l] = A[l-1] @ W[l] + b[l],   A[l] = g_l(Z[l]),   y_hat = A[L]

Backward goes through the same layers in reverse, each one turning ∂C/∂A[l]
into ∂C/∂A[l-1] and its own (dW, db).
"""
import numpy as np

from ._validate import check_activations
from .layers import dense_backward, dense_forward

SCHEMES = ("xavier", "he")


def init_params(layer_sizes, rng=None, *, scale="xavier"):
    """Random weights and zero biases for layer sizes [n_0, n_1, ..., n_L].

    Returns [(W1, b1), ..., (WL, bL)] with W_l of shape (n_{l-1}, n_l) and b_l of shape (n_l,).
    scale: "xavier" draws W ~ N(0, 1/n_in) (good for sigmoid and tanh),
           "he" draws W ~ N(0, 2/n_in) (good for ReLU),
           a number s draws W ~ N(0, s²).
    Weights must not all be equal (e.g. zero): every unit of a layer would then
    compute the same thing and receive the same update forever.
    """
    sizes = list(layer_sizes)
    if len(sizes) < 2 or any(int(n) != n or n < 1 for n in sizes):
        raise ValueError(f"layer_sizes must list at least two positive integers, e.g. [2, 8, 1]; got {layer_sizes!r}")
    rng = np.random.default_rng(rng)
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        if scale == "xavier":
            std = np.sqrt(1.0 / n_in)
        elif scale == "he":
            std = np.sqrt(2.0 / n_in)
        elif isinstance(scale, (int, float)) and not isinstance(scale, bool) and scale > 0:
            std = float(scale)
        else:
            raise ValueError(f"scale must be one of {SCHEMES} or a number > 0; got {scale!r}")
        W = rng.normal(0.0, std, size=(int(n_in), int(n_out)))
        b = np.zeros(int(n_out))
        params.append((W, b))
    return params


def forward(X, params, activations, *, hidden_hook=None):
    """Forward pass through every layer: returns (y_hat, caches), one cache per layer.

    A[0] = X;  A[l], cache[l] = dense_forward(A[l-1], W[l], b[l], g_l);  y_hat = A[L].
    hidden_hook(l, A) -> A, if given, is applied to the output of every hidden layer
    l = 1 ... L-1 before it feeds the next one (models.Sequential uses it for dropout).
    """
    check_activations(params, activations)
    A = np.asarray(X)
    caches = []
    last = len(params)
    for l, ((W, b), act) in enumerate(zip(params, activations), start=1):
        A, cache = dense_forward(A, W, b, act, layer=f"layer {l}")
        caches.append(cache)
        if hidden_hook is not None and l < last:
            A = hidden_hook(l, A)
    return A, caches


def backward(dy_hat, caches, *, hidden_hook=None):
    """Backward pass: from dy_hat = ∂C/∂y_hat to grads = [(dW1, db1), ..., (dWL, dbL)].

    dA[L] = dy_hat;  dA[l-1], dW[l], db[l] = dense_backward(dA[l], cache[l]), l = L ... 1.
    hidden_hook(l, dA) -> dA, if given, is applied to ∂C/∂A[l] of every hidden layer before
    its own backward step: the backward of forward's hook (dropout's mask)."""
    grads = [None] * len(caches)
    dA = dy_hat
    for l in reversed(range(len(caches))):
        if hidden_hook is not None and l < len(caches) - 1:
            dA = hidden_hook(l + 1, dA)
        dA, dW, db = dense_backward(dA, caches[l], need_dA_prev=l > 0)
        grads[l] = (dW, db)
    return grads


def parameter_count(params):
    """Number of weights and biases: Σ_l (n_{l-1} · n_l + n_l)."""
    return int(sum(W.size + b.size for W, b in params))
