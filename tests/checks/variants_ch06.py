"""Chapter 06's variants: gradient_descent, momentum_step and adam_step."""
import numpy as np

from nnlib import optim
from nnlib.checks import ch06

from .variants import Variant, correct


# ------------------------------------------------------------------ correct, in different styles
def with_a_list(grad_fn, w0, lr, max_steps=1000, tol=1e-6):
    w = np.array(w0, dtype=float)
    trajectory = [w.copy()]
    for _ in range(max_steps):
        step = lr * np.asarray(grad_fn(w), dtype=float)
        w = w - step
        trajectory.append(w.copy())
        if np.max(np.abs(step)) < tol:
            break
    return np.array(trajectory)


def preallocated_while_loop(grad_fn, w0, lr, max_steps=1000, tol=1e-6):
    w = np.asarray(w0, dtype=float)
    out = np.empty((max_steps + 1,) + w.shape)
    out[0] = w
    t = 0
    while t < max_steps:
        step = lr * np.asarray(grad_fn(out[t]), dtype=float)
        out[t + 1] = out[t] - step
        t += 1
        if np.all(np.abs(step) < tol):
            break
    return out[:t + 1].copy()


def in_place_with_copies(grad_fn, w0, lr, max_steps=1000, tol=1e-6):
    w = np.array(w0, dtype=float)
    points = [w.copy()]
    steps = 0
    while steps < max_steps:
        step = lr * grad_fn(w)
        w -= step                      # in place, but every recorded point is a copy
        points.append(np.copy(w))
        steps += 1
        if (np.abs(step) < tol).all():
            break
    return np.stack(points).astype(float)


# ------------------------------------------------------------------ typical mistakes
def adds_the_step(grad_fn, w0, lr, max_steps=1000, tol=1e-6):
    w = np.array(w0, dtype=float)
    trajectory = [w.copy()]
    for _ in range(max_steps):
        step = lr * grad_fn(w)
        w = w + step
        trajectory.append(w.copy())
        if np.max(np.abs(step)) < tol:
            break
    return np.array(trajectory)


def forgets_w0(grad_fn, w0, lr, max_steps=1000, tol=1e-6):
    w = np.array(w0, dtype=float)
    trajectory = []
    for _ in range(max_steps):
        step = lr * grad_fn(w)
        w = w - step
        trajectory.append(w.copy())
        if np.max(np.abs(step)) < tol:
            break
    return np.array(trajectory)


def compares_the_gradient(grad_fn, w0, lr, max_steps=1000, tol=1e-6):
    w = np.array(w0, dtype=float)
    trajectory = [w.copy()]
    for _ in range(max_steps):
        grad = grad_fn(w)
        w = w - lr * grad
        trajectory.append(w.copy())
        if np.max(np.abs(grad)) < tol:
            break
    return np.array(trajectory)


def one_step_too_few(grad_fn, w0, lr, max_steps=1000, tol=1e-6):
    w = np.array(w0, dtype=float)
    trajectory = [w.copy()]
    for _ in range(1, max_steps):
        step = lr * grad_fn(w)
        w = w - step
        trajectory.append(w.copy())
        if np.max(np.abs(step)) < tol:
            break
    return np.array(trajectory)


def ignores_tol(grad_fn, w0, lr, max_steps=1000, tol=1e-6):
    w = np.array(w0, dtype=float)
    trajectory = [w.copy()]
    for _ in range(max_steps):
        w = w - lr * grad_fn(w)
        trajectory.append(w.copy())
    return np.array(trajectory)


def records_the_same_array(grad_fn, w0, lr, max_steps=1000, tol=1e-6):
    w = np.array(w0, dtype=float)
    trajectory = [w]
    for _ in range(max_steps):
        step = lr * grad_fn(w)
        w -= step
        trajectory.append(w)
        if np.max(np.abs(step)) < tol:
            break
    return np.array(trajectory)


def uses_the_step_length(grad_fn, w0, lr, max_steps=1000, tol=1e-6):
    w = np.array(w0, dtype=float)
    trajectory = [w.copy()]
    for _ in range(max_steps):
        step = lr * grad_fn(w)
        w = w - step
        trajectory.append(w.copy())
        if np.linalg.norm(step) < tol:
            break
    return np.array(trajectory)


def stops_before_the_tiny_step(grad_fn, w0, lr, max_steps=1000, tol=1e-6):
    w = np.array(w0, dtype=float)
    trajectory = [w.copy()]
    for _ in range(max_steps):
        step = lr * grad_fn(w)
        if np.max(np.abs(step)) < tol:
            break
        w = w - step
        trajectory.append(w.copy())
    return np.array(trajectory)


def returns_a_list(grad_fn, w0, lr, max_steps=1000, tol=1e-6):
    return [np.asarray(p) for p in with_a_list(grad_fn, w0, lr, max_steps, tol)]


def not_implemented(grad_fn, w0, lr, max_steps=1000, tol=1e-6):
    # YOUR CODE HERE
    raise NotImplementedError()


