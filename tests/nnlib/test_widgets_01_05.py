"""Tests for the explorers of chapters 01, 03, 04 and 05: representation, activation,
network view and fit by hand. Each explorer's static player is built once (module fixture)."""
import base64
import re

import numpy as np
import pytest

from nnlib import activations, datasets, losses, network
from nnlib.widgets.activation import ACTIVATIONS, activation_explorer, trained_stack
from nnlib.widgets.explorer import WIDGET_VIEW_MIME
from nnlib.widgets.fit_by_hand import fit_by_hand_explorer
from nnlib.widgets.network_view import network_explorer
from nnlib.widgets.representation import VIEWS, line_rule, representation_explorer, to_polar

MAKERS = {"representation": representation_explorer, "activation": activation_explorer,
          "network": network_explorer, "fit_by_hand": fit_by_hand_explorer}
IMG = re.compile(r'<img (?:src|data-src)="data:image/png;base64,([A-Za-z0-9+/=]+)" data-keys="([^"]*)"')


@pytest.fixture(scope="module")
def built():
    """name -> (explorer, mimebundle as the book's build makes it: NNLIB_PLAYER=full)."""
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NNLIB_PLAYER", "full")
        for name, make in MAKERS.items():
            explorer = make()
            out[name] = (explorer, explorer._repr_mimebundle_())
    return out


def live(make, **kwargs):
    explorer = make(**kwargs)
    explorer.widget()
    return explorer, explorer.state


# ---------------------------------------------------------------- every explorer
@pytest.mark.parametrize("name", MAKERS)
def test_mimebundle_has_player_and_widget_view(built, name):
    explorer, bundle = built[name]
    assert {WIDGET_VIEW_MIME, "text/html", "text/plain"} <= set(bundle)
    assert bundle[WIDGET_VIEW_MIME]["model_id"] == explorer.widget().model_id
    first = re.search(r"<img [^>]*>", bundle["text/html"]).group(0)
    assert "display:none" not in first  # the default view comes first


@pytest.mark.parametrize("name", MAKERS)
def test_static_player_is_self_contained_and_has_distinct_frames(built, name):
    explorer, bundle = built[name]
    html = bundle["text/html"]
    pngs = [base64.b64decode(data) for data, _ in IMG.findall(html)]
    assert sum(map(len, pngs)) <= explorer.max_bytes
    assert len(pngs) >= 10 and len(set(pngs)) == len(pngs)
    assert "https://" not in html and "http://" not in html


@pytest.mark.parametrize("name", MAKERS)
def test_every_reachable_combination_of_controls_has_a_frame(built, name):
    from test_widgets import assert_controls_match_frames

    explorer, bundle = built[name]
    assert_controls_match_frames(explorer, bundle["text/html"])


# ---------------------------------------------------------------- chapter 01: representation
def test_representation_polar_line_separates_perfectly():
    explorer, state = live(representation_explorer)
    assert state["accuracy"] < 0.8 and "Cartesian" in state["title"].get_text()
    before = state["image"][VIEWS[0]].get_array().copy()
    explorer.inputs["view"].value = VIEWS[1]
    assert state["accuracy"] == 1.0 and "accuracy 100.0 %" in state["title"].get_text()
    assert np.allclose(state["line"][VIEWS[1]].get_ydata(), 3.0)  # the horizontal line r = 3
    r = np.hypot(*np.array(state["line"][VIEWS[0]].get_data()))  # ... is the circle r = 3
    assert np.allclose(r[np.isfinite(r)], 3.0)
    assert not np.array_equal(state["image"][VIEWS[0]].get_array(), before)
    explorer.inputs["c"].value = 4.5
    assert state["accuracy"] < 1.0 and "c = 4.5" in state["title"].get_text()


def test_representation_cartesian_lines_stay_below_80_percent():
    X, y = datasets.circle(n=200, seed=0)
    outside = y.ravel() == 0
    grid = [(phi, c) for phi in range(0, 360, 5) for c in np.round(np.arange(0, 5.01, 0.1), 1)]
    best = {view: max(np.mean(line_rule(U, phi, c) == outside) for phi, c in grid)
            for view, U in ((VIEWS[0], X), (VIEWS[1], to_polar(X)))}
    assert best[VIEWS[1]] == 1.0 and best[VIEWS[0]] < 0.8
    explorer, state = live(representation_explorer, phi=330, c=1.7)  # the best Cartesian line
    assert state["accuracy"] == pytest.approx(np.mean(line_rule(X, 330, 1.7) == outside))


# ---------------------------------------------------------------- chapter 03: activation
def test_activation_curves_are_nnlib_g_and_derivative():
    explorer, state = live(activation_explorer)
    for name in ACTIVATIONS:
        explorer.inputs["activation"].value = name
        g, g_prime = activations.get(name)
        z, dg = state["dg"].get_data()
        assert np.allclose(dg, g_prime(z)) and np.allclose(state["g"].get_ydata(), g(z))
    explorer.inputs["z_range"].value = 2.0
    assert state["g"].get_xdata().max() == pytest.approx(2.0)


