"""Chapter 02 explorer: one neuron with two inputs, z = w1·x1 + w2·x2 + b and output g(z).

What the reader sees
* left:  the plane of inputs (x1, x2), shaded by the neuron's output g(z) at every point;
         the decision line w1·x1 + w2·x2 + b = 0 (where z changes sign); the arrow w = (w1, w2),
         which points to where z grows; the data points coloured by class; the chosen point x (star).
* right: the activation curve g(z) with the chosen point's z marked, and the computation
         for that point written out, plus the accuracy of the rule "class 1 if g(z) > threshold".
"""
import numpy as np

from .. import activations
from .explorer import Choice, Explorer, Slider

ACTIVATIONS = ("sigmoid", "tanh", "relu", "step", "linear")
# The rule "class 1 if g(z) > threshold" uses the middle of g's range: 0.5 for sigmoid and step,
# 0 for tanh, relu and linear (for all five the rule then means z > 0, or z >= 0 for step).
THRESHOLD = {"sigmoid": 0.5, "step": 0.5, "tanh": 0.0, "relu": 0.0, "linear": 0.0}
W_RANGE, B_RANGE = (-3.0, 3.0), (-4.0, 4.0)
CLASS_COLOURS = {1: "#c0392b", 0: "#2166ac"}  # red for class 1, blue for class 0 (as the shading)


def _two_blobs():
    """The default data: nnlib.datasets.gauss, two Gaussian blobs around (2, 2) and (-2, -2)."""
    from .. import datasets

    return datasets.gauss(n=100, noise=0.1, seed=0)