# ------------------------------------------------------------------ momentum_step: correct
def momentum_with_loops(params, grads, velocity, lr, mu=0.9):
    if velocity is None:
        velocity = [(np.zeros_like(W, dtype=float), np.zeros_like(b, dtype=float))
                    for W, b in params]
    new_params, new_velocity = [], []
    for (W, b), (dW, db), (vW, vb) in zip(params, grads, velocity):
        vW = mu * vW - lr * dW
        vb = mu * vb - lr * db
        new_params.append((W + vW, b + vb))
        new_velocity.append((vW, vb))
    return new_params, new_velocity


def momentum_flat_arrays(params, grads, velocity, lr, mu=0.9):
    # every array on its own, velocity None handled per array, lists built with comprehensions
    flat_w = [w for layer in params for w in layer]
    flat_g = [g for layer in grads for g in layer]
    flat_v = ([np.zeros(np.shape(w)) for w in flat_w] if velocity is None
              else [v for layer in velocity for v in layer])
    new_v = [mu * v - lr * g for v, g in zip(flat_v, flat_g)]
    new_w = [w + v for w, v in zip(flat_w, new_v)]
    return ([(new_w[i], new_w[i + 1]) for i in range(0, len(new_w), 2)],
            [[new_v[i], new_v[i + 1]] for i in range(0, len(new_v), 2)])


# ------------------------------------------------------------------ momentum_step: mistakes
def momentum_adds_the_gradient(params, grads, velocity, lr, mu=0.9):
    velocity = velocity or [(np.zeros(W.shape), np.zeros(b.shape)) for W, b in params]
    new_v = [(mu * vW + lr * dW, mu * vb + lr * db)
             for (vW, vb), (dW, db) in zip(velocity, grads)]
    return [(W + vW, b + vb) for (W, b), (vW, vb) in zip(params, new_v)], new_v


def momentum_moves_with_the_old_velocity(params, grads, velocity, lr, mu=0.9):
    velocity = velocity or [(np.zeros(W.shape), np.zeros(b.shape)) for W, b in params]
    new_params = [(W + vW, b + vb) for (W, b), (vW, vb) in zip(params, velocity)]
    new_v = [(mu * vW - lr * dW, mu * vb - lr * db)
             for (vW, vb), (dW, db) in zip(velocity, grads)]
    return new_params, new_v


def momentum_framework_convention(params, grads, velocity, lr, mu=0.9):
    velocity = velocity or [(np.zeros(W.shape), np.zeros(b.shape)) for W, b in params]
    new_v = [(mu * vW + dW, mu * vb + db) for (vW, vb), (dW, db) in zip(velocity, grads)]
    return [(W - lr * vW, b - lr * vb) for (W, b), (vW, vb) in zip(params, new_v)], new_v


def momentum_forgets_the_biases(params, grads, velocity, lr, mu=0.9):
    velocity = velocity or [(np.zeros(W.shape), np.zeros(b.shape)) for W, b in params]
    new_v = [(mu * vW - lr * dW, mu * vb - lr * db)
             for (vW, vb), (dW, db) in zip(velocity, grads)]
    return [(W + vW, b) for (W, b), (vW, vb) in zip(params, new_v)], new_v


def momentum_in_place(params, grads, velocity, lr, mu=0.9):
    # right numbers, but the caller's arrays are overwritten
    if velocity is None:
        velocity = [(np.zeros(W.shape), np.zeros(b.shape)) for W, b in params]
    for (W, b), (dW, db), (vW, vb) in zip(params, grads, velocity):
        vW *= mu
        vW -= lr * dW
        vb *= mu
        vb -= lr * db
        W += vW
        b += vb
    return params, velocity


def momentum_without_none(params, grads, velocity, lr, mu=0.9):
    # forgets that the first velocity is None: fails (raises) on first steps only
    new_params, new_velocity = [], []
    for (W, b), (dW, db), (vW, vb) in zip(params, grads, velocity):
        vW, vb = mu * vW - lr * dW, mu * vb - lr * db
        new_params.append((W + vW, b + vb))
        new_velocity.append((vW, vb))
    return new_params, new_velocity


# ------------------------------------------------------------------ adam_step: correct
def adam_with_loops(params, grads, m, v, t, lr, rho1=0.9, rho2=0.999, eps=1e-8):
    if m is None:
        m = [(np.zeros_like(W, dtype=float), np.zeros_like(b, dtype=float)) for W, b in params]
    if v is None:
        v = [(np.zeros_like(W, dtype=float), np.zeros_like(b, dtype=float)) for W, b in params]
    new_params, new_m, new_v = [], [], []
    for (W, b), (dW, db), (mW, mb), (vW, vb) in zip(params, grads, m, v):
        mW, mb = rho1 * mW + (1 - rho1) * dW, rho1 * mb + (1 - rho1) * db
        vW, vb = rho2 * vW + (1 - rho2) * dW ** 2, rho2 * vb + (1 - rho2) * db ** 2
        W = W - lr * (mW / (1 - rho1 ** t)) / (np.sqrt(vW / (1 - rho2 ** t)) + eps)
        b = b - lr * (mb / (1 - rho1 ** t)) / (np.sqrt(vb / (1 - rho2 ** t)) + eps)
        new_params.append((W, b))
        new_m.append((mW, mb))
        new_v.append((vW, vb))
    return new_params, new_m, new_v