def _straightness(segments):
    """Largest distance of the boundary's vertices from their best-fitting straight line."""
    P = np.vstack(segments)
    P = P - P.mean(axis=0)
    return np.abs(P @ np.linalg.svd(P)[2][1]).max()


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_linear_stacks_draw_a_straight_line_and_nonlinear_ones_do_not(k):
    explorer, state = live(activation_explorer, k=k, nonlinear=False)
    assert state["boundary"].get_segments() and _straightness(state["boundary"].get_segments()) < 0.05
    params, acts = trained_stack(k, "linear")  # equal to one layer: X @ (W1 ... WL) + b_eff
    W, b = params[0]
    for W_next, b_next in params[1:]:
        W, b = W @ W_next, b @ W_next + b_next
    X = np.random.default_rng(0).uniform(-6, 6, size=(300, 2))
    assert np.allclose(network.forward(X, params, acts)[0], activations.sigmoid(X @ W + b))
    explorer.inputs["nonlinear"].value = True
    assert _straightness(state["boundary"].get_segments()) > 0.5
    assert state["accuracy"] > 0.9


def test_activation_training_is_done_once_per_stack():
    # (how long it takes is measured by `make bench`, section "explorers", not by a timed test)
    trained_stack.cache_clear()
    first = trained_stack(4, "tanh")
    assert trained_stack(4, "tanh") is first and trained_stack.cache_info().hits == 1


# ---------------------------------------------------------------- chapter 04: network view
def test_network_view_shows_the_bank_example():
    explorer, state = live(network_explorer)
    assert [t.get_text() for t in state["values"]] == ["2", "3", "5", "1", "9"]
    assert [t.get_text() for t in state["zs"]] == ["z = 5", "z = 1", "z = 9"]
    assert "ŷ = 9" in state["title"].get_text()
    explorer.inputs["x1"].value = 4.0  # z = (7, −1): relu gives h = (7, 0), ŷ = 14
    explorer.inputs["activation"].value = "relu"
    assert [t.get_text() for t in state["values"]] == ["4", "3", "7", "0", "14"]
    assert np.allclose(state["nodes"].get_array(), [4, 3, 7, 0, 14])


def test_network_view_matches_network_forward_for_a_deeper_net():
    rng = np.random.default_rng(1)
    params = [(rng.normal(size=(2, 3)), rng.normal(size=3)), (rng.normal(size=(3, 2)), np.zeros(2)),
              (rng.normal(size=(2, 1)), np.ones(1))]
    explorer, state = live(network_explorer, params=params, x=(-1.0, 0.5), activation="tanh")
    y_hat, caches = network.forward(np.array([[-1.0, 0.5]]), params, ["tanh", "tanh", "linear"])
    assert np.allclose(state["A"][-1], y_hat[0]) and np.allclose(state["A"][2], caches[2][0][0])
    assert len(state["values"]) == 8 and len(state["weights"]) == 6 + 6 + 2


# ---------------------------------------------------------------- chapter 05: fit by hand
def test_fit_by_hand_cost_is_half_sse():
    X, y = datasets.study_hours()

    def cost(w_study, w_sleep, b):
        return losses.half_sse(X[:, :2] @ np.array([[w_study], [w_sleep]]) + b, y)

    explorer, state = live(fit_by_hand_explorer)
    assert state["cost"] == pytest.approx(cost(0.3, 2.0, 40.0))
    assert f"{cost(0.3, 2.0, 40.0):.1f}" in state["title"].get_text()
    heights = [bar.get_height() for bar in state["bars"]]
    explorer.inputs["w_sleep"].value = -3.2
    explorer.inputs["b"].value = 94.0
    explorer.inputs["w_study"].value = 0.19
    assert state["cost"] == pytest.approx(cost(0.19, -3.2, 94.0)) and state["cost"] < 480
    assert [bar.get_height() for bar in state["bars"]] != heights
    assert "477.5" in state["text"].get_text()  # the least-squares optimum


def test_fit_by_hand_surface_is_recomputed_only_when_b_changes():
    explorer, state = live(fit_by_hand_explorer, view="loss surface")
    assert state["ax_s"].get_visible() and not state["ax_r"].get_visible()
    contours = list(state["contours"])
    explorer.inputs["w_study"].value = 0.5
    assert state["contours"] == contours and np.allclose(state["point"].get_xdata(), [0.5])
    explorer.inputs["b"].value = 60.0
    assert state["contours"] != contours and state["contour_b"] == 60.0


# ---------------------------------------------------------------- bad arguments
@pytest.mark.parametrize("make, word", [
    (lambda: representation_explorer(view="spherical"), "view"),
    (lambda: representation_explorer(phi=400), "phi"),
    (lambda: representation_explorer(c=-1.0), "c"),
    (lambda: activation_explorer(activation="softplus"), "activation"),
    (lambda: activation_explorer(k=5), "k"),
    (lambda: activation_explorer(z_range=0.0), "z_range"),
    (lambda: activation_explorer(dataset="mnist"), "dataset"),
    (lambda: network_explorer(activation="softmax"), "activation"),
    (lambda: network_explorer(x=(9.0, 0.0)), "x1"),
    (lambda: network_explorer(params=[(np.ones((3, 2)), np.zeros(2))]), "params"),
    (lambda: network_explorer(params=[(np.ones((2, 2)), np.zeros(2)), (np.ones((3, 1)), np.zeros(1))]),
     "params"),
    (lambda: fit_by_hand_explorer(w_study=5.0), "w_study"),
    (lambda: fit_by_hand_explorer(b=-1.0), "b"),
    (lambda: fit_by_hand_explorer(view="3d"), "view"),
])
def test_bad_arguments_raise_value_error_naming_the_argument(make, word):
    with pytest.raises(ValueError, match=word):
        make()
