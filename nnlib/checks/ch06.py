"""Chapter 06 (gradient descent): checks for gradient_descent(grad_fn, w0, lr, max_steps, tol).

The exercise is the lectures' six steps, exactly as nnlib.optim.gradient_descent does them:
start the trajectory with w0; then, at most max_steps times, step = lr · grad_fn(w),
w = w − step, record w, and stop as soon as every coordinate of the step is smaller than tol.

Hidden cases pass a grad_fn. The sandboxed autograder sends functions by name, so every
gradient used here is a module-level function registered with @argument_function.
"""
import numpy as np

from ..optim import gradient_descent as _ref_gradient_descent
from .compare import show
from .spec import Case, Exercise, Mistake, argument_function, register

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


# ================================================================ momentum_step and adam_step
# Both work on a network's parameters as the rest of the course holds them: a list of (W, b)
# pairs, first layer first, with the gradients and the optimizer's state in the same layout.
# The answers are new lists of new arrays; an answer that changes its arguments is wrong.
from .. import optim as _optim  # noqa: E402
from .compare import Array, Labelled, ListOf, Pair  # noqa: E402


def _layers_schema(what):
    return ListOf(Pair(Array(), Array(), names=("W", "b")), what=what,
                  item_name="{what}, layer {n}", accept_lists_as_pairs=True)


def _random_layers(rng, sizes, scale=1.0):
    """A list of (W, b) pairs of random numbers (3 decimals) for the layer sizes given."""
    return [(np.round(rng.normal(0, scale, (n_in, n_out)), 3), np.round(rng.normal(0, scale, n_out), 3))
            for n_in, n_out in zip(sizes[:-1], sizes[1:])]


def _random_sizes(rng, layers):
    return [int(n) for n in rng.integers(1, 5, layers + 1)]


# The chapter's bowl, linear regression on the study-hours table, as a one-neuron network:
# W = [[beta1]], b = [beta0]; its gradient at (beta0, beta1) = (0, 0).
_BOWL_GRAD = linear_regression_grad(np.array([0.0, 0.0]))
_BOWL_PARAMS = [(np.array([[0.0]]), np.array([0.0]))]
_BOWL_GRADS = [(np.array([[_BOWL_GRAD[1]]]), np.array([_BOWL_GRAD[0]]))]


# ---------------------------------------------------------------- momentum_step: mistakes
def _momentum(params, grads, velocity, lr, mu=0.9, *, sign=-1.0, move_with="new", form="course",
              biases=True):
    """Momentum with one thing done wrong (the keyword arguments say which)."""
    if velocity is None:
        velocity = [(np.zeros(np.shape(W)), np.zeros(np.shape(b))) for W, b in params]
    new_params, new_velocity = [], []
    for (W, b), (dW, db), (vW, vb) in zip(params, grads, velocity):
        pair, vpair = [], []
        for w, g, v, is_bias in ((W, dW, vW, False), (b, db, vb, True)):
            w, g, v = (np.asarray(a, dtype=float) for a in (w, g, v))
            if form == "course":
                v_new = mu * v + sign * lr * g
                w_new = w + (v_new if move_with == "new" else v)
            elif form == "framework":                 # v ← μ v + g,  w ← w − lr v
                v_new = mu * v + g
                w_new = w - lr * v_new
            else:                                     # "average": v ← μ v − (1 − μ) lr g
                v_new = mu * v - (1 - mu) * lr * g
                w_new = w + v_new
            if is_bias and not biases:
                w_new = w
            pair.append(w_new)
            vpair.append(v_new)
        new_params.append(tuple(pair))
        new_velocity.append(tuple(vpair))
    return new_params, new_velocity


MOMENTUM_MISTAKES = [
    Mistake("the gradient is added to the velocity instead of subtracted",
            "v ← μ v − lr · grad: the gradient points uphill, so the velocity collects minus it",
            lambda p, g, v, lr, mu=0.9: _momentum(p, g, v, lr, mu, sign=+1.0)),
    Mistake("the parameters move with the old velocity",
            "update the velocity first, v ← μ v − lr · grad, then move with the new one: w ← w + v",
            lambda p, g, v, lr, mu=0.9: _momentum(p, g, v, lr, mu, move_with="old")),
    Mistake("the velocity leaves out the learning rate (v ← μ v + grad, w ← w − lr · v)",
            "that is another convention (PyTorch's); in this course the velocity is the step "
            "itself: v ← μ v − lr · grad, then w ← w + v, and that v is returned",
            lambda p, g, v, lr, mu=0.9: _momentum(p, g, v, lr, mu, form="framework")),
    Mistake("the gradient is damped by (1 − μ) (v ← μ v − (1 − μ) lr · grad)",
            "momentum adds the full step: v ← μ v − lr · grad (the (1 − μ) belongs to running "
            "averages such as Adam's m, not to the velocity)",
            lambda p, g, v, lr, mu=0.9: _momentum(p, g, v, lr, mu, form="average")),
    Mistake("the biases are not updated",
            "every array of every layer gets its own velocity and moves: W and b alike",
            lambda p, g, v, lr, mu=0.9: _momentum(p, g, v, lr, mu, biases=False)),
]


