"""Gradient checking: compare backpropagation with finite differences (chapter 08).

Central difference for every entry x_i of an array x:
    ∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / (2h)          (error of order h²)
Relative error between two gradients a and b, entry by entry, worst entry reported:
    relative_error(a, b) = max_i |a_i − b_i| / max(1e-8, |a_i| + |b_i|)
Rule of thumb in float64: < 1e-7 correct; 1e-7 … 1e-2 look closer; > 1e-2 wrong.
"""
import numpy as np

from . import losses as _losses
from .network import backward, forward


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of the scalar function f at the float array x.

    x is changed in place one entry at a time and always restored, so f can read
    x (e.g. a weight matrix inside a list of parameters) directly.
    """
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise ValueError("numerical_gradient needs x as a float NumPy array (it nudges x in place)")
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        try:
            x[i] = old + h
            f_plus = f(x)
            x[i] = old - h
            f_minus = f(x)
        finally:
            x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(a, b):
    """max over entries of |a − b| / max(1e-8, |a| + |b|)."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"relative_error: shapes differ, {a.shape} vs {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def check_gradients(X, y, params, activations, loss="half_sse", h=1e-5):
    """Compare backward() with numerical gradients for every W and b of a network.

    Returns a report {"W1": error, "b1": error, "W2": ...} of relative errors.
    The parameters are copied first, so the caller's arrays are never touched.
    """
    loss_fn, loss_grad = _losses.get(loss)
    params = [(np.array(W, dtype=float), np.array(b, dtype=float)) for W, b in params]
    y_hat, caches = forward(X, params, activations)
    grads = backward(loss_grad(y_hat, y), caches)

    def cost(_):
        return loss_fn(forward(X, params, activations)[0], y)

    report = {}
    for l, ((W, b), (dW, db)) in enumerate(zip(params, grads), start=1):
        report[f"W{l}"] = relative_error(dW, numerical_gradient(cost, W, h))
        report[f"b{l}"] = relative_error(db, numerical_gradient(cost, b, h))
    return report
