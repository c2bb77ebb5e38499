"""Chapter 08 explorer: backpropagation on a 2-2-1 sigmoid network, one number at a time.

One example x = (x1, x2) with target y, cost C = ½ (ŷ − y)², sigmoid σ in both layers:

    forward    z[1] = x·W1 + b1,  a[1] = σ(z[1])        z[2] = a[1]·W2 + b2,  ŷ = σ(z[2])
    backward   δ[2] = (ŷ − y)·σ′(z[2])                  ∂C/∂W2[j] = a[1]_j·δ[2],  ∂C/∂b2 = δ[2]
               δ[1]_j = δ[2]·W2[j]·σ′(z[1]_j)          ∂C/∂W1[i, j] = x_i·δ[1]_j, ∂C/∂b1[j] = δ[1]_j
    (layer l's numbers are written z[l], a[l], δ[l]: the book's z^{[l]}, a^{[l]}, δ^{[l]})
    (σ′(z) = σ(z)(1 − σ(z)); every number comes from layers.dense_forward / dense_backward)

What the reader sees
* left:  the network: inputs x1, x2, hidden units h1, h2, the output ŷ and the cost C.
         Each weight is written near the start of its edge, its gradient ∂C/∂w near the end.
         The slider "stage" reveals the numbers in the order backpropagation computes them:
         0 the weights, 1 z and a of the hidden units, 2 z and ŷ of the output and C, 3 δ of the
         output, 4 ∂C/∂w of the last layer, 5 δ of the hidden units, 6 ∂C/∂w of the first layer.
         The numbers revealed at the current stage are orange and bold.
* right: the cost after each gradient step w ← w − lr·∂C/∂w (optim.sgd_step), with the current
         one marked, and the equation of the current stage with its numbers substituted.
The slider "gradient steps taken" (0-5) applies that many steps first: the weights on the
diagram are the new ones and every number is recomputed for them.
"""
import numpy as np

from .. import layers, losses, optim
from .explorer import Explorer, Slider

X_EXAMPLE = np.array([[0.5, 1.0]])
Y_EXAMPLE = np.array([[0.0]])
PARAMS = [(np.array([[0.15, 0.25], [0.20, 0.30]]), np.array([0.35, 0.35])),
          (np.array([[0.40], [0.45]]), np.array([0.60]))]
STAGES = ("the network and its weights", "forward: hidden layer", "forward: output and cost",
          "backward: δ of the output", "backward: ∂C/∂w of the last layer",
          "backward: δ of the hidden layer", "backward: ∂C/∂w of the first layer")
MAX_STEPS = 5
NEW, OLD, GRAD = "#d35400", "black", "#2166ac"
# Node positions on the diagram.
POS = {"x1": (0.0, 0.9), "x2": (0.0, 0.1), "h1": (2.2, 0.9), "h2": (2.2, 0.1), "o": (4.2, 0.5)}


def backprop_numbers(params, x=X_EXAMPLE, y=Y_EXAMPLE):
    """Every number of one forward and backward pass, by layers.dense_forward / dense_backward.

    Returns a dict: z1, a1 (1, 2), z2, y_hat (1, 1), C, delta2, dW2, db2, delta1, dW1, db1.
    For one example δ = ∂C/∂b, so delta2 = db2 and delta1 = db1."""
    (W1, b1), (W2, b2) = params
    a1, cache1 = layers.dense_forward(x, W1, b1, "sigmoid")
    y_hat, cache2 = layers.dense_forward(a1, W2, b2, "sigmoid")
    dA1, dW2, db2 = layers.dense_backward(losses.half_sse_grad(y_hat, y), cache2)
    _, dW1, db1 = layers.dense_backward(dA1, cache1)
    return dict(z1=cache1[3], a1=a1, z2=cache2[3], y_hat=y_hat, C=losses.half_sse(y_hat, y),
                delta2=db2, dW2=dW2, db2=db2, delta1=db1, dW1=dW1, db1=db1)


def descent_params(params, lr, steps, x=X_EXAMPLE, y=Y_EXAMPLE):
    """[params after 0, 1, ..., steps gradient steps] with optim.sgd_step."""
    history = [params]
    for _ in range(steps):
        n = backprop_numbers(history[-1], x, y)
        history.append(optim.sgd_step(history[-1], [(n["dW1"], n["db1"]), (n["dW2"], n["db2"])], lr))
    return history


def _f(v):
    """4 decimals, or 3 significant digits for small numbers (gradients): 0.2159, 0.00371."""
    v = float(v)
    return f"{v:.4f}" if abs(v) >= 0.01 or v == 0 else f"{v:.3g}"


