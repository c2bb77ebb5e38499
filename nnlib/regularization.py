"""Regularization: keeping a network from memorising its training data (chapter 10).

Penalties added to the cost (weights only; biases are not penalised):
    L2:  (λ/2) Σ_l Σ W_l²      gradient  λ W_l         (weight decay: shrinks every weight)
    L1:  λ Σ_l Σ |W_l|         gradient  λ sign(W_l)   (pushes small weights to exactly 0)
Inverted dropout, during training only:
    mask ~ Bernoulli(keep_prob);  A_dropped = A ⊙ mask / keep_prob
    (dividing by keep_prob keeps the expected activation unchanged, so nothing changes at test time)
Early stopping: stop when the validation loss has not improved by more than
min_delta for `patience` epochs, and keep the best weights seen.
"""
import copy
import numbers

import numpy as np


def _check_lam(lam):
    if not isinstance(lam, numbers.Real) or not lam >= 0:
        raise ValueError(f"lam (λ) must be a number >= 0; got {lam!r}")


def l2_penalty(params, lam):
    """(λ/2) Σ_l Σ W_l² over the weight matrices of params = [(W, b), ...]."""
    _check_lam(lam)
    return float(0.5 * lam * sum(np.sum(W * W) for W, _ in params))


def l2_grad(params, lam):
    """Gradient of l2_penalty: [(λ W, 0), ...] — add it to the loss gradients."""
    _check_lam(lam)
    return [(lam * W, np.zeros_like(b)) for W, b in params]


def l1_penalty(params, lam):
    """λ Σ_l Σ |W_l| over the weight matrices."""
    _check_lam(lam)
    return float(lam * sum(np.sum(np.abs(W)) for W, _ in params))


def l1_grad(params, lam):
    """Gradient of l1_penalty: [(λ sign(W), 0), ...] (0 where a weight is exactly 0)."""
    _check_lam(lam)
    return [(lam * np.sign(W), np.zeros_like(b)) for W, b in params]


def _check_keep_prob(keep_prob):
    if not isinstance(keep_prob, numbers.Real) or not 0 < keep_prob <= 1:
        raise ValueError(f"keep_prob must be in (0, 1] (1 keeps every unit); got {keep_prob!r}")


def dropout_forward(A, keep_prob, rng=None):
    """Inverted dropout: keep each entry with probability keep_prob and scale the kept ones by 1/keep_prob.

    Returns (A_dropped, mask) where mask holds 1.0 for kept entries and 0.0 for dropped ones.
    """
    _check_keep_prob(keep_prob)
    A = np.asarray(A, dtype=float)
    mask = (np.random.default_rng(rng).random(A.shape) < keep_prob).astype(A.dtype)
    return A * mask / keep_prob, mask


def dropout_backward(dA, mask, keep_prob):
    """Gradient through dropout: dA ⊙ mask / keep_prob (dropped units pass no gradient)."""
    _check_keep_prob(keep_prob)
    dA = np.asarray(dA)
    if dA.shape != np.shape(mask):
        raise ValueError(f"dropout_backward: dA has shape {dA.shape} but mask has shape {np.shape(mask)}")
    return dA * mask / keep_prob


class EarlyStopping:
    """Watch the validation loss epoch by epoch; say when to stop; remember the best weights.

        stopper = EarlyStopping(patience=5, min_delta=0.0)
        for epoch in range(epochs):
            ...
            if stopper.update(val_loss, params):
                break
        params = stopper.best_params      # with restore_best=True

    An epoch improves when its loss is below best_loss − min_delta. Training stops at
    the epoch that completes `patience` epochs in a row without improvement.
    """

    def __init__(self, patience=5, min_delta=0.0, restore_best=True):
        if isinstance(patience, bool) or int(patience) != patience or patience < 1:
            raise ValueError(f"patience must be an integer >= 1; got {patience!r}")
        if not isinstance(min_delta, numbers.Real) or min_delta < 0:
            raise ValueError(f"min_delta must be a number >= 0; got {min_delta!r}")
        self.patience = int(patience)
        self.min_delta = float(min_delta)
        self.restore_best = restore_best
        self.reset()

    def reset(self):
        """Forget every epoch seen so far (fit calls this at its start)."""
        self.best_loss = np.inf
        self.best_epoch = None
        self.best_params = None
        self.epoch = -1
        self.wait = 0

    def update(self, val_loss, params=None):
        """Record one epoch's validation loss; return True when training should stop."""
        self.epoch += 1
        if val_loss < self.best_loss - self.min_delta:
            self.best_loss = float(val_loss)
            self.best_epoch = self.epoch
            self.wait = 0
            if self.restore_best and params is not None:
                self.best_params = copy.deepcopy(params)
        else:
            self.wait += 1
        return self.wait >= self.patience


def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    """The epoch (0-based) at which early stopping halts, given every epoch's validation loss.

    It is the first epoch that completes `patience` epochs in a row without an
    improvement larger than min_delta; if that never happens, the last epoch.
    """
    stopper = EarlyStopping(patience, min_delta, restore_best=False)
    losses = list(val_losses)
    if not losses:
        raise ValueError("val_losses is empty: give at least one epoch's validation loss")
    for epoch, loss in enumerate(losses):
        if stopper.update(loss):
            return epoch
    return len(losses) - 1


# ---------------------------------------------------------------- data augmentation
def shift_images(images, down, right):
    """Translate images by whole pixels, filling the uncovered border with 0 (paper).

    images has shape (H, W) or (n, H, W); the result has the same shape and dtype:
        out[..., r, c] = images[..., r − down, c − right]   where that pixel exists, else 0.
    Positive `down` moves the picture down, positive `right` to the right; pixels pushed past
    the edge are lost. (np.roll is not a translation: it wraps those pixels around to the
    opposite edge, so ink leaving on the right reappears on the left.)
    """
    images = np.asarray(images)
    if images.ndim not in (2, 3):
        raise ValueError(f"images must have shape (H, W) or (n, H, W); got {images.shape}")
    for name, step in (("down", down), ("right", right)):
        if isinstance(step, bool) or not isinstance(step, numbers.Integral):
            raise ValueError(f"{name} must be a whole number of pixels; got {step!r}")
    H, W = images.shape[-2:]
    out = np.zeros_like(images)
    if abs(down) >= H or abs(right) >= W:
        return out
    rows_from, rows_to = slice(max(0, -down), H - max(0, down)), slice(max(0, down), H - max(0, -down))
    cols_from, cols_to = slice(max(0, -right), W - max(0, right)), slice(max(0, right), W - max(0, -right))
    out[..., rows_to, cols_to] = images[..., rows_from, cols_from]
    return out
