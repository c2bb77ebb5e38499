"""Chapter 05 explorer: fit one linear neuron by hand and watch the cost.

The lectures' students (datasets.study_hours): predict the exam mark (%) from study hours and
sleep hours with one neuron and a linear activation,

    y_hat = w_study · study + w_sleep · sleep + b,        C = Σ ½ (y_hat − y)²

(the cost is half the sum of squared errors over the 8 students, in exam-% units squared;
it is computed with nnlib.layers.dense_forward and nnlib.losses.half_sse).

What the reader sees
* view "residuals": one bar per student, the residual y_hat − y (above zero: predicted too
  high), with the student's study and sleep hours under it;
* view "loss surface": C over the plane of the two weights (w_study, w_sleep) with b held at
  its slider value (filled contours, log-spaced levels), the current weights marked (star) and
  the best weights for this b marked (cross);
* on the right: the equation with the current numbers, the cost C, and the best cost that
  least squares reaches (about 477.5 at w_study ≈ 0.19, w_sleep ≈ −3.2, b ≈ 93.8).
"""
import numpy as np

from .. import datasets, layers, losses
from .explorer import Choice, Explorer, Slider

VIEWS = ("residuals", "loss surface")
RANGES = {"w_study": (-0.5, 1.0), "w_sleep": (-8.0, 8.0), "b": (0.0, 120.0)}


