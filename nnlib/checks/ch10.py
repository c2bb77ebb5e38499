"""Chapter 10 (overfitting and regularization): checks for five exercises.

    l2_penalty(params, lam)                  -> (λ/2) Σ_l Σ W_l²            (a float; biases not penalised)
    l2_grad(params, lam)                     -> [(λ W_l, zeros like b_l), ...]
    dropout_forward(A, keep_prob, rng)       -> (A ⊙ mask / keep_prob, mask),
                                                mask = np.random.default_rng(rng).random(A.shape) < keep_prob
    dropout_backward(dA, mask, keep_prob)    -> dA ⊙ mask / keep_prob
    early_stopping_epoch(val_losses, patience, min_delta)
                                             -> the 0-based epoch at which early stopping halts

The answer keys are nnlib.regularization's own functions. `rng` is always an integer seed in
the cases (the sandboxed grader can send numbers, not np.random.Generator objects); the
exercise text tells students to draw the mask exactly as nnlib does, so masks can be compared.
Answers are compared leniently where the form does not matter: a (W, b) pair may be a list,
and a dropout mask may be a boolean array instead of 0.0/1.0 floats.
"""
from __future__ import annotations

import numpy as np

from .. import regularization as _reg
from .compare import Array, ListOf, Mask, Pair, Value
from .spec import Case, Exercise, Mistake, register


# ---------------------------------------------------------------------- answer schemas
# l2_grad returns a list of (dW, db) pairs (a list [dW, db] counts as the pair); dropout_forward
# returns (A_dropped, mask), where a boolean mask counts as 0.0/1.0.
GRAD_PAIRS = ListOf(Value(), what="the list of (dW, db) pairs", item_name="item {i} of {what}",
                    kind="{what} should be a list of {expected} items; received {described}",
                    length="{what} should be a list of {expected} items; received {described}",
                    accept_lists_as_pairs=True)
DROPOUT = Pair(Array("A_dropped"), Mask("mask"), names=("A_dropped", "mask"), accept_list=True)


# ---------------------------------------------------------------------- random inputs
def _layers(rng, sizes):
    """[(W, b), ...] with rounded normal entries, biases clearly non-zero."""
    return [(np.round(rng.normal(0, 1, (n_in, n_out)), 3), np.round(rng.normal(0, 2, n_out) + 1.0, 3))
            for n_in, n_out in zip(sizes[:-1], sizes[1:])]


def _sizes(rng, n_layers):
    return [int(s) for s in rng.integers(1, 6, n_layers + 1)]


def _penalty_groups(rng: np.random.Generator):
    def case(sizes, lam, kind):
        params = _layers(rng, sizes)
        return Case((params, lam), f"{kind}: layer sizes {sizes}, lam = {lam:g}")

    one = [case(_sizes(rng, 1), float(rng.choice([0.01, 0.1, 0.5, 2.0])), "one layer") for _ in range(3)]
    several = [case(_sizes(rng, int(rng.integers(2, 5))), float(np.round(rng.uniform(0.001, 1.0), 4)),
                    "several layers") for _ in range(3)]
    rates = [case([3, 4, 2], lam, "lam") for lam in (0.0, 1e-3, 5.0)]
    return [
        ("one layer", one),
        ("two to four layers of different shapes", several),
        ("lam = 0, a tiny and a large lam", rates),
    ]


# ---------------------------------------------------------------------- l2_penalty
def _pen_biases(params, lam):
    return float(0.5 * lam * sum(np.sum(W ** 2) + np.sum(b ** 2) for W, b in params))


def _pen_no_half(params, lam):
    return float(lam * sum(np.sum(W ** 2) for W, _ in params))


def _pen_first_layer(params, lam):
    W, _ = params[0]
    return float(0.5 * lam * np.sum(W ** 2))


def _pen_l1(params, lam):
    return float(0.5 * lam * sum(np.sum(np.abs(W)) for W, _ in params))


def _pen_norm(params, lam):
    return float(0.5 * lam * sum(np.sqrt(np.sum(W ** 2)) for W, _ in params))


_EX_PARAMS = [(np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([5.0, 5.0]))]
_EX_TWO = [(np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([5.0, 5.0])),
           (np.array([[0.5], [-2.0]]), np.array([4.0]))]

