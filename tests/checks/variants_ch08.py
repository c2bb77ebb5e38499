"""Chapter 08's variants: dense_backward, backward and numerical_gradient."""
import numpy as np

from nnlib import activations

from .variants import Variant, correct

SEEDS = (0, 1, 2, 3, 4)


def _unpack(cache):
    A_prev, W, b, Z, activation = cache
    return A_prev, W, Z, activations.get(activation)[1]


def dense_backward_vectorised(dA, cache):
    A_prev, W, Z, g_prime = _unpack(cache)
    dZ = dA * g_prime(Z)
    return dZ @ W.T, A_prev.T @ dZ, dZ.sum(axis=0)


def dense_backward_loops(dA, cache):
    """One example at a time, outer products added up."""
    A_prev, W, Z, g_prime = _unpack(cache)
    dW, db = np.zeros(W.shape), np.zeros(W.shape[1])
    dA_prev = np.zeros(A_prev.shape)
    for k in range(A_prev.shape[0]):
        delta = dA[k] * g_prime(Z[k])
        dW += np.outer(A_prev[k], delta)
        db += delta
        dA_prev[k] = W @ delta
    return dA_prev, dW, db


def dense_backward_einsum(dA, cache):
    A_prev, W, Z, g_prime = _unpack(cache)
    dZ = np.multiply(dA, g_prime(Z))
    return (np.einsum("nj,ij->ni", dZ, W), np.einsum("ni,nj->ij", A_prev, dZ),
            np.einsum("nj->j", dZ))


def dense_backward_sigmoid_from_output(dA, cache):
    """Correct too: for the sigmoid, g'(Z) = a (1 − a) computed from the output a = g(Z)."""
    A_prev, W, b, Z, activation = cache
    g, g_prime = activations.get(activation)
    if activation == "sigmoid":
        a = g(Z)
        dZ = dA * a * (1 - a)
    else:
        dZ = dA * g_prime(Z)
    return dZ @ W.T, A_prev.T @ dZ, dZ.sum(axis=0)


def dense_backward_no_g_prime(dA, cache):
    A_prev, W, Z, g_prime = _unpack(cache)
    return dA @ W.T, A_prev.T @ dA, dA.sum(axis=0)


def dense_backward_g_prime_of_A(dA, cache):
    A_prev, W, b, Z, activation = cache
    g, g_prime = activations.get(activation)
    dZ = dA * g_prime(g(Z))
    return dZ @ W.T, A_prev.T @ dZ, dZ.sum(axis=0)


def dense_backward_no_transpose(dA, cache):
    A_prev, W, Z, g_prime = _unpack(cache)
    dZ = dA * g_prime(Z)
    return dZ @ W.T, A_prev @ dZ, dZ.sum(axis=0)


def dense_backward_db_not_summed(dA, cache):
    A_prev, W, Z, g_prime = _unpack(cache)
    dZ = dA * g_prime(Z)
    return dZ @ W.T, A_prev.T @ dZ, dZ


def dense_backward_mean(dA, cache):
    A_prev, W, Z, g_prime = _unpack(cache)
    dZ = dA * g_prime(Z)
    n = len(A_prev)
    return dZ @ W.T, A_prev.T @ dZ / n, dZ.mean(axis=0)


def not_implemented(*args):
    # YOUR CODE HERE
    raise NotImplementedError()


def backward_by_index(dy_hat, caches):
    grads, dA = [None] * len(caches), dy_hat
    for l in range(len(caches) - 1, -1, -1):
        dA, dW, db = dense_backward_vectorised(dA, caches[l])
        grads[l] = (dW, db)
    return grads


def backward_insert_front(dy_hat, caches):
    grads, dA = [], dy_hat
    for cache in caches[::-1]:
        dA, dW, db = dense_backward_loops(dA, cache)
        grads.insert(0, (dW, db))
    return grads


def backward_recursive_lists(dy_hat, caches):
    """Recursion, and [dW, db] lists instead of tuples: accepted."""
    if not caches:
        return []
    dA_prev, dW, db = dense_backward_einsum(dy_hat, caches[-1])
    return backward_recursive_lists(dA_prev, caches[:-1]) + [[dW, db]]


def backward_reversed(dy_hat, caches):
    grads, dA = [], dy_hat
    for cache in reversed(caches):
        dA, dW, db = dense_backward_vectorised(dA, cache)
        grads.append((dW, db))
    return grads


