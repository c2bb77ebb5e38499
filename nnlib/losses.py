"""Loss functions: how far the predictions y_hat are from the targets y (chapter 05).

Each loss comes with its gradient ∂loss/∂y_hat, the dy_hat that starts backpropagation.

    half_sse                  C = Σ ½ (y_hat − y)²                 (the lectures' cost; a sum)
    mse                       C = (1/N) Σ (y_hat − y)²              (N = number of entries)
    binary_cross_entropy      C = −(1/N) Σ [y log p + (1−y) log(1−p)]
    categorical_cross_entropy C = −(1/n) Σ_rows Σ_k y_k log p_k     (p: probabilities, rows sum to 1)
    softmax_cross_entropy     C = categorical_cross_entropy(softmax(Z), y), computed from logits Z

y_hat and y must have the same shape; a (n, 1) prediction against (n,) targets is refused
rather than silently broadcast to (n, n).
Probabilities are clipped to [EPS, 1 − EPS] so the cross-entropies stay finite at p = 0 and 1.
"""
import numpy as np

from ._validate import same_shape

EPS = 1e-12


def half_sse(y_hat, y):
    """C = Σ ½ (y_hat − y)², summed over every entry (a number)."""
    y_hat, y = same_shape(y_hat, y, "half_sse")
    return float(0.5 * np.sum((y_hat - y) ** 2))


def half_sse_grad(y_hat, y):
    """∂C/∂y_hat = y_hat − y (the ½ cancels the 2 from the square)."""
    y_hat, y = same_shape(y_hat, y, "half_sse_grad")
    return y_hat - y


def mse(y_hat, y):
    """Mean squared error: (1/N) Σ (y_hat − y)² over all N entries."""
    y_hat, y = same_shape(y_hat, y, "mse")
    return float(np.mean((y_hat - y) ** 2))


def mse_grad(y_hat, y):
    """∂mse/∂y_hat = 2 (y_hat − y) / N."""
    y_hat, y = same_shape(y_hat, y, "mse_grad")
    return 2.0 * (y_hat - y) / y_hat.size


def binary_cross_entropy(p, y):
    """−(1/N) Σ [y log p + (1 − y) log(1 − p)] for probabilities p of the label 1."""
    p, y = same_shape(p, y, "binary_cross_entropy")
    p = np.clip(p, EPS, 1.0 - EPS)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)))


def binary_cross_entropy_grad(p, y):
    """∂/∂p = (p − y) / (p (1 − p)) / N, with p clipped to [EPS, 1 − EPS]."""
    p, y = same_shape(p, y, "binary_cross_entropy_grad")
    p = np.clip(p, EPS, 1.0 - EPS)
    return (p - y) / (p * (1.0 - p)) / p.size


def categorical_cross_entropy(p, y):
    """−(1/n) Σ_rows Σ_k y_k log p_k for rows of class probabilities p and one-hot targets y."""
    p, y = same_shape(p, y, "categorical_cross_entropy")
    p = np.clip(p, EPS, 1.0)
    return float(-np.sum(y * np.log(p)) / p.shape[0])


def categorical_cross_entropy_grad(p, y):
    """∂/∂p = −y / p / n (p clipped below at EPS)."""
    p, y = same_shape(p, y, "categorical_cross_entropy_grad")
    p = np.clip(p, EPS, 1.0)
    return -y / p / p.shape[0]


def _log_softmax(Z):
    Z = Z - Z.max(axis=-1, keepdims=True)
    return Z - np.log(np.exp(Z).sum(axis=-1, keepdims=True))


def softmax_cross_entropy(Z, y):
    """Cross-entropy of softmax(Z) against one-hot y, from the logits Z (no overflow, no log 0):
    −(1/n) Σ_rows Σ_k y_k log softmax(Z)_k, with log softmax(Z)_k = Z_k − log Σ_j e^(Z_j)."""
    Z, y = same_shape(Z, y, "softmax_cross_entropy")
    return float(-np.sum(y * _log_softmax(Z)) / Z.shape[0])


def softmax_cross_entropy_grad(Z, y):
    """∂/∂Z = (softmax(Z) − y) / n: the gradient with respect to the logits."""
    Z, y = same_shape(Z, y, "softmax_cross_entropy_grad")
    return (np.exp(_log_softmax(Z)) - y) / Z.shape[0]


_LOSSES = {
    "half_sse": (half_sse, half_sse_grad),
    "mse": (mse, mse_grad),
    "binary_cross_entropy": (binary_cross_entropy, binary_cross_entropy_grad),
    "categorical_cross_entropy": (categorical_cross_entropy, categorical_cross_entropy_grad),
    "softmax_cross_entropy": (softmax_cross_entropy, softmax_cross_entropy_grad),
}

NAMES = tuple(_LOSSES)


def get(name):
    """Return (loss, loss_grad) for a loss name, e.g. get("mse") -> (mse, mse_grad)."""
    if isinstance(name, tuple) and len(name) == 2 and all(callable(f) for f in name):
        return name
    if isinstance(name, str) and name in _LOSSES:
        return _LOSSES[name]
    raise ValueError(f"unknown loss {name!r}; allowed values: {', '.join(NAMES)}")
