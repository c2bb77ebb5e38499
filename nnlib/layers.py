"""A dense (fully connected) layer: forward and backward pass (chapters 04 and 08).

Row-batch notation: one example per row of A_prev.

Forward:
    Z = A_prev @ W + b          A_prev (n, n_in), W (n_in, n_out), b (n_out,), Z (n, n_out)
    A = g(Z)

Backward (given dA = ∂C/∂A from the layer above, or from the loss):
    dZ      = dA ⊙ g'(Z)        the error δ of this layer, one row per example
                                (softmax mixes a row: activations.backward does dA times its Jacobian)
    dW      = A_prev.T @ dZ     ∂C/∂W: each example's contribution, summed over the batch
    db      = Σ_rows dZ         ∂C/∂b
    dA_prev = dZ @ W.T          δ sent back to the layer below

These are the four backpropagation equations; chapter 08 derives them.
If the cost is a mean over the batch, the 1/n is already inside dA (the loss
gradient puts it there), so nothing is divided here.
"""
import numpy as np

from . import activations
from ._validate import check_layer_input


def dense_forward(A_prev, W, b, activation, *, layer="dense layer"):
    """Forward pass of one dense layer: A = g(A_prev @ W + b).

    activation: a name ("relu", "sigmoid", ...) or a (g, g_prime) pair.
    layer: how error messages name this layer (network.forward passes "layer 2", ...).
    Returns (A, cache) where cache = (A_prev, W, b, Z, activation) is a plain
    tuple holding what the backward pass needs.
    """
    A_prev, W, b = np.asarray(A_prev), np.asarray(W), np.asarray(b)
    check_layer_input(A_prev, W, b, layer)
    g, _ = activations.get(activation)
    Z = A_prev @ W + b
    A = g(Z)
    cache = (A_prev, W, b, Z, activation)
    return A, cache


def dense_backward(dA, cache, *, need_dA_prev=True):
    """Backward pass of one dense layer.

    dA    : ∂C/∂A, same shape as the layer's output A (n, n_out)
    cache : (A_prev, W, b, Z, activation) from dense_forward
    Returns (dA_prev, dW, db) with the shapes of A_prev, W and b.
    need_dA_prev=False skips dA_prev (returns None): the first layer's input is the
    data X, which nothing updates, so network.backward does not compute its gradient.
    """
    A_prev, W, b, Z, activation = cache
    dA = np.asarray(dA)
    if dA.shape != Z.shape:
        raise ValueError(f"dense_backward: dA has shape {dA.shape} but the layer's output has shape {Z.shape}")
    _, g_prime = activations.get(activation)
    if activations.is_elementwise(activation):
        dZ = dA * g_prime(Z)          # δ = dA ⊙ g'(Z)
    else:                             # softmax mixes each row: dA times that row's Jacobian
        dZ = activations.backward(activation, dA, Z)
    dW = A_prev.T @ dZ                # ∂C/∂W = A_prevᵀ δ
    db = dZ.sum(axis=0)               # ∂C/∂b = δ summed over the batch
    dA_prev = dZ @ W.T if need_dA_prev else None   # δ passed back through W
    return dA_prev, dW, db
