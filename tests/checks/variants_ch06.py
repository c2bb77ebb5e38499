"""Chapter 06's variants: gradient_descent. (momentum_step and adam_step: tests/test_ch06.py.)"""
import numpy as np

from nnlib import optim

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
]
