"""Chapter 07's variants: minibatches, sgd_step and train_epoch."""
import numpy as np

from nnlib import losses, network, optim
from nnlib.checks import ch07

from .variants import Variant, correct


def mb_loop(X, y, batch_size, rng):
    X, y = np.asarray(X), np.asarray(y)
    order = np.random.default_rng(rng).permutation(len(X))
    batches = []
    for start in range(0, len(X), batch_size):
        rows = order[start:start + batch_size]
        batches.append((X[rows], y[rows]))
    return batches


def mb_split(X, y, batch_size, rng):
    """Shuffle first, then cut with np.array_split at multiples of batch_size."""
    order = np.random.default_rng(rng).permutation(len(X))
    Xs, ys = np.asarray(X)[order], np.asarray(y)[order]
    cuts = np.arange(batch_size, len(X), batch_size)
    return list(zip(np.split(Xs, cuts), np.split(ys, cuts)))


def mb_generator_collected(X, y, batch_size, rng):
    """A generator inside, collected into a list: also correct."""
    def gen():
        order = np.random.default_rng(rng).permutation(len(X))
        i = 0
        while i < len(X):
            yield np.asarray(X)[order[i:i + batch_size]], np.asarray(y)[order[i:i + batch_size]]
            i += batch_size
    return [pair for pair in gen()]


def mb_lists(X, y, batch_size, rng):
    """Pairs as 2-item lists instead of tuples: accepted."""
    return [list(pair) for pair in mb_loop(X, y, batch_size, rng)]


def mb_no_shuffle(X, y, batch_size, rng):
    return [(X[s:s + batch_size], y[s:s + batch_size]) for s in range(0, len(X), batch_size)]


def mb_drop_last(X, y, batch_size, rng):
    return [pair for pair in mb_loop(X, y, batch_size, rng) if len(pair[0]) == batch_size]


def mb_two_permutations(X, y, batch_size, rng):
    gen = np.random.default_rng(rng)
    ox, oy = gen.permutation(len(X)), gen.permutation(len(X))
    return [(X[ox[s:s + batch_size]], y[oy[s:s + batch_size]]) for s in range(0, len(X), batch_size)]


def mb_generator(X, y, batch_size, rng):
    order = np.random.default_rng(rng).permutation(len(X))
    for s in range(0, len(X), batch_size):
        yield X[order[s:s + batch_size]], y[order[s:s + batch_size]]


def sgd_comprehension(params, grads, lr):
    return [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(params, grads)]


def sgd_loop_copies(params, grads, lr):
    new = []
    for i in range(len(params)):
        W, b = params[i][0].copy(), params[i][1].copy()
        W -= lr * grads[i][0]
        b -= lr * grads[i][1]
        new.append((W, b))
    return new


def sgd_sign(params, grads, lr):
    return [(W + lr * dW, b + lr * db) for (W, b), (dW, db) in zip(params, grads)]


def sgd_only_W(params, grads, lr):
    return [(W - lr * dW, b) for (W, b), (dW, _) in zip(params, grads)]


def sgd_in_place(params, grads, lr):
    for (W, b), (dW, db) in zip(params, grads):
        W -= lr * dW
        b -= lr * db


def te_own_pieces(X, y, params, activations, lr, batch_size, rng):
    total = 0.0
    for X_b, y_b in mb_loop(X, y, batch_size, rng):
        y_hat, caches = network.forward(X_b, params, activations)
        total += losses.mse(y_hat, y_b) * len(X_b)
        params = sgd_comprehension(params, network.backward(losses.mse_grad(y_hat, y_b), caches), lr)
    return params, total / len(X)


def te_nnlib_pieces_and_list_of_losses(X, y, params, activations, lr, batch_size, rng):
    batch_losses, sizes = [], []
    for X_b, y_b in optim.minibatches(X, y, batch_size, rng=rng):
        y_hat, caches = network.forward(X_b, params, activations)
        batch_losses.append(np.mean((y_hat - y_b) ** 2))
        sizes.append(len(X_b))
        params = optim.sgd_step(params, network.backward(2 * (y_hat - y_b) / y_hat.size, caches), lr)
    return params, float(np.average(batch_losses, weights=sizes))


