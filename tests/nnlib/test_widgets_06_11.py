"""Tests for the explorers of chapters 06-11: descent, batch size, backprop, overfitting, scaling."""
import warnings

import numpy as np
import pytest

from nnlib import datasets, gradcheck, losses, network, optim, regularization
from nnlib.widgets.backprop_view import PARAMS, X_EXAMPLE, Y_EXAMPLE, backprop_stepper
from nnlib.widgets.batch_size import batch_size_explorer, sgd_run
from nnlib.widgets.descent import DIVERGED, bowl_grad, descent_explorer
from nnlib.widgets.explorer import WIDGET_VIEW_MIME
from nnlib.widgets.overfitting import PATIENCE, overfitting_explorer, train
from nnlib.widgets.scaling import batchnorm_comparison, scaling_explorer, train_with_batchnorm

FACTORIES = [descent_explorer, batch_size_explorer, backprop_stepper, overfitting_explorer,
             scaling_explorer, batchnorm_comparison]


def live(factory, **kwargs):
    explorer = factory(**kwargs)
    explorer.widget()
    return explorer, explorer.state


# ---------------------------------------------------------------- one output for every renderer
@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_mimebundle_has_html_and_widget_view(factory, monkeypatch):
    monkeypatch.setenv("NNLIB_PLAYER", "first")     # the full players are built in one test only
    explorer = factory()
    bundle = explorer._repr_mimebundle_()
    assert {"text/html", WIDGET_VIEW_MIME, "text/plain"} <= set(bundle)
    assert bundle[WIDGET_VIEW_MIME]["model_id"] == explorer.widget().model_id
    assert bundle["text/html"].count('<img src="data:image/png;base64,') == 1


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_a_kernel_draws_the_live_figure_only(factory, monkeypatch):
    monkeypatch.delenv("NNLIB_PLAYER", raising=False)   # Jupyter, Colab
    explorer = factory()
    bundle = explorer._repr_mimebundle_()
    assert explorer.frames_rendered == 0 and bundle["text/html"].count("<img ") == 1


def test_full_player_of_one_explorer_is_small_and_switches_frames():
    from test_widgets import assert_controls_match_frames

    explorer = batchnorm_comparison()
    html = explorer.player_html(mode="full")
    assert sum(len(f.png) for f in explorer.frames()) <= explorer.max_bytes
    assert len(explorer.frames()) == 4 and html.count("<img ") == 4
    assert "http://" not in html and "https://" not in html
    assert_controls_match_frames(explorer, html)


# ---------------------------------------------------------------- chapter 06: gradient descent
def test_descent_draws_gradient_descents_trajectory():
    explorer, state = live(descent_explorer)
    w0, lr, steps = explorer.defaults()["w0"], explorer.defaults()["lr"], explorer.defaults()["steps"]
    expected = optim.gradient_descent(lambda w: 2 * (w - 3), w0, lr, max_steps=steps, tol=0.0)
    assert np.allclose(state["line1"].get_xdata(), expected)
    assert np.allclose(state["line1"].get_ydata(), (expected - 3) ** 2)
    bowl = optim.gradient_descent(bowl_grad, [w0, 3.0], lr, max_steps=steps, tol=0.0)
    assert np.allclose(np.column_stack([state["line2"].get_xdata(), state["line2"].get_ydata()]), bowl)
    assert "after 20 steps" in state["text1"].get_text()


def test_descent_momentum_follows_momentum_step():
    explorer, state = live(descent_explorer, momentum=True, steps=10)
    params, velocity = [(np.array([-4.0, 3.0]), np.zeros(0))], None
    points = [params[0][0]]
    for _ in range(10):
        params, velocity = optim.momentum_step(params, [(bowl_grad(params[0][0]), np.zeros(0))], velocity,
                                               0.1, 0.9)
        points.append(params[0][0])
    drawn = np.column_stack([state["line2"].get_xdata(), state["line2"].get_ydata()])
    assert np.allclose(drawn, points)


def test_descent_too_large_lr_says_diverged_and_leaves_the_axes():
    explorer, state = live(descent_explorer)
    assert DIVERGED not in state["text1"].get_text()
    before = np.array(state["line1"].get_xdata())
    with warnings.catch_warnings():
        warnings.simplefilter("error")               # no RuntimeWarning escapes to the reader
        explorer.inputs["lr"].value = 1.1
        explorer.inputs["cost"].value = "non-convex"
    assert state["text1"].get_text() == DIVERGED and state["text2"].get_text() == DIVERGED
    x = np.array(state["line1"].get_xdata())
    assert x.shape != before.shape or not np.allclose(x, before)
    lo, hi = state["ax1"].get_xlim()
    assert not lo <= x[-1] <= hi or state["line1"].get_ydata()[-1] > state["ax1"].get_ylim()[1]
    explorer.inputs["lr"].value = 0.01                    # slow, not diverging
    assert DIVERGED not in state["text1"].get_text()


