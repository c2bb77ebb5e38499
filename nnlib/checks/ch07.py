"""Chapter 07 (stochastic and mini-batch gradient descent): checks for three exercises.

    minibatches(X, y, batch_size, rng)   -> list of (X_batch, y_batch), rows shuffled by
                                            np.random.default_rng(rng).permutation(n)
    sgd_step(params, grads, lr)          -> new params [(W - lr dW, b - lr db), ...]
    train_epoch(X, y, params, activations, lr, batch_size, rng)
                                         -> (new params, the epoch's mean loss)

The answers are lists (of batches, of layers): the answer schemas below compare them item by
item and name the item that differs ("batch 2, y_batch", "the new params, layer 1, b"). `rng` is
always an integer seed in the cases: the sandboxed grader can send numbers, not generators.

nnlib.optim.minibatches is a generator, so the answer key is a small function that collects its
batches into a list; `answer_keys` names nnlib.optim.minibatches itself, which the sandbox leaves
out. train_epoch uses minibatches and sgd_step: while it is graded those names resolve to correct
implementations, so a bug in sgd_step costs points in sgd_step only.
"""
from __future__ import annotations

import numpy as np

from .. import losses as _losses
from .. import optim as _optim
from ..network import backward as _backward
from ..network import forward as _forward
from .compare import Array, Labelled, ListOf, Number, Pair
from .spec import Case, Exercise, Mistake, register


# ---------------------------------------------------------------------- answer schemas
# Lists (of batches, of layers) are compared item by item, and a message names the item that
# differs ("batch 2, y_batch", "the new params, layer 1, b"). A list [W, b] counts as the pair.
BATCHES = ListOf(Pair(Array("X_batch"), Array("y_batch"), names=("X_batch", "y_batch"), accept_list=True),
                 what="the list of batches", item_name="batch {i}")
NEW_PARAMS = ListOf(Pair(Array("W"), Array("b"), names=("W", "b"), accept_list=True),
                    what="the new params", item_name="{what}, layer {n}")
EPOCH = Labelled(NEW_PARAMS, Number("the epoch's mean loss"), names=("the new params", "the epoch's mean loss"),
                 what="the result (new params, mean loss)")


# ---------------------------------------------------------------------- the answer keys
def minibatches_reference(X, y, batch_size, rng=None, *, shuffle=True):
    """minibatches(X, y, batch_size, rng) = list(nnlib.optim.minibatches(X, y, batch_size, rng)):
    the exercise returns the batches as a list (nnlib's is a generator)."""
    return [(X_batch, y_batch) for X_batch, y_batch in
            _optim.minibatches(X, y, batch_size, rng, shuffle=shuffle)]


# ---------------------------------------------------------------------- typical mistakes
def _batches(X, y, batch_size, order, drop_last=False, y_order=None):
    X, y = np.asarray(X), np.asarray(y)
    y_order = order if y_order is None else y_order
    n = len(X)
    stop = n - n % batch_size if drop_last else n
    return [(X[order[s:s + batch_size]], y[y_order[s:s + batch_size]])
            for s in range(0, stop, batch_size)]


def _mb_no_shuffle(X, y, batch_size, rng):
    return _batches(X, y, batch_size, np.arange(len(X)))


def _mb_drop_last(X, y, batch_size, rng):
    return _batches(X, y, batch_size, np.random.default_rng(rng).permutation(len(X)), drop_last=True)


def _mb_two_permutations(X, y, batch_size, rng):
    gen = np.random.default_rng(rng)
    order_X = gen.permutation(len(X))
    order_y = gen.permutation(len(X))
    return _batches(X, y, batch_size, order_X, y_order=order_y)


def _mb_reseeded_y(X, y, batch_size, rng):
    # X shuffled with the seed, y left in its original order
    return _batches(X, y, batch_size, np.random.default_rng(rng).permutation(len(X)),
                    y_order=np.arange(len(X)))


def _sgd_sign(params, grads, lr):
    return [(W + lr * dW, b + lr * db) for (W, b), (dW, db) in zip(params, grads)]


def _sgd_only_W(params, grads, lr):
    return [(W - lr * dW, b) for (W, b), (dW, _) in zip(params, grads)]


def _sgd_in_place(params, grads, lr):
    for (W, b), (dW, db) in zip(params, grads):
        W -= lr * dW
        b -= lr * db
    return None


def _sgd_no_lr(params, grads, lr):
    return [(W - dW, b - db) for (W, b), (dW, db) in zip(params, grads)]