def backprop_stepper(stage=0, steps=0, lr=1.0):
    """Sliders "stage" (0-6: which numbers are revealed) and "gradient steps taken" (0-5).

    lr is the learning rate of the gradient steps. Returns an Explorer (display it)."""
    if isinstance(stage, bool) or int(stage) != stage or not 0 <= stage < len(STAGES):
        raise ValueError(f"stage must be an integer in [0, {len(STAGES) - 1}]; got stage={stage!r}")
    if isinstance(steps, bool) or int(steps) != steps or not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be an integer in [0, {MAX_STEPS}]; got steps={steps!r}")
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not 0 < lr <= 10:
        raise ValueError(f"lr must be a number in (0, 10]; got lr={lr!r}")
    history = descent_params(PARAMS, lr, MAX_STEPS)
    costs = [backprop_numbers(p)["C"] for p in history]
    edges = [(f"x{i + 1}", f"h{j + 1}", 0, i, j) for i in range(2) for j in range(2)] + \
            [(f"h{j + 1}", "o", 1, j, 0) for j in range(2)]

    def setup(fig):
        gs = fig.add_gridspec(2, 2, width_ratios=[1.25, 1], height_ratios=[2.3, 1], left=0.01,
                              right=0.98, bottom=0.08, top=0.95, wspace=0.12, hspace=0.12)
        ax = fig.add_subplot(gs[0, :])
        ax.set(xlim=(-0.8, 5.6), ylim=(-0.55, 1.55))
        ax.axis("off")
        state = {"ax": ax}
        T = state["texts"] = {}
        box = dict(boxstyle="round,pad=0.12", fc="white", ec="none", alpha=0.9)

        def label(key, xy, ha="center", va="center", size=10.5, bbox=None):
            T[key] = ax.text(*xy, "", ha=ha, va=va, fontsize=size, zorder=4, bbox=bbox)

        for a, b, l, i, j in edges:             # weight above the edge, its gradient below
            (x0, y0), (x1, y1) = POS[a], POS[b]
            ax.plot([x0, x1], [y0, y1], color="0.65", lw=1.2, zorder=1)
            t = 0.5 if (l == 1 or i == j) else 0.27          # the crossing edges: nearer the input
            mx, my = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
            label(("W", l, i, j), (mx, my + 0.065), bbox=box)
            label(("dW", l, i, j), (mx, my - 0.065), bbox=box)
        ax.plot([POS["o"][0], 4.95], [0.5, 0.5], color="0.65", lw=1.2, zorder=1)
        for name, (px, py) in POS.items():
            ax.plot(px, py, "o", ms=34, mfc="#f4f4f4", mec="black", zorder=2)
            ax.text(px, py, {"o": "ŷ"}.get(name, name), ha="center", va="center", fontsize=13, zorder=3)
        ax.text(5.1, 0.5, "C", ha="center", va="center", fontsize=14, zorder=3,
                bbox=dict(boxstyle="square,pad=0.5", fc="#f4f4f4", ec="black"))
        ax.text(5.1, 0.64, f"y = {Y_EXAMPLE[0, 0]:g}", ha="center", va="bottom", fontsize=11)
        label("C", (5.1, 0.36), va="top", size=11.5)
        for i, name in enumerate(("x1", "x2")):
            px, py = POS[name]
            ax.text(px - 0.22, py, f"{name} = {X_EXAMPLE[0, i]:g}", ha="right", va="center", fontsize=12)
        for l, j, name in ((0, 0, "h1"), (0, 1, "h2"), (1, 0, "o")):
            px, py = POS[name]
            s = 1 if py >= 0.5 else -1          # write above the top units, below the bottom one
            for k, key in enumerate(("b", "za", "delta", "db")):
                label((key, l, j), (px, py + s * (0.18 + 0.1 * k)))

        ax_c = fig.add_subplot(gs[1, 1])
        ax_c.plot(range(MAX_STEPS + 1), costs, "o-", color="0.5", ms=4)
        (state["now"],) = ax_c.plot([], [], "o", color=NEW, ms=9)
        ax_c.set(xlabel="gradient steps taken", ylabel="C = ½(ŷ − y)²", xticks=range(MAX_STEPS + 1),
                 ylim=(0, 1.15 * max(costs)))
        ax_c.set_title(f"cost after each step w ← w − {lr:g}·∂C/∂w", fontsize=11)
        ax_c.grid(alpha=0.3)
        ax_e = fig.add_subplot(gs[1, 0])
        ax_e.axis("off")
        state["eq"] = ax_e.text(0.03, 1.0, "", va="top", ha="left", fontsize=10.5, family="monospace",
                                transform=ax_e.transAxes)
        state["title"] = ax.set_title("", fontsize=12, loc="left")
        ax_e.text(0.03, 0.0, "orange, bold: revealed at this stage\nblue: backward pass (δ, ∂C/∂w)",
                  transform=ax_e.transAxes, ha="left", va="bottom", fontsize=9.5, color="0.35")
        return state

    def put(text, content, revealed_at, stage, grad=False):
        text.set_text(content if stage >= revealed_at else "")
        new = stage == revealed_at and revealed_at > 0
        text.set_color(NEW if new else (GRAD if grad else OLD))
        text.set_fontweight("bold" if new else "normal")

    def draw(state, stage, steps):
        params = history[steps]
        n = backprop_numbers(params)
        state["numbers"], state["params"] = n, params
        T = state["texts"]
        for _, _, l, i, j in edges:
            put(T["W", l, i, j], f"w = {_f(params[l][0][i, j])}", 0, stage)
            put(T["dW", l, i, j], f"∂C/∂w = {_f(n['dW1' if l == 0 else 'dW2'][i, j])}", 6 if l == 0 else 4,
                stage, grad=True)
        for l, j in ((0, 0), (0, 1), (1, 0)):
            b = params[l][1][j]
            db = n["db1" if l == 0 else "db2"][j]
            rev = 6 if l == 0 else 4     # the stage that reveals this layer's gradients
            put(T["b", l, j], f"b = {_f(b)}", 0, stage)
            put(T["db", l, j], f"∂C/∂b = {_f(db)}", rev, stage, grad=True)
            z, a = (n["z1"][0, j], n["a1"][0, j]) if l == 0 else (n["z2"][0, 0], n["y_hat"][0, 0])
            put(T["za", l, j], f"z = {_f(z)},  {'a' if l == 0 else 'ŷ'} = {_f(a)}", 1 if l == 0 else 2, stage)
            put(T["delta", l, j], f"δ = {_f(n['delta1' if l == 0 else 'delta2'][j])}", 5 if l == 0 else 3,
                stage, grad=True)
        put(T["C"], f"C = {_f(n['C'])}", 2, stage)
        state["now"].set_data([steps], [n["C"]])
        state["title"].set_text(f"stage {stage}: {STAGES[stage]}   (after {steps} gradient step"
                                f"{'' if steps == 1 else 's'})")
        state["eq"].set_text(_equation(stage, n, params))

    controls = {"stage": Slider(0, len(STAGES) - 1, 1, int(stage), label="stage"),
                "steps": Slider(0, MAX_STEPS, 1, int(steps), label="gradient steps taken")}
    return Explorer(controls, draw, setup, figsize=(10, 6.4), max_frames=42,
                    title="Backpropagation on a 2-2-1 sigmoid network, C = ½ (ŷ − y)²")