# ---------------------------------------------------------------- momentum_step: cases
def _momentum_case(params, grads, velocity, lr, mu, what):
    sizes = " → ".join([str(params[0][0].shape[0])] + [str(W.shape[1]) for W, _ in params])
    state = "velocity None" if velocity is None else "a velocity from earlier steps"
    return Case((params, grads, velocity, lr, mu),
                f"{what}: {len(params)} layer(s) of sizes {sizes}, {state}, lr = {lr:g}, mu = {mu:g}")


def _momentum_groups(rng: np.random.Generator):
    """Four groups of random hidden cases (each group one share of the points)."""

    def case(layers, with_velocity, lr, mu, what):
        sizes = _random_sizes(rng, layers)
        params, grads = _random_layers(rng, sizes), _random_layers(rng, sizes)
        velocity = _random_layers(rng, sizes, 0.3) if with_velocity else None
        return _momentum_case(params, grads, velocity, lr, mu, what)

    def lr():
        return round(float(rng.uniform(0.01, 0.5)), 3)

    def mu():
        return round(float(rng.uniform(0.5, 0.95)), 2)

    return [
        ("the first step (velocity None: it starts at zero)",
         [case(int(rng.integers(1, 4)), False, lr(), mu(), "first step") for _ in range(4)]),
        ("one layer, with a velocity from earlier steps",
         [case(1, True, lr(), mu(), "one layer") for _ in range(4)]),
        ("two or three layers of any sizes, with a velocity",
         [case(int(rng.integers(2, 4)), True, lr(), mu(), "several layers") for _ in range(4)]),
        ("mu = 0 (plain gradient descent) and mu close to 1",
         [case(int(rng.integers(1, 4)), True, lr(), 0.0, "mu = 0"),
          case(int(rng.integers(1, 4)), True, lr(), 0.99, "mu = 0.99"),
          case(int(rng.integers(1, 4)), False, lr(), 0.0, "mu = 0, first step")]),
    ]


_TWO_LAYERS = [(np.array([[1.0, -1.0], [0.5, 2.0]]), np.array([0.0, 1.0])),
               (np.array([[2.0], [-1.0]]), np.array([0.5]))]
_TWO_GRADS = [(np.array([[0.5, 0.0], [-1.0, 1.0]]), np.array([1.0, -2.0])),
              (np.array([[1.0], [1.0]]), np.array([-1.0]))]
_TWO_VELOCITY = [(np.array([[0.1, 0.0], [0.0, -0.1]]), np.array([0.2, 0.0])),
                 (np.array([[0.0], [0.3]]), np.array([0.0]))]

MOMENTUM_STEP = register(Exercise(
    name="momentum_step",
    signature="momentum_step(params, grads, velocity, lr, mu=0.9)",
    reference=_optim.momentum_step,
    public_cases=[
        Case((_BOWL_PARAMS, _BOWL_GRADS, None, 0.01, 0.9),
             "the chapter's bowl, first step: W = [[beta1]], b = [beta0] at (0, 0), velocity None, "
             "lr = 0.01, mu = 0.9",
             f"velocity None means zeros, so v = −lr · grad and the first step is a plain gradient "
             f"step: b = 0 − 0.01 · ({_BOWL_GRAD[0]:g}) = {-0.01 * _BOWL_GRAD[0]:g}"),
        Case(([(np.array([[2.0]]), np.array([1.0]))], [(np.array([[4.0]]), np.array([-2.0]))],
              [(np.array([[-0.5]]), np.array([0.5]))], 0.1, 0.9),
             "one weight and one bias with a velocity: W = [[2]], dW = [[4]], vW = [[-0.5]], "
             "lr = 0.1, mu = 0.9",
             "vW = 0.9 · (−0.5) − 0.1 · 4 = −0.85, then W = 2 + (−0.85) = 1.15; the same for b"),
        Case((_TWO_LAYERS, _TWO_GRADS, _TWO_VELOCITY, 0.5, 0.8),
             "two layers with a velocity, lr = 0.5, mu = 0.8",
             "loop over the layers with zip(params, grads, velocity) and return two lists of "
             "(W, b) pairs: the new params and the new velocity"),
        Case((_TWO_LAYERS, _TWO_GRADS, _TWO_VELOCITY, 0.5, 0.0),
             "mu = 0: momentum becomes plain gradient descent",
             "with mu = 0, v = −lr · grad and w + v = w − lr · grad"),
    ],
    hidden_groups=_momentum_groups,
    mistakes=MOMENTUM_MISTAKES,
    answer=Labelled(_layers_schema("the new params"), _layers_schema("the new velocity"),
                    names=("the new params", "the new velocity"),
                    what="momentum_step's result (new params, new velocity)"),
    may_modify_args=False,
))


