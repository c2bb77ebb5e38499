"""Chapter 03 explorer: an activation g, its derivative g', and what stacking layers of it can draw.

What the reader sees
* left:   g(z) over the z range chosen with the slider;  middle: g'(z), the factor that
          backpropagation multiplies by (nnlib.activations.get(name) gives both).
* right:  a network with k hidden layers of 8 units, Z[l] = A[l-1] @ W[l] + b[l],
          A[l] = g(Z[l]), and one sigmoid output, trained on a 2-D data set (circle by default);
          the plane is shaded by its output y_hat and the decision boundary y_hat = 0.5 drawn.
          With linear hidden layers (the toggle off) the stack collapses to one layer,
          X @ (W[1] W[2] ... W[k+1]) + b_eff, so the boundary is a straight line whatever k is;
          with a non-linear g it bends.

The networks are trained once per (data set, k, g) with fixed seeds (STEPS = 600 steps of full-batch
gradient descent with momentum, under 0.1 s each; 1000 steps reach the same accuracy on every
combination) and cached. The step function has g' = 0 and cannot be
trained by gradient descent: its network is trained with the steep sigmoid σ(5z) in its place,
then every σ(5z) is replaced by step.
"""
from functools import lru_cache

import numpy as np

from .. import activations, datasets, losses, network, optim
from .explorer import Choice, Explorer, Slider, Toggle

ACTIVATIONS = ("tanh", "sigmoid", "relu", "leaky_relu", "linear", "step")
DATASETS = ("circle", "xor", "gauss")   # datasets.make_2d names whose points lie within ±LIM
FORMULAS = {  # name -> (g(z), g'(z)) as written in nnlib.activations
    "sigmoid": ("1 / (1 + e^(−z))", "g(z) (1 − g(z))"), "tanh": ("tanh z", "1 − tanh² z"),
    "relu": ("max(0, z)", "1 if z > 0 else 0"), "leaky_relu": ("z if z > 0 else 0.01 z", "1 if z > 0 else 0.01"),
    "linear": ("z", "1"), "step": ("1 if z ≥ 0 else 0", "0 (no gradient)"),
}
WIDTH, SCALE, LIM = 8, 5.0, 6.0   # hidden units per layer; inputs are divided by SCALE to train
STEPS = 600                       # gradient-descent steps per network


@lru_cache(maxsize=None)
def trained_stack(k, activation, dataset="circle"):
    """(params, activations) of a network with k hidden layers of `activation` and a sigmoid output,
    trained on datasets.make_2d(dataset, n=200, seed=0); params act on the raw inputs X."""
    X, y = datasets.make_2d(dataset, n=200, seed=0)
    name = activation
    if activation == "step":  # g' = 0: train a steep sigmoid σ(5z) instead, then use step
        name = (lambda Z: activations.sigmoid(5 * Z), lambda Z: 5 * activations.sigmoid_prime(5 * Z))
    params = network.init_params([2] + [WIDTH] * k + [1], rng=k, scale="he" if "relu" in activation else "xavier")
    acts = [name] * k + ["sigmoid"]
    velocity = [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]
    lr = {"sigmoid": 1.0, "step": 0.2}.get(activation, 0.5)
    for _ in range(STEPS):
        y_hat, caches = network.forward(X / SCALE, params, acts)
        grads = network.backward(losses.binary_cross_entropy_grad(y_hat, y), caches)
        params, velocity = optim.momentum_step(params, grads, velocity, lr, mu=0.9)
    (W1, b1), rest = params[0], params[1:]
    return [(W1 / SCALE, b1)] + rest, [activation] * k + ["sigmoid"]


