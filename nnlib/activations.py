"""Activation functions g(Z) and their derivatives g'(Z) (chapter 03).

A layer computes Z = A_prev @ W + b and then A = g(Z), entry by entry. Backpropagation
needs g'(Z), so every activation here comes with its derivative:

    name         g(z)                         g'(z)
    sigmoid      1 / (1 + e^(-z))             g(z) (1 - g(z))
    tanh         (e^z - e^-z) / (e^z + e^-z)  1 - g(z)^2
    relu         max(0, z)                    1 if z > 0 else 0
    leaky_relu   z if z > 0 else alpha z      1 if z > 0 else alpha
    linear       z                            1
    step         1 if z >= 0 else 0           0 (almost everywhere: no gradient to follow)
    softmax      e^(z_i) / sum_j e^(z_j)      a Jacobian per row (see softmax_prime)

Each function takes an array Z and returns an array of the same shape.
`get(name)` returns the pair (g, g_prime).
"""
import numpy as np

from ._validate import as_float

LEAKY_SLOPE = 0.01


def sigmoid(Z):
    """σ(Z) = 1 / (1 + e^(-Z)), entry by entry; values in (0, 1).

    Computed as σ(z) = exp(−log(1 + e^(−z))), with log(1 + e^(−z)) from np.logaddexp(0, −z),
    which never overflows: no warning at z = ±1000, and full precision in the tails.
    """
    Z = as_float(Z)
    return np.exp(-np.logaddexp(0.0, -Z))


def sigmoid_prime(Z):
    """σ'(Z) = σ(Z) (1 - σ(Z)); largest (0.25) at Z = 0, nearly 0 for large |Z|."""
    S = sigmoid(Z)
    return S * (1.0 - S)


def tanh(Z):
    """tanh(Z) = (e^Z - e^(-Z)) / (e^Z + e^(-Z)); values in (-1, 1), zero-centred."""
    return np.tanh(as_float(Z))


def tanh_prime(Z):
    """tanh'(Z) = 1 - tanh(Z)^2; equals 1 at Z = 0."""
    T = np.tanh(as_float(Z))
    return 1.0 - T * T


def relu(Z):
    """ReLU(Z) = max(0, Z), entry by entry."""
    Z = as_float(Z)
    return np.maximum(Z, 0.0)


def relu_prime(Z):
    """ReLU'(Z) = 1 where Z > 0, else 0 (we take 0 at Z = 0, as most libraries do)."""
    Z = as_float(Z)
    return (Z > 0).astype(Z.dtype)


def leaky_relu(Z, alpha=LEAKY_SLOPE):
    """Leaky ReLU: Z where Z > 0, alpha·Z elsewhere (alpha = 0.01 by default)."""
    Z = as_float(Z)
    return np.where(Z > 0, Z, alpha * Z)


def leaky_relu_prime(Z, alpha=LEAKY_SLOPE):
    """Leaky ReLU'(Z) = 1 where Z > 0, alpha elsewhere: never exactly 0, so units cannot 'die'."""
    Z = as_float(Z)
    return np.where(Z > 0, 1.0, alpha).astype(Z.dtype)


def linear(Z):
    """Identity: g(Z) = Z (used for regression outputs)."""
    return as_float(Z).copy()


def linear_prime(Z):
    """g'(Z) = 1 everywhere."""
    return np.ones_like(as_float(Z))


def step(Z):
    """Threshold (Heaviside) function: 1 where Z >= 0, else 0 (the original perceptron)."""
    Z = as_float(Z)
    return (Z >= 0).astype(Z.dtype)


def step_prime(Z):
    """The step function is flat except at 0, so its derivative is 0 wherever it exists.

    That is why a network of step units cannot be trained by gradient descent."""
    return np.zeros_like(as_float(Z))


def softmax(Z):
    """softmax(Z)_i = e^(Z_i) / Σ_j e^(Z_j) along each row (the last axis); rows sum to 1.

    Subtracting each row's maximum first changes nothing mathematically
    (it cancels between numerator and denominator) but prevents overflow."""
    Z = as_float(Z)
    E = np.exp(Z - Z.max(axis=-1, keepdims=True))
    return E / E.sum(axis=-1, keepdims=True)


def softmax_prime(Z):
    """Jacobian of softmax, one k×k matrix per row: J[n, i, j] = ∂A_i/∂Z_j = A_i (δ_ij − A_j).

    Softmax mixes the entries of a row, so unlike the other activations its
    derivative is not elementwise; `layers.dense_backward` multiplies dA by it."""
    A = softmax(Z)
    return A[..., :, None] * (np.eye(A.shape[-1]) - A[..., None, :])


_ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (tanh, tanh_prime),
    "relu": (relu, relu_prime),
    "leaky_relu": (leaky_relu, leaky_relu_prime),
    "linear": (linear, linear_prime),
    "step": (step, step_prime),
    "softmax": (softmax, softmax_prime),
}

NAMES = tuple(_ACTIVATIONS)


def get(name):
    """Return (g, g_prime) for an activation name, e.g. get("relu") -> (relu, relu_prime).

    A (g, g_prime) pair is passed through unchanged, so callers may use either form."""
    pair = _ACTIVATIONS.get(name) if isinstance(name, str) else None
    if pair is not None:
        return pair
    if isinstance(name, tuple) and len(name) == 2 and all(callable(f) for f in name):
        return name
    raise ValueError(
        f"unknown activation {name!r}; allowed values: {', '.join(NAMES)} "
        f"(or a (g, g_prime) pair of functions)"
    )