L2_PENALTY = register(Exercise(
    name="l2_penalty",
    signature="l2_penalty(params, lam)",
    reference=_reg.l2_penalty,
    public_cases=[
        Case((_EX_PARAMS, 0.1),
             "one layer W = [[1, 2], [3, -1]], b = [5, 5], lam = 0.1",
             "(λ/2) Σ W² = 0.05 · (1 + 4 + 9 + 1) = 0.75; the biases are not penalised"),
        Case((_EX_TWO, 0.1),
             "two layers (the same first layer, then W = [[0.5], [-2]], b = [4]), lam = 0.1",
             "add Σ W² over every layer's W, then multiply the total by λ/2"),
        Case((_EX_TWO, 0.0), "the same two layers, lam = 0 (no penalty)",
             "with λ = 0 the penalty is 0"),
    ],
    hidden_groups=_penalty_groups,
    mistakes=[
        Mistake("the biases are penalised too",
                "sum only the weights: for W, b in params: total += np.sum(W ** 2)", _pen_biases),
        Mistake("the factor ½ is missing",
                "nnlib's convention is (λ/2) Σ W², so that its gradient is λ W: multiply by 0.5 * lam",
                _pen_no_half),
        Mistake("only the first layer is counted",
                "add the squares of every layer's W (check that `return` is after the loop, not inside it)",
                _pen_first_layer),
        Mistake("absolute values (L1) instead of squares",
                "the L2 penalty squares each weight: np.sum(W ** 2)", _pen_l1),
        Mistake("the norm ‖W‖ is used instead of its square",
                "no square root: Σ W² is the squared norm", _pen_norm),
    ],
))


# ---------------------------------------------------------------------- l2_grad
def _grad_double(params, lam):
    return [(2 * lam * W, np.zeros_like(b)) for W, b in params]


def _grad_biases(params, lam):
    return [(lam * W, lam * b) for W, b in params]


def _grad_half(params, lam):
    return [(0.5 * lam * W, np.zeros_like(b)) for W, b in params]


def _grad_weights_only(params, lam):
    return [lam * W for W, _ in params]


def _grad_scalar_zero(params, lam):
    return [(lam * W, 0.0) for W, _ in params]


def _grad_sign(params, lam):
    return [(lam * np.sign(W), np.zeros_like(b)) for W, b in params]


L2_GRAD = register(Exercise(
    name="l2_grad",
    signature="l2_grad(params, lam)",
    reference=_reg.l2_grad,
    public_cases=[
        Case((_EX_PARAMS, 0.1),
             "one layer W = [[1, 2], [3, -1]], b = [5, 5], lam = 0.1",
             "the derivative of (λ/2) W² is λ W; b is not penalised, so its gradient is np.zeros_like(b)"),
        Case((_EX_TWO, 0.5),
             "two layers (then W = [[0.5], [-2]], b = [4]), lam = 0.5",
             "return one pair (λ W, zeros like b) per layer, in the order of params"),
    ],
    hidden_groups=_penalty_groups,
    mistakes=[
        Mistake("the gradient is 2λW (the derivative of λ Σ W², not of (λ/2) Σ W²)",
                "the ½ in the penalty cancels the 2 of the square: the gradient is lam * W", _grad_double),
        Mistake("the biases get a penalty gradient",
                "biases are not penalised: their gradient is np.zeros_like(b)", _grad_biases),
        Mistake("the gradient is (λ/2) W",
                "differentiate (λ/2) W²: the 2 of the square cancels the ½, leaving lam * W", _grad_half),
        Mistake("only the weight gradients are returned, without the bias entries",
                "return pairs: [(lam * W, np.zeros_like(b)) for W, b in params]", _grad_weights_only),
        Mistake("the bias gradient is the number 0 instead of an array",
                "use np.zeros_like(b), an array of the bias's shape, so it can be added to db",
                _grad_scalar_zero),
        Mistake("the L1 gradient λ sign(W) instead of the L2 gradient",
                "for the L2 penalty the gradient is lam * W, proportional to the weight", _grad_sign),
    ],
    answer=GRAD_PAIRS,
))


# ---------------------------------------------------------------------- dropout_forward
def _draw(A, rng):
    A = np.asarray(A, dtype=float)
    return A, np.random.default_rng(rng).random(A.shape)


def _do_not_scaled(A, keep_prob, rng=None):
    A, u = _draw(A, rng)
    mask = (u < keep_prob).astype(float)
    return A * mask, mask


def _do_drop_keep_prob(A, keep_prob, rng=None):
    A, u = _draw(A, rng)
    mask = (u < 1 - keep_prob).astype(float)
    return A * mask / keep_prob, mask


def _do_greater(A, keep_prob, rng=None):
    A, u = _draw(A, rng)
    mask = (u > keep_prob).astype(float)
    return A * mask / keep_prob, mask