# ---------------------------------------------------------------- adam_step: mistakes
def _adam(params, grads, m, v, t, lr, rho1=0.9, rho2=0.999, eps=1e-8, *, correct=True,
          eps_inside=False, return_corrected=False, swapped=False, sign=-1.0):
    """Adam with one thing done wrong (the keyword arguments say which)."""
    zeros = [(np.zeros(np.shape(W)), np.zeros(np.shape(b))) for W, b in params]
    m = zeros if m is None else m
    v = zeros if v is None else v
    new_params, new_m, new_v = [], [], []
    for layer, grad, m_layer, v_layer in zip(params, grads, m, v):
        out = [], [], []
        for w, g, mw, vw in zip(layer, grad, m_layer, v_layer):
            w, g, mw, vw = (np.asarray(a, dtype=float) for a in (w, g, mw, vw))
            if swapped:
                mw, vw = (1 - rho1) * mw + rho1 * g, (1 - rho2) * vw + rho2 * g ** 2
            else:
                mw, vw = rho1 * mw + (1 - rho1) * g, rho2 * vw + (1 - rho2) * g ** 2
            m_hat = mw / (1 - rho1 ** t) if correct else mw
            v_hat = vw / (1 - rho2 ** t) if correct else vw
            root = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
            out[0].append(w + sign * lr * m_hat / root)
            out[1].append(m_hat if return_corrected else mw)
            out[2].append(v_hat if return_corrected else vw)
        for store, values in zip((new_params, new_m, new_v), out):
            store.append(tuple(values))
    return new_params, new_m, new_v


ADAM_MISTAKES = [
    Mistake("no bias correction (m and v used as they are)",
            "divide by 1 − ρᵗ before the step: m̂ = m / (1 − rho1**t), v̂ = v / (1 − rho2**t); "
            "without it the first steps are far too small, since m and v start at zero",
            lambda p, g, m, v, t, lr, rho1=0.9, rho2=0.999, eps=1e-8:
            _adam(p, g, m, v, t, lr, rho1, rho2, eps, correct=False)),
    Mistake("ε is added inside the square root",
            "the step is lr · m̂ / (√v̂ + ε): take the square root first, then add eps",
            lambda p, g, m, v, t, lr, rho1=0.9, rho2=0.999, eps=1e-8:
            _adam(p, g, m, v, t, lr, rho1, rho2, eps, eps_inside=True)),
    Mistake("the bias-corrected m̂ and v̂ are returned instead of m and v",
            "return the running averages m and v themselves; the correction is recomputed at "
            "every step from t, so it must not be stored",
            lambda p, g, m, v, t, lr, rho1=0.9, rho2=0.999, eps=1e-8:
            _adam(p, g, m, v, t, lr, rho1, rho2, eps, return_corrected=True)),
    Mistake("ρ and 1 − ρ are swapped in the running averages",
            "the old value keeps the weight ρ: m ← rho1 · m + (1 − rho1) · g, and the same for v "
            "with rho2 and g²",
            lambda p, g, m, v, t, lr, rho1=0.9, rho2=0.999, eps=1e-8:
            _adam(p, g, m, v, t, lr, rho1, rho2, eps, swapped=True)),
    Mistake("the step is added instead of subtracted",
            "w ← w − lr · m̂ / (√v̂ + ε): m̂ points uphill, like the gradient",
            lambda p, g, m, v, t, lr, rho1=0.9, rho2=0.999, eps=1e-8:
            _adam(p, g, m, v, t, lr, rho1, rho2, eps, sign=+1.0)),
]


