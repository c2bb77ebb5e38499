"""Small input checks shared by nnlib's modules.

Every public function checks its inputs before computing, so a mistake gives a
clear message that names the argument and its shape instead of a silent
NumPy broadcast."""
import numbers

import numpy as np


def as_2d(A, name):
    """Return `A` as a float array of shape (n, d); reject 1-D and 3-D inputs."""
    A = np.asarray(A)
    if A.ndim != 2:
        if A.ndim == 1:
            raise ValueError(
                f"{name} must be 2-D, one example per row; got a 1-D array of shape {A.shape}. "
                f"Use {name}.reshape(1, -1) for one example or {name}.reshape(-1, 1) for one feature."
            )
        raise ValueError(f"{name} must be 2-D (n, d); got an array of shape {A.shape}")
    if A.dtype.kind != "f":
        A = A.astype(float)
    return A


def as_float(Z):
    """Return `Z` as a floating-point array (integers and lists become float64)."""
    Z = np.asarray(Z)
    if Z.dtype.kind != "f":
        Z = Z.astype(float)
    return Z


def positive(value, name):
    """Reject a value that is not a number > 0 (e.g. a learning rate)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
        raise ValueError(f"{name} must be a number > 0; got {value!r}")
    return value


def same_shape(y_hat, y, what="loss"):
    """Predictions and targets must have the same shape: (n, k) against (n,) would broadcast to (n, n)."""
    y_hat = as_float(y_hat)
    y = as_float(y)
    if y_hat.shape != y.shape:
        hint = ""
        if y.ndim == 1 and y_hat.ndim == 2:
            hint = " Reshape the targets with y.reshape(-1, 1)."
        raise ValueError(
            f"{what}: y_hat has shape {y_hat.shape} but y has shape {y.shape}; they must match.{hint}"
        )
    return y_hat, y


def check_layer_input(A_prev, W, b, layer="dense layer"):
    """Raise a ValueError naming the layer and the shapes when A_prev, W, b do not fit together:
    A_prev (n, n_in), W (n_in, n_out), b (n_out,)."""
    if not isinstance(A_prev, np.ndarray) or A_prev.ndim != 2:
        shape = np.shape(A_prev)
        hint = " Reshape one example with x.reshape(1, -1)." if len(shape) == 1 else ""
        raise ValueError(f"{layer} expects a 2-D array (n, {np.shape(W)[0]}), one example per row; "
                         f"got an array of shape {shape}.{hint}")
    if W.ndim != 2 or b.shape != (W.shape[1],):
        raise ValueError(f"{layer}: W must be (n_in, n_out) and b (n_out,); got W {W.shape} and b {b.shape}")
    if A_prev.shape[1] != W.shape[0]:
        raise ValueError(f"{layer} expects {W.shape[0]} inputs, got an array of shape {A_prev.shape}")


def check_activations(params, activations):
    """One activation per layer: a list (or tuple) as long as params, not a single name."""
    if isinstance(activations, str) or len(activations) != len(params):
        raise ValueError(
            f"activations must be a list with one name per layer ({len(params)} layers); got {activations!r}"
        )