def _do_times_keep(A, keep_prob, rng=None):
    A, u = _draw(A, rng)
    mask = (u < keep_prob).astype(float)
    return A * mask * keep_prob, mask


def _do_scaled_mask(A, keep_prob, rng=None):
    A, u = _draw(A, rng)
    mask = (u < keep_prob).astype(float) / keep_prob
    return A * mask, mask


def _do_binomial(A, keep_prob, rng=None):
    A = np.asarray(A, dtype=float)
    mask = np.random.default_rng(rng).binomial(1, keep_prob, A.shape).astype(float)
    return A * mask / keep_prob, mask


def _dropout_groups(rng: np.random.Generator):
    def case(shape, keep_prob, kind):
        A = np.round(rng.normal(0, 1, shape), 3)
        seed = int(rng.integers(0, 10_000))
        return Case((A, keep_prob, seed), f"{kind}: A of shape {A.shape}, keep_prob = {keep_prob:g}, "
                                          f"rng = {seed}")

    def shape():
        return (int(rng.integers(2, 9)), int(rng.integers(2, 9)))

    typical = [case(shape(), kp, "hidden layer") for kp in (0.5, 0.8, float(np.round(rng.uniform(0.5, 0.95), 2)))]
    inputs = [case(shape(), kp, "input layer") for kp in (0.9, 0.95)]
    low = [case(shape(), kp, "low keep_prob") for kp in (0.2, 0.3)]
    edge = [case((int(rng.integers(3, 7)), 4), 1.0, "keep_prob = 1 (no dropout)"),
            case((1, int(rng.integers(5, 12))), 0.5, "a single row"),
            case((6, 3, 2), 0.7, "an array with three axes")]
    return [
        ("hidden layers, keep_prob from 0.5 to 0.95", typical),
        ("input layers (keep_prob 0.9, 0.95) and low keep_prob (0.2, 0.3)", inputs + low),
        ("keep_prob = 1, one row, three axes", edge),
    ]


_EX_A = np.array([[1.0, 2.0, 3.0, 4.0], [-1.0, -2.0, -3.0, -4.0]])

DROPOUT_FORWARD = register(Exercise(
    name="dropout_forward",
    signature="dropout_forward(A, keep_prob, rng)",
    reference=_reg.dropout_forward,
    public_cases=[
        Case((_EX_A, 0.5, 0),
             "A = [[1, 2, 3, 4], [-1, -2, -3, -4]], keep_prob = 0.5, rng = 0",
             "mask = (np.random.default_rng(rng).random(A.shape) < keep_prob); return A * mask / keep_prob"),
        Case((np.ones((3, 5)), 0.8, 1),
             "A = np.ones((3, 5)), keep_prob = 0.8, rng = 1",
             "kept entries become 1 / 0.8 = 1.25, dropped ones 0"),
        Case((_EX_A, 1.0, 0), "keep_prob = 1: nothing is dropped, A comes back unchanged",
             "with keep_prob = 1 every entry is kept and divided by 1"),
    ],
    hidden_groups=_dropout_groups,
    mistakes=[
        Mistake("the kept units are not scaled by 1/keep_prob",
                "inverted dropout divides the kept activations by keep_prob, so their expected value "
                "stays A: return A * mask / keep_prob", _do_not_scaled),
        Mistake("units are kept with probability 1 − keep_prob (keep_prob was used as the drop rate)",
                "keep_prob is the probability of KEEPING a unit: mask = random(A.shape) < keep_prob",
                _do_drop_keep_prob),
        Mistake("units are kept where the random number is above keep_prob",
                "keep a unit when its random number is BELOW keep_prob: random(A.shape) < keep_prob",
                _do_greater),
        Mistake("the kept units are multiplied by keep_prob instead of divided",
                "divide by keep_prob during training (inverted dropout), so nothing changes at test time",
                _do_times_keep),
        Mistake("the mask holds 1/keep_prob instead of 1.0",
                "return the 0/1 mask itself; the 1/keep_prob scaling goes into A_dropped only",
                _do_scaled_mask),
        Mistake("the mask is drawn differently from nnlib (so it cannot be compared)",
                "draw it exactly as nnlib does: np.random.default_rng(rng).random(A.shape) < keep_prob",
                _do_binomial),
    ],
    answer=DROPOUT,
))


# ---------------------------------------------------------------------- dropout_backward
def _db_not_scaled(dA, mask, keep_prob):
    return np.asarray(dA, dtype=float) * mask


def _db_no_mask(dA, mask, keep_prob):
    return np.asarray(dA, dtype=float) / keep_prob


