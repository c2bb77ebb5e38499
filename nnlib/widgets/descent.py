"""Chapter 06 explorer: gradient descent on a 1-D cost and on a 2-D bowl, step by step.

The rule drawn on both panels is the lectures' update, computed by `optim.gradient_descent`:

    w ← w − lr · ∇C(w)

What the reader sees
* left:  the curve C(w) and the path of gradient descent on it: the points (w_t, C(w_t)) joined
         in order, from the start w0 (white circle) to the last point (black). The cost is either
         convex, C(w) = (w − 3)², or non-convex with two minima,
         C(w) = (w² − 4)²/16 + w/4 (a deep one near w = −2.1, a shallow one near w = +1.9).
* right: the contours of an elongated bowl C(w1, w2) = ½ (w − m)ᵀ H (w − m) with curvatures
         2 and 0.2 along its axes (a valley tilted by 30°), and the path from (w0, 3).
         With "momentum" on, the path follows v ← μ v − lr · ∇C(w), w ← w + v
         (the update of `optim.momentum_step`, μ = 0.9).
* under each panel: where the path ended, or, when the steps keep growing, the message
  "diverged: the step grows each time (lr too large)"; the path then leaves the axes.
  Both costs have curvature 2 at their minima, so both diverge for lr > 1; the flat
  direction of the bowl (curvature 0.2) shows how slowly a small lr converges.
"""
import warnings

import numpy as np

from .. import optim
from .explorer import Choice, Explorer, Slider, Toggle

COSTS = ("convex", "non-convex")
LEARNING_RATES = (0.01, 0.03, 0.1, 0.3, 0.6, 0.9, 1.1)
MU = 0.9
DIVERGED = "diverged: the step grows each time (lr too large)"
W_LIM = (-5.0, 5.0)

# The 1-D costs and their derivatives.
CURVES = {
    "convex": (lambda w: (w - 3.0) ** 2, lambda w: 2.0 * (w - 3.0)),
    "non-convex": (lambda w: (w**2 - 4.0) ** 2 / 16 + w / 4, lambda w: w * (w**2 - 4.0) / 4 + 0.25),
}

# The 2-D bowl: C(w) = ½ (w − m)ᵀ H (w − m), H with eigenvalues 2 and 0.2, axes turned by 30°.
_angle = np.deg2rad(30)
_R = np.array([[np.cos(_angle), -np.sin(_angle)], [np.sin(_angle), np.cos(_angle)]])
H = _R @ np.diag([0.2, 2.0]) @ _R.T
MINIMUM = np.array([0.0, 0.0])


def bowl_cost(w):
    """C(w1, w2) = ½ (w − m)ᵀ H (w − m) for one point (2,) or a grid (..., 2)."""
    d = np.asarray(w, dtype=float) - MINIMUM
    return 0.5 * np.einsum("...i,ij,...j->...", d, H, d)


def bowl_grad(w):
    """∇C(w) = H (w − m)."""
    return H @ (np.asarray(w, dtype=float) - MINIMUM)


def momentum_path(grad_fn, w0, lr, steps, mu=MU):
    """Points visited by v ← μ v − lr · ∇C(w), w ← w + v (v starts at 0), w0 first."""
    w, v, path = np.array(w0, dtype=float), 0.0, [np.array(w0, dtype=float)]
    for _ in range(steps):
        v = mu * v - lr * grad_fn(w)
        w = w + v
        path.append(w.copy())
        if not np.all(np.isfinite(w)):
            break
    return np.array(path)


def descent_path(grad_fn, w0, lr, steps):
    """optim.gradient_descent's trajectory for exactly `steps` steps (tol = 0: never stops early)."""
    with warnings.catch_warnings(), np.errstate(over="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)   # divergence is shown in the figure instead
        return optim.gradient_descent(grad_fn, w0, lr, max_steps=steps, tol=0.0)


def diverged(path, cost):
    """True when the path blew up: non-finite, or its last steps keep growing and it ended higher than it began."""
    if not np.all(np.isfinite(path)):
        return True
    if len(path) < 4:
        return False
    steps = np.linalg.norm(np.diff(path.reshape(len(path), -1), axis=0), axis=1)
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.all(np.diff(steps[-3:]) > 0) and cost(path[-1]) > cost(path[0]))


def _report(path, cost, name):
    if diverged(path, cost):
        return DIVERGED, "#c0392b"
    w = np.atleast_1d(path[-1])
    where = f"{w[0]:.3g}" if w.size == 1 else f"({w[0]:.2f}, {w[1]:.2f})"
    return f"after {len(path) - 1} steps: {name} = {where}, C = {float(cost(path[-1])):.3g}", "black"


