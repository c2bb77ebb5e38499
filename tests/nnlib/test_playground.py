"""Tests for the playground (nnlib.widgets.playground): every control, training, sharing, exporting.

The controls are driven as a reader would drive them (setting a widget's .value, calling a
button's .click()), without a browser; the core (PlaygroundState) is also tested directly.
"""
import asyncio
import base64
import re
import sys

import numpy as np
import pytest

from nnlib.models import Sequential
from nnlib.widgets.explorer import WIDGET_VIEW_MIME
from nnlib.widgets.playground_player import MAX_BYTES
from nnlib.widgets.playground import (FEATURES, PRESETS, Playground, PlaygroundConfig, PlaygroundState,
                                      feature_matrix, playground, preset_config)

ACCURACY_EPOCH_BOUND = 150   # circle and xor reach 95 % test accuracy at the defaults within this many epochs


def live(**config):
    """A playground with its live widget built."""
    p = playground(**config)
    p.widget()
    return p


def weights(state):
    return [(W.copy(), b.copy()) for W, b in state.model.params]


def same_weights(a, b):
    return all(np.array_equal(Wa, Wb) and np.array_equal(ba, bb) for (Wa, ba), (Wb, bb) in zip(a, b))


# ---------------------------------------------------------------- defaults
def test_defaults_are_tensorflow_playgrounds():
    c = PlaygroundConfig()
    assert (c.dataset, c.features, c.hidden, c.activations) == ("circle", ("x1", "x2"), (4, 2), ("tanh", "tanh"))
    assert (c.lr, c.regularization, c.noise, c.batch_size, c.train_ratio, c.loss) == (0.03, "none", 0, 10, 50, "mse")
    s = PlaygroundState()
    assert s.model.sizes == [2, 4, 2, 1] and s.model.activations == ["tanh", "tanh", "tanh"]
    assert len(s.X_train) == len(s.X_test) == 250


def test_bad_settings_are_refused_with_the_allowed_values():
    with pytest.raises(ValueError, match="dataset must be one of"):
        PlaygroundConfig(dataset="moons")
    with pytest.raises(ValueError, match="hidden"):
        PlaygroundConfig(hidden=(4,) * 7)
    with pytest.raises(ValueError, match="hidden"):
        PlaygroundConfig(hidden=(9,))
    with pytest.raises(ValueError, match="lr"):
        PlaygroundConfig(lr=20.0)
    with pytest.raises(ValueError, match="cross_entropy"):
        PlaygroundConfig(dataset="plane", loss="cross_entropy")


# ---------------------------------------------------------------- each control does what it says
def test_dataset_control_changes_the_data():
    p = live()
    X_before = p.state.X.copy()
    p.controls["dataset"].value = "xor"
    assert p.state.config.dataset == "xor"
    assert not np.array_equal(p.state.X, X_before)
    assert np.all((p.state.X[:, 0] * p.state.X[:, 1] >= 0) == (p.state.y[:, 0] == 1))   # xor labels


def test_problem_toggle_switches_to_regression_and_back():
    p = live(loss="cross_entropy")
    p.controls["problem"].value = "regression"
    c = p.state.config
    assert c.problem == "regression" and c.dataset == "plane" and c.loss == "mse"
    assert p.state.model.activations[-1] == "linear"
    assert list(p.controls["dataset"].options) == ["plane", "multi_gauss"]
    assert len(np.unique(p.state.y)) > 2                    # real-valued targets
    p.controls["dataset"].value = "multi_gauss"
    assert p.state.config.dataset == "multi_gauss"
    p.controls["problem"].value = "classification"
    assert p.state.config.dataset == "circle" and set(np.unique(p.state.y)) == {0.0, 1.0}