def _db_times_keep(dA, mask, keep_prob):
    return np.asarray(dA, dtype=float) * mask * keep_prob


def _db_unchanged(dA, mask, keep_prob):
    return np.asarray(dA, dtype=float)


def _backward_groups(rng: np.random.Generator):
    def case(shape, keep_prob, kind):
        dA = np.round(rng.normal(0, 1, shape), 3)
        mask = (rng.random(shape) < keep_prob).astype(float)
        return Case((dA, mask, keep_prob), f"{kind}: dA of shape {dA.shape}, keep_prob = {keep_prob:g}")

    def shape():
        return (int(rng.integers(2, 9)), int(rng.integers(2, 9)))

    typical = [case(shape(), kp, "hidden layer") for kp in (0.5, 0.8, float(np.round(rng.uniform(0.5, 0.95), 2)))]
    other = [case(shape(), 0.9, "input layer"), case(shape(), 0.25, "low keep_prob"),
             case((5, 3, 2), 0.6, "three axes")]
    return [
        ("hidden layers, keep_prob from 0.5 to 0.95", typical),
        ("keep_prob 0.9 and 0.25, an array with three axes", other),
    ]


DROPOUT_BACKWARD = register(Exercise(
    name="dropout_backward",
    signature="dropout_backward(dA, mask, keep_prob)",
    reference=_reg.dropout_backward,
    public_cases=[
        Case((np.array([[1.0, 1.0, 1.0, 1.0], [2.0, 2.0, 2.0, 2.0]]),
              np.array([[1.0, 0.0, 1.0, 0.0], [0.0, 0.0, 1.0, 1.0]]), 0.5),
             "dA = [[1, 1, 1, 1], [2, 2, 2, 2]], mask = [[1, 0, 1, 0], [0, 0, 1, 1]], keep_prob = 0.5",
             "the forward pass computed A * mask / keep_prob, so dA_prev = dA * mask / keep_prob"),
        Case((np.array([[0.5, -1.0, 2.0]]), np.array([[1.0, 1.0, 0.0]]), 0.8),
             "dA = [[0.5, -1, 2]], mask = [[1, 1, 0]], keep_prob = 0.8",
             "a dropped unit (mask 0) passes no gradient back; a kept one passes dA / keep_prob"),
    ],
    hidden_groups=_backward_groups,
    mistakes=[
        Mistake("the gradient is not scaled by 1/keep_prob",
                "the forward pass divided by keep_prob, so the backward pass must too: dA * mask / keep_prob",
                _db_not_scaled),
        Mistake("the mask is not applied",
                "a dropped unit did not affect the output, so its gradient is 0: multiply by mask",
                _db_no_mask),
        Mistake("the gradient is multiplied by keep_prob instead of divided",
                "differentiate A * mask / keep_prob with respect to A: mask / keep_prob", _db_times_keep),
        Mistake("dA is returned unchanged",
                "apply the same mask and the same 1/keep_prob factor as the forward pass", _db_unchanged),
    ],
))


# ---------------------------------------------------------------------- early_stopping_epoch
def _stop_epochs(val_losses, patience, min_delta, late=0, use_delta=True):
    """(stopping epoch or None, best epoch) with switches for the typical mistakes."""
    best, best_epoch, wait = np.inf, None, 0
    delta = min_delta if use_delta else 0.0
    for epoch, loss in enumerate(val_losses):
        if loss < best - delta:
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
        if wait >= patience + late:
            return epoch, best_epoch
    return None, best_epoch


def _es_best(val_losses, patience, min_delta=0.0):
    return _stop_epochs(val_losses, patience, min_delta)[1]


def _es_late(val_losses, patience, min_delta=0.0):
    stop, _ = _stop_epochs(val_losses, patience, min_delta, late=1)
    return len(val_losses) - 1 if stop is None else stop


def _es_early(val_losses, patience, min_delta=0.0):
    stop, _ = _stop_epochs(val_losses, patience, min_delta, late=-1)
    return len(val_losses) - 1 if stop is None else stop


def _es_no_delta(val_losses, patience, min_delta=0.0):
    stop, _ = _stop_epochs(val_losses, patience, min_delta, use_delta=False)
    return len(val_losses) - 1 if stop is None else stop


def _es_len(val_losses, patience, min_delta=0.0):
    stop, _ = _stop_epochs(val_losses, patience, min_delta)
    return len(val_losses) if stop is None else stop


