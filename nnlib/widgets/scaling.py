"""Chapter 11 explorers: why the scale of the inputs matters, and batch normalisation.

scaling_explorer
    Two-feature linear regression ŷ = x1·w1 + x2·w2 on 100 points, y = 2·u1 + 3·u2 + noise, where
    feature 2 is u2 measured in other units: x2 = scale · u2. The cost is the mse,
        C(w) = (1/n) Σ (x·w − y)²  =  C* + (w − w*)ᵀ A (w − w*),   A = XᵀX / n,
    so its contours are ellipses with axes along the eigenvectors of the Hessian 2A; the ratio of
    the largest to the smallest eigenvalue, κ = L_max / L_min, says how elongated they are.
    Gradient descent (optim.gradient_descent, gradients from network.backward) runs a fixed number
    of steps from w = (0, 0) with lr = 1/L_max (the standard safe step; it diverges beyond 2/L_max).
    What the reader sees
    * left:  the contours in the (w1, w2) plane (equal scales on both axes), the minimum w* (+),
             and the path: straight when the contours are round, creeping along the ravine (or
             zig-zagging across it with lr = 1.9/L_max) when they are elongated.
    * right: the cost gap C(w_t) − C* after every step (log scale): fast with κ ≈ 1, flat with κ ≫ 1.
    * the title: κ, lr and how much of the initial gap is left. "standardize" replaces each
      feature by (x − μ)/σ (normalization.standardize): κ ≈ 1 whatever the scale.

batchnorm_comparison
    The same 2-16-16-1 sigmoid network trained on the circle data set (inputs up to 5, not
    standardized) with and without batch normalisation of its hidden pre-activations
    (normalization.batchnorm_forward / batchnorm_backward, in an explicit loop), mini-batches
    of 32, the same initial weights and batches; both loss curves against epochs for a chosen lr.
"""
from functools import lru_cache

import numpy as np

from .. import activations, datasets, layers, losses, network, normalization, optim
from .explorer import Choice, Explorer, Toggle, plain_log_ticks

SCALES = (0.1, 0.3, 1, 3, 10, 30, 100)
STEP_RULES = ("1/L_max", "1.9/L_max")
STEPS = 30
BN_LEARNING_RATES = (0.1, 0.3, 1.0, 3.0)
BN_EPOCHS = 40


def scaled_data(scale, n=100, seed=0):
    """X (n, 2) with columns u1 and scale·u2 (u centred), and y = 2 u1 + 3 u2 + N(0, 0.3²) centred."""
    rng = np.random.default_rng(seed)
    U = rng.standard_normal((n, 2))
    U -= U.mean(axis=0)
    y = U @ np.array([[2.0], [3.0]]) + 0.3 * rng.standard_normal((n, 1))
    return U * np.array([1.0, scale]), y - y.mean()


def regression_problem(scale, standardize):
    """Everything the picture needs: X, y, cost(w), grad(w), A = XᵀX/n, eigenvalues of the Hessian
    2A (L_min, L_max), κ and the minimum w*."""
    X, y = scaled_data(scale)
    if standardize:
        (X,) = normalization.standardize(X)
    b = np.zeros(1)                                   # the data are centred: no bias needed

    def cost(w):
        return losses.mse(network.forward(X, [(np.reshape(w, (2, 1)), b)], ["linear"])[0], y)

    def grad(w):
        y_hat, caches = network.forward(X, [(np.reshape(w, (2, 1)), b)], ["linear"])
        return network.backward(losses.mse_grad(y_hat, y), caches)[0][0].ravel()

    A = X.T @ X / len(X)
    L = np.linalg.eigvalsh(2 * A)
    w_star = np.linalg.solve(A, X.T @ y / len(X)).ravel()
    return dict(X=X, y=y, cost=cost, grad=grad, A=A, L_min=L[0], L_max=L[1], kappa=L[1] / L[0],
                w_star=w_star)


