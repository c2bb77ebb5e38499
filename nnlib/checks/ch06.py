"""Chapter 06 (gradient descent): checks for gradient_descent(grad_fn, w0, lr, max_steps, tol).

The exercise is the lectures' six steps, exactly as nnlib.optim.gradient_descent does them:
start the trajectory with w0; then, at most max_steps times, step = lr · grad_fn(w),
w = w − step, record w, and stop as soon as every coordinate of the step is smaller than tol.

Hidden cases pass a grad_fn. The sandboxed autograder sends functions by name, so every
gradient used here is a module-level function registered with @argument_function.
"""
import numpy as np

from ..optim import gradient_descent as _ref_gradient_descent
from .engine import Case, Exercise, Mistake, argument_function, register, show

# ---------------------------------------------------------------- data embedded in the module
# The lectures' study-hours table (nnlib.datasets.study_hours): hours of study in hundreds,
# and the exam mark in percent. Kept here as constants so the cases never depend on a file.
STUDY_HUNDREDS = np.array([0.12, 0.22, 1.15, 0.31, 0.00, 0.05, 0.92, 0.57])
EXAM = np.array([93.0, 68.0, 95.0, 75.0, 51.0, 60.0, 89.0, 97.0])

# The 2-D elongated bowl C(w) = ½ (w − m)ᵀ H (w − m): curvatures about 2.2 and 0.3.
_H = np.array([[2.0, 0.6], [0.6, 0.5]])
_M = np.array([1.0, -2.0])


# ---------------------------------------------------------------- gradients (grad_fn arguments)
@argument_function
def exam_mean_grad(b):
    """C(b) = Σ ½ (b − y_i)² over the eight exam marks: one prediction b for every student.
    C'(b) = Σ (b − y_i) = 8 b − 628; the minimum is the mean mark, 78.5."""
    return np.sum(b - EXAM)


@argument_function
def parabola_grad(w):
    """C(w) = (w − 3)², C'(w) = 2 (w − 3): curvature 2, minimum at w = 3."""
    return 2.0 * (w - 3.0)


@argument_function
def narrow_parabola_grad(w):
    """C(w) = 5 (w + 1)², C'(w) = 10 (w + 1): curvature 10, so lr must stay below 0.2."""
    return 10.0 * (w + 1.0)


@argument_function
def double_well_grad(w):
    """Non-convex: C(w) = (w² − 4)²/16 + w/4, with a deep minimum near −2.1 and a shallow one
    near +1.9. C'(w) = w (w² − 4)/4 + 1/4."""
    return w * (w**2 - 4.0) / 4.0 + 0.25


@argument_function
def elongated_bowl_grad(w):
    """C(w) = ½ (w − m)ᵀ H (w − m) with m = (1, −2): ∇C(w) = H (w − m), for w of shape (2,)."""
    return _H @ (np.asarray(w, dtype=float) - _M)


@argument_function
def linear_regression_grad(beta):
    """Linear regression on the study-hours table, exam ≈ β0 + β1 · hours/100, cost
    C(β0, β1) = Σ ½ (β0 + β1 x_i − y_i)². ∇C = (Σ r_i, Σ r_i x_i) with r_i the residuals."""
    r = beta[0] + beta[1] * STUDY_HUNDREDS - EXAM
    return np.array([np.sum(r), np.sum(r * STUDY_HUNDREDS)])


@argument_function
def sum_of_squares_grad(W):
    """C(W) = Σ (W − 1)² over every entry, for W of any shape: ∇C = 2 (W − 1)."""
    return 2.0 * (W - 1.0)


# ---------------------------------------------------------------- typical mistakes
def _run(grad_fn, w0, lr, max_steps, tol, *, sign=-1.0, keep_w0=True, test="step",
         extra_steps=0, record_last=True, alias=False, use_tol=True):
    """Gradient descent with one thing done wrong (the keyword arguments say which)."""
    w = np.array(w0, dtype=float)
    trajectory = [w if alias else w.copy()]
    with np.errstate(all="ignore"):
        for _ in range(max(int(max_steps) + extra_steps, 0)):
            grad = np.asarray(grad_fn(w), dtype=float)
            step = lr * grad
            small = (np.max(np.abs(step if test == "step" else grad)) < tol if test != "norm"
                     else np.linalg.norm(step) < tol)
            if use_tol and small and not record_last:
                break
            if alias:
                w += sign * step
            else:
                w = w + sign * step
            trajectory.append(w if alias else w.copy())
            if not np.all(np.isfinite(w)):
                break
            if use_tol and small:
                break
    trajectory = np.array(trajectory)
    return trajectory if keep_w0 else trajectory[1:]