def _curve(rng, n_down, n_up, start=1.0):
    """A validation curve: n_down noisy decreasing epochs, then n_up slowly rising ones."""
    down = start * np.exp(-np.linspace(0.3, 2.0, n_down)) + rng.uniform(0, 0.01, n_down)
    low = down[-1]
    up = low + np.cumsum(rng.uniform(-0.004, 0.02, n_up)) + 0.002
    return [float(v) for v in np.round(np.concatenate([down, up]), 4)]


def _early_stopping_groups(rng: np.random.Generator):
    def case(losses, patience, min_delta, kind):
        return Case((losses, int(patience), float(min_delta)),
                    f"{kind}: {len(losses)} epochs, patience = {patience}, min_delta = {min_delta:g}")

    overfit = [case(_curve(rng, int(rng.integers(4, 12)), int(rng.integers(8, 15))), int(rng.integers(2, 6)),
                    0.0, "falls, then rises") for _ in range(4)]
    deltas = []
    for _ in range(3):
        n_fast, n_slow = int(rng.integers(3, 7)), int(rng.integers(6, 12))
        fast = list(np.round(np.linspace(1.0, 0.4, n_fast), 4))
        slow = list(np.round(0.4 - np.cumsum(rng.uniform(0.0005, 0.001, n_slow)), 4))
        deltas.append(case([float(v) for v in fast + slow], int(rng.integers(2, 5)), 0.01,
                           "improvements smaller than min_delta"))
    never = []
    for _ in range(2):
        n = int(rng.integers(5, 12))
        never.append(case([float(v) for v in np.round(np.linspace(1.0, 0.1, n), 4)], int(rng.integers(2, 5)),
                          0.0, "keeps improving (training never stops)"))
    flat = [case([0.5, 0.4, 0.4, 0.4, 0.4, 0.4, 0.3], 3, 0.0, "a plateau: equal losses do not improve"),
            case([0.9, 0.8, 0.7, 0.7, 0.6], 1, 0.0, "patience = 1")]
    return [
        ("validation loss falls, then rises", overfit),
        ("min_delta: small improvements do not count", deltas),
        ("the loss keeps improving: the last epoch", never),
        ("a plateau, and patience = 1", flat),
    ]


_EX_LOSSES = [0.90, 0.60, 0.45, 0.40, 0.42, 0.41, 0.43, 0.45, 0.50]

EARLY_STOPPING_EPOCH = register(Exercise(
    name="early_stopping_epoch",
    signature="early_stopping_epoch(val_losses, patience, min_delta)",
    reference=_reg.early_stopping_epoch,
    public_cases=[
        Case((_EX_LOSSES, 3, 0.0),
             "val_losses = [0.90, 0.60, 0.45, 0.40, 0.42, 0.41, 0.43, 0.45, 0.50], patience = 3, min_delta = 0",
             "the best is epoch 3 (0.40); epochs 4, 5 and 6 do not improve on it, so training stops at epoch 6"),
        Case((_EX_LOSSES, 5, 0.0),
             "the same losses, patience = 5",
             "count the epochs without improvement since the best one; stop when the count reaches patience"),
        Case(([1.0, 0.8, 0.79, 0.785, 0.7, 0.69], 2, 0.05),
             "val_losses = [1.0, 0.8, 0.79, 0.785, 0.7, 0.69], patience = 2, min_delta = 0.05",
             "an epoch improves only when loss < best - min_delta: 0.79 and 0.785 are not below 0.8 - 0.05"),
        Case(([0.5, 0.4, 0.3, 0.2], 2, 0.0),
             "val_losses = [0.5, 0.4, 0.3, 0.2] (always improving), patience = 2",
             "if patience is never used up, training runs to the end: return the last epoch, len - 1"),
    ],
    hidden_groups=_early_stopping_groups,
    mistakes=[
        Mistake("the best epoch is returned instead of the stopping epoch",
                "return the epoch at which training stops (patience epochs after the best), not the best one",
                _es_best),
        Mistake("training stops one epoch too late (off by one in patience)",
                "stop as soon as the count of epochs without improvement reaches patience (>=, not >)",
                _es_late),
        Mistake("training stops one epoch too early (off by one in patience)",
                "reset the count to 0 on an improvement and add 1 on every other epoch; stop when it reaches patience",
                _es_early),
        Mistake("min_delta is ignored",
                "an epoch counts as an improvement only when loss < best_loss - min_delta", _es_no_delta),
        Mistake("len(val_losses) is returned when training never stops",
                "the last epoch is len(val_losses) - 1 (epochs count from 0)", _es_len),
    ],
    answer_keys=("nnlib.regularization.early_stopping_epoch", "nnlib.regularization.EarlyStopping"),
))