def scaling_explorer(scale=10, standardize=False, step=STEP_RULES[0], steps=STEPS):
    """A drop-down for the scale of feature 2, a check box "standardize" and a drop-down for
    the step size (1/L_max or 1.9/L_max); `steps` gradient steps are drawn. Returns an Explorer."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}; got scale={scale!r}")
    if not isinstance(standardize, (bool, np.bool_)):
        raise ValueError(f"standardize must be True or False; got standardize={standardize!r}")
    if step not in STEP_RULES:
        raise ValueError(f"step must be one of {STEP_RULES}; got step={step!r}")
    if isinstance(steps, bool) or int(steps) != steps or not 1 <= steps <= 200:
        raise ValueError(f"steps must be an integer in [1, 200]; got steps={steps!r}")
    t = np.linspace(0, 2 * np.pi, 200)
    circle = np.stack([np.cos(t), np.sin(t)])
    w0 = np.zeros(2)

    def setup(fig):
        ax, ax_g = fig.subplots(1, 2, gridspec_kw=dict(left=0.07, right=0.98, bottom=0.13, top=0.84,
                                                       wspace=0.25, width_ratios=[1, 1.1]))
        rings = [ax.plot([], [], color="0.65", lw=0.8)[0] for _ in range(7)]
        (path,) = ax.plot([], [], "o-", color="#c0392b", ms=3, lw=1.2)
        ax.plot(*w0, "o", color="white", mec="black", ms=8, zorder=3)
        (best,) = ax.plot([], [], "+", color="black", ms=12, mew=1.5)
        ax.set(xlabel="w1", ylabel="w2")
        (other,) = ax_g.plot([], [], "-", color="0.6", lw=1.2)
        (gap,) = ax_g.plot([], [], "o-", color="#c0392b", ms=3)
        ax_g.set(yscale="log", xlabel="step", ylabel="C(w) − C*", xlim=(0, steps), ylim=(1e-6, 30))
        plain_log_ticks(ax_g.yaxis)
        ax_g.grid(alpha=0.3)
        info = fig.text(0.5, 0.93, "", ha="center", va="center", fontsize=10)
        return dict(ax=ax, ax_g=ax_g, rings=rings, path=path, best=best, gap=gap, other=other, info=info)

    def run(scale, standardize, step):
        p = regression_problem(scale, standardize)
        lr = float(step.split("/")[0]) / p["L_max"]
        path = optim.gradient_descent(p["grad"], w0, lr, max_steps=steps, tol=0.0)
        gaps = np.array([p["cost"](w) for w in path]) - p["cost"](p["w_star"])
        return p, lr, path, gaps

    def draw(state, scale, standardize, step):
        p, lr, path, gaps = run(scale, standardize, step)
        other = run(scale, not standardize, step)[3]
        state["other"].set_data(np.arange(len(other)), np.maximum(other, 1e-12))
        # Contours C = C* + E: the ellipses w* + √E · V diag(1/√λ) (cos t, sin t), λ, V of A.
        lam, V = np.linalg.eigh(p["A"])
        for ring, frac in zip(state["rings"], (1, 0.5, 0.2, 0.05, 0.01, 1e-3, 1e-4)):
            pts = p["w_star"][:, None] + np.sqrt(frac * gaps[0]) * V @ (circle / np.sqrt(lam)[:, None])
            ring.set_data(*pts)
        state["path"].set_data(*path.T)
        state["best"].set_data(*p["w_star"][:, None])
        centre = (p["w_star"] + w0) / 2
        half = 0.65 * np.abs(p["w_star"] - w0).max()
        box = state["ax"].get_position()                 # equal scales: limits in the box's proportions
        r = box.width * state["ax"].figure.get_figwidth() / (box.height * state["ax"].figure.get_figheight())
        hx, hy = half * max(1, r), half * max(1, 1 / r)
        state["ax"].set(xlim=(centre[0] - hx, centre[0] + hx), ylim=(centre[1] - hy, centre[1] + hy))
        state["ax"].set_title("standardized features" if standardize else f"raw features, x2 = {scale:g}·u2",
                              fontsize=10)
        state["gap"].set_data(np.arange(len(gaps)), np.maximum(gaps, 1e-12))
        state["ax_g"].legend([state["gap"], state["other"]], ["this setting", "standardized" if not
                             standardize else "raw features"], fontsize=8, loc="upper right")
        state["info"].set_text(
            f"κ = L_max/L_min = {p['kappa']:.3g},  lr = {step} = {lr:.3g}:  after {steps} steps "
            f"C − C* is {gaps[-1] / gaps[0]:.2g} × its initial value")
        state["problem"], state["trajectory"], state["lr"] = p, path, lr

    controls = {"scale": Choice(SCALES, scale, label="scale of feature 2"),
                "standardize": Toggle(bool(standardize), label="standardize"),
                "step": Choice(STEP_RULES, step, label="lr")}
    return Explorer(controls, draw, setup, figsize=(10, 4.4),
                    title="Feature scales and gradient descent: the cost's contours and the path of w")


def train_with_batchnorm(lr, batchnorm, epochs=BN_EPOCHS, seed=0):
    """Train the 2-16-16-1 sigmoid network on datasets.circle(200) with or without batch norm of
    the hidden Z (before σ); returns each epoch's binary cross-entropy (mean over its mini-batches)."""
    X, y = datasets.circle(n=200, noise=0.1, seed=seed)
    params = network.init_params([2, 16, 16, 1], rng=seed)
    bn = [dict(gamma=np.ones(16), beta=np.zeros(16), running={}) for _ in range(2)]
    sigma, sigma_prime = activations.get("sigmoid")
    loss_fn, loss_grad = losses.get("binary_cross_entropy")
    rng, history = np.random.default_rng(seed), []

    def forward(A, training):
        caches = []
        for (W, b), norm in zip(params[:2], bn):
            Z, dense_cache = layers.dense_forward(A, W, b, "linear")
            bn_cache = None
            if batchnorm:
                Z, bn_cache = normalization.batchnorm_forward(Z, norm["gamma"], norm["beta"],
                                                              running=norm["running"], training=training)
            A = sigma(Z)
            caches.append((dense_cache, bn_cache, Z))
        y_hat, out_cache = layers.dense_forward(A, *params[2], "sigmoid")
        return y_hat, caches, out_cache      # (training=False would use the running statistics)

    for _ in range(epochs):
        total = 0.0
        for X_b, y_b in optim.minibatches(X, y, 32, rng=rng):
            y_hat, caches, out_cache = forward(X_b, True)
            total += loss_fn(y_hat, y_b) * len(X_b)
            dA, dW, db = layers.dense_backward(loss_grad(y_hat, y_b), out_cache)
            grads = [(dW, db)]
            for (dense_cache, bn_cache, Z), norm in zip(reversed(caches), reversed(bn)):
                dZ = dA * sigma_prime(Z)
                if batchnorm:
                    dZ, dgamma, dbeta = normalization.batchnorm_backward(dZ, bn_cache)
                    norm["gamma"], norm["beta"] = norm["gamma"] - lr * dgamma, norm["beta"] - lr * dbeta
                dA, dW, db = layers.dense_backward(dZ, dense_cache)
                grads.insert(0, (dW, db))
            params = optim.sgd_step(params, grads, lr)
        history.append(total / len(X))
    # the epoch's loss as optim.train_epoch reports it: the batches' losses (before their updates), averaged
    return np.array(history)


