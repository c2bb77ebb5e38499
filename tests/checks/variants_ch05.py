"""Chapter 05's variants: half_sse, half_sse_grad, binary_cross_entropy, binary_cross_entropy_grad
and softmax_cross_entropy_grad."""
import numpy as np

from nnlib import losses

from .variants import Variant, correct

SEEDS = (0, 1, 7)
EPS = 1e-12


# ------------------------------------------------------------------ half_sse
def half_sse_loop(y_hat, y):
    y_hat, y = np.asarray(y_hat, dtype=float), np.asarray(y, dtype=float)
    total = 0.0
    for i in range(y_hat.shape[0]):
        for k in range(y_hat.shape[1]):
            total += 0.5 * (y_hat[i, k] - y[i, k]) ** 2
    return total


def half_sse_vectorised(y_hat, y):
    e = np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)
    return float(0.5 * np.sum(e * e))


def half_sse_einsum(y_hat, y):
    e = np.subtract(y_hat, y, dtype=float)
    return float(0.5 * np.einsum("ik,ik->", e, e))


def half_sse_no_half(y_hat, y):
    return float(np.sum((np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)) ** 2))


def half_sse_mean(y_hat, y):
    return float(0.5 * np.mean((np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)) ** 2))


def half_sse_mse(y_hat, y):
    return float(np.mean((np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)) ** 2))


def half_sse_no_conversion(y_hat, y):
    return float(0.5 * np.sum((y_hat - y) ** 2))   # fails on Python lists


def half_sse_first_column(y_hat, y):
    y_hat, y = np.asarray(y_hat, dtype=float), np.asarray(y, dtype=float)
    return float(0.5 * np.sum((y_hat[:, 0] - y[:, 0]) ** 2))   # ignores extra outputs


# ------------------------------------------------------------------ half_sse_grad
def grad_subtract(y_hat, y):
    return np.asarray(y_hat, dtype=float) - np.asarray(y, dtype=float)


def grad_loop(y_hat, y):
    y_hat, y = np.asarray(y_hat, dtype=float), np.asarray(y, dtype=float)
    out = np.empty_like(y_hat)
    for index in np.ndindex(y_hat.shape):
        out[index] = y_hat[index] - y[index]
    return out


def grad_sign_flipped(y_hat, y):
    return np.asarray(y, dtype=float) - np.asarray(y_hat, dtype=float)


def grad_factor_two(y_hat, y):
    return 2.0 * grad_subtract(y_hat, y)


def grad_mean(y_hat, y):
    d = grad_subtract(y_hat, y)
    return d / d.size


def grad_int_dtype(y_hat, y):
    return np.asarray(y_hat) - np.asarray(y)   # integer inputs give an integer array


# ------------------------------------------------------------------ binary_cross_entropy
def bce_vectorised(p, y):
    p = np.clip(np.asarray(p, dtype=float), EPS, 1 - EPS)
    y = np.asarray(y, dtype=float)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def bce_where(p, y):
    p = np.clip(np.asarray(p, dtype=float), EPS, 1 - EPS)
    y = np.asarray(y, dtype=float)
    return float(np.mean(np.where(y == 1, -np.log(p), -np.log1p(-p))))


def bce_loop(p, y):
    p, y = np.asarray(p, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()
    total = 0.0
    for p_i, y_i in zip(p, y):
        p_i = min(max(p_i, EPS), 1 - EPS)
        total -= y_i * np.log(p_i) + (1 - y_i) * np.log(1 - p_i)
    return total / len(p)


def bce_sum(p, y):
    p = np.clip(np.asarray(p, dtype=float), EPS, 1 - EPS)
    y = np.asarray(y, dtype=float)
    return float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))


def bce_unclipped(p, y):
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def bce_no_minus(p, y):
    return -bce_vectorised(p, y)


def bce_only_positive_term(p, y):
    p = np.clip(np.asarray(p, dtype=float), EPS, 1 - EPS)
    return float(-np.mean(np.asarray(y, dtype=float) * np.log(p)))


# ------------------------------------------------------------------ binary_cross_entropy_grad
def bce_grad_formula(p, y):
    p = np.clip(np.asarray(p, dtype=float), EPS, 1 - EPS)
    y = np.asarray(y, dtype=float)
    return (p - y) / (p * (1 - p)) / p.size


def bce_grad_two_terms(p, y):
    p = np.clip(np.asarray(p, dtype=float), EPS, 1 - EPS)
    y = np.asarray(y, dtype=float)
    return (-y / p + (1 - y) / (1 - p)) / np.prod(p.shape)


def bce_grad_no_n(p, y):
    p = np.clip(np.asarray(p, dtype=float), EPS, 1 - EPS)
    y = np.asarray(y, dtype=float)
    return (p - y) / (p * (1 - p))


def bce_grad_sign(p, y):
    return -bce_grad_formula(p, y)


def bce_grad_rows(p, y):
    p = np.clip(np.asarray(p, dtype=float), EPS, 1 - EPS)
    y = np.asarray(y, dtype=float)
    return (p - y) / (p * (1 - p)) / p.shape[0]


