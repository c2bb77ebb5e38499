"""Chapter 10's variants: l2_penalty, l2_grad, dropout_forward, dropout_backward, early_stopping_epoch."""
import numpy as np

from nnlib import regularization

from .variants import Variant, correct


def pen_loop(params, lam):
    total = 0.0
    for W, b in params:
        for w in np.ravel(W):
            total += w * w
    return 0.5 * lam * total


def pen_einsum(params, lam):
    return lam / 2 * sum(float(np.einsum("ij,ij->", W, W)) for W, _ in params)


def pen_norm(params, lam):
    return float(0.5 * lam * sum(np.linalg.norm(W) ** 2 for W, _ in params))


def pen_biases(params, lam):
    return 0.5 * lam * sum(np.sum(W ** 2) + np.sum(b ** 2) for W, b in params)


def pen_no_half(params, lam):
    return lam * sum(np.sum(W ** 2) for W, _ in params)


def pen_return_in_loop(params, lam):
    for W, b in params:
        return 0.5 * lam * np.sum(W ** 2)


def grad_comprehension(params, lam):
    return [(lam * W, np.zeros_like(b)) for W, b in params]


def grad_loop_lists(params, lam):
    """Pairs as 2-item lists, bias gradient from np.zeros(shape): accepted."""
    grads = []
    for W, b in params:
        dW = np.empty_like(W)
        for i in range(W.shape[0]):
            for j in range(W.shape[1]):
                dW[i, j] = lam * W[i, j]
        grads.append([dW, np.zeros(b.shape)])
    return grads


def grad_double(params, lam):
    return [(2 * lam * W, np.zeros_like(b)) for W, b in params]


def grad_biases(params, lam):
    return [(lam * W, lam * b) for W, b in params]


def grad_weights_only(params, lam):
    return [lam * W for W, _ in params]


def grad_sign(params, lam):
    return [(lam * np.sign(W), np.zeros_like(b)) for W, b in params]


def do_reference_way(A, keep_prob, rng=None):
    A = np.asarray(A, dtype=float)
    mask = (np.random.default_rng(rng).random(A.shape) < keep_prob).astype(float)
    return A * mask / keep_prob, mask


def do_bool_mask_where(A, keep_prob, rng=None):
    """A boolean mask and np.where: accepted."""
    gen = np.random.default_rng(rng)
    mask = gen.random(np.shape(A)) < keep_prob
    return np.where(mask, np.asarray(A, dtype=float) / keep_prob, 0.0), mask


def do_uniform_loop(A, keep_prob, rng=None):
    """Generator.uniform draws the same numbers as Generator.random; entries filled in a loop."""
    A = np.asarray(A, dtype=float)
    u = np.random.default_rng(rng).uniform(size=A.shape)
    out, mask = np.zeros_like(A), np.zeros_like(A)
    for index in np.ndindex(A.shape):
        if u[index] < keep_prob:
            mask[index] = 1.0
            out[index] = A[index] / keep_prob
    return out, mask


def do_not_scaled(A, keep_prob, rng=None):
    mask = (np.random.default_rng(rng).random(A.shape) < keep_prob).astype(float)
    return A * mask, mask


def do_drop_keep_prob(A, keep_prob, rng=None):
    mask = (np.random.default_rng(rng).random(A.shape) < 1 - keep_prob).astype(float)
    return A * mask / keep_prob, mask


def do_binomial(A, keep_prob, rng=None):
    mask = np.random.default_rng(rng).binomial(1, keep_prob, A.shape).astype(float)
    return A * mask / keep_prob, mask


def do_times_keep(A, keep_prob, rng=None):
    mask = (np.random.default_rng(rng).random(A.shape) < keep_prob).astype(float)
    return A * mask * keep_prob, mask


def db_vectorised(dA, mask, keep_prob):
    return dA * mask / keep_prob


def db_where(dA, mask, keep_prob):
    return np.where(np.asarray(mask) > 0, np.asarray(dA, dtype=float) / keep_prob, 0.0)


def db_not_scaled(dA, mask, keep_prob):
    return dA * mask


def db_no_mask(dA, mask, keep_prob):
    return dA / keep_prob


def db_times_keep(dA, mask, keep_prob):
    return dA * mask * keep_prob