def _epoch(X, y, params, activations, lr, batch_size, batches, weighted=True, after=False):
    """One epoch over the given batches, with switches for the typical mistakes."""
    loss_fn, loss_grad = _losses.get("mse")
    params = [(np.asarray(W, dtype=float), np.asarray(b, dtype=float)) for W, b in params]
    losses = []
    for X_batch, y_batch in batches:
        y_hat, caches = _forward(X_batch, params, activations)
        before = loss_fn(y_hat, y_batch)
        params = _optim.sgd_step(params, _backward(loss_grad(y_hat, y_batch), caches), lr)
        if after:
            before = loss_fn(_forward(X_batch, params, activations)[0], y_batch)
        losses.append((before, len(X_batch)))
    if weighted:
        total = sum(value * size for value, size in losses) / len(X)
    else:
        total = float(np.mean([value for value, _ in losses]))
    return params, total


def _te_no_shuffle(X, y, params, activations, lr, batch_size, rng):
    return _epoch(X, y, params, activations, lr, batch_size, _mb_no_shuffle(X, y, batch_size, rng))


def _te_drop_last(X, y, params, activations, lr, batch_size, rng):
    return _epoch(X, y, params, activations, lr, batch_size, _mb_drop_last(X, y, batch_size, rng))


def _te_two_permutations(X, y, params, activations, lr, batch_size, rng):
    return _epoch(X, y, params, activations, lr, batch_size,
                  _mb_two_permutations(X, y, batch_size, rng))


def _te_unweighted(X, y, params, activations, lr, batch_size, rng):
    return _epoch(X, y, params, activations, lr, batch_size,
                  minibatches_reference(X, y, batch_size, rng), weighted=False)


def _te_after(X, y, params, activations, lr, batch_size, rng):
    return _epoch(X, y, params, activations, lr, batch_size,
                  minibatches_reference(X, y, batch_size, rng), after=True)


# ---------------------------------------------------------------------- minibatches
def _minibatches_groups(rng: np.random.Generator):
    def case(n, d, k, batch_size, kind, flat_y=False):
        X = np.round(rng.normal(0, 2, (n, d)), 3)
        y = np.round(rng.normal(0, 2, (n,) if flat_y else (n, k)), 3)
        seed = int(rng.integers(0, 10_000))
        return Case((X, y, int(batch_size), seed),
                    f"{kind}: X of shape {X.shape}, y of shape {y.shape}, batch_size = {batch_size}, "
                    f"rng = {seed}")

    divides = []
    for _ in range(4):
        batch_size = int(rng.integers(2, 6))
        divides.append(case(batch_size * int(rng.integers(2, 5)), int(rng.integers(1, 4)), 1,
                            batch_size, "batch size divides n"))
    partial = []
    for _ in range(4):
        batch_size = int(rng.integers(3, 7))
        n = batch_size * int(rng.integers(1, 4)) + int(rng.integers(1, batch_size))
        partial.append(case(n, int(rng.integers(1, 4)), int(rng.integers(1, 3)), batch_size,
                            "the last batch is smaller"))
    extremes = []
    for batch_size in ("one", "n", "more than n"):
        n = int(rng.integers(4, 10))
        size = {"one": 1, "n": n, "more than n": n + int(rng.integers(1, 5))}[batch_size]
        extremes.append(case(n, 2, 1, size, f"batch_size = {batch_size}"))
    flat = [case(int(rng.integers(5, 12)), int(rng.integers(2, 5)), 1, int(rng.integers(2, 4)),
                 "y one-dimensional", flat_y=True) for _ in range(3)]
    return [
        ("batch size divides the number of rows", divides),
        ("the last batch is smaller than batch_size", partial),
        ("batch size 1 (stochastic), n and more than n (one batch)", extremes),
        ("y of shape (n,) and several input columns", flat),
    ]


_TABLE_X, _TABLE_Y = (np.array([[12.0, 6.0, 78.0], [22.0, 6.5, 24.0], [115.0, 4.0, 100.0],
                                [31.0, 9.0, 67.0], [0.0, 10.0, 58.0], [5.0, 8.0, 78.0],
                                [92.0, 6.0, 82.0], [57.0, 8.0, 91.0]]),
                      np.array([[93.0], [68.0], [95.0], [75.0], [51.0], [60.0], [89.0], [97.0]]))