MISTAKES = [
    Mistake("the step is added instead of subtracted",
            "new w = old w − step: the gradient points uphill, so go the other way",
            lambda g, w0, lr, n, tol: _run(g, w0, lr, n, tol, sign=+1.0)),
    Mistake("the trajectory does not start with w0",
            "put the starting point in the trajectory before the first step: it has steps + 1 rows",
            lambda g, w0, lr, n, tol: _run(g, w0, lr, n, tol, keep_w0=False)),
    Mistake("the gradient, not the step, is compared with tol",
            "stop when every coordinate of the step lr · grad_fn(w) is smaller than tol, "
            "not the gradient itself",
            lambda g, w0, lr, n, tol: _run(g, w0, lr, n, tol, test="gradient")),
    Mistake("one step too few (off by one in max_steps)",
            "take at most max_steps steps, e.g. `for _ in range(max_steps):`; the trajectory "
            "then has at most max_steps + 1 rows",
            lambda g, w0, lr, n, tol: _run(g, w0, lr, n, tol, extra_steps=-1)),
    Mistake("one step too many (off by one in max_steps)",
            "take at most max_steps steps, e.g. `for _ in range(max_steps):`; the trajectory "
            "then has at most max_steps + 1 rows",
            lambda g, w0, lr, n, tol: _run(g, w0, lr, n, tol, extra_steps=1)),
    Mistake("tol is ignored (always max_steps steps)",
            "after each step, stop as soon as every coordinate of the step is smaller than tol",
            lambda g, w0, lr, n, tol: _run(g, w0, lr, n, tol, use_tol=False)),
    Mistake("the last, tiny step is not taken",
            "take the step and record the new point first, then stop if that step was smaller "
            "than tol",
            lambda g, w0, lr, n, tol: _run(g, w0, lr, n, tol, record_last=False)),
    Mistake("the length of the step is compared with tol, not every coordinate",
            "stop when np.max(np.abs(step)) < tol, i.e. every coordinate of the step is small",
            lambda g, w0, lr, n, tol: _run(g, w0, lr, n, tol, test="norm")),
    Mistake("the same array is recorded again and again (w -= step changes it in place)",
            "record a copy, trajectory.append(w.copy()), or write w = w - step, which makes a "
            "new array",
            lambda g, w0, lr, n, tol: _run(g, w0, lr, n, tol, alias=True)),
]


# ---------------------------------------------------------------- cases
def _case(grad_fn, w0, lr, max_steps, tol, what):
    return Case((grad_fn, w0, lr, max_steps, tol),
                f"{what}: grad_fn = {grad_fn.__name__}, w0 = {show(w0)}, lr = {lr:g}, "
                f"max_steps = {max_steps}, tol = {tol:g}")