def test_feature_toggles_change_the_input_width_and_columns():
    p = live()
    p.controls["feature:x1sq"].value = True
    p.controls["feature:sinx2"].value = True
    assert p.state.config.features == ("x1", "x2", "x1sq", "sinx2")
    assert p.state.model.layers[0].W.shape == (4, 4)
    X = p.state.X_train
    assert np.allclose(p.state.F_train, np.column_stack([X[:, 0], X[:, 1], X[:, 0] ** 2, np.sin(X[:, 1])]))
    p.controls["feature:x1"].value = False
    assert p.state.model.layers[0].W.shape == (3, 4)
    for f in ("x2", "x1sq", "sinx2"):
        p.controls["feature:" + f].value = False
    assert p.state.config.features == ("sinx2",)        # the last feature cannot be removed
    assert p.controls["feature:sinx2"].value is True
    assert "at least one" in p.controls["message"].value


def test_feature_matrix_matches_the_exported_expressions():
    X = np.random.default_rng(0).uniform(-6, 6, size=(20, 2))
    x1, x2 = X[:, 0], X[:, 1]
    for f, (_, expression) in FEATURES.items():
        assert np.allclose(feature_matrix(X, (f,))[:, 0], eval(expression, {"np": np, "x1": x1, "x2": x2}))


def test_add_and_remove_layers_within_0_to_6():
    p = live()
    p.controls["add_layer"].click()
    assert p.state.config.hidden == (4, 2, 2) and p.state.model.sizes == [2, 4, 2, 2, 1]
    assert len(p.layer_neurons) == 3
    for _ in range(5):
        p.controls["add_layer"].click()
    assert len(p.state.config.hidden) == 6 and p.controls["add_layer"].disabled
    for _ in range(8):
        p.controls["remove_layer"].click()
    assert p.state.config.hidden == () and p.state.model.sizes == [2, 1]
    assert p.controls["remove_layer"].disabled
    p.figure.png(40)                                        # the diagram still draws with no hidden layer


def test_neurons_per_layer_and_activations_per_layer():
    p = live()
    p.layer_neurons[0].value = 7
    assert p.state.config.hidden == (7, 2)
    assert p.state.model.layers[0].W.shape == (2, 7) and p.state.model.layers[1].W.shape == (7, 2)
    p.layer_activations[1].value = "relu"
    assert p.state.model.activations == ["tanh", "relu", "tanh"]
    p.controls["activation"].value = "sigmoid"            # the global drop-down sets every hidden layer
    assert p.state.model.activations == ["sigmoid", "sigmoid", "tanh"]
    assert [w.value for w in p.layer_activations] == ["sigmoid", "sigmoid"]


def test_learning_rate_changes_training():
    p, q = live(), live()
    p.controls["lr"].value = 0.3
    assert p.state.config.lr == 0.3
    p.controls["step"].click()
    q.controls["step"].click()
    first = lambda pg: pg.state.model.layers[0].W
    start = PlaygroundState().model.layers[0].W
    # the first epoch's weight change is larger with the larger rate
    assert np.abs(first(p) - start).sum() > 3 * np.abs(first(q) - start).sum()


def test_regularization_shrinks_weights():
    plain, l2, l1 = live(), live(), live()
    l2.controls["regularization"].value = "L2"
    l2.controls["reg_rate"].value = 0.3
    l1.controls["regularization"].value = "L1"
    l1.controls["reg_rate"].value = 0.1
    assert l2.state.config.l2 == 0.3 and l1.state.config.l1 == 0.1
    norm = lambda pg: sum(np.abs(W).sum() for W, _ in pg.state.model.params)
    for pg in (plain, l2, l1):
        pg.step(20)
    assert norm(l2) < 0.7 * norm(plain) and norm(l1) < 0.7 * norm(plain)


def test_batch_size_changes_the_updates():
    p, q = live(), live()
    p.controls["batch_size"].value = 25
    assert p.state.config.batch_size == 25
    p.step(1)
    q.step(1)
    assert not same_weights(weights(p.state), weights(q.state))