def bce_grad_unclipped(p, y):
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    return (p - y) / (p * (1 - p)) / p.size


# ------------------------------------------------------------------ softmax_cross_entropy_grad
def _rows_softmax(Z):
    Z = np.asarray(Z, dtype=float)
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def ce_grad_formula(Z, y):
    return (_rows_softmax(Z) - np.asarray(y, dtype=float)) / len(Z)


def ce_grad_log_softmax(Z, y):      # P from log P = Z − max − log Σ e^(Z − max)
    Z = np.asarray(Z, dtype=float)
    shifted = Z - Z.max(axis=1, keepdims=True)
    log_P = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return (np.exp(log_P) - y) / Z.shape[0]


def ce_grad_loop(Z, y):
    Z, y = np.asarray(Z, dtype=float), np.asarray(y, dtype=float)
    n = Z.shape[0]
    out = np.zeros_like(Z)
    for i in range(n):
        e = np.exp(Z[i] - Z[i].max())
        out[i] = (e / e.sum() - y[i]) / n
    return out


def ce_grad_sum(Z, y):
    return _rows_softmax(Z) - y


def ce_grad_sign(Z, y):
    return -ce_grad_formula(Z, y)


def ce_grad_entries(Z, y):
    return (_rows_softmax(Z) - y) / np.size(Z)


def ce_grad_naive(Z, y):
    E = np.exp(np.asarray(Z, dtype=float))
    return (E / E.sum(axis=1, keepdims=True) - y) / len(Z)


def ce_grad_wrt_p(Z, y):
    return -y / np.clip(_rows_softmax(Z), EPS, 1) / len(Z)


VARIANTS = [
    *correct("half_sse", half_sse_loop, half_sse_vectorised, half_sse_einsum, losses.half_sse, seeds=SEEDS),
    Variant("half_sse", half_sse_no_half, 0.0, "the ½ is missing", SEEDS),
    Variant("half_sse", half_sse_mean, 0.0, "the mean instead of the sum", SEEDS),
    Variant("half_sse", half_sse_mse, 0.0, "the mean squared error instead of the half sum", SEEDS),
    Variant("half_sse", half_sse_no_conversion, 0.75, None, SEEDS),     # only the lists group fails
    Variant("half_sse", half_sse_first_column, 0.75, None, SEEDS),      # only the (n, k) group fails

    *correct("half_sse_grad", grad_subtract, grad_loop, seeds=SEEDS),
    Variant("half_sse_grad", grad_sign_flipped, 0.0, "the sign is flipped (y − y_hat)", SEEDS),
    Variant("half_sse_grad", grad_factor_two, 0.0, "the factor 2 of the square is kept", SEEDS),
    Variant("half_sse_grad", grad_mean, 0.0, "divided by the number of entries", SEEDS),
    Variant("half_sse_grad", grad_int_dtype, 0.75, None, SEEDS),        # integer lists give ints

    *correct("binary_cross_entropy", bce_vectorised, bce_where, bce_loop, seeds=SEEDS),
    Variant("binary_cross_entropy", bce_sum, 0.0, "the sum instead of the mean", SEEDS),
    Variant("binary_cross_entropy", bce_unclipped, 0.75, "p is not clipped", SEEDS),
    Variant("binary_cross_entropy", bce_no_minus, 0.0, "the minus sign is missing", SEEDS),
    Variant("binary_cross_entropy", bce_only_positive_term, 0.0, "only the y·log(p) term", SEEDS),

    *correct("binary_cross_entropy_grad", bce_grad_formula, bce_grad_two_terms, seeds=SEEDS),
    Variant("binary_cross_entropy_grad", bce_grad_no_n, 0.0, "the 1/N is missing", SEEDS),
    Variant("binary_cross_entropy_grad", bce_grad_sign, 0.0, "the sign is flipped", SEEDS),
    Variant("binary_cross_entropy_grad", bce_grad_rows, 0.5, "number of rows instead of the number of entries",
            SEEDS),
    Variant("binary_cross_entropy_grad", bce_grad_unclipped, 0.75, "p is not clipped", SEEDS),

    *correct("softmax_cross_entropy_grad", ce_grad_formula, ce_grad_log_softmax, ce_grad_loop,
             losses.softmax_cross_entropy_grad, seeds=SEEDS),
    Variant("softmax_cross_entropy_grad", ce_grad_sum, 0.0, "the 1/n is missing", SEEDS),
    Variant("softmax_cross_entropy_grad", ce_grad_sign, 0.0, "the sign is flipped", SEEDS),
    Variant("softmax_cross_entropy_grad", ce_grad_entries, 0.0, "divided by the number of entries", SEEDS),
    Variant("softmax_cross_entropy_grad", ce_grad_naive, 0.75, "the row maximum is not subtracted", SEEDS),
    Variant("softmax_cross_entropy_grad", ce_grad_wrt_p, 0.0, "instead of with respect to Z", SEEDS),
]