MINIBATCHES = register(Exercise(
    name="minibatches",
    signature="minibatches(X, y, batch_size, rng)",
    reference=minibatches_reference,
    public_cases=[
        Case((_TABLE_X, _TABLE_Y, 3, 0),
             "the lectures' study-hours table (8 rows), batch_size = 3, rng = 0",
             "8 rows in batches of 3 give 3 batches of 3, 3 and 2 rows: keep the last, smaller one"),
        Case((_TABLE_X, _TABLE_Y, 1, 0),
             "the same table, batch_size = 1 (stochastic gradient descent: 8 batches of one row)",
             "order = np.random.default_rng(rng).permutation(n); batch i holds rows order[i:i+1]"),
        Case((_TABLE_X, _TABLE_Y, 8, 0),
             "the same table, batch_size = 8 (batch gradient descent: one batch, all rows shuffled)",
             "even a single batch holds the rows in the shuffled order X[order], y[order]"),
        Case((np.arange(10.0).reshape(5, 2), np.arange(5.0), 2, 7),
             "X = np.arange(10.0).reshape(5, 2), y = np.arange(5.0), batch_size = 2, rng = 7",
             "shuffle X and y with the same order, so row i of X_batch still belongs to y_batch[i]"),
    ],
    hidden_groups=_minibatches_groups,
    mistakes=[
        Mistake("the rows are not shuffled",
                "draw order = np.random.default_rng(rng).permutation(len(X)) and take the rows "
                "X[order[start:start + batch_size]]", _mb_no_shuffle),
        Mistake("the last, smaller batch is dropped",
                "loop with range(0, n, batch_size): the last slice may be shorter, keep it", _mb_drop_last),
        Mistake("X and y are shuffled with two different permutations",
                "draw one permutation and use it for both X and y, or the pairs (x_i, y_i) are broken",
                _mb_two_permutations),
        Mistake("only X is shuffled",
                "index y with the same rows as X: y[order[start:start + batch_size]]", _mb_reseeded_y),
    ],
    answer=BATCHES,
    answer_keys=("nnlib.optim.minibatches",),
))


