"""Chapter 10 explorer: a small network fitting a few noisy points of a sine, with and without regularization.

The data: n points of y = sin(2πx) + noise (datasets.noisy_sine, seed 0) for training and 100 more
(seed 1) held out as the test set; x is standardized with the training statistics. The model:
1 → width tanh units → 1 linear unit, trained by `models.Sequential.fit` (full batch, lr 0.03,
momentum 0.9, 500 epochs, seed 0) on

    cost = mse(ŷ, y)  +  λ Σ |W|  (L1)   or   + (λ/2) Σ W²  (L2),    dropout on the hidden units,

optionally with early stopping (regularization.EarlyStopping, patience 50, best weights restored).
For brevity early stopping watches the held-out points themselves; in practice it watches a separate
validation set, so that the test set stays unseen.

What the reader sees
* left:  the true sine (dashed), the training points (black), the test points (light), and the
         function the network learned (red).
* right: the training and test loss (mse, log scale) after every epoch; with early stopping on,
         training stops `patience` epochs after the best test epoch, which is marked (●).
* a line under the title: the final training and test loss and the epoch of the lowest test loss.
A wide network on few points (the default) drives the training loss below the noise level while
the test loss rises after its minimum: it overfits. λ, dropout or early stopping hold it back.
Every configuration is trained once (about 0.1 s) and cached.
"""
import numpy as np

from .. import datasets, models, normalization, regularization
from .explorer import Choice, Explorer, Toggle, plain_log_ticks

SIZES = (10, 20, 40)
NOISES = (0.1, 0.25, 0.4)
WIDTHS = (1, 3, 10, 50)
PENALTIES = ("L2", "L1")
LAMBDAS = (0.0, 0.001, 0.01, 0.03, 0.1)
DROPOUTS = (0.0, 0.1, 0.2, 0.5)
EPOCHS, LR, MOMENTUM, PATIENCE, N_TEST = 500, 0.03, 0.9, 50, 100
GRID = np.linspace(0, 1, 200).reshape(-1, 1)
_cache = {}


def train(n, noise, width, penalty, lam, dropout, early_stopping):
    """Train one configuration (cached). Returns a dict: x, y (training), x_test, y_test,
    y_grid (the learned function on GRID), loss and val_loss per epoch, best_epoch
    (the marked epoch with early stopping, else None) and diverged (True if fit raised)."""
    key = (n, noise, width, penalty, lam, dropout, early_stopping)
    if key in _cache:
        return _cache[key]
    x, y = datasets.noisy_sine(n, noise, seed=0)
    x_test, y_test = datasets.noisy_sine(N_TEST, noise, seed=1)
    xs, xs_test, xs_grid = normalization.standardize(x, x_test, GRID)
    model = models.Sequential([models.Dense(1, width, "tanh"), models.Dense(width, 1)], seed=0)
    stopper = regularization.EarlyStopping(patience=PATIENCE) if early_stopping else None
    result = dict(x=x, y=y, x_test=x_test, y_test=y_test, best_epoch=None, diverged=False)
    try:
        history = model.fit(xs, y, lr=LR, epochs=EPOCHS, batch_size=n, momentum=MOMENTUM,
                            l1=lam if penalty == "L1" else 0.0, l2=lam if penalty == "L2" else 0.0,
                            dropout=dropout, validation_data=(xs_test, y_test),
                            callbacks=[stopper] if stopper else None, seed=0)
        result.update(loss=np.array(history.history["loss"]), val_loss=np.array(history.history["val_loss"]),
                      y_grid=model.predict(xs_grid).ravel())
        if stopper:
            result["best_epoch"] = stopper.best_epoch
    except models.TrainingDiverged:
        result.update(loss=np.array([]), val_loss=np.array([]), y_grid=np.full(len(GRID), np.nan),
                      diverged=True)
    _cache[key] = result
    return result