def descent_explorer(cost="convex", lr=0.1, w0=-4.0, steps=20, momentum=False):
    """A drop-down for the 1-D cost, one for the learning rate (log-spaced), sliders for the
    start w0 and the number of steps, and a momentum check box for the 2-D panel.

    Returns an Explorer (display it)."""
    if cost not in COSTS:
        raise ValueError(f"cost must be one of {', '.join(COSTS)}; got cost={cost!r}")
    if lr not in LEARNING_RATES:
        raise ValueError(f"lr must be one of {LEARNING_RATES}; got lr={lr!r}")
    if not W_LIM[0] <= w0 <= W_LIM[1]:
        raise ValueError(f"w0 must lie in [{W_LIM[0]}, {W_LIM[1]}]; got w0={w0!r}")
    if isinstance(steps, bool) or int(steps) != steps or not 0 <= steps <= 50:
        raise ValueError(f"steps must be an integer in [0, 50]; got steps={steps!r}")
    ws = np.linspace(-5.5, 5.5, 401)
    g1, g2 = np.meshgrid(np.linspace(-5.5, 5.5, 200), np.linspace(-4.5, 4.5, 160))
    bowl = bowl_cost(np.stack([g1, g2], axis=-1))

    def setup(fig):
        ax1, ax2 = fig.subplots(1, 2, gridspec_kw=dict(left=0.07, right=0.98, bottom=0.22, top=0.9,
                                                       wspace=0.22))
        (curve,) = ax1.plot([], [], color="0.3", lw=1.5)
        ax2.contour(g1, g2, bowl, levels=[0.05, 0.2, 0.5, 1, 2, 4, 8, 14], colors="0.65",
                    linewidths=0.8)
        ax2.plot(*MINIMUM, marker="+", color="black", ms=10)
        ax2.set(xlim=(-5.5, 5.5), ylim=(-4.5, 4.5), xlabel="w1", ylabel="w2")
        ax2.set_aspect("equal")
        state = dict(ax1=ax1, curve=curve)
        for key, ax in (("1", ax1), ("2", ax2)):
            (state["line" + key],) = ax.plot([], [], "-", color="#c0392b", lw=1.2, alpha=0.8)
            (state["dots" + key],) = ax.plot([], [], "o", color="#c0392b", ms=3.5)
            (state["start" + key],) = ax.plot([], [], "o", color="white", mec="black", ms=8)
            (state["end" + key],) = ax.plot([], [], "o", color="black", ms=6)
            state["text" + key] = ax.text(0.5, -0.2, "", transform=ax.transAxes, ha="center",
                                          va="top", fontsize=10)
            state["title" + key] = ax.set_title("", fontsize=10)
        ax1.set(xlim=(-5.5, 5.5), xlabel="w", ylabel="C(w)")
        ax1.grid(alpha=0.3)
        return state

    def show(state, key, points, path, text_and_colour):
        finite = points[np.all(np.isfinite(points), axis=1)]
        state["line" + key].set_data(*finite.T)
        state["dots" + key].set_data(*finite[1:].T)
        state["start" + key].set_data(*finite[:1].T)
        state["end" + key].set_data(*finite[-1:].T if len(finite) > 1 else ([], []))
        state["text" + key].set_text(text_and_colour[0])
        state["text" + key].set_color(text_and_colour[1])

    def draw(state, cost, lr, w0, steps, momentum):
        C, dC = CURVES[cost]
        state["curve"].set_data(ws, C(ws))
        top = 60 if cost == "convex" else 30
        state["ax1"].set_ylim(-0.08 * top, top)
        path = descent_path(dC, w0, lr, steps)
        with np.errstate(over="ignore", invalid="ignore"):
            points = np.column_stack([path, C(path)])
        show(state, "1", points, path, _report(path, C, "w"))
        eq = "C(w) = (w − 3)²" if cost == "convex" else "C(w) = (w² − 4)²/16 + w/4"
        state["title1"].set_text(f"{eq};   w ← w − {lr:g}·C′(w)")

        start = np.array([w0, 3.0])
        if momentum:
            with np.errstate(over="ignore", invalid="ignore"):
                path2 = momentum_path(bowl_grad, start, lr, steps)
            rule = f"momentum v ← {MU}v − {lr:g}·∇C, w ← w + v"
        else:
            path2 = descent_path(bowl_grad, start, lr, steps)
            rule = f"w ← w − {lr:g}·∇C(w)"
        show(state, "2", path2, path2, _report(path2, bowl_cost, "w"))
        state["title2"].set_text(f"bowl, curvatures 2 and 0.2;  {rule}" if not momentum else f"bowl;  {rule}")

    controls = {
        "cost": Choice(COSTS, cost, label="cost"),
        "lr": Choice(LEARNING_RATES, lr, label="learning rate"),
        "w0": Slider(*W_LIM, 0.5, float(w0), label="start w0", static_step=1.0),
        "steps": Slider(0, 50, 1, int(steps), label="steps", static_step=5),
        "momentum": Toggle(bool(momentum), label="momentum (2-D)"),
    }
    return Explorer(controls, draw, setup, figsize=(10, 4.2), combine=("cost", "lr", "momentum"),
                    title="Gradient descent: w ← w − lr · ∇C(w), on a curve and on a bowl")