def es_loop(val_losses, patience, min_delta=0.0):
    best, wait = float("inf"), 0
    for epoch, loss in enumerate(val_losses):
        if loss < best - min_delta:
            best, wait = loss, 0
        else:
            wait += 1
            if wait == patience:
                return epoch
    return len(val_losses) - 1


def es_best_index(val_losses, patience, min_delta=0.0):
    """Tracks the best epoch's index instead of a counter."""
    best_epoch = 0
    for epoch in range(1, len(val_losses)):
        if val_losses[epoch] < val_losses[best_epoch] - min_delta:
            best_epoch = epoch
        elif epoch - best_epoch >= patience:
            return epoch
    return len(val_losses) - 1


def es_returns_best(val_losses, patience, min_delta=0.0):
    best, best_epoch = float("inf"), 0
    for epoch, loss in enumerate(val_losses):
        if loss < best - min_delta:
            best, best_epoch = loss, epoch
    return best_epoch


def es_late(val_losses, patience, min_delta=0.0):
    best, wait = float("inf"), 0
    for epoch, loss in enumerate(val_losses):
        if loss < best - min_delta:
            best, wait = loss, 0
        else:
            wait += 1
            if wait > patience:
                return epoch
    return len(val_losses) - 1


def es_no_delta(val_losses, patience, min_delta=0.0):
    return es_loop(val_losses, patience, 0.0)


def es_one_based(val_losses, patience, min_delta=0.0):
    return es_loop(val_losses, patience, min_delta) + 1


VARIANTS = [
    *correct("l2_penalty", pen_loop, pen_einsum, pen_norm, regularization.l2_penalty),
    Variant("l2_penalty", pen_biases, 0.0, "the biases are penalised too", seeds=(0,)),
    Variant("l2_penalty", pen_no_half, 0.0, "the factor ½ is missing", seeds=(0,)),
    Variant("l2_penalty", pen_return_in_loop, 1 / 3, "only the first layer is counted", seeds=(0,)),

    *correct("l2_grad", grad_comprehension, grad_loop_lists, regularization.l2_grad),
    Variant("l2_grad", grad_double, 0.0, "the gradient is 2λW", seeds=(0,)),
    Variant("l2_grad", grad_biases, 0.0, "the biases get a penalty gradient", seeds=(0,)),
    Variant("l2_grad", grad_weights_only, 0.0, "only the weight gradients are returned", seeds=(0,)),
    Variant("l2_grad", grad_sign, 0.0, "the L1 gradient λ sign(W) instead of the L2 gradient", seeds=(0,)),

    *correct("dropout_forward", do_reference_way, do_bool_mask_where, do_uniform_loop,
             regularization.dropout_forward),
    Variant("dropout_forward", do_not_scaled, 0.0, "the kept units are not scaled by 1/keep_prob", seeds=(0,)),
    Variant("dropout_forward", do_drop_keep_prob, 0.0, "units are kept with probability 1 − keep_prob",
            seeds=(0,)),
    Variant("dropout_forward", do_binomial, 0.0, "the mask is drawn differently from nnlib", seeds=(0,)),
    Variant("dropout_forward", do_times_keep, 0.0,
            "the kept units are multiplied by keep_prob instead of divided", seeds=(0,)),

    *correct("dropout_backward", db_vectorised, db_where, regularization.dropout_backward),
    Variant("dropout_backward", db_not_scaled, 0.0, "the gradient is not scaled by 1/keep_prob", seeds=(0,)),
    Variant("dropout_backward", db_no_mask, 0.0, "the mask is not applied", seeds=(0,)),
    Variant("dropout_backward", db_times_keep, 0.0,
            "the gradient is multiplied by keep_prob instead of divided", seeds=(0,)),

    *correct("early_stopping_epoch", es_loop, es_best_index, regularization.early_stopping_epoch),
    Variant("early_stopping_epoch", es_returns_best, 0.25,
            "the best epoch is returned instead of the stopping epoch", seeds=(0,)),
    Variant("early_stopping_epoch", es_late, 0.25, "training stops one epoch too late", seeds=(0,)),
    Variant("early_stopping_epoch", es_no_delta, 0.75, "min_delta is ignored", seeds=(0,)),
    Variant("early_stopping_epoch", es_one_based, 0.0, "training stops one epoch too late", seeds=(0,)),
]