@lru_cache(maxsize=None)
def loss_curve(lr, batchnorm):
    """train_with_batchnorm(lr, batchnorm), computed once per (lr, batchnorm)."""
    return train_with_batchnorm(lr, batchnorm)


def batchnorm_comparison(lr=BN_LEARNING_RATES[1]):
    """A drop-down for the learning rate; both loss curves (with and without batch norm),
    each trained when its lr is first shown (then cached). Returns an Explorer."""
    if lr not in BN_LEARNING_RATES:
        raise ValueError(f"lr must be one of {BN_LEARNING_RATES}; got lr={lr!r}")

    def setup(fig):
        ax = fig.add_subplot()
        fig.subplots_adjust(left=0.1, right=0.97, bottom=0.15, top=0.88)
        lines = {bn: ax.plot([], [], lw=2, color=c, label=lab)[0]
                 for bn, c, lab in ((False, "0.35", "without batch norm"), (True, "#c0392b", "with batch norm"))}
        ax.set(xlim=(1, BN_EPOCHS), ylim=(0, 1.0), xlabel="epoch", ylabel="cross-entropy on the training set")
        ax.grid(alpha=0.3)
        ax.legend(loc="upper right")
        return dict(lines=lines, title=ax.set_title("", fontsize=10))

    def draw(state, lr):
        for bn, line in state["lines"].items():
            line.set_data(np.arange(1, BN_EPOCHS + 1), loss_curve(lr, bn))
        state["title"].set_text(f"lr = {lr:g}: final loss {loss_curve(lr, False)[-1]:.3f} without, "
                                f"{loss_curve(lr, True)[-1]:.3f} with batch norm")

    return Explorer({"lr": Choice(BN_LEARNING_RATES, lr, label="learning rate")}, draw, setup,
                    figsize=(7, 3.8), title="The same network trained with and without batch normalisation")