def activation_explorer(activation="tanh", z_range=5.0, k=2, nonlinear=True, dataset="circle"):
    """A drop-down for g, a z-range slider, a k slider (hidden layers) and a non-linear toggle.

    Returns an Explorer (display it)."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}; got {activation!r}")
    if dataset not in DATASETS:
        raise ValueError(f"dataset must be one of {', '.join(DATASETS)}; got {dataset!r}")
    if not 1 <= z_range <= 10:
        raise ValueError(f"z_range must lie in [1, 10]; got z_range={z_range!r}")
    if k not in (1, 2, 3, 4):
        raise ValueError(f"k must be 1, 2, 3 or 4 hidden layers; got k={k!r}")
    X, y = datasets.make_2d(dataset, n=200, seed=0)
    y = y.ravel()
    t = np.linspace(-LIM, LIM, 121)
    grid = np.column_stack([a.ravel() for a in np.meshgrid(t, t)])

    def setup(fig):
        from matplotlib.collections import LineCollection

        gs = fig.add_gridspec(1, 3, width_ratios=[1, 1, 1.15], left=0.06, right=0.98, bottom=0.15,
                              top=0.85, wspace=0.3)
        ax_g, ax_d, ax_n = (fig.add_subplot(gs[i]) for i in range(3))
        curves = {}
        for ax, key, colour in ((ax_g, "g", "black"), (ax_d, "dg", "#c0392b")):
            ax.axhline(0, color="gray", lw=0.8)
            ax.axvline(0, color="gray", lw=0.8)
            (curves[key],) = ax.plot([], [], color=colour, lw=2)
            ax.set_xlabel("z")
            ax.grid(alpha=0.3)
        from matplotlib.colors import LinearSegmentedColormap

        shades = LinearSegmentedColormap.from_list("shades", ["#a6cde3", "#f7f7f7", "#f7b29b"])
        image = ax_n.imshow(np.zeros((121, 121)), extent=(-LIM, LIM, -LIM, LIM), origin="lower",
                            cmap=shades, vmin=0, vmax=1, aspect="equal")
        for label, colour in ((1, "#b2182b"), (0, "#2166ac")):
            ax_n.scatter(*X[y == label].T, s=12, color=colour, edgecolor="white", linewidth=0.5)
        boundary = ax_n.add_collection(LineCollection([], colors="black", linewidths=2))
        ax_n.set(xlim=(-LIM, LIM), ylim=(-LIM, LIM), xlabel="x1", ylabel="x2")
        return dict(ax_g=ax_g, ax_d=ax_d, ax_n=ax_n, image=image, boundary=boundary, **curves)

    def draw(state, activation, z_range, k, nonlinear):
        import contourpy

        g, g_prime = activations.get(activation)
        z = np.linspace(-z_range, z_range, 801)
        for key, f, ax in (("g", g, state["ax_g"]), ("dg", g_prime, state["ax_d"])):
            values = f(z)
            state[key].set_data(z, values)
            lo, hi = min(values.min(), 0.0), max(values.max(), 1.0)
            pad = 0.08 * (hi - lo)
            ax.set(xlim=(-z_range, z_range), ylim=(lo - pad, hi + pad))
        g_text, dg_text = FORMULAS[activation]
        state["ax_g"].set_title(f"{activation}:  g(z) = {g_text}", fontsize=9)
        state["ax_d"].set_title(f"its derivative:  g'(z) = {dg_text}", fontsize=9)

        hidden = activation if nonlinear else "linear"
        params, acts = trained_stack(int(k), hidden, dataset)
        y_grid = network.forward(grid, params, acts)[0].reshape(121, 121)
        state["image"].set_array(y_grid)
        lines = contourpy.contour_generator(t, t, y_grid).lines(0.5)
        state["boundary"].set_segments(lines)
        accuracy = np.mean((network.forward(X, params, acts)[0].ravel() > 0.5) == (y == 1))
        note = "layers collapse: a straight line" if hidden == "linear" else \
            "trained as σ(5z), used as step" if hidden == "step" else "boundary: y_hat = 0.5"
        state["ax_n"].set_title(f"k = {k} hidden layer{'s' * (k > 1)} × {WIDTH} {hidden} units\n"
                                f"{note};  accuracy {100 * accuracy:.0f} %", fontsize=9)
        state["accuracy"] = accuracy

    controls = {
        "activation": Choice(ACTIVATIONS, activation, label="g"),
        "z_range": Slider(1.0, 10.0, 0.5, float(z_range), label="z range ±", static_step=3.0),
        "k": Slider(1, 4, 1, int(k), label="k layers"),
        "nonlinear": Toggle(bool(nonlinear), label="hidden layers use g (off: linear)"),
    }
    return Explorer(controls, draw, setup, figsize=(10, 3.6), combine=("activation", "k", "nonlinear"),
                    title="An activation g, its derivative g', and k stacked layers of it")