def test_train_ratio_and_noise_change_the_data():
    p = live()
    p.controls["train_ratio"].value = 30
    assert len(p.state.X_train) == 150 and len(p.state.X_test) == 350
    X0 = p.state.X.copy()
    p.controls["noise"].value = 50
    assert p.state.config.noise == 50
    radius = np.hypot(*p.state.X.T)
    inner, outer = radius[p.state.y[:, 0] == 1], radius[p.state.y[:, 0] == 0]
    assert not np.array_equal(X0, p.state.X)
    assert inner.max() > outer.min()                        # with noise the classes overlap


def test_regenerate_draws_new_data_with_a_new_seed_and_resets():
    p = live()
    p.step(3)
    X0 = p.state.X.copy()
    p.controls["regenerate"].click()
    assert p.state.config.data_seed == 1 and p.state.epoch == 0
    assert not np.array_equal(X0, p.state.X)


def test_discretize_makes_the_heatmap_classes():
    p = live()
    p.step(5)
    assert len(np.unique(p.state.output_image())) > 2
    p.controls["discretize"].value = True
    assert set(np.unique(p.state.output_image())) <= {0.0, 1.0}
    assert set(np.unique(p.figure.out_image.get_array())) <= {0.0, 1.0}
    assert "discretized" in p.figure.out_title.get_text()


def test_show_test_data_toggles_the_test_points():
    p = live()
    assert not p.figure.test_points.get_visible()
    p.controls["show_test"].value = True
    assert p.figure.test_points.get_visible()
    assert len(p.figure.test_points.get_offsets()) == len(p.state.X_test)
    p.controls["show_test"].value = False
    assert not p.figure.test_points.get_visible()


def test_loss_dropout_early_stopping_and_seed_controls():
    p = live()
    p.controls["loss"].value = "cross_entropy"
    assert p.state.model.activations[-1] == "sigmoid" and set(np.unique(p.state.T_train)) == {0.0, 1.0}
    p.controls["dropout"].value = 0.5
    assert p.state.config.dropout == 0.5
    p.controls["patience"].value = 3
    assert p.state._stopper is not None and p.state._stopper.patience == 3
    W0 = p.state.model.layers[0].W.copy()
    p.controls["seed"].value = 7
    assert not np.array_equal(W0, p.state.model.layers[0].W)


def test_step_reset_play_and_pause_buttons():
    p = live()
    p.controls["step"].click()
    p.controls["step"].click()
    assert p.state.epoch == 2 and "epoch 2" in p.controls["status"].value
    png = p.controls["figure"].value
    p.controls["reset"].click()
    assert p.state.epoch == 0 and p.controls["figure"].value != png

    async def session():
        p.controls["play"].click()
        assert p.running
        await asyncio.sleep(0.4)              # the loop trains while this coroutine sleeps
        epoch = p.state.epoch
        p.controls["pause"].click()
        await asyncio.sleep(0.2)
        return epoch

    epoch_at_pause = asyncio.run(session())
    assert epoch_at_pause > 0 and not p.running
    assert p.state.epoch <= epoch_at_pause + p.chunk_epochs   # at most the chunk in progress finishes
    assert p._task.done()


def test_play_without_an_event_loop_explains_instead_of_crashing():
    p = live()
    p.controls["play"].click()
    assert not p.running and "Step" in p.controls["message"].value


def test_chunks_do_not_change_the_result():
    a, b = PlaygroundState(), PlaygroundState()
    a.step(10)
    for n in (3, 1, 6):
        b.step(n)
    assert a.epoch == b.epoch == 10 and same_weights(weights(a), weights(b))