def overfitting_explorer(n=10, noise=0.25, width=50, penalty="L2", lam=0.0, dropout=0.0,
                         early_stopping=False):
    """Drop-downs for the number of training points n, the noise, the hidden width, the penalty
    (L1/L2) and its λ, the dropout rate, and a check box for early stopping.

    Returns an Explorer (display it)."""
    for name, value, allowed in (("n", n, SIZES), ("noise", noise, NOISES), ("width", width, WIDTHS),
                                 ("penalty", penalty, PENALTIES), ("lam", lam, LAMBDAS),
                                 ("dropout", dropout, DROPOUTS)):
        if value not in allowed:
            raise ValueError(f"{name} must be one of {allowed}; got {name}={value!r}")
    if not isinstance(early_stopping, (bool, np.bool_)):
        raise ValueError(f"early_stopping must be True or False; got early_stopping={early_stopping!r}")

    def setup(fig):
        ax, ax_l = fig.subplots(1, 2, gridspec_kw=dict(left=0.07, right=0.98, bottom=0.13, top=0.82,
                                                       wspace=0.22))
        ax.plot(GRID, datasets.sine_curve(GRID), "--", color="0.4", lw=1.2, label="true sin(2πx)")
        test = ax.scatter([], [], s=10, color="#9ecae1", label="test points")
        train_pts = ax.scatter([], [], s=28, color="black", zorder=3, label="training points")
        (fit,) = ax.plot([], [], color="#c0392b", lw=2, label="network")
        ax.set(xlim=(0, 1), ylim=(-2.2, 2.2), xlabel="x", ylabel="y")
        ax.legend(fontsize=8, loc="lower left", ncol=2)
        (loss,) = ax_l.plot([], [], color="black", lw=1.2, label="training loss")
        (val,) = ax_l.plot([], [], color="#2166ac", lw=1.2, label="test loss")
        (best,) = ax_l.plot([], [], "o", color="#d35400", ms=8, label="early-stopping epoch")
        vline = ax_l.axvline(0, color="#d35400", ls=":", lw=1)
        ax_l.set(yscale="log", ylim=(2e-3, 2), xlabel="epoch", ylabel="mse")
        plain_log_ticks(ax_l.yaxis)
        ax_l.grid(alpha=0.3)
        ax_l.legend(fontsize=8, loc="upper right")
        info = fig.text(0.5, 0.9, "", ha="center", va="center", fontsize=10)
        return dict(ax=ax, ax_l=ax_l, test=test, train=train_pts, fit=fit, loss=loss, val=val,
                    best=best, vline=vline, info=info)

    def draw(state, n, noise, width, penalty, lam, dropout, early_stopping):
        r = train(n, noise, width, penalty, lam, dropout, early_stopping)
        state["train"].set_offsets(np.column_stack([r["x"], r["y"]]))
        state["test"].set_offsets(np.column_stack([r["x_test"], r["y_test"]]))
        state["fit"].set_data(GRID.ravel(), r["y_grid"])
        epochs = np.arange(len(r["loss"]))
        state["loss"].set_data(epochs, r["loss"])
        state["val"].set_data(epochs, r["val_loss"])
        state["ax_l"].set_xlim(0, EPOCHS)
        b = r["best_epoch"]
        state["best"].set_data(([b], [r["val_loss"][b]]) if b is not None else ([], []))
        state["vline"].set_xdata([b, b] if b is not None else [np.nan, np.nan])
        state["vline"].set_visible(b is not None)
        if r["diverged"]:
            state["info"].set_text("training diverged (the loss became infinite): lower the dropout or λ")
            state["info"].set_color("#c0392b")
            return
        reg = (f"{penalty} λ = {lam:g}" if lam else "no penalty") + \
              (f", dropout {dropout:g}" if dropout else "")
        state["info"].set_color("black")
        if b is not None:      # the best weights are restored: report their test loss
            state["info"].set_text(f"{n} points, {width} hidden units, {reg}:  stopped at epoch {len(epochs) - 1}; "
                                   f"weights of epoch {b} kept: test loss {r['val_loss'][b]:.3f}")
        else:
            state["info"].set_text(f"{n} points, {width} hidden units, {reg}:  final training loss "
                                   f"{r['loss'][-1]:.3f}, test loss {r['val_loss'][-1]:.3f} (lowest "
                                   f"{r['val_loss'].min():.3f} at epoch {int(np.argmin(r['val_loss']))})")

    controls = {
        "n": Choice(SIZES, n, label="points n"),
        "noise": Choice(NOISES, noise, label="noise"),
        "width": Choice(WIDTHS, width, label="hidden units"),
        "penalty": Choice(PENALTIES, penalty, label="penalty"),
        "lam": Choice(LAMBDAS, lam, label="λ"),
        "dropout": Choice(DROPOUTS, dropout, label="dropout"),
        "early_stopping": Toggle(bool(early_stopping), label="early stopping"),
    }
    return Explorer(controls, draw, setup, figsize=(10, 4.2), max_frames=45, combine=("penalty", "lam"),
                    title="Overfitting: a network fitting noisy points of sin(2πx), and three ways to restrain it")
