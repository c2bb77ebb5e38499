"""Gradient descent and its stochastic and mini-batch versions (chapters 06 and 07).

The lectures' six steps of gradient descent, for parameters w and a cost C(w):
    1. take the derivative of C with respect to each parameter (grad_fn below);
    2. start from some value w0;
    3. plug the current w into the derivative;
    4. step = learning rate × slope        (step = lr · ∇C(w));
    5. new w = old w − step;
    6. repeat 3–5 until the step is tiny (every coordinate smaller than tol) or after max_steps.

Stochastic and mini-batch gradient descent estimate ∇C from a few rows at a time
(`minibatches`) and take one step per batch (`sgd_step`); `momentum_step` and `adam_step`
are the same step with a memory of past gradients.
"""
import warnings

import numpy as np

from . import losses as _losses
from ._validate import positive
from .network import backward, forward


def gradient_descent(grad_fn, w0, lr, max_steps=1000, tol=1e-6):
    """Minimise a cost from its gradient: w ← w − lr · grad_fn(w), following the six steps.

    grad_fn   : function returning ∇C(w), same shape as w
    w0        : starting point (a number or an array)
    lr        : learning rate η > 0
    max_steps : stop after this many steps at most
    tol       : stop as soon as the step is smaller than tol (every coordinate of lr · ∇C(w))
    Returns the trajectory: an array of the visited points, w0 first, shape (steps + 1, *w0.shape).
    If w becomes inf or NaN (the learning rate is too large), it stops there with a warning;
    the trajectory then shows the divergence.
    """
    positive(lr, "lr")
    if int(max_steps) != max_steps or max_steps < 0:
        raise ValueError(f"max_steps must be an integer >= 0; got {max_steps!r}")
    w = np.array(w0, dtype=float)
    trajectory = [w.copy()]
    for _ in range(int(max_steps)):
        step = lr * np.asarray(grad_fn(w), dtype=float)
        if step.shape != w.shape:
            raise ValueError(f"grad_fn returned shape {step.shape} for a point of shape {w.shape}")
        w = w - step
        trajectory.append(w.copy())
        if not np.all(np.isfinite(w)) or not np.all(np.isfinite(step)):
            warnings.warn(f"gradient descent diverged at step {len(trajectory) - 1} (lr={lr}); "
                          f"try a smaller learning rate", RuntimeWarning, stacklevel=2)
            break
        if np.max(np.abs(step)) < tol:
            break
    return np.array(trajectory)


