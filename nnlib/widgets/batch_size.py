"""Chapter 07 explorer: mini-batch gradient descent on a straight-line fit, for several batch sizes.

The model is one linear unit, y_hat = x·w + b (params [(W, b)] with W (1, 1), b (1,)), fitted to
64 points y = 1.5·x + 0.5 + noise. The cost is the mean squared error over a batch B,

    C_B(w, b) = (1/|B|) Σ_{i∈B} (x_i·w + b − y_i)²,      (w, b) ← (w, b) − lr · ∇C_B,

one update per batch from `optim.minibatches`, each applied by `optim.sgd_step`
(batch size 64 = batch gradient descent, 1 = stochastic gradient descent).

What the reader sees
* left:  the contours of the cost on all 64 points over (w, b), its minimum (+), and the path
         of (w, b) after every update from the start (white circle); dots mark the end of each epoch.
* right: the cost on all 64 points after every update, against epochs (an epoch = one pass over
         the data), for the chosen batch size (bold) and the other batch sizes (thin), same lr.
* the title of the right panel: updates per epoch = ⌈64 / batch size⌉, so batch size 1 makes
  64 small, noisy updates per epoch where batch size 64 makes one exact one.
The shuffling is seeded, so every picture is reproducible.
"""
from functools import lru_cache

import numpy as np

from .. import layers, losses, network, optim
from .explorer import Choice, Explorer, Slider, plain_log_ticks

N_POINTS = 64
BATCH_SIZES = (1, 8, 32, 64)
LEARNING_RATES = (0.003, 0.01, 0.03, 0.1, 0.3)
START = (-1.5, 3.0)                     # (w, b) at the start
COLOURS = {1: "#c0392b", 8: "#e67e22", 32: "#2980b9", 64: "#27ae60"}
MAX_EPOCHS = 20


