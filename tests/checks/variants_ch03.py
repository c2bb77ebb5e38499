"""Chapter 03's variants: sigmoid, sigmoid_prime, tanh_prime, relu, relu_prime and softmax."""
import math

import numpy as np

from nnlib import activations

from .variants import Variant, correct


def f(Z):
    return np.asarray(Z, dtype=float)


# ------------------------------------------------------------------ sigmoid
def sigmoid_where(Z):
    Z = f(Z)
    E = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1 / (1 + E), E / (1 + E))


def sigmoid_tanh(Z):
    return 0.5 * (1 + np.tanh(f(Z) / 2))


def sigmoid_loop(Z):
    Z = f(Z)
    out = np.empty_like(Z)
    for i, z in np.ndenumerate(Z):
        out[i] = 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))
    return out


def sigmoid_direct(Z):            # right values in float64, but warns at z = -1000
    return 1 / (1 + np.exp(-f(Z)))


def sigmoid_ratio(Z):             # nan at z = +1000: loses the large-|Z| group
    return np.exp(Z) / (1 + np.exp(Z))


def sigmoid_flipped(Z):
    return 1 / (1 + np.exp(f(Z)))


def sigmoid_is_tanh(Z):
    return np.tanh(f(Z))


def sigmoid_int_buffer(Z):        # np.zeros_like keeps an int dtype: loses the integer group
    Z = np.asarray(Z)
    out = np.zeros_like(Z)
    out[...] = sigmoid_where(Z)
    return out


# ------------------------------------------------------------------ sigmoid_prime
def sigmoid_prime_product(Z):
    S = sigmoid_where(Z)
    return S * (1 - S)


def sigmoid_prime_sech(Z):        # σ'(z) = ¼ sech²(z/2) = ¼ (1 − tanh²(z/2))
    return 0.25 * (1 - np.tanh(f(Z) / 2) ** 2)


def sigmoid_prime_symmetric(Z):   # σ' is even: e^(−|z|) / (1 + e^(−|z|))² never overflows
    E = np.exp(-np.abs(f(Z)))
    return E / (1 + E) ** 2


def sigmoid_prime_naive_exp(Z):
    return np.exp(-f(Z)) / (1 + np.exp(-f(Z))) ** 2


# ------------------------------------------------------------------ tanh_prime
def tanh_prime_square(Z):
    return 1 - np.tanh(f(Z)) ** 2


def tanh_prime_cosh(Z):           # 1 / cosh²: cosh overflows to inf at 1000, 1/inf² = 0 is right
    with np.errstate(over="ignore"):
        return 1 / np.cosh(f(Z)) ** 2


def tanh_prime_loop(Z):
    Z = f(Z)
    out = np.empty_like(Z)
    for i, z in np.ndenumerate(Z):
        out[i] = 1 - math.tanh(z) ** 2
    return out


def tanh_prime_naive_exp(Z):
    Z = f(Z)
    T = (np.exp(Z) - np.exp(-Z)) / (np.exp(Z) + np.exp(-Z))
    return 1 - T ** 2


# ------------------------------------------------------------------ relu
def relu_maximum(Z):
    return np.maximum(f(Z), 0.0)


def relu_mask(Z):
    Z = f(Z)
    return Z * (Z > 0)


def relu_where(Z):
    Z = f(Z)
    return np.where(Z > 0, Z, 0.0)


def relu_loop(Z):
    Z = f(Z)
    out = Z.copy()
    for i, z in np.ndenumerate(Z):
        out[i] = z if z > 0 else 0.0
    return out


def relu_int_dtype(Z):            # np.maximum(Z, 0) keeps integers: loses the integer group
    return np.maximum(Z, 0)


# ------------------------------------------------------------------ relu_prime
def relu_prime_astype(Z):
    return (f(Z) > 0).astype(float)


def relu_prime_heaviside(Z):
    return np.heaviside(f(Z), 0.0)


def relu_prime_where(Z):
    return np.where(f(Z) > 0, 1.0, 0.0)


def relu_prime_loop(Z):
    Z = f(Z)
    out = np.zeros_like(Z)
    for i, z in np.ndenumerate(Z):
        if z > 0:
            out[i] = 1.0
    return out


def softmax_rowmax(Z):
    Z = f(Z)
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def softmax_logsumexp(Z):         # exp(z − log Σ e^z), log-sum-exp computed stably
    Z = f(Z)
    m = Z.max(axis=1, keepdims=True)
    return np.exp(Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True)))


def softmax_loop(Z):
    Z = f(Z)
    out = np.empty_like(Z)
    for i, row in enumerate(Z):
        e = [math.exp(z - max(row)) for z in row]
        out[i] = [v / sum(e) for v in e]
    return out


def softmax_naive(Z):             # nan for logits near 1000: loses the large-logit group
    E = np.exp(f(Z))
    return E / E.sum(axis=1, keepdims=True)