def minibatches(X, y, batch_size, rng=None, *, shuffle=True):
    """Yield (X_batch, y_batch) pairs that together cover every row of X and y exactly once.

    batch_size = len(X) gives batch gradient descent, 1 gives stochastic gradient
    descent, anything in between mini-batch gradient descent. With shuffle=True the
    rows are visited in a random order (a new one each call, drawn from rng). The
    last batch is kept even when it is smaller than batch_size.

    rng may be given by position, minibatches(X, y, batch_size, rng), as in the chapter-07
    exercise; shuffle is keyword-only (shuffle=False), so a positional slip cannot switch it.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same number of rows; got X {X.shape} and y {y.shape}")
    if isinstance(batch_size, bool) or int(batch_size) != batch_size or batch_size < 1:
        raise ValueError(f"batch_size must be an integer >= 1; got {batch_size!r}")
    n = len(X)
    order = np.random.default_rng(rng).permutation(n) if shuffle else np.arange(n)
    for start in range(0, n, int(batch_size)):
        rows = order[start:start + int(batch_size)]
        yield X[rows], y[rows]


def sgd_step(params, grads, lr):
    """One gradient step on every layer: W ← W − lr · dW, b ← b − lr · db. Returns new params."""
    positive(lr, "lr")
    return [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(params, grads)]


def momentum_step(params, grads, velocity, lr, mu=0.9):
    """One gradient step with momentum on every layer (chapter 06):

        v ← μ v − lr · ∇C(w),    w ← w + v        (for every W and b, with its own v)

    params, grads : lists of (W, b) and (dW, db) pairs, first layer first
    velocity      : a list of (vW, vb) pairs like params, or None the first time (zeros)
    lr            : learning rate η > 0
    mu            : the momentum coefficient μ in [0, 1); μ = 0 is plain gradient descent
    Returns (new params, new velocity), both new lists of new arrays; the arguments are left
    unchanged. The velocity is a decaying sum of past steps, so directions in which the
    gradient keeps its sign speed up and directions in which it flips sign cancel out.
    """
    positive(lr, "lr")
    if not 0 <= mu < 1:
        raise ValueError(f"mu (the momentum coefficient μ) must be in [0, 1); got {mu!r}")
    if velocity is None:
        velocity = [(np.zeros_like(W, dtype=float), np.zeros_like(b, dtype=float))
                    for W, b in params]
    _same_layers(params, grads, velocity, ("grads", "velocity"))
    new_params, new_velocity = [], []
    for (W, b), (dW, db), (vW, vb) in zip(params, grads, velocity):
        vW = mu * vW - lr * dW
        vb = mu * vb - lr * db
        new_params.append((W + vW, b + vb))
        new_velocity.append((vW, vb))
    return new_params, new_velocity


def adam_step(params, grads, m, v, t, lr, rho1=0.9, rho2=0.999, eps=1e-8):
    """One Adam step on every layer (chapter 06), for each array w with gradient g = ∇C(w):

        m ← ρ₁ m + (1 − ρ₁) g                  running mean of the gradient
        v ← ρ₂ v + (1 − ρ₂) g²                 running mean of its square (entry by entry)
        m̂ = m / (1 − ρ₁ᵗ),  v̂ = v / (1 − ρ₂ᵗ)   bias correction (m and v start at zero)
        w ← w − lr · m̂ / (√v̂ + ε)

    params, grads : lists of (W, b) and (dW, db) pairs, first layer first
    m, v          : lists of (mW, mb) and (vW, vb) pairs like params, or None at t = 1 (zeros)
    t             : the number of this step, 1 for the first (an integer ≥ 1)
    lr            : learning rate η > 0
    rho1, rho2    : decay rates ρ₁, ρ₂ in [0, 1) (frameworks call them beta1, beta2; the
                    course keeps β for regression coefficients and batch norm's shift)
    eps           : ε > 0, keeps the division finite where v̂ is zero
    Returns (new params, new m, new v): m and v without the bias correction, ready for step
    t + 1. New lists of new arrays; the arguments are left unchanged.
    """
    positive(lr, "lr")
    positive(eps, "eps")
    if isinstance(t, bool) or int(t) != t or t < 1:
        raise ValueError(f"t (the number of the step, 1 for the first) must be an integer >= 1; "
                         f"got {t!r}")
    for name, rho in (("rho1", rho1), ("rho2", rho2)):
        if not 0 <= rho < 1:
            raise ValueError(f"{name} must be in [0, 1); got {rho!r}")
    zeros = [(np.zeros_like(W, dtype=float), np.zeros_like(b, dtype=float)) for W, b in params]
    m = zeros if m is None else m
    v = zeros if v is None else v
    _same_layers(params, grads, m, ("grads", "m"))
    _same_layers(params, grads, v, ("grads", "v"))
    new_params, new_m, new_v = [], [], []
    for layer, grad, m_layer, v_layer in zip(params, grads, m, v):
        updated, m_pair, v_pair = [], [], []
        for w, g, m_w, v_w in zip(layer, grad, m_layer, v_layer):
            m_w = rho1 * m_w + (1 - rho1) * g
            v_w = rho2 * v_w + (1 - rho2) * g ** 2
            m_hat = m_w / (1 - rho1 ** t)
            v_hat = v_w / (1 - rho2 ** t)
            updated.append(w - lr * m_hat / (np.sqrt(v_hat) + eps))
            m_pair.append(m_w)
            v_pair.append(v_w)
        new_params.append(tuple(updated))
        new_m.append(tuple(m_pair))
        new_v.append(tuple(v_pair))
    return new_params, new_m, new_v


def _same_layers(params, grads, state, names):
    """Raise a clear error when grads or the optimizer's state do not match params layer by layer."""
    for name, other in zip(names, (grads, state)):
        if len(other) != len(params):
            raise ValueError(f"{name} has {len(other)} layers but params has {len(params)}")
        for l, ((W, b), (oW, ob)) in enumerate(zip(params, other), start=1):
            if np.shape(oW) != np.shape(W) or np.shape(ob) != np.shape(b):
                raise ValueError(f"layer {l}: {name} has shapes {np.shape(oW)}, {np.shape(ob)}; "
                                 f"params has W {np.shape(W)}, b {np.shape(b)}")


def train_epoch(X, y, params, activations, lr, batch_size, rng=None, *, loss="mse"):
    """One epoch of mini-batch gradient descent; returns (new params, the epoch's mean loss).

    For every batch from minibatches(X, y, batch_size, rng=rng): forward, loss,
    backward, sgd_step. The epoch's loss is the mean of the batch losses weighted
    by batch size (the loss of each batch measured before its update).
    """
    loss_fn, loss_grad = _losses.get(loss)
    total = 0.0
    for X_batch, y_batch in minibatches(X, y, batch_size, rng=rng):
        y_hat, caches = forward(X_batch, params, activations)
        total += loss_fn(y_hat, y_batch) * len(X_batch)
        grads = backward(loss_grad(y_hat, y_batch), caches)
        params = sgd_step(params, grads, lr)
    return params, total / len(X)