# ---------------------------------------------------------------- chapter 07: batch size
def test_batch_size_one_makes_more_updates_than_32():
    (_, _, per1), (_, _, per32) = sgd_run(1, 0.03), sgd_run(32, 0.03)
    assert per1 == 64 and per32 == 2
    explorer, state = live(batch_size_explorer, batch_size=1, epochs=2)
    assert len(state["path"].get_xdata()) == 2 * 64 + 1
    assert "64 updates per epoch" in state["title"].get_text()
    explorer.inputs["batch_size"].value = 32
    assert len(state["path"].get_xdata()) == 2 * 2 + 1
    assert "2 updates per epoch" in state["title"].get_text()


def test_batch_size_run_uses_minibatches_and_sgd_step():
    path, costs, per_epoch = sgd_run(64, 0.1, epochs=3)      # full batch: plain gradient descent
    from nnlib.widgets.batch_size import START, X, Y
    params = [(np.array([[START[0]]]), np.array([START[1]]))]
    for k in range(3):
        y_hat, caches = network.forward(X, params, ["linear"])
        params = optim.sgd_step(params, network.backward(losses.mse_grad(y_hat, Y), caches), 0.1)
        assert np.allclose(path[k + 1], [params[0][0][0, 0], params[0][1][0]])
    assert costs[-1] < costs[0]


# ---------------------------------------------------------------- chapter 08: backpropagation
def test_backprop_gradients_match_network_backward_and_gradcheck():
    explorer, state = live(backprop_stepper, stage=6)
    n = state["numbers"]
    y_hat, caches = network.forward(X_EXAMPLE, PARAMS, ["sigmoid", "sigmoid"])
    (dW1, db1), (dW2, db2) = network.backward(losses.half_sse_grad(y_hat, Y_EXAMPLE), caches)
    for mine, ref in ((n["dW1"], dW1), (n["db1"], db1), (n["dW2"], dW2), (n["db2"], db2)):
        assert np.allclose(mine, ref, rtol=0, atol=1e-15)
    params = [(W.copy(), b.copy()) for W, b in PARAMS]
    cost = lambda _: losses.half_sse(network.forward(X_EXAMPLE, params, ["sigmoid"] * 2)[0], Y_EXAMPLE)
    for (W, b), (gW, gb) in zip(params, ((n["dW1"], n["db1"]), (n["dW2"], n["db2"]))):
        assert gradcheck.relative_error(gradcheck.numerical_gradient(cost, W), gW) < 1e-7
        assert gradcheck.relative_error(gradcheck.numerical_gradient(cost, b), gb) < 1e-7
    texts = " ".join(t.get_text() for t in state["texts"].values())
    assert f"{n['dW2'][0, 0]:.4f}" in texts and f"{n['C']:.4f}" in texts


def test_backprop_stages_reveal_numbers_in_order_and_steps_lower_the_cost():
    explorer, state = live(backprop_stepper)
    T = state["texts"]
    assert T["W", 0, 0, 0].get_text() and not T["za", 0, 0].get_text() and not T["dW", 0, 0, 0].get_text()
    explorer.inputs["stage"].value = 4              # last layer's gradients, first layer's not yet
    assert T["dW", 1, 0, 0].get_text() and not T["dW", 0, 0, 0].get_text()
    assert T["dW", 1, 0, 0].get_fontweight() == "bold" and T["za", 0, 0].get_fontweight() == "normal"
    costs = []
    for steps in range(6):
        explorer.inputs["steps"].value = steps
        costs.append(state["numbers"]["C"])
    assert all(b < a for a, b in zip(costs, costs[1:]))
    n0 = network.forward(X_EXAMPLE, PARAMS, ["sigmoid"] * 2)[0]
    assert np.isclose(costs[0], losses.half_sse(n0, Y_EXAMPLE))
    assert state["params"][0][0][0, 0] != PARAMS[0][0][0, 0]    # the diagram shows the new weights


# ---------------------------------------------------------------- chapter 10: overfitting
def test_wide_unregularized_network_overfits():
    r = train(10, 0.25, 50, "L2", 0.0, 0.0, False)
    assert r["val_loss"][-1] > 1.1 * r["val_loss"].min()
    assert r["loss"][-1] < 0.5 * r["val_loss"][-1]