# ---------------------------------------------------------------- adam_step: cases
def _adam_groups(rng: np.random.Generator):
    """Four groups of random hidden cases (each group one share of the points)."""

    def case(layers, t, what, **rates):
        sizes = _random_sizes(rng, layers)
        params, grads = _random_layers(rng, sizes), _random_layers(rng, sizes)
        # some gradient entries tiny (about 1e-4): there ε matters, and where it goes shows
        grads = [tuple(np.where(rng.random(g.shape) < 0.3, g * 1e-4, g) for g in pair)
                 for pair in grads]
        grads[0][0][0, 0] *= 1e-4
        if t == 1:
            m = v = None
        else:
            m = _random_layers(rng, sizes, 0.3)
            v = [(np.round(rng.uniform(0.01, 1.0, W.shape), 3), np.round(rng.uniform(0.01, 1.0, b.shape), 3))
                 for W, b in params]
            # the history of a parameter whose gradients stayed tiny: m about 1e-4, v about 1e-8
            tiny = [tuple(rng.random(a.shape) < 0.3 for a in pair) for pair in params]
            tiny[0][0][0, 0] = True
            m = [tuple(np.where(t_, a * 1e-4, a) for a, t_ in zip(pair, flags))
                 for pair, flags in zip(m, tiny)]
            v = [tuple(np.where(t_, a * 1e-8, a) for a, t_ in zip(pair, flags))
                 for pair, flags in zip(v, tiny)]
        lr = round(float(rng.uniform(0.001, 0.1)), 4)
        label = (f"{what}: {len(params)} layer(s), t = {t}, lr = {lr:g}"
                 + "".join(f", {k} = {x:g}" for k, x in rates.items()))
        return Case((params, grads, m, v, t, lr), label, kwargs=rates)

    return [
        ("the first step (t = 1, m and v None: they start at zero)",
         [case(int(rng.integers(1, 4)), 1, "first step") for _ in range(4)]),
        ("a later step with m and v from earlier steps, one layer",
         [case(1, int(rng.integers(2, 30)), "later step") for _ in range(4)]),
        ("two or three layers of any sizes, late steps",
         [case(int(rng.integers(2, 4)), int(rng.integers(30, 3000)), "several layers")
          for _ in range(4)]),
        ("other rates and a larger ε given as keywords",
         [case(int(rng.integers(1, 3)), int(rng.integers(1, 10)), "other rates",
               rho1=round(float(rng.uniform(0.3, 0.8)), 2),
               rho2=round(float(rng.uniform(0.8, 0.99)), 3),
               eps=float(10.0 ** rng.integers(-3, -1)))
          for _ in range(4)]),
    ]


ADAM_STEP = register(Exercise(
    name="adam_step",
    signature="adam_step(params, grads, m, v, t, lr, rho1=0.9, rho2=0.999, eps=1e-8)",
    reference=_optim.adam_step,
    public_cases=[
        Case((_BOWL_PARAMS, _BOWL_GRADS, None, None, 1, 0.5),
             "the chapter's bowl, first step: W = [[beta1]], b = [beta0] at (0, 0), m = v = None, "
             "t = 1, lr = 0.5",
             "at t = 1 the bias correction gives m̂ = g and v̂ = g², so every parameter moves by "
             "lr · g / (|g| + ε), almost exactly lr against the sign of its gradient: b = 0.5"),
        Case(([(np.array([[1.0]]), np.array([0.0]))], [(np.array([[2.0]]), np.array([-1.0]))],
              [(np.array([[1.0]]), np.array([0.0]))], [(np.array([[4.0]]), np.array([1.0]))],
              2, 0.1),
             "one weight and one bias at t = 2: W = [[1]], dW = [[2]], mW = [[1]], vW = [[4]], "
             "lr = 0.1",
             "mW = 0.9 · 1 + 0.1 · 2 = 1.1, vW = 0.999 · 4 + 0.001 · 4 = 4; then m̂ = 1.1 / (1 − "
             "0.9²), v̂ = 4 / (1 − 0.999²), and W = 1 − 0.1 · m̂ / (√v̂ + 1e-8)"),
        Case((_TWO_LAYERS, _TWO_GRADS, _TWO_VELOCITY,
              [(np.abs(W) + 0.5, np.abs(b) + 0.5) for W, b in _TWO_VELOCITY], 5, 0.01),
             "two layers at t = 5, lr = 0.01",
             "loop over the layers and over W and b within each; return three lists of "
             "(W, b) pairs: the new params, m and v (m and v without the bias correction)"),
        Case((_TWO_LAYERS, _TWO_GRADS, None, None, 1, 0.1),
             "rates given as keywords: rho1 = 0.5, rho2 = 0.9, eps = 0.1, t = 1",
             "use the rates you receive: rho1, rho2 and eps are parameters, not constants",
             kwargs={"rho1": 0.5, "rho2": 0.9, "eps": 0.1}),
    ],
    hidden_groups=_adam_groups,
    mistakes=ADAM_MISTAKES,
    may_modify_args=False,
))