# ---------------------------------------------------------------- it learns
@pytest.mark.parametrize("dataset", ["circle", "xor"])
def test_defaults_reach_95_percent_test_accuracy(dataset):
    s = PlaygroundState(dataset=dataset)
    for _ in range(ACCURACY_EPOCH_BOUND // 10):
        s.step(10)
        if s.accuracy("test") >= 0.95:
            break
    assert s.accuracy("test") >= 0.95, f"{dataset}: {s.accuracy('test'):.3f} after {s.epoch} epochs"


# ---------------------------------------------------------------- reading and editing weights
def test_selected_weight_can_be_read_and_edited():
    p = live()
    options = dict((key, label) for label, key in p.controls["selected"].options)
    assert ("W", 1, 0, 1) in options and ("b", 2, 1) in options
    assert len(options) == p.state.model.parameter_count()
    p.controls["selected"].value = ("W", 1, 0, 1)
    assert p.controls["value"].value == pytest.approx(p.state.model.layers[0].W[0, 1], abs=1e-6)
    p.controls["value"].value = 2.5
    assert p.state.model.layers[0].W[0, 1] == 2.5
    assert len(p.figure.mark_line.get_xdata()) == 2       # the link is outlined
    assert p.figure.links.get_linewidths()[1] == pytest.approx(1.5 * 2.5)   # width ∝ |w|
    p.controls["selected"].value = ("b", 2, 1)
    assert p.figure.mark.get_visible()


def test_link_widths_and_colours_follow_the_weights():
    p = live()
    W = np.concatenate([W.ravel() for W, _ in p.state.model.params])
    colors = p.figure.links.get_colors()
    widths = p.figure.links.get_linewidths()
    assert len(widths) == W.size
    blue = np.array([8, 119, 189]) / 255
    assert all(np.allclose(c[:3], blue) == (w >= 0) for c, w in zip(colors, W))
    big, small = np.argmax(np.abs(W)), np.argmin(np.abs(W))
    assert widths[big] > widths[small]


def test_gradient_step_report_lists_every_parameter_and_applies_the_step():
    s = PlaygroundState()
    s.step(2)
    before = weights(s)
    report = s.gradient_step_report()
    assert len(report.rows) == s.model.parameter_count()
    for r in report.rows:
        assert r["delta"] == pytest.approx(-s.config.lr * r["grad"], abs=1e-12)
        assert r["after"] == pytest.approx(r["before"] + r["delta"])
    assert not same_weights(before, weights(s))
    assert report.batch_loss_after < report.batch_loss_before
    assert "change" in report.text()
    kept = weights(s)
    s.gradient_step_report(apply=False)
    assert same_weights(kept, weights(s))


def test_explain_button_shows_the_report():
    p = live()
    p.controls["explain"].click()
    assert "<table>" in p.controls["report"].value and p.report is not None


# ---------------------------------------------------------------- sharing and exporting
CONFIGS = [
    PlaygroundConfig(),
    PlaygroundConfig(dataset="spiral", features=("x1", "x2", "sinx1"), hidden=(5, 3, 2), activations=("relu", "tanh", "linear"),
                     lr=0.1, regularization="L2", reg_rate=0.003, noise=15, batch_size=7, train_ratio=70,
                     loss="cross_entropy", dropout=0.2, patience=12, seed=3, data_seed=4, discretize=True, show_test=True),
    PlaygroundConfig(dataset="multi_gauss", hidden=(), activations=(), lr=0.001),
]


@pytest.mark.parametrize("config", CONFIGS)
def test_state_string_round_trips(config):
    text = config.state_string()
    assert "\n" not in text
    assert PlaygroundConfig.from_state_string(text) == config
    a = PlaygroundState(config)
    a.step(4)
    b = PlaygroundState.from_state_string(text)
    b.step(1)
    b.step(3)
    assert same_weights(weights(a), weights(b))


def test_state_box_and_load_button_restore_a_configuration():
    p = live()
    text = CONFIGS[1].state_string()
    p.controls["state"].value = text
    p.controls["load_state"].click()
    assert p.state.config == CONFIGS[1]
    assert p.controls["dataset"].value == "spiral" and p.controls["lr"].value == 0.1
    p.controls["state"].value = "nonsense"
    p.controls["load_state"].click()
    assert "state string" in p.controls["message"].value and p.state.config == CONFIGS[1]


def test_exported_npz_reloads_and_predicts_identically(tmp_path):
    p = live(dataset="xor", loss="cross_entropy")
    p.step(20)
    p.controls["export_path"].value = str(tmp_path / "net.npz")
    p.controls["export"].click()
    model = Sequential.load(tmp_path / "net.npz")
    F = p.state.F_test
    assert np.array_equal(model.predict_proba(F), p.state.model.predict_proba(F))
    assert np.array_equal(model.predict(F), p.state.model.predict(F))
    with np.load(tmp_path / "net.npz") as data:
        assert PlaygroundConfig.from_state_string(str(data["playground_state"])) == p.state.config
    assert "Sequential" in p.controls["code"].value


@pytest.mark.parametrize("config", [CONFIGS[0], CONFIGS[1].replace(patience=2, lr=1.0)])
def test_export_code_runs_and_rebuilds_the_same_network(config):
    s = PlaygroundState(config)
    s.step(6)
    namespace = {}
    exec(compile(s.export_code(), "<playground export>", "exec"), namespace)
    model = namespace["model"]
    assert model.sizes == s.model.sizes and model.activations == s.model.activations
    assert same_weights(model.params, weights(s))          # trained exactly as the playground trained


# ---------------------------------------------------------------- presets and their lessons
@pytest.mark.parametrize("name", list(PRESETS))
def test_each_preset_loads(name):
    p = live()
    p.controls["preset"].value = name
    assert p.state.config == preset_config(name) and p.state.epoch == 0
    assert p.controls["figure"].value


def test_preset_too_high_learning_rate_diverges_gracefully():
    p = live(preset="too-high learning rate diverges")
    for _ in range(30):
        p.train_chunk()
        if p.state.stopped:
            break
    s = p.state
    assert s.stopped == "diverged" and not p.running
    assert s.history["loss"][-1] > 100 * s.history["loss"][0]        # it rose before it blew up
    assert np.all([np.all(np.isfinite(W)) for W, _ in s.model.params])
    assert "diverged" in p.controls["message"].value
    assert p.controls["figure"].value                                 # the figure still draws
    assert p.state.step(5) == 0                                       # nothing more until Reset
    p.controls["reset"].click()
    assert p.state.stopped is None and p.state.epoch == 0


def test_preset_l1_kills_useless_features():
    s = PlaygroundState(preset_config("L1 kills useless features"))
    s.step(100)
    size = np.abs(s.model.layers[0].W).sum(axis=1)        # total weight leaving each input feature
    useful = size[:2].min()
    assert useful > 0.1 and size[2:].max() < 0.1 * useful


def test_presets_feature_replaces_a_layer_and_circle_needs_squares():
    xor = PlaygroundState(preset_config("the right feature replaces a layer"))
    xor.step(30)
    assert xor.accuracy() >= 0.95
    flat = PlaygroundState(preset_config("circle without a hidden layer fails"))
    squares = PlaygroundState(preset_config("squares make the circle linear"))
    flat.step(100)
    squares.step(100)
    assert flat.accuracy() < 0.75 and squares.accuracy() >= 0.95


def test_preset_spiral_needs_depth():
    deep = PlaygroundState(preset_config("spiral needs depth"))
    shallow = PlaygroundState(preset_config("spiral with one layer struggles"))
    deep.step(200)
    shallow.step(200)
    assert deep.accuracy() > shallow.accuracy() + 0.08


def test_preset_early_stopping_stops_and_restores_the_best_weights():
    s = PlaygroundState(preset_config("noise, few points: early stopping"))
    s.step(500)
    assert s.stopped == "early stopping" and s.epoch < 500
    best = int(re.search(r"weights of epoch (\d+)", s.message).group(1))
    assert s.model.evaluate(s.F_test, s.T_test, "mse") == pytest.approx(min(s.history["val_loss"][1:]))
    assert best < s.epoch


# ---------------------------------------------------------------- the static website
def test_static_player_has_frames_per_run_and_no_external_references():
    p = Playground(static_presets=["the right feature replaces a layer"], record_epochs=(0, 1, 5, 20))
    html = p.player_html(mode="full")
    frames = re.findall(r'<img (?:src|data-src)="data:image/png;base64,([A-Za-z0-9+/=]+)" data-run="(\d)" '
                        r'data-frame="(\d+)"', html)
    assert len(frames) == 8 and {run for _, run, _ in frames} == {"0", "1"}
    assert all(base64.b64decode(data).startswith(b"\x89PNG") for data, _, _ in frames)
    assert len({data for data, _, _ in frames}) == 8                     # training changes the picture
    assert 'type="range"' in html and "<select" in html and "the right feature replaces a layer" in html
    assert "http://" not in html and "https://" not in html and "<script src" not in html
    assert p.state.config.state_string() in html


def test_only_the_first_frame_is_loaded_with_the_page_and_the_slider_announces_the_epoch():
    p = Playground(static_presets=["the right feature replaces a layer"], record_epochs=(0, 1, 5, 20))
    html = p.player_html(mode="full")
    eager = re.findall(r'<img src="data:[^"]*" data-run="(\d)" data-frame="(\d+)"[^>]*>', html)
    assert eager == [("0", "3")]                        # this configuration's last recorded epoch
    assert 'aria-valuetext="20"' in html and 'aria-live="polite"' in html
    assert "color:#" not in html                        # colours from the page: readable in dark mode


def test_full_static_player_stays_under_the_frame_budget():
    html = Playground().player_html(mode="full")
    pngs = [base64.b64decode(d) for d in re.findall(r'base64,([A-Za-z0-9+/=]+)"', html)]
    assert sum(map(len, pngs)) <= MAX_BYTES
    assert len(pngs) >= 20                              # at least two recorded runs of 10 frames


def test_a_kernel_records_no_run(monkeypatch):
    monkeypatch.delenv("NNLIB_PLAYER", raising=False)   # Jupyter, Colab
    module = sys.modules[Playground.__module__]     # nnlib.widgets.playground (the name is also a function)

    def fail(*args, **kwargs):
        raise AssertionError("a kernel must not record the static player's runs")

    monkeypatch.setattr(module, "recorded_runs", fail)
    p = Playground()
    bundle = p._repr_mimebundle_()
    shown = re.findall(r'base64,([A-Za-z0-9+/=]+)"', bundle["text/html"])
    assert [base64.b64decode(d) for d in shown] == [p._live_png]   # the live figure's picture


def test_mimebundle_has_the_widget_view_and_the_player(monkeypatch):
    monkeypatch.setenv("NNLIB_PLAYER", "full")          # as in the book's build
    p = Playground(static_presets=[], record_epochs=(0, 2))
    bundle = p._repr_mimebundle_()
    assert set(bundle) == {WIDGET_VIEW_MIME, "text/html", "text/plain"}
    assert bundle[WIDGET_VIEW_MIME]["model_id"] == p.widget().model_id
    assert bundle["text/html"].count("<img") == 2
    only_html = p._repr_mimebundle_(exclude={WIDGET_VIEW_MIME})
    assert WIDGET_VIEW_MIME not in only_html and "text/html" in only_html
    assert p.player_html(mode="first").count("<img") == 1


def test_a_chapters_playgrounds_record_each_preset_once(monkeypatch):
    import nnlib.widgets.playground_player as player

    monkeypatch.setattr(player, "_recorded", {})
    calls = []
    original = player.record_run
    monkeypatch.setattr(player, "record_run", lambda config, title, *a: (calls.append(title), original(config, title, *a))[1])
    presets = ["the right feature replaces a layer"]
    first = player.recorded_runs(preset_config("spiral needs depth"), presets, epochs=(0, 2))
    second = player.recorded_runs(preset_config("L1 kills useless features"), presets, epochs=(0, 2))
    assert calls == ["this configuration", "preset: the right feature replaces a layer", "this configuration"]
    assert first[1]["frames"] is second[1]["frames"] and first[0]["frames"] != second[0]["frames"]
    assert [r["title"] for r in second] == ["this configuration", "preset: the right feature replaces a layer"]