def adam_one_array_at_a_time(params, grads, m, v, t, lr, rho1=0.9, rho2=0.999, eps=1e-8):
    def one(w, g, m_w, v_w):
        m_w = rho1 * m_w + (1 - rho1) * g
        v_w = rho2 * v_w + (1 - rho2) * np.square(g)
        step = lr * (m_w / (1 - rho1 ** t)) / (np.sqrt(v_w / (1 - rho2 ** t)) + eps)
        return w - step, m_w, v_w

    zero = [(0.0, 0.0)] * len(params)                    # broadcasting zeros work as well
    results = [[one(w, g, mw, vw) for w, g, mw, vw in zip(*layer)]
               for layer in zip(params, grads, m or zero, v or zero)]
    return tuple([tuple(np.asarray(r[k], dtype=float) for r in layer) for layer in results]
                 for k in range(3))


# ------------------------------------------------------------------ adam_step: mistakes
def adam_variant(**wrong):
    def student(params, grads, m, v, t, lr, rho1=0.9, rho2=0.999, eps=1e-8):
        return ch06._adam(params, grads, m, v, t, lr, rho1, rho2, eps, **wrong)
    return student


def adam_ignores_the_rates(params, grads, m, v, t, lr, rho1=0.9, rho2=0.999, eps=1e-8):
    return adam_with_loops(params, grads, m, v, t, lr)      # rho1, rho2, eps never used


def adam_in_place(params, grads, m, v, t, lr, rho1=0.9, rho2=0.999, eps=1e-8):
    if m is None or v is None:
        return adam_with_loops(params, grads, m, v, t, lr, rho1, rho2, eps)
    for (W, b), (dW, db), (mW, mb), (vW, vb) in zip(params, grads, m, v):
        for w, g, mw, vw in ((W, dW, mW, vW), (b, db, mb, vb)):
            mw *= rho1
            mw += (1 - rho1) * g
            vw *= rho2
            vw += (1 - rho2) * g ** 2
            w -= lr * (mw / (1 - rho1 ** t)) / (np.sqrt(vw / (1 - rho2 ** t)) + eps)
    return params, m, v


VARIANTS = [
    *correct("gradient_descent", with_a_list, preallocated_while_loop, in_place_with_copies,
             optim.gradient_descent),
    Variant("gradient_descent", adds_the_step, 0.0, "the step is added instead of subtracted"),
    Variant("gradient_descent", forgets_w0, 0.0, "the trajectory does not start with w0"),
    Variant("gradient_descent", compares_the_gradient, 0.5, "the gradient, not the step, is compared with tol"),
    Variant("gradient_descent", one_step_too_few, 0.5, "one step too few"),
    Variant("gradient_descent", ignores_tol, 0.5, "tol is ignored"),
    Variant("gradient_descent", records_the_same_array, 0.0, "the same array is recorded again and again"),
    Variant("gradient_descent", uses_the_step_length, 0.75, "the length of the step is compared with tol"),
    Variant("gradient_descent", stops_before_the_tiny_step, 0.5, "the last, tiny step is not taken"),
    Variant("gradient_descent", returns_a_list, 0.0, None, seeds=(0,)),
    Variant("gradient_descent", not_implemented, 0.0, None, seeds=(0,)),

    *correct("momentum_step", momentum_with_loops, momentum_flat_arrays, optim.momentum_step),
    Variant("momentum_step", momentum_adds_the_gradient, 0.0,
            "the gradient is added to the velocity instead of subtracted"),
    Variant("momentum_step", momentum_moves_with_the_old_velocity, 0.0, "the parameters move with the old velocity"),
    Variant("momentum_step", momentum_framework_convention, 0.0, "the velocity leaves out the learning rate"),
    Variant("momentum_step", momentum_forgets_the_biases, 0.0, "the biases are not updated"),
    Variant("momentum_step", momentum_in_place, 0.0, None, says=("in place",)),
    Variant("momentum_step", momentum_without_none, 0.5, None, says=("NoneType",)),

    *correct("adam_step", adam_with_loops, adam_one_array_at_a_time, optim.adam_step),
    Variant("adam_step", adam_variant(correct=False), 0.0, "no bias correction"),
    Variant("adam_step", adam_variant(eps_inside=True), 0.0, "ε is added inside the square root"),
    Variant("adam_step", adam_variant(return_corrected=True), 0.0,
            "the bias-corrected m̂ and v̂ are returned instead of m and v"),
    Variant("adam_step", adam_variant(swapped=True), 0.0, "ρ and 1 − ρ are swapped"),
    Variant("adam_step", adam_variant(sign=+1.0), 0.0, "the step is added instead of subtracted"),
    Variant("adam_step", adam_in_place, 0.25, None, says=("in place",)),
    Variant("adam_step", adam_ignores_the_rates, 0.75, None, says=("other rates",)),
]
