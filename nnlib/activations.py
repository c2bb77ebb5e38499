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

Backpropagation does not need g'(Z) itself but dZ = ∂C/∂Z from dA = ∂C/∂A, a
vector–Jacobian product. Every activation owns that step, `backward(activation, dA, Z)`:
for the element-wise ones it is dA ⊙ g'(Z); softmax mixes each row, so its dZ is the row
of dA times softmax's Jacobian, dZ = A ⊙ (dA − Σ_j dA_j A_j) with A = softmax(Z).
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


def softmax_backward(dA, Z):
    """dZ = dA J for each row, with J = softmax_prime(Z) the row's Jacobian:

        dZ_j = Σ_i dA_i A_i (δ_ij − A_j) = A_j (dA_j − Σ_i dA_i A_i),    A = softmax(Z)

    computed without building the k×k Jacobians (O(k) per row instead of O(k²))."""
    A = softmax(Z)
    dA = as_float(dA)
    return A * (dA - np.sum(dA * A, axis=-1, keepdims=True))


def elementwise_backward(g_prime):
    """The backward step of an element-wise activation: (dA, Z) -> dA ⊙ g'(Z)."""
    def backward(dA, Z):
        return dA * g_prime(Z)
    backward.__name__ = f"{getattr(g_prime, '__name__', 'g_prime')}_backward"
    backward.elementwise = True
    return backward


# name: (g, g_prime, backward), where backward(dA, Z) = dZ is the vector–Jacobian product.
_ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_prime, elementwise_backward(sigmoid_prime)),
    "tanh": (tanh, tanh_prime, elementwise_backward(tanh_prime)),
    "relu": (relu, relu_prime, elementwise_backward(relu_prime)),
    "leaky_relu": (leaky_relu, leaky_relu_prime, elementwise_backward(leaky_relu_prime)),
    "linear": (linear, linear_prime, elementwise_backward(linear_prime)),
    "step": (step, step_prime, elementwise_backward(step_prime)),
    "softmax": (softmax, softmax_prime, softmax_backward),
}
_PAIRS = {name: (g, g_prime) for name, (g, g_prime, _) in _ACTIVATIONS.items()}
# A (g, g_prime) pair whose g_prime is one of the above gets that activation's backward step.
_BACKWARD_OF_PRIME = {g_prime: backward for _, g_prime, backward in _ACTIVATIONS.values()}

NAMES = tuple(_ACTIVATIONS)


def _entry(activation):
    """(g, g_prime, backward) for a name, a (g, g_prime) pair or a (g, g_prime, backward) triple."""
    entry = _ACTIVATIONS.get(activation) if isinstance(activation, str) else None
    if entry is not None:
        return entry
    if isinstance(activation, tuple) and len(activation) in (2, 3) and all(callable(f) for f in activation):
        if len(activation) == 3:
            return activation
        g, g_prime = activation
        backward = _BACKWARD_OF_PRIME.get(g_prime)
        return g, g_prime, backward if backward is not None else elementwise_backward(g_prime)
    raise ValueError(
        f"unknown activation {activation!r}; allowed values: {', '.join(NAMES)} "
        f"(or a (g, g_prime) pair of functions, or a (g, g_prime, backward) triple)"
    )


def get(name):
    """Return (g, g_prime) for an activation name, e.g. get("relu") -> (relu, relu_prime).

    A (g, g_prime) pair is passed through unchanged, so callers may use either form
    (and a (g, g_prime, backward) triple gives its first two)."""
    pair = _PAIRS.get(name) if isinstance(name, str) else None
    if pair is not None:
        return pair
    g, g_prime, _ = _entry(name)
    return name if len(name) == 2 else (g, g_prime)


def is_elementwise(activation):
    """True when g acts entry by entry, so that dZ = dA ⊙ g'(Z) (all but softmax here)."""
    entry = _ACTIVATIONS.get(activation) if isinstance(activation, str) else None
    return getattr((entry if entry is not None else _entry(activation))[2], "elementwise", False)


def backward(activation, dA, Z):
    """dZ = ∂C/∂Z from dA = ∂C/∂A for a layer whose output is A = g(Z): the activation's
    vector–Jacobian product. dA ⊙ g'(Z) for element-wise activations; for softmax (by name,
    or as the pair (softmax, softmax_prime)) each row of dA times that row's Jacobian.
    A custom activation that is not element-wise is given as a triple (g, g_prime, backward)."""
    entry = _ACTIVATIONS.get(activation) if isinstance(activation, str) else None
    return (entry if entry is not None else _entry(activation))[2](dA, Z)