def te_no_shuffle(X, y, params, activations, lr, batch_size, rng):
    total = 0.0
    for s in range(0, len(X), batch_size):
        X_b, y_b = X[s:s + batch_size], y[s:s + batch_size]
        y_hat, caches = network.forward(X_b, params, activations)
        total += losses.mse(y_hat, y_b) * len(X_b)
        params = optim.sgd_step(params, network.backward(losses.mse_grad(y_hat, y_b), caches), lr)
    return params, total / len(X)


def te_drop_last(X, y, params, activations, lr, batch_size, rng):
    return te_own_pieces_batches(X, y, params, activations, lr,
                                 [p for p in mb_loop(X, y, batch_size, rng) if len(p[0]) == batch_size])


def te_own_pieces_batches(X, y, params, activations, lr, batches):
    total = 0.0
    for X_b, y_b in batches:
        y_hat, caches = network.forward(X_b, params, activations)
        total += losses.mse(y_hat, y_b) * len(X_b)
        params = optim.sgd_step(params, network.backward(losses.mse_grad(y_hat, y_b), caches), lr)
    return params, total / len(X)


def te_unweighted(X, y, params, activations, lr, batch_size, rng):
    values = []
    for X_b, y_b in mb_loop(X, y, batch_size, rng):
        y_hat, caches = network.forward(X_b, params, activations)
        values.append(losses.mse(y_hat, y_b))
        params = optim.sgd_step(params, network.backward(losses.mse_grad(y_hat, y_b), caches), lr)
    return params, float(np.mean(values))


def te_loss_after(X, y, params, activations, lr, batch_size, rng):
    total = 0.0
    for X_b, y_b in mb_loop(X, y, batch_size, rng):
        y_hat, caches = network.forward(X_b, params, activations)
        params = optim.sgd_step(params, network.backward(losses.mse_grad(y_hat, y_b), caches), lr)
        total += losses.mse(network.forward(X_b, params, activations)[0], y_b) * len(X_b)
    return params, total / len(X)


def te_two_permutations(X, y, params, activations, lr, batch_size, rng):
    return te_own_pieces_batches(X, y, params, activations, lr,
                                 mb_two_permutations(X, y, batch_size, rng))


VARIANTS = [
    *correct("minibatches", mb_loop, mb_split, mb_generator_collected, mb_lists, ch07.minibatches_reference),
    Variant("minibatches", mb_no_shuffle, 0.0, "the rows are not shuffled", seeds=(0,)),
    Variant("minibatches", mb_drop_last, 0.25, "the last, smaller batch is dropped", seeds=(0,)),
    Variant("minibatches", mb_two_permutations, 0.0, "X and y are shuffled with two different permutations",
            seeds=(0,)),
    Variant("minibatches", mb_generator, 0.0, None, seeds=(0,), says=("generator",)),

    *correct("sgd_step", sgd_comprehension, sgd_loop_copies, optim.sgd_step),
    Variant("sgd_step", sgd_sign, 0.0, "the step goes uphill (sign flipped)", seeds=(0,)),
    Variant("sgd_step", sgd_only_W, 0.0, "only the weights W are updated", seeds=(0,)),
    Variant("sgd_step", sgd_in_place, 0.0, "the parameters are changed in place and nothing is returned",
            seeds=(0,)),

    *correct("train_epoch", te_own_pieces, te_nnlib_pieces_and_list_of_losses, optim.train_epoch),
    Variant("train_epoch", te_no_shuffle, 0.0, "the rows are not shuffled", seeds=(0,)),
    Variant("train_epoch", te_drop_last, 0.5, "the last, smaller batch is dropped", seeds=(0,)),
    Variant("train_epoch", te_two_permutations, 0.0, "X and y are shuffled with two different permutations",
            seeds=(0,)),
    Variant("train_epoch", te_unweighted, 0.5, "the epoch's loss is the plain mean of the batch losses",
            seeds=(0,)),
    Variant("train_epoch", te_loss_after, 0.0, "each batch's loss is measured after its update", seeds=(0,)),
]
