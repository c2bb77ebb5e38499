"""Chapter 04 explorer: forward propagation through a small network, node by node.

Each layer computes Z[l] = A[l-1] @ W[l] + b[l] and A[l] = g(Z[l]), with A[0] = x (one row);
the hidden layers use the chosen g, the output layer is linear, and the values come from
nnlib.network.forward.

What the reader sees
* the network drawn left to right: an edge for every weight W[l][i, j], its width ∝ |w| and
  its colour the sign (red positive, blue negative), the weight written on it;
* every node filled by its value A (a colour bar gives the scale) and the value written
  inside; under each hidden and output node its pre-activation z;
* the title: the input x and the prediction y_hat.

The default network is the lectures' bank example (datasets.bank_transactions): hidden
node_0 = (1, 1), node_1 = (−1, 1), output (2, −1), no biases. For x = (2, 3) and a linear g,
the hidden layer holds (5, 1) and the output is 2·5 − 1·1 = 9.
"""
import numpy as np

from .. import datasets, network
from .explorer import Choice, Explorer, Slider

ACTIVATIONS = ("linear", "relu", "tanh", "sigmoid")
X_RANGE = (-5.0, 5.0)
EDGE_COLOURS = ("#2166ac", "#c0392b")  # negative, positive


def bank_params():
    """The bank example as [(W1, b1), (W2, b2)]: W1 = [node_0 | node_1] (2, 2), W2 (2, 1), b = 0."""
    w = datasets.bank_transactions()["weights"]
    return [(np.column_stack([w["node_0"], w["node_1"]]), np.zeros(2)),
            (w["output"].reshape(2, 1), np.zeros(1))]


def _fmt(v):
    """3 significant digits, a true minus sign; |v| < 0.001 (but not 0) is written ≈0."""
    if v != 0 and abs(v) < 1e-3:
        return "≈0"
    return f"{v:.3g}".replace("-", "−")


