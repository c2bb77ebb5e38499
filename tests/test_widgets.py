"""Tests for nnlib.widgets: the live widget, the static HTML player, the neuron explorer."""
import base64
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from nnlib.widgets import Choice, Explorer, Slider, Toggle, neuron_explorer
from nnlib.widgets.explorer import WIDGET_VIEW_MIME

REPO = Path(__file__).resolve().parents[1]
IMG = re.compile(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" data-keys="([^"]*)"')


def images(html):
    """[(png bytes, [keys])] for every <img> frame of a player."""
    return [(base64.b64decode(data), keys.split()) for data, keys in IMG.findall(html)]


@pytest.fixture(scope="module")
def neuron():
    explorer = neuron_explorer()
    return explorer, explorer.player_html(mode="full")


def tiny_explorer(**kwargs):
    """A small explorer: a line y = a·x with slope a; optionally shown dashed."""
    def setup(fig):
        ax = fig.add_subplot()
        ax.set(xlim=(-1, 1), ylim=(-3, 3))
        (line,) = ax.plot([], [])
        return {"line": line, "title": ax.set_title("")}

    def draw(state, a, dashed):
        state["line"].set_data([-1, 1], [-a, a])
        state["line"].set_linestyle("--" if dashed else "-")
        state["title"].set_text(f"y = {a:g} x")

    controls = {"a": Slider(-2, 2, 1, 1, label="a"), "dashed": Toggle(False, label="dashed")}
    return Explorer(controls, draw, setup, title="a line", figsize=(3, 2), dpi=40, **kwargs)


# ---------------------------------------------------------------- one output, three renderers
def test_mimebundle_has_widget_view_html_and_text(neuron):
    explorer, _ = neuron
    bundle = explorer._repr_mimebundle_()
    assert set(bundle) == {WIDGET_VIEW_MIME, "text/html", "text/plain"}
    view = bundle[WIDGET_VIEW_MIME]
    assert view["version_major"] == 2 and view["version_minor"] == 0
    assert view["model_id"] == explorer.widget().model_id
    assert view["model_id"]  # a real comm id, not empty
    assert '<img src="data:image/png;base64,' in bundle["text/html"]


def test_mimebundle_respects_exclude():
    explorer = tiny_explorer()
    bundle = explorer._repr_mimebundle_(exclude=[WIDGET_VIEW_MIME])
    assert set(bundle) == {"text/html", "text/plain"}


# ---------------------------------------------------------------- live version
def test_moving_controls_updates_the_artists():
    explorer = neuron_explorer()
    explorer.widget()
    state = explorer.state
    line_before = np.array(state["line"].get_ydata(), dtype=float)
    image_before = np.array(state["image"].get_array())
    text_before = state["text"].get_text()
    assert "w1·x1 + w2·x2 + b" in text_before and "sigmoid" in text_before

    explorer.inputs["w1"].value = 2.5
    assert not np.allclose(np.array(state["line"].get_ydata(), dtype=float), line_before)
    assert not np.allclose(np.array(state["image"].get_array()), image_before)
    assert state["text"].get_text() != text_before
    assert "(2.5)" in state["text"].get_text()

    explorer.inputs["activation"].value = "tanh"
    assert "tanh(" in state["text"].get_text()
    assert np.array(state["image"].get_array()).min() < 0  # tanh is negative where z < 0

    explorer.reset()
    assert explorer.inputs["w1"].value == 1.0
    assert state["text"].get_text() == text_before


def test_neuron_computation_and_accuracy_are_right():
    X = np.array([[1.0, 0.0], [-1.0, 0.0], [2.0, 0.0], [-2.0, 1.0]])
    y = np.array([[1.0], [0.0], [0.0], [0.0]])
    explorer = neuron_explorer(X, y, w1=1.0, w2=0.0, b=-0.5, point=(3.0, 1.0))
    explorer.widget()
    text = explorer.state["text"].get_text()
    assert "= 2.50" in text                      # z = 1·3 + 0·1 − 0.5
    assert f"{1 / (1 + np.exp(-2.5)):.3f}" in text  # sigmoid(2.5)
    assert "accuracy on 4 points: 75 %" in text    # x1 > 0.5 is right on 3 of the 4 points
    # w2 = 0: the decision line is vertical at x1 = -b / w1 = 0.5
    assert np.allclose(explorer.state["line"].get_xdata(), [0.5, 0.5])


# ---------------------------------------------------------------- static player
def test_player_has_distinct_frames_for_every_planned_combination(neuron):
    explorer, html = neuron
    imgs = images(html)
    pngs = [png for png, _ in imgs]
    assert all(png.startswith(b"\x89PNG\r\n\x1a\n") for png in pngs)
    assert len(set(pngs)) == len(pngs)  # no picture stored twice
    keys = [k for _, ks in imgs for k in ks]
    assert len(keys) == len(set(keys)) == len(explorer.frames())
    # one control at a time around the defaults: 1 + (7-1) + (7-1) + (9-1) + (5-1) frames
    sweeps = [len(v) for v in explorer._sweeps.values()]
    assert sweeps == [7, 7, 9, 5]
    assert len(explorer.frames()) == 1 + sum(n - 1 for n in sweeps)
    assert len(pngs) >= 20


def test_first_frame_is_the_default_view_with_alt_text(neuron):
    explorer, html = neuron
    first = re.search(r"<img [^>]*>", html).group(0)
    assert "display:none" not in first
    assert 'alt="A single neuron' in first and "w1 = 1, w2 = -1, b = 0, activation = sigmoid" in first
    assert html.count("display:none") == len(images(html)) - 1
    assert "Colab" in html and "live version" in html  # the default caption


def test_frame_for_another_w1_shows_another_picture(neuron):
    explorer, html = neuron
    by_key = {k: png for png, keys in images(html) for k in keys}
    w1_values = explorer._sweeps["w1"]
    default = [str(v.index(d)) for v, d in zip(explorer._sweeps.values(), explorer.defaults().values())]
    moved = list(default)
    moved[0] = str(w1_values.index(2.0))
    assert by_key[",".join(moved)] != by_key[",".join(default)]


def test_player_is_small_and_self_contained(neuron):
    explorer, html = neuron
    assert len(html.encode("utf-8")) <= explorer.max_bytes == 2_500_000
    assert "http://" not in html and "https://" not in html
    assert re.search(r"<script[^>]*\ssrc=", html) is None
    assert re.search(r"<link\b", html) is None


def test_two_players_on_one_page_have_unique_ids(neuron):
    explorer, html = neuron
    again = explorer.player_html(mode="full")  # the same explorer shown twice
    other = tiny_explorer().player_html(mode="full")
    ids = re.findall(r'\sid="([^"]+)"', html + again + other)
    assert len(ids) == len(set(ids)) > 3
    for page in (html, again, other):  # each script looks up its own root
        root = re.search(r'<div id="([^"]+)"', page).group(1)
        assert f'document.getElementById("{root}")' in page


def test_small_product_is_computed_in_full():
    explorer = tiny_explorer()
    frames = explorer.frames()
    assert explorer._sweeps == {"a": [-2, -1, 0, 1, 2], "dashed": [False, True]}
    combos = {(f.values["a"], f.values["dashed"]) for f in frames}
    assert combos == {(a, d) for a in range(-2, 3) for d in (False, True)}


def test_large_product_uses_one_control_at_a_time():
    explorer = tiny_explorer(max_frames=9)  # 10 combinations > 9
    combos = {(f.values["a"], f.values["dashed"]) for f in explorer.frames()}
    assert combos == {(a, False) for a in range(-2, 3)} | {(1, True)}


def test_size_cap_thins_the_sweeps():
    roomy = neuron_explorer().player_html(mode="full")
    capped = neuron_explorer()
    capped.max_bytes = len(roomy) // 2
    html = capped.player_html(mode="full")
    assert len(html.encode("utf-8")) <= capped.max_bytes
    assert 1 < len(images(html)) < len(images(roomy))


def test_first_only_mode_keeps_one_frame(neuron):
    explorer, _ = neuron
    html = explorer.player_html(mode="first")
    assert len(images(html)) == 1


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the player's script")
def test_player_script_switches_frames(tmp_path):
    """Run the player's JavaScript against a minimal fake DOM and move its controls."""
    explorer = tiny_explorer(max_frames=9)  # one control at a time only
    html = explorer.player_html(mode="full")
    root_id = re.search(r'<div id="([^"]+)"', html).group(1)
    script = re.search(r"<script>(.*)</script>", html, re.S).group(1)
    imgs = [keys for _, keys in IMG.findall(html)]
    controls = re.findall(r'<(?:input|select) [^>]*id="([^"]+)" data-control="(\d+)"', html)
    fake_dom = """
    function el(attrs) { return {attrs: attrs, style: {}, value: attrs.value || "0", textContent: "",
      id: attrs.id, handlers: {}, getAttribute: function (k) { return this.attrs[k]; },
      addEventListener: function (t, f) { this.handlers[t] = f; }}; }
    var imgs = IMGS.map(function (k) { return el({"data-keys": k}); });
    var controls = CONTROLS.map(function (c) { return el({id: c[0], "data-control": c[1]}); });
    var byId = {"#ROOT-shown": el({})};
    controls.forEach(function (c) { byId["#" + c.id + "-value"] = el({}); });
    var root = {querySelectorAll: function (s) { return s === "img[data-keys]" ? imgs : controls; },
                querySelector: function (s) { return byId[s] || null; }};
    var document = {getElementById: function (id) { return id === "ROOT" ? root : null; }};
    """.replace("IMGS", json.dumps(imgs)).replace("CONTROLS", json.dumps(controls)).replace("ROOT", root_id)
    scenario = """
    function move(c, v) { controls[c].value = String(v); controls[c].handlers["input"](); }
    function visible() { return imgs.filter(function (i) { return i.style.display !== "none"; })
                                    .map(function (i) { return i.attrs["data-keys"]; }); }
    var out = [];
    move(0, 4); out.push([visible(), byId["#ROOT-shown"].textContent]);  // a = 2, dashed off
    move(1, 1); out.push([visible(), byId["#ROOT-shown"].textContent]);  // a = 2 and dashed: not computed
    console.log(JSON.stringify(out));
    """.replace("ROOT", root_id)
    path = tmp_path / "player.js"
    path.write_text(fake_dom + script + scenario)
    result = json.loads(subprocess.run(["node", str(path)], capture_output=True, text=True,
                                       check=True).stdout)
    (shown1, text1), (shown2, text2) = result
    assert shown1 == ["4,0"] and "a = 2, dashed = False" in text1 and "not precomputed" not in text1
    # the exact combination is missing, so the frame of the control moved last is shown
    assert shown2 == ["3,1"] and "a = 1, dashed = True" in text2 and "not precomputed" in text2


# ---------------------------------------------------------------- bad specifications
@pytest.mark.parametrize("make, word", [
    (lambda: Slider(1, 0, 0.1, 0.5), "min"),
    (lambda: Slider(0, 0, 0.1, 0.0), "min"),
    (lambda: Slider(0, 1, 0.1, 2.0), "value"),
    (lambda: Slider(0, 1, 0.0, 0.5), "step"),
    (lambda: Choice([], None), "options"),
    (lambda: Choice(["a", "b"], "c"), "value"),
    (lambda: Toggle("yes"), "value"),
    (lambda: neuron_explorer(activation="softplus"), "activation"),
    (lambda: neuron_explorer(w1=10.0), "w1"),
    (lambda: neuron_explorer(b=-9.0), "b"),
    (lambda: neuron_explorer(X=np.zeros((5, 3)), y=np.zeros((5, 1))), "X"),
    (lambda: Explorer({"a": 3}, print, print), "controls"),
])
def test_bad_specifications_raise_value_error_naming_the_argument(make, word):
    with pytest.raises(ValueError, match=word):
        make()


# ---------------------------------------------------------------- a real kernel
def test_notebook_output_has_html_and_widget_view(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(f"import sys; sys.path.insert(0, {str(REPO)!r})"),
        nbformat.v4.new_code_cell("from nnlib.widgets import neuron_explorer\nneuron_explorer()"),
    ]
    client = nbclient.NotebookClient(nb, kernel_name="python3", timeout=180,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = [o for o in nb.cells[1].outputs if o.output_type == "execute_result"]
    assert len(outputs) == 1, nb.cells[1].outputs
    data = outputs[0]["data"]
    assert "text/html" in data and WIDGET_VIEW_MIME in data
    assert data[WIDGET_VIEW_MIME]["model_id"]
    assert len(images(data["text/html"])) >= 20