def _gradient_descent_groups(rng: np.random.Generator):
    """Four groups of random hidden cases (each group one share of the points)."""

    def r(low, high, digits=2):
        return round(float(rng.uniform(low, high)), digits)

    # A: one parameter; max_steps is large, so tol decides where the run stops.
    tol_stops = [
        _case(parabola_grad, r(-6, 10), r(0.05, 0.4), 1000, float(10.0 ** rng.integers(-8, -2)),
              "C = (w − 3)²")
        for _ in range(3)
    ] + [
        _case(narrow_parabola_grad, r(-5, 5), r(0.01, 0.08, 3), 1000,
              float(10.0 ** rng.integers(-8, -3)), "C = 5 (w + 1)²"),
        _case(exam_mean_grad, r(0, 100, 1), r(0.01, 0.1, 3), 1000,
              float(10.0 ** rng.integers(-7, -3)), "C = Σ ½ (b − exam mark)²"),
    ]
    # B: a fixed number of steps (tol = 0 never stops a run), max_steps = 0 included.
    fixed = [_case(parabola_grad, r(-6, 10), r(0.05, 0.6), 0, 0.0, "max_steps = 0"),
             _case(parabola_grad, 3.0, r(0.05, 0.6), int(rng.integers(2, 6)), 0.0,
                   "w0 = 3, the minimum: every step is 0, and a zero step is not smaller than tol = 0")] + [
        _case(grad, r(-4, 4), r(0.01, 0.15), int(rng.integers(1, 12)), 0.0, what)
        for grad, what in ((parabola_grad, "C = (w − 3)²"), (narrow_parabola_grad, "C = 5 (w + 1)²"),
                           (parabola_grad, "C = (w − 3)²"), (double_well_grad, "non-convex"))
    ]
    # C: two parameters, given as arrays or lists; tol decides where the run stops.
    two = [
        _case(elongated_bowl_grad, np.round(rng.uniform(-4, 4, 2), 2), r(0.2, 0.7), 1000,
              float(10.0 ** rng.integers(-7, -3)), "elongated bowl"),
        _case(elongated_bowl_grad, [r(-4, 4, 1), r(-4, 4, 1)], r(0.2, 0.7), 1000,
              float(10.0 ** rng.integers(-7, -3)), "elongated bowl, w0 a list"),
        _case(linear_regression_grad, np.round(rng.uniform(0, 80, 2), 1), r(0.05, 0.18, 3), 1000,
              float(10.0 ** rng.integers(-6, -2)), "linear regression (β0, β1)"),
        _case(linear_regression_grad, [int(rng.integers(0, 50)), int(rng.integers(0, 50))],
              r(0.05, 0.18, 3), 1000, float(10.0 ** rng.integers(-6, -2)),
              "linear regression, integer w0 as a list"),
    ]
    # D: any shape, a non-convex cost and a learning rate too large (all fixed step counts).
    other = [
        _case(sum_of_squares_grad, np.round(rng.normal(0, 2, (2, 3)), 2), r(0.05, 0.45),
              int(rng.integers(2, 15)), 0.0, "parameters as a (2, 3) matrix"),
        _case(sum_of_squares_grad, np.round(rng.normal(0, 2, (4, 1)), 2), r(0.05, 0.35),
              int(rng.integers(2, 15)), 1e-12, "parameters as a (4, 1) matrix"),
        _case(double_well_grad, r(-3, 3), r(0.05, 0.3), int(rng.integers(10, 40)), 0.0,
              "non-convex cost with two minima"),
        _case(narrow_parabola_grad, r(-3, 3), r(0.22, 0.29), int(rng.integers(8, 20)), 0.0,
              "lr too large: the run diverges, and every point is still recorded"),
    ]
    return [
        ("one parameter, stopped by tol", tol_stops),
        ("a fixed number of steps (max_steps reached first, max_steps = 0 included)", fixed),
        ("two parameters: an elongated bowl and linear regression (β0, β1)", two),
        ("any shape, a non-convex cost and a learning rate too large", other),
    ]


GRADIENT_DESCENT = register(Exercise(
    name="gradient_descent",
    signature="gradient_descent(grad_fn, w0, lr, max_steps, tol)",
    reference=_ref_gradient_descent,
    public_cases=[
        Case((exam_mean_grad, 50.0, 0.05, 3, 0.0),
             "the chapter's example: C(b) = Σ ½ (b − y_i)² over the exam marks, b0 = 50, lr = 0.05, "
             "3 steps",
             "slope C'(50) = 8·50 − 628 = −228, step = 0.05 · (−228) = −11.4, new b = 50 − (−11.4) "
             "= 61.4; the trajectory is [50, 61.4, 68.24, 72.344]"),
        Case((parabola_grad, 0.0, 0.1, 3, 0.0),
             "C(w) = (w − 3)², w0 = 0, lr = 0.1, max_steps = 3, tol = 0",
             "three steps give four points, w0 first: [0, 0.6, 1.08, 1.464]"),
        Case((parabola_grad, 0.0, 0.25, 100, 1e-3),
             "stop on tol: C(w) = (w − 3)², w0 = 0, lr = 0.25, max_steps = 100, tol = 0.001",
             "after each step, stop as soon as every coordinate of the step lr · grad is < tol; "
             "the point that step reached is the last row"),
        Case((parabola_grad, 5.0, 0.1, 0, 1e-6),
             "max_steps = 0: the trajectory is just [w0]",
             "the trajectory starts with w0 and has at most max_steps + 1 rows"),
        Case((linear_regression_grad, [0.0, 0.0], 0.1, 1000, 1e-6),
             "linear regression on the study-hours table: w0 = [0, 0] (a list), lr = 0.1, tol = 1e-6",
             "convert w0 with np.array(w0, dtype=float); the trajectory has shape (steps + 1, 2)"),
        Case((elongated_bowl_grad, np.array([-3.0, 2.0]), 0.3, 2000, 1e-5),
             "elongated bowl: w0 = (-3, 2), lr = 0.3, tol = 1e-5",
             "stop when every coordinate of the step is < tol: np.max(np.abs(step)) < tol"),
        Case((narrow_parabola_grad, 1.0, 0.25, 6, 1e-6),
             "lr too large: C(w) = 5 (w + 1)², lr = 0.25, 6 steps (the run diverges)",
             "a diverging run still records every point: w + 1 is multiplied by 1 − 10·0.25 = −1.5 "
             "at each step"),
    ],
    hidden_groups=_gradient_descent_groups,
    mistakes=MISTAKES,
))