def fit_by_hand_explorer(w_study=0.3, w_sleep=2.0, b=40.0, view="residuals"):
    """Sliders for w_study, w_sleep and b, and a drop-down for the view. Returns an Explorer."""
    for name, value in (("w_study", w_study), ("w_sleep", w_sleep), ("b", b)):
        lo, hi = RANGES[name]
        if not lo <= value <= hi:
            raise ValueError(f"{name} must lie in [{lo}, {hi}]; got {name}={value!r}")
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}; got view={view!r}")
    X, y = datasets.study_hours()
    S = X[:, :2]                                             # the inputs used: study, sleep
    A = np.column_stack([S, np.ones(len(S))])
    best = np.linalg.lstsq(A, y, rcond=None)[0].ravel()     # least squares: w_study, w_sleep, b
    best_cost = losses.half_sse(A @ best[:, None], y)
    ws = np.linspace(*RANGES["w_study"], 151)
    wz = np.linspace(*RANGES["w_sleep"], 151)
    WS, WZ = np.meshgrid(ws, wz)
    surfaces = {}  # b -> C over the (w_study, w_sleep) grid, computed once per b

    def surface(b):
        if b not in surfaces:
            residual = WS[..., None] * S[:, 0] + WZ[..., None] * S[:, 1] + b - y[:, 0]
            surfaces[b] = 0.5 * np.sum(residual ** 2, axis=-1)
        return surfaces[b]

    def setup(fig):
        gs = fig.add_gridspec(1, 2, width_ratios=[1.5, 1], left=0.08, right=0.99, bottom=0.17, top=0.88,
                              wspace=0.12)
        ax_r, ax_s = fig.add_subplot(gs[0]), fig.add_subplot(gs[0])
        bars = ax_r.bar(np.arange(8), np.zeros(8), color="#c0392b", edgecolor="black", linewidth=0.6)
        ax_r.axhline(0, color="black", lw=1)
        ax_r.set_xticks(np.arange(8), [f"{s:g} / {z:g}" for s, z in S], fontsize=8)
        ax_r.set(ylim=(-60, 60), xlim=(-0.6, 7.6), ylabel="residual y_hat − y (exam %)",
                 xlabel="each student: study hours / sleep hours")
        ax_r.grid(axis="y", alpha=0.3)
        labels = [ax_r.text(i, 0, "", ha="center", fontsize=7) for i in range(8)]
        ax_s.set(xlabel="w_study", ylabel="w_sleep", xlim=RANGES["w_study"], ylim=RANGES["w_sleep"])
        (point,) = ax_s.plot([], [], "*", ms=16, color="gold", mec="black", label="current (w_study, w_sleep)")
        (cross,) = ax_s.plot([], [], "x", ms=10, mew=2.5, color="black", label="best for this b")
        ax_s.legend(loc="upper right", fontsize=7, framealpha=0.9)
        ax_t = fig.add_subplot(gs[1])
        ax_t.axis("off")
        text = ax_t.text(0.02, 1.0, "", va="top", family="monospace", fontsize=8.5, transform=ax_t.transAxes)
        return dict(ax_r=ax_r, ax_s=ax_s, bars=bars, labels=labels, point=point, cross=cross, text=text,
                    contours=[], contour_b=None, title=fig.suptitle("", fontsize=11))

    def draw(state, w_study, w_sleep, b, view):
        W = np.array([[w_study], [w_sleep]])
        y_hat, _ = layers.dense_forward(S, W, np.array([b]), "linear")   # y_hat = S @ W + b
        cost = losses.half_sse(y_hat, y)
        residual = (y_hat - y).ravel()
        for bar, label, r in zip(state["bars"], state["labels"], residual):
            bar.set_height(np.clip(r, -58, 58))
            bar.set_color("#c0392b" if r > 0 else "#2166ac")
            label.set_text(f"{r:+.0f}")
            label.set_y(np.clip(r, -58, 58) + (2 if r >= 0 else -2))
            label.set_va("bottom" if r >= 0 else "top")
        state["ax_r"].set_visible(view == VIEWS[0])
        state["ax_s"].set_visible(view == VIEWS[1])
        if view == VIEWS[1] and state["contour_b"] != b:                # new b: redraw the contours
            for artist in state["contours"]:
                artist.remove()
            C = surface(b)
            levels = np.geomspace(C.min(), C.max(), 16)
            filled = state["ax_s"].contourf(WS, WZ, C, levels=levels, cmap="viridis_r", norm="log")
            lines = state["ax_s"].contour(WS, WZ, C, levels=levels[::3], colors="white", linewidths=0.5)
            state["contours"], state["contour_b"] = [filled, lines], b
            i = np.unravel_index(np.argmin(C), C.shape)
            state["cross"].set_data([WS[i]], [WZ[i]])
            state["ax_s"].set_title(f"C(w_study, w_sleep) for b = {b:g} (log colours); "
                                    f"smallest C here (×): {C[i]:.1f}", fontsize=9)
        state["point"].set_data([w_study], [w_sleep])
        rows = "\n".join(f"{s:5g} {z:5g} {p:7.1f} {t:5g} {r:+7.1f}" for (s, z), p, t, r
                         in zip(S, y_hat.ravel(), y.ravel(), residual))
        state["text"].set_text(
            f"y_hat = {w_study:g}·study {'+' if w_sleep >= 0 else '−'} {abs(w_sleep):g}·sleep + {b:g}\n\n"
            f"study sleep   y_hat  exam  y_hat−y\n{rows}\n\n"
            f"C = Σ ½ (y_hat − y)² = {cost:.1f}\n"
            f"best (least squares):  {best_cost:.1f}\n"
            f"  w_study {best[0]:.2f}, w_sleep {best[1]:.2f}, b {best[2]:.1f}")
        state["title"].set_text(f"One linear neuron predicting the exam mark:  C = {cost:.1f}")
        state["cost"] = cost

    controls = {
        "w_study": Slider(*RANGES["w_study"], 0.01, float(w_study), label="w_study", static_step=0.3),
        "w_sleep": Slider(*RANGES["w_sleep"], 0.1, float(w_sleep), label="w_sleep", static_step=2.0),
        "b": Slider(*RANGES["b"], 1.0, float(b), label="b", static_step=20.0),
        "view": Choice(VIEWS, view, label="view"),
    }
    return Explorer(controls, draw, setup, figsize=(9, 4), combine=("b", "view"),
                    title="Fit by hand: y_hat = w_study·study + w_sleep·sleep + b, C = Σ ½ (y_hat − y)²")