def network_explorer(params=None, x=(2.0, 3.0), activation="linear"):
    """Sliders for the inputs x1, x2 and a drop-down for the hidden activation g.

    params: [(W1, b1), ..., (WL, bL)] with W1 of shape (2, n_1) and at most 6 units a layer;
    the bank example by default. Returns an Explorer (display it)."""
    params = bank_params() if params is None else [(np.asarray(W, float), np.asarray(b, float)) for W, b in params]
    if not params or params[0][0].ndim != 2 or params[0][0].shape[0] != 2:
        raise ValueError("params must be a list of (W, b) whose first W has shape (2, n_1): two inputs")
    sizes = [2] + [W.shape[1] for W, _ in params]
    for l, (W, b) in enumerate(params, start=1):
        if W.shape != (sizes[l - 1], sizes[l]) or b.shape != (sizes[l],) or sizes[l] > 6:
            raise ValueError(f"params layer {l}: W must be ({sizes[l - 1]}, n_out) with n_out <= 6 "
                             f"and b (n_out,); got W {W.shape} and b {b.shape}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}; got {activation!r}")
    for name, value in (("x1", x[0]), ("x2", x[1])):
        if not X_RANGE[0] <= value <= X_RANGE[1]:
            raise ValueError(f"x must lie in [{X_RANGE[0]}, {X_RANGE[1]}]²; got {name}={value!r}")
    L = len(params)
    # Node positions: layer l at horizontal position l, its units spread vertically around 0.
    pos = [np.column_stack([np.full(n, l), (n - 1) / 2 - np.arange(n)]) for l, n in enumerate(sizes)]
    names = [[f"x{i + 1}" for i in range(2)]] + \
        [[f"h{l}_{i + 1}" if sizes[l] > 1 else f"h{l}" for i in range(sizes[l])] for l in range(1, L)] + \
        [["ŷ"] if sizes[L] == 1 else [f"ŷ{i + 1}" for i in range(sizes[L])]]
    if L == 2:  # one hidden layer: h1, h2 as in the lectures
        names[1] = [f"h{i + 1}" for i in range(sizes[1])]

    def setup(fig):
        from matplotlib.collections import LineCollection

        ax = fig.add_axes((0.02, 0.02, 0.84, 0.84))
        ax_bar = fig.add_axes((0.88, 0.12, 0.02, 0.66))
        segments, weights, labels = [], [], []
        for l, (W, _) in enumerate(params):
            for i in range(W.shape[0]):
                for j in range(W.shape[1]):
                    (a, b) = pos[l][i], pos[l + 1][j]
                    segments.append([a, b])
                    weights.append(W[i, j])
                    at = a + 0.32 * (b - a)
                    labels.append(ax.text(*at, _fmt(W[i, j]), fontsize=9, ha="center", va="center",
                                          bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none")))
        weights = np.array(weights)
        widths = 1 + 5 * np.abs(weights) / max(np.abs(weights).max(), 1e-12)
        ax.add_collection(LineCollection(segments, linewidths=widths, zorder=1,
                                         colors=[EDGE_COLOURS[int(w > 0)] for w in weights]))
        P = np.vstack(pos)
        nodes = ax.scatter(*P.T, s=2600, c=np.zeros(len(P)), cmap="PiYG", edgecolor="black",
                           linewidth=1.2, zorder=2)
        fig.colorbar(nodes, cax=ax_bar).set_label("node value A (the activation)")
        values, zs = [], []
        for l, layer in enumerate(pos):
            for i, (px, py) in enumerate(layer):
                values.append(ax.text(px, py, "", ha="center", va="center", fontsize=10,
                                      fontweight="bold", zorder=3))
                ax.annotate(names[l][i], (px, py), xytext=(0, 28), textcoords="offset points",
                            ha="center", va="bottom", fontsize=9, zorder=3)
                if l > 0:
                    zs.append(ax.annotate("", (px, py), xytext=(0, -28), textcoords="offset points",
                                          ha="center", va="top", fontsize=8, color="#333"))
        top = max(sizes) / 2
        ax.set(xlim=(-0.4, L + 0.4), ylim=(-top - 0.1, top + 0.1))
        ax.axis("off")
        title = fig.suptitle("", fontsize=11, y=0.97)
        return dict(nodes=nodes, values=values, zs=zs, weights=labels, title=title)

    def draw(state, x1, x2, activation):
        acts = [activation] * (L - 1) + ["linear"]
        y_hat, caches = network.forward(np.array([[x1, x2]]), params, acts)
        A = [cache[0][0] for cache in caches] + [y_hat[0]]   # A[0] = x, ..., A[L] = y_hat
        Z = np.concatenate([cache[3][0] for cache in caches])
        flat = np.concatenate(A)
        m = max(np.abs(flat).max(), 1.0)
        state["nodes"].set_array(flat)
        state["nodes"].set_clim(-m, m)
        for text, v in zip(state["values"], flat):
            text.set_text(_fmt(v))
            text.set_color("white" if abs(v) > 0.6 * m else "black")
        for text, z in zip(state["zs"], Z):
            text.set_text(f"z = {_fmt(z)}")
        hidden = ", ".join(_fmt(v) for v in A[1])
        state["title"].set_text(
            f"x = ({_fmt(x1)}, {_fmt(x2)})   →   h = g(x W[1] + b[1]) = ({hidden}) with g = {activation}"
            f"   →   ŷ = {', '.join(_fmt(v) for v in A[L])}")
        state["A"] = A

    controls = {
        "x1": Slider(*X_RANGE, 0.5, float(x[0]), label="x1", static_step=1.0),
        "x2": Slider(*X_RANGE, 0.5, float(x[1]), label="x2", static_step=1.0),
        "activation": Choice(ACTIVATIONS, activation, label="hidden g"),
    }
    return Explorer(controls, draw, setup, figsize=(8, max(3.8, 1.5 * max(sizes) + 1)), combine=("x1", "activation"),
                    title="Forward propagation: Z[l] = A[l-1] @ W[l] + b[l], A[l] = g(Z[l])")