# ---------------------------------------------------------------------- sgd_step
def _random_layers(rng, sizes):
    params = [(np.round(rng.normal(0, 1, (n_in, n_out)), 3), np.round(rng.normal(0, 1, n_out), 3))
              for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    grads = [(np.round(rng.normal(0, 1, W.shape), 3), np.round(rng.normal(0, 1, b.shape), 3))
             for W, b in params]
    return params, grads


def _sgd_step_groups(rng: np.random.Generator):
    def case(sizes, lr, kind):
        params, grads = _random_layers(rng, sizes)
        return Case((params, grads, lr), f"{kind}: layer sizes {sizes}, lr = {lr:g}")

    one = [case([int(rng.integers(1, 5)), int(rng.integers(1, 4))], float(rng.choice([0.01, 0.1, 0.5])),
                "one layer") for _ in range(3)]
    several = []
    for _ in range(3):
        sizes = [int(s) for s in rng.integers(1, 6, int(rng.integers(3, 6)))]
        several.append(case(sizes, float(np.round(rng.uniform(0.001, 1.0), 4)), "several layers"))
    rates = [case([2, 3, 1], lr, "learning rate") for lr in (1e-3, 1.0, 2.5)]
    return [
        ("one layer", one),
        ("two to four layers of different shapes", several),
        ("small and large learning rates", rates),
    ]


SGD_STEP = register(Exercise(
    name="sgd_step",
    signature="sgd_step(params, grads, lr)",
    reference=_optim.sgd_step,
    public_cases=[
        Case(([(np.array([[0.5], [-1.0]]), np.array([0.2]))],
              [(np.array([[1.0], [-2.0]]), np.array([0.5]))], 0.1),
             "one layer: W = [[0.5], [-1]], b = [0.2], dW = [[1], [-2]], db = [0.5], lr = 0.1",
             "new W = W - lr·dW = [[0.4], [-0.8]] and new b = b - lr·db = [0.15]"),
        Case(([(np.ones((2, 3)), np.zeros(3)), (np.ones((3, 1)), np.array([1.0]))],
              [(np.full((2, 3), 2.0), np.array([1.0, -1.0, 0.0])), (np.array([[1.0], [0.0], [-1.0]]),
                                                                     np.array([4.0]))], 0.5),
             "two layers (2 → 3 → 1), lr = 0.5",
             "update every layer, and both W and b in each layer; return a list of (W, b) pairs"),
    ],
    hidden_groups=_sgd_step_groups,
    mistakes=[
        Mistake("the step goes uphill (sign flipped)",
                "gradient descent subtracts: W - lr * dW, b - lr * db", _sgd_sign),
        Mistake("only the weights W are updated",
                "update the biases too: b - lr * db", _sgd_only_W),
        Mistake("the parameters are changed in place and nothing is returned",
                "build and return a new list: [(W - lr * dW, b - lr * db) for ...]", _sgd_in_place),
        Mistake("the learning rate is not used", "multiply the gradient by lr before subtracting",
                _sgd_no_lr),
    ],
    answer=NEW_PARAMS,
))


# ---------------------------------------------------------------------- train_epoch
def _network_case(rng, n, sizes, activations, batch_size, lr, kind):
    X = np.round(rng.normal(0, 1, (n, sizes[0])), 3)
    y = np.round(rng.normal(0, 1, (n, sizes[-1])), 3)
    params = [(np.round(rng.normal(0, 1 / np.sqrt(n_in), (n_in, n_out)), 3),
               np.round(rng.normal(0, 0.1, n_out), 3)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    seed = int(rng.integers(0, 10_000))
    return Case((X, y, params, list(activations), lr, int(batch_size), seed),
                f"{kind}: n = {n}, layer sizes {sizes}, activations {list(activations)}, "
                f"lr = {lr:g}, batch_size = {batch_size}, rng = {seed}")


def _train_epoch_groups(rng: np.random.Generator):
    linear = []
    for _ in range(3):
        batch_size = int(rng.integers(2, 5))
        linear.append(_network_case(rng, batch_size * int(rng.integers(2, 4)), [int(rng.integers(1, 4)), 1],
                                    ["linear"], batch_size, 0.05, "one linear layer, equal batches"))
    partial = []
    for _ in range(3):
        batch_size = int(rng.integers(3, 6))
        n = batch_size * int(rng.integers(1, 3)) + int(rng.integers(1, batch_size))
        partial.append(_network_case(rng, n, [2, int(rng.integers(2, 5)), 1], ["sigmoid", "linear"],
                                     batch_size, 0.1, "two layers, the last batch smaller"))
    extremes = []
    for which in ("1", "n"):
        n = int(rng.integers(5, 9))
        extremes.append(_network_case(rng, n, [2, 3, 1], ["tanh", "linear"], 1 if which == "1" else n,
                                      0.05, f"batch_size = {which}"))
    deep = [_network_case(rng, int(rng.integers(7, 12)), [3, 4, 3, 2], ["relu", "tanh", "sigmoid"],
                          int(rng.integers(2, 4)), 0.2, "three layers, two outputs") for _ in range(2)]
    return [
        ("one linear layer, batches of equal size", linear),
        ("two layers, the last batch smaller", partial),
        ("batch size 1 and batch size n", extremes),
        ("three layers and two outputs", deep),
    ]


_LINE_X = np.array([[-1.0], [-0.5], [0.0], [0.5], [1.0], [1.5]])
_LINE_Y = 2.0 * _LINE_X + 1.0

TRAIN_EPOCH = register(Exercise(
    name="train_epoch",
    signature="train_epoch(X, y, params, activations, lr, batch_size, rng)",
    reference=_optim.train_epoch,
    public_cases=[
        Case((_LINE_X, _LINE_Y, [(np.array([[0.0]]), np.array([0.0]))], ["linear"], 0.1, 2, 0),
             "a straight line y = 2x + 1 (6 points), one linear unit from W = 0, b = 0, lr = 0.1, "
             "batch_size = 2, rng = 0",
             "for each batch: forward, mse loss (before the update), backward, sgd_step"),
        Case((_LINE_X, _LINE_Y, [(np.array([[0.0]]), np.array([0.0]))], ["linear"], 0.1, 4, 0),
             "the same line, batch_size = 4 (a batch of 4 rows, then one of 2), rng = 0",
             "the epoch's loss is Σ loss_batch · len(X_batch) / n: a batch of 2 rows counts half as much"),
        Case((np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0], [0.5, 0.5]]),
              np.array([[1.0], [1.0], [0.0], [0.0], [0.5]]),
              [(np.array([[0.5, -0.5], [0.25, 0.75]]), np.array([0.0, 0.1])),
               (np.array([[1.0], [-1.0]]), np.array([0.2]))], ["sigmoid", "linear"], 0.5, 2, 3),
             "two layers (2 → 2 → 1, sigmoid then linear), 5 rows, lr = 0.5, batch_size = 2, rng = 3",
             "shuffle once per epoch with minibatches(X, y, batch_size, rng), and keep the last batch"),
    ],
    hidden_groups=_train_epoch_groups,
    mistakes=[
        Mistake("the rows are not shuffled",
                "take the batches from minibatches(X, y, batch_size, rng), which shuffles", _te_no_shuffle),
        Mistake("the last, smaller batch is dropped",
                "every row must be used once per epoch: keep the last, smaller batch", _te_drop_last),
        Mistake("X and y are shuffled with two different permutations",
                "use one permutation for both, e.g. the batches of minibatches(X, y, batch_size, rng)",
                _te_two_permutations),
        Mistake("the epoch's loss is the plain mean of the batch losses",
                "weight each batch's loss by its number of rows: Σ loss · len(X_batch) / len(X)",
                _te_unweighted),
        Mistake("each batch's loss is measured after its update",
                "compute the loss from the forward pass you use for the gradient, before sgd_step",
                _te_after),
    ],
    rtol=1e-6,
    answer=EPOCH,
    uses=("minibatches", "sgd_step"),
    answer_keys=("nnlib.optim.train_epoch", "nnlib.models.Sequential"),
))