def _equation(stage, n, params):
    """The equation of a stage with the numbers of the (first) unit substituted."""
    x, (W1, b1), (W2, b2) = X_EXAMPLE[0], *params
    y, y_hat, a1, z1 = Y_EXAMPLE[0, 0], n["y_hat"][0, 0], n["a1"][0], n["z1"][0]
    d2, d1 = n["delta2"][0], n["delta1"]
    lines = {
        0: ["Fixed weights, one example:", f"x = ({x[0]:g}, {x[1]:g}),  y = {y:g}",
            "", "Move 'stage' to compute the numbers", "in the order backpropagation does."],
        1: ["z[1] = x·W1 + b1,   a[1] = σ(z[1])", "",
            f"z[1]_1 = {x[0]:g}·{W1[0, 0]:.4f} + {x[1]:g}·{W1[1, 0]:.4f}",
            f"         + {b1[0]:.4f} = {z1[0]:.4f}", f"a[1]_1 = σ({z1[0]:.4f}) = {a1[0]:.4f}"],
        2: ["z[2] = a[1]·W2 + b2,   ŷ = σ(z[2])", f"z[2] = {a1[0]:.4f}·{W2[0, 0]:.4f} + {a1[1]:.4f}·{W2[1, 0]:.4f}",
            f"       + {b2[0]:.4f} = {n['z2'][0, 0]:.4f}", f"ŷ = σ(z[2]) = {y_hat:.4f}",
            f"C = ½(ŷ − y)² = {n['C']:.4f}"],
        3: ["δ[2] = (ŷ − y)·σ′(z[2])", "     = (ŷ − y)·ŷ·(1 − ŷ)",
            f"     = ({y_hat:.4f} − {y:g})·{y_hat:.4f}·{1 - y_hat:.4f}", f"     = {_f(d2)}"],
        4: ["∂C/∂W2[j] = a[1]_j·δ[2],   ∂C/∂b2 = δ[2]", "",
            f"∂C/∂W2[1] = {a1[0]:.4f}·{_f(d2)}", f"          = {_f(n['dW2'][0, 0])}"],
        5: ["δ[1]_j = δ[2]·W2[j]·σ′(z[1]_j)", "       = δ[2]·W2[j]·a[1]_j·(1 − a[1]_j)", "",
            f"δ[1]_1 = {_f(d2)}·{W2[0, 0]:.4f}·{a1[0]:.4f}·{1 - a1[0]:.4f}", f"       = {_f(d1[0])}"],
        6: ["∂C/∂W1[i, j] = x_i·δ[1]_j,   ∂C/∂b1 = δ[1]", "",
            f"∂C/∂W1[1, 1] = {x[0]:g}·{_f(d1[0])} = {_f(n['dW1'][0, 0])}",
            f"∂C/∂W1[2, 1] = {x[1]:g}·{_f(d1[0])} = {_f(n['dW1'][1, 0])}",
            "", "Next: w ← w − lr·∂C/∂w (move the", "'gradient steps taken' slider)."],
    }
    return "\n".join(lines[stage])