def neuron_explorer(X=None, y=None, w1=1.0, w2=-1.0, b=0.0, activation="sigmoid", point=(1.0, 2.0)):
    """Sliders for w1, w2, b and a drop-down for the activation g of a single neuron.

    X (n, 2) and y (n, 1) with labels 0/1 default to two Gaussian blobs; `point` is the input
    x = (x1, x2) whose computation is written out. Returns an Explorer (display it)."""
    if X is None and y is None:
        X, y = _two_blobs()
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n, 2), one point per row; got {X.shape}")
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y must have one label per row of X ({X.shape[0]}); got {y.shape[0]}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}; got {activation!r}")
    for name, value, (lo, hi) in (("w1", w1, W_RANGE), ("w2", w2, W_RANGE), ("b", b, B_RANGE)):
        if not lo <= value <= hi:
            raise ValueError(f"{name} must lie in [{lo}, {hi}]; got {name}={value!r}")
    x1, x2 = point = (float(point[0]), float(point[1]))

    # The plane shown: the data and the point, with a margin.
    lo = np.minimum(X.min(axis=0), point) - 0.8
    hi = np.maximum(X.max(axis=0), point) + 0.8
    grid1, grid2 = np.meshgrid(np.linspace(lo[0], hi[0], 160), np.linspace(lo[1], hi[1], 160))

    def setup(fig):
        gs = fig.add_gridspec(2, 2, width_ratios=[1.25, 1], height_ratios=[1, 1.15], left=0.07,
                              right=0.98, bottom=0.13, top=0.9, wspace=0.3, hspace=0.6)
        ax = fig.add_subplot(gs[:, 0])
        image = ax.imshow(np.zeros_like(grid1), extent=(lo[0], hi[0], lo[1], hi[1]), origin="lower",
                          cmap="RdBu_r", alpha=0.55, aspect="auto", interpolation="bilinear")
        fig.colorbar(image, ax=ax, fraction=0.05, pad=0.02).set_label("g(z)")
        for label in (1, 0):
            ax.scatter(*X[y == label].T, s=16, color=CLASS_COLOURS[label], edgecolor="white",
                       linewidth=0.5, label=f"class {label}")
        (line,) = ax.plot([], [], color="black", lw=2, label="z = 0")
        arrow = ax.annotate("w", xy=(0, 0), xytext=(0, 0), fontsize=11, fontweight="bold",
                            arrowprops=dict(arrowstyle="<|-", color="black", lw=1.5))
        ax.plot([x1], [x2], marker="*", ms=15, color="gold", mec="black", ls="none", label="x")
        ax.set(xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]), xlabel="x1", ylabel="x2")
        ax.set_title("shading: g(w1·x1 + w2·x2 + b)", fontsize=10)
        ax.legend(loc="lower right", fontsize=8, framealpha=0.9)

        ax_g = fig.add_subplot(gs[0, 1])
        (curve,) = ax_g.plot([], [], color="black", lw=1.5)
        threshold = ax_g.axhline(0.5, color="gray", ls="--", lw=1)
        (dot,) = ax_g.plot([], [], "o", color="gold", mec="black", ms=8)
        ax_g.set(xlabel="z", ylabel="g(z)")
        ax_g.grid(alpha=0.3)

        ax_text = fig.add_subplot(gs[1, 1])
        ax_text.axis("off")
        text = ax_text.text(-0.05, 1.05, "", va="top", family="monospace", fontsize=9,
                            transform=ax_text.transAxes)
        return dict(ax=ax, image=image, line=line, arrow=arrow, ax_g=ax_g, curve=curve,
                    threshold=threshold, dot=dot, text=text)

    def draw(state, w1, w2, b, activation):
        g, _ = activations.get(activation)
        t = THRESHOLD[activation]

        # Shading: the neuron's output g(z) at every point of the plane; white = the threshold.
        Z = w1 * grid1 + w2 * grid2 + b
        state["image"].set_array(g(Z))
        m = max(np.abs(Z).max(), 1e-9)
        state["image"].set_clim({"sigmoid": (0, 1), "step": (0, 1), "tanh": (-1, 1)}.get(activation, (-m, m)))

        # Decision line w1·x1 + w2·x2 + b = 0, i.e. x2 = -(w1·x1 + b) / w2 (vertical if w2 = 0).
        if abs(w2) > 1e-12:
            state["line"].set_data([lo[0], hi[0]], [-(w1 * lo[0] + b) / w2, -(w1 * hi[0] + b) / w2])
        elif abs(w1) > 1e-12:
            state["line"].set_data([-b / w1, -b / w1], [lo[1], hi[1]])
        else:
            state["line"].set_data([], [])

        # Arrow w = (w1, w2) from the point of the line closest to the origin: z grows that way.
        norm = np.hypot(w1, w2)
        if norm > 1e-12:
            foot = -b * np.array([w1, w2]) / norm**2
            state["arrow"].xy = tuple(foot)
            state["arrow"].set_position(tuple(foot + 1.5 * np.array([w1, w2]) / norm))
        state["arrow"].set_visible(norm > 1e-12)

        # The chosen point on the activation curve.
        z = w1 * x1 + w2 * x2 + b
        zmax = max(6.0, 1.15 * abs(z))
        zs = np.linspace(-zmax, zmax, 401)
        state["curve"].set_data(zs, g(zs))
        state["dot"].set_data([z], [g(np.array(z))])
        state["threshold"].set_ydata([t, t])
        ylim = {"sigmoid": (-0.1, 1.1), "step": (-0.1, 1.1), "tanh": (-1.1, 1.1),
                "relu": (-0.1 * zmax, zmax)}.get(activation, (-zmax, zmax))
        state["ax_g"].set(xlim=(-zmax, zmax), ylim=ylim)
        state["ax_g"].set_title(f"g = {activation}, threshold {t:g} (dashed)", fontsize=10)

        # The computation for the chosen point, and the accuracy of the rule on the data.
        gz = float(g(np.array(z)))
        accuracy = np.mean((g(w1 * X[:, 0] + w2 * X[:, 1] + b) > t) == (y == 1))
        state["text"].set_text(
            f"x = ({x1:g}, {x2:g})\n"
            f"z = w1·x1 + w2·x2 + b\n"
            f"  = ({w1:.1f})({x1:g}) + ({w2:.1f})({x2:g}) + ({b:.1f})\n"
            f"  = {z:.2f}\n"
            f"g(z) = {activation}({z:.2f}) = {gz:.3f}\n"
            f"class 1 if g(z) > {t:g}  →  class {int(gz > t)}\n"
            f"accuracy on {len(y)} points: {100 * accuracy:.0f} %"
        )

    controls = {
        "w1": Slider(*W_RANGE, 0.1, w1, label="w1"),
        "w2": Slider(*W_RANGE, 0.1, w2, label="w2"),
        "b": Slider(*B_RANGE, 0.1, b, label="b"),
        "activation": Choice(ACTIVATIONS, activation, label="activation"),
    }
    return Explorer(controls, draw, setup, combine=("w1", "w2"),
                    title="A single neuron: z = w1·x1 + w2·x2 + b, output g(z)")