def line_data(n=N_POINTS, seed=0):
    """x uniform in [-2, 2] and y = 1.5 x + 0.5 + N(0, 0.5²), each of shape (n, 1)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, size=(n, 1))
    return x, 1.5 * x + 0.5 + 0.5 * rng.standard_normal((n, 1))


X, Y = line_data()


def full_cost(W, b):
    """The cost on all 64 points for one (W, b), or for many: W (1, G), b (G,) -> G costs."""
    Y_hat, _ = layers.dense_forward(X, np.reshape(W, (1, -1)), np.reshape(b, (-1,)), "linear")
    return ((Y_hat - Y) ** 2).mean(axis=0)


@lru_cache(maxsize=None)
def sgd_run(batch_size, lr, epochs=MAX_EPOCHS, seed=0):
    """Mini-batch SGD from START: returns (path (updates + 1, 2) of (w, b), cost on all points after
    each update, updates per epoch). Batches from optim.minibatches, updates by optim.sgd_step."""
    params = [(np.array([[START[0]]]), np.array([START[1]]))]
    rng = np.random.default_rng(seed)
    path = [START]
    for _ in range(epochs):
        for X_batch, y_batch in optim.minibatches(X, Y, batch_size, rng=rng):
            y_hat, caches = network.forward(X_batch, params, ["linear"])
            grads = network.backward(losses.mse_grad(y_hat, y_batch), caches)
            params = optim.sgd_step(params, grads, lr)
            path.append((params[0][0][0, 0], params[0][1][0]))
    path = np.array(path)
    costs = full_cost(path[:, 0][None, :], path[:, 1])
    return path, costs, -(-N_POINTS // batch_size)


def batch_size_explorer(batch_size=8, lr=0.03, epochs=10):
    """Drop-downs for the batch size and the learning rate, a slider for the number of epochs.

    Returns an Explorer (display it)."""
    if batch_size not in BATCH_SIZES:
        raise ValueError(f"batch_size must be one of {BATCH_SIZES}; got batch_size={batch_size!r}")
    if lr not in LEARNING_RATES:
        raise ValueError(f"lr must be one of {LEARNING_RATES}; got lr={lr!r}")
    if isinstance(epochs, bool) or int(epochs) != epochs or not 1 <= epochs <= MAX_EPOCHS:
        raise ValueError(f"epochs must be an integer in [1, {MAX_EPOCHS}]; got epochs={epochs!r}")
    best = np.linalg.lstsq(np.column_stack([X, np.ones_like(X)]), Y, rcond=None)[0].ravel()
    gw, gb = np.meshgrid(np.linspace(-2, 3.5, 120), np.linspace(-1.5, 3.5, 110))
    surface = full_cost(gw.ravel()[None, :], gb.ravel()).reshape(gw.shape)
    c_min = float(full_cost(best[0], best[1])[0])

    def setup(fig):
        ax, ax_c = fig.subplots(1, 2, gridspec_kw=dict(left=0.07, right=0.98, bottom=0.13, top=0.89,
                                                       wspace=0.25, width_ratios=[1, 1.1]))
        ax.contour(gw, gb, surface, levels=c_min + np.array([0.05, 0.2, 0.5, 1, 2, 4, 8, 16]),
                   colors="0.65", linewidths=0.8)
        ax.plot(*best, "+", color="black", ms=12, mew=1.5)
        (path,) = ax.plot([], [], "-", lw=0.9, alpha=0.85)
        (ends,) = ax.plot([], [], "o", ms=3.5)
        ax.plot(*START, "o", color="white", mec="black", ms=8)
        ax.set(xlim=(gw.min(), gw.max()), ylim=(gb.min(), gb.max()), xlabel="w (slope)",
               ylabel="b (intercept)")
        ax.set_title("cost on all 64 points, and the path of (w, b)", fontsize=10)
        curves = {bs: ax_c.plot([], [], lw=1, label=f"batch size {bs}", color=COLOURS[bs])[0]
                  for bs in BATCH_SIZES}
        ax_c.axhline(c_min, color="black", ls="--", lw=0.8, label="least squares")
        ax_c.set(yscale="log", ylim=(0.8 * c_min, 30), xlabel="epoch",
                 ylabel="cost on all points (mse)")
        plain_log_ticks(ax_c.yaxis)
        ax_c.grid(alpha=0.3)
        ax_c.legend(fontsize=8, loc="upper right")
        return dict(ax=ax, path=path, ends=ends, ax_c=ax_c, curves=curves,
                    title=ax_c.set_title("", fontsize=10))

    def draw(state, batch_size, lr, epochs):
        for bs, curve in state["curves"].items():
            path, costs, per_epoch = sgd_run(bs, lr)
            k = epochs * per_epoch
            curve.set_data(np.arange(k + 1) / per_epoch, costs[:k + 1])
            curve.set_linewidth(2.2 if bs == batch_size else 0.8)
            curve.set_alpha(1.0 if bs == batch_size else 0.45)
            curve.set_zorder(3 if bs == batch_size else 2)
        path, costs, per_epoch = sgd_run(batch_size, lr)
        k = epochs * per_epoch
        colour = COLOURS[batch_size]
        state["path"].set_data(*path[:k + 1].T)
        state["ends"].set_data(*path[per_epoch:k + 1:per_epoch].T)
        state["path"].set_color(colour)
        state["ends"].set_color(colour)
        state["ax_c"].set_xlim(0, epochs)
        state["title"].set_text(f"batch size {batch_size}: {per_epoch} updates per epoch, "
                                f"{k} in {epochs};  cost {costs[k]:.3g}")

    controls = {
        "batch_size": Choice(BATCH_SIZES, batch_size, label="batch size"),
        "lr": Choice(LEARNING_RATES, lr, label="learning rate"),
        "epochs": Slider(1, MAX_EPOCHS, 1, int(epochs), label="epochs", static_step=3),
    }
    return Explorer(controls, draw, setup, figsize=(10, 4.2), combine=("batch_size", "lr"),
                    title="Mini-batch gradient descent: one update per batch, (w, b) ← (w, b) − lr · ∇C_batch")