def softmax_columns(Z):
    Z = f(Z)
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def softmax_whole_array(Z):
    E = np.exp(f(Z) - f(Z).max())
    return E / E.sum()


def softmax_batch_max(Z):         # 0 / 0 = nan in a row far below the batch's maximum
    E = np.exp(f(Z) - f(Z).max())
    return E / E.sum(axis=1, keepdims=True)


def softmax_unnormalised(Z):
    return np.exp(f(Z) - f(Z).max(axis=1, keepdims=True))


def softmax_int_buffer(Z):        # np.empty_like keeps an int dtype: loses the integer group
    Z = np.asarray(Z)
    out = np.empty_like(Z)
    out[...] = softmax_rowmax(Z)
    return out


VARIANTS = [
    *correct("sigmoid", sigmoid_where, sigmoid_tanh, sigmoid_loop, sigmoid_direct, activations.sigmoid),
    Variant("sigmoid", sigmoid_ratio, 0.75, "overflow in exp for large |z|"),
    Variant("sigmoid", sigmoid_flipped, 0.0, "the sign of z is flipped"),
    Variant("sigmoid", lambda Z: 1 / (1 - np.exp(-f(Z))), 0.0, "a minus sign in the denominator"),
    Variant("sigmoid", sigmoid_is_tanh, 0.0, "tanh instead of the sigmoid"),
    Variant("sigmoid", sigmoid_int_buffer, 0.75, None),

    *correct("sigmoid_prime", sigmoid_prime_product, sigmoid_prime_sech, sigmoid_prime_symmetric),
    Variant("sigmoid_prime", lambda Z: sigmoid_where(Z), 0.0, "returns σ(z) instead of σ(z)(1 − σ(z))"),
    Variant("sigmoid_prime", lambda Z: 1 - sigmoid_where(Z), 0.0, "returns 1 − σ(z)"),
    Variant("sigmoid_prime", lambda Z: sigmoid_where(Z) ** 2, 0.0, "returns σ(z)²"),
    Variant("sigmoid_prime", lambda Z: f(Z) * (1 - f(Z)), 0.0, "applied to z instead of σ(z)"),
    Variant("sigmoid_prime", sigmoid_prime_naive_exp, 0.75, "overflow in exp for large |z|"),

    *correct("tanh_prime", tanh_prime_square, tanh_prime_cosh, tanh_prime_loop),
    Variant("tanh_prime", lambda Z: np.tanh(f(Z)), 0.0, "returns tanh(z) instead of its derivative"),
    Variant("tanh_prime", lambda Z: 1 - np.tanh(f(Z)), 0.0, "the square is missing"),
    Variant("tanh_prime", lambda Z: 1 - f(Z) ** 2, 0.0, "applied to z instead of tanh(z)"),
    Variant("tanh_prime", lambda Z: 1 + np.tanh(f(Z)) ** 2, 0.0, "wrong sign"),
    Variant("tanh_prime", tanh_prime_naive_exp, 0.75, "overflow in exp for large |z|"),

    *correct("relu", relu_maximum, relu_mask, relu_where, relu_loop),
    Variant("relu", lambda Z: np.max(f(Z), 0), 0.0, "np.max(Z, 0)"),
    Variant("relu", lambda Z: np.abs(f(Z)), 0.0, "wrong for negatives"),
    Variant("relu", lambda Z: np.minimum(f(Z), 0.0), 0.0, "min instead of max"),
    Variant("relu", lambda Z: (f(Z) > 0).astype(float), 0.0, "returns the derivative"),
    Variant("relu", relu_int_dtype, 0.75, None),

    *correct("relu_prime", relu_prime_astype, relu_prime_heaviside, relu_prime_where, relu_prime_loop),
    Variant("relu_prime", lambda Z: (f(Z) >= 0).astype(float), 0.75, "wrong at 0"),
    Variant("relu_prime", lambda Z: np.maximum(f(Z), 0.0), 0.0, "returns relu(Z) instead of its derivative"),
    Variant("relu_prime", lambda Z: np.sign(f(Z)), 0.0, "wrong for negatives: returns −1"),
    Variant("relu_prime", lambda Z: np.ones_like(f(Z)), 0.0, "wrong for negatives: returns 1 everywhere"),
    Variant("relu_prime", lambda Z: f(Z) > 0, 0.0, "returns True/False"),

    *correct("softmax", softmax_rowmax, softmax_logsumexp, softmax_loop, activations.softmax),
    Variant("softmax", softmax_naive, 0.75, "the row maximum is not subtracted"),
    Variant("softmax", softmax_columns, 0.0, "normalised over the batch (axis 0)"),
    Variant("softmax", softmax_whole_array, 0.0, "normalised over the whole array"),
    Variant("softmax", softmax_batch_max, 0.75, "subtracted the batch's largest logit"),
    Variant("softmax", softmax_unnormalised, 0.0, "without dividing by the row's sum"),
    Variant("softmax", softmax_int_buffer, 0.75, None),
]