def backward_not_passed_back(dy_hat, caches):
    grads = []
    for cache in caches:
        _, dW, db = dense_backward_vectorised(dy_hat, cache)
        grads.append((dW, db))
    return grads


def backward_last_layer_only(dy_hat, caches):
    _, dW, db = dense_backward_vectorised(dy_hat, caches[-1])
    return [(dW, db)]


def backward_with_wrong_layer(dy_hat, caches):
    """Uses a buggy dense_backward (no g'): backward earns nothing either."""
    grads, dA = [None] * len(caches), dy_hat
    for l in reversed(range(len(caches))):
        dA, dW, db = dense_backward_no_g_prime(dA, caches[l])
        grads[l] = (dW, db)
    return grads


def numerical_gradient_in_place(f, x, h=1e-5):
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


def numerical_gradient_copies(f, x, h=1e-5):
    """Unit vectors e_i of x's shape, and fresh arrays x ± h e_i."""
    grad = np.empty(x.shape)
    flat = grad.reshape(-1)
    for k in range(x.size):
        e = np.zeros(x.size)
        e[k] = h
        e = e.reshape(x.shape)
        flat[k] = (f(x + e) - f(x - e)) / 2 / h
    return grad


def numerical_gradient_flat_view(f, x, h=1e-5):
    grad = np.zeros(x.size)
    view = x.reshape(-1)                                # a view: writes reach x
    for k in range(x.size):
        old = view[k]
        view[k] = old + h
        up = f(x)
        view[k] = old - h
        down = f(x)
        view[k] = old
        grad[k] = (up - down) / (2 * h)
    return grad.reshape(x.shape)


def numerical_gradient_forward(f, x, h=1e-5):
    grad, f0 = np.zeros_like(x), f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f(x) - f0) / h
        x[i] = old
    return grad


def numerical_gradient_over_h(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / h
    return grad


def numerical_gradient_not_restored(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += h
        f_plus = f(x)
        x[i] -= 2 * h
        f_minus = f(x)
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def numerical_gradient_no_default(f, x, h):
    return numerical_gradient_in_place(f, x, h)


VARIANTS = [
    *correct("dense_backward", dense_backward_vectorised, dense_backward_loops, dense_backward_einsum,
             dense_backward_sigmoid_from_output, seeds=SEEDS),
    Variant("dense_backward", dense_backward_no_g_prime, 0.0, "g' is missing", SEEDS),
    Variant("dense_backward", dense_backward_g_prime_of_A, 0.0, "g' is evaluated at A = g(Z) instead of Z", SEEDS),
    Variant("dense_backward", dense_backward_no_transpose, 0.0, "dW is missing the transpose", SEEDS),
    Variant("dense_backward", dense_backward_db_not_summed, 0.0, "db is not summed over the batch", SEEDS),
    Variant("dense_backward", dense_backward_mean, 0.25, "divided by the batch size", SEEDS),  # right for n = 1
    Variant("dense_backward", not_implemented, 0.0, None, SEEDS, says=("not implemented yet",)),

    *correct("backward", backward_by_index, backward_insert_front, backward_recursive_lists, seeds=SEEDS),
    Variant("backward", backward_reversed, 0.0, "the gradients are in reverse order", SEEDS),
    Variant("backward", backward_last_layer_only, 0.0, "only the last layer's gradients are returned", SEEDS),
    Variant("backward", backward_not_passed_back, 0.0, None, SEEDS, says=("raised",)),  # shapes clash
    Variant("backward", backward_with_wrong_layer, 0.0, None, SEEDS, says=("entries differ",)),
    Variant("backward", not_implemented, 0.0, None, SEEDS, says=("not implemented yet",)),

    *correct("numerical_gradient", numerical_gradient_in_place, numerical_gradient_copies,
             numerical_gradient_flat_view, seeds=SEEDS),
    Variant("numerical_gradient", numerical_gradient_forward, 0.0, "a forward difference", SEEDS),
    Variant("numerical_gradient", numerical_gradient_over_h, 0.0, "divided by h instead of 2h", SEEDS),
    Variant("numerical_gradient", numerical_gradient_not_restored, 0.0, "x is not restored after each entry",
            SEEDS),
    Variant("numerical_gradient", numerical_gradient_no_default, 2 / 3, None, SEEDS,
            says=("missing 1 required positional argument: 'h'",)),
    Variant("numerical_gradient", not_implemented, 0.0, None, SEEDS, says=("not implemented yet",)),
]