def test_early_stopping_marks_the_argmin_of_the_validation_loss():
    explorer, state = live(overfitting_explorer, early_stopping=True)
    r = train(10, 0.25, 50, "L2", 0.0, 0.0, True)
    best = int(np.argmin(r["val_loss"]))
    assert r["best_epoch"] == best
    assert len(r["val_loss"]) - 1 - best == PATIENCE      # stopped `patience` epochs later
    assert np.allclose(state["best"].get_xdata(), [best])
    assert np.allclose(state["best"].get_ydata(), [r["val_loss"][best]])
    assert regularization.early_stopping_epoch(r["val_loss"], PATIENCE) == len(r["val_loss"]) - 1


def test_overfitting_controls_change_the_picture():
    explorer, state = live(overfitting_explorer)
    fit, text = np.array(state["fit"].get_ydata()), state["info"].get_text()
    explorer.inputs["lam"].value = 0.01
    assert not np.allclose(state["fit"].get_ydata(), fit) and state["info"].get_text() != text
    assert "L2 λ = 0.01" in state["info"].get_text()


# ---------------------------------------------------------------- chapter 11: scaling, batch norm
def test_standardizing_makes_the_contours_round_and_descent_faster():
    explorer, state = live(scaling_explorer, scale=100)
    raw_kappa, raw_path = state["problem"]["kappa"], state["trajectory"]
    p = state["problem"]
    raw_gap = (p["cost"](raw_path[-1]) - p["cost"](p["w_star"])) / (p["cost"](raw_path[0]) - p["cost"](p["w_star"]))
    assert raw_kappa > 1e3
    assert np.isclose(state["lr"], 1 / p["L_max"])
    assert f"κ = L_max/L_min = {raw_kappa:.3g}," in state["info"].get_text()
    explorer.inputs["standardize"].value = True
    p = state["problem"]
    path = state["trajectory"]
    assert p["kappa"] < 1.5
    std_gap = (p["cost"](path[-1]) - p["cost"](p["w_star"])) / (p["cost"](path[0]) - p["cost"](p["w_star"]))
    assert std_gap < 1e-6 < raw_gap
    assert np.linalg.norm(path[-1] - p["w_star"]) < 1e-3 * np.linalg.norm(path[0] - p["w_star"])
    assert len(path) == 31 and f"{state['lr']:.3g}" in state["info"].get_text()


def test_batchnorm_trains_faster_at_the_default_lr():
    with_bn, without = train_with_batchnorm(0.3, True), train_with_batchnorm(0.3, False)
    assert with_bn[-1] < 0.5 * without[-1]
    explorer, state = live(batchnorm_comparison)
    y = np.array(state["lines"][True].get_ydata())
    explorer.inputs["lr"].value = 1.0
    assert not np.allclose(state["lines"][True].get_ydata(), y)


# ---------------------------------------------------------------- bad arguments
@pytest.mark.parametrize("make, word", [
    (lambda: descent_explorer(cost="cubic"), "cost"),
    (lambda: descent_explorer(lr=0.2), "lr"),
    (lambda: descent_explorer(w0=9.0), "w0"),
    (lambda: descent_explorer(steps=2.5), "steps"),
    (lambda: batch_size_explorer(batch_size=5), "batch_size"),
    (lambda: batch_size_explorer(lr=1.0), "lr"),
    (lambda: batch_size_explorer(epochs=0), "epochs"),
    (lambda: backprop_stepper(stage=7), "stage"),
    (lambda: backprop_stepper(steps=-1), "steps"),
    (lambda: backprop_stepper(lr=0), "lr"),
    (lambda: overfitting_explorer(width=7), "width"),
    (lambda: overfitting_explorer(penalty="L3"), "penalty"),
    (lambda: overfitting_explorer(lam=-1.0), "lam"),
    (lambda: overfitting_explorer(dropout=0.9), "dropout"),
    (lambda: overfitting_explorer(n=3), "n"),
    (lambda: overfitting_explorer(early_stopping="yes"), "early_stopping"),
    (lambda: scaling_explorer(scale=5), "scale"),
    (lambda: scaling_explorer(standardize=1), "standardize"),
    (lambda: scaling_explorer(step="2/L_max"), "step"),
    (lambda: batchnorm_comparison(lr=0.5), "lr"),
])
def test_bad_arguments_raise_value_error_naming_the_argument(make, word):
    with pytest.raises(ValueError, match=rf"\b{word}\b"):
        make()


def test_datasets_are_the_documented_ones():
    from nnlib.widgets.overfitting import train as _train
    r = _train(10, 0.25, 1, "L2", 0.0, 0.0, False)
    x, y = datasets.noisy_sine(10, 0.25, seed=0)
    assert np.array_equal(r["x"], x) and np.array_equal(r["y"], y)
