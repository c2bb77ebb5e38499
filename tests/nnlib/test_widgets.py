"""Tests for nnlib.widgets: the live widget, the static HTML player, the neuron explorer."""
import ast
import base64
import importlib.util
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from coursetools import ROOT
from nnlib.widgets import Choice, Explorer, Slider, Toggle, neuron_explorer
from nnlib.widgets.explorer import FRAME_SCALE, WIDGET_VIEW_MIME, player_mode, png_size, set_tooltip

IMG = re.compile(r'<img (?:src|data-src)="data:image/png;base64,([A-Za-z0-9+/=]+)" data-keys="([^"]*)"')


def load_players_extension():
    """_ext/players.py, the book's Sphinx extension (imported from its file)."""
    spec = importlib.util.spec_from_file_location("players_ext", ROOT / "_ext" / "players.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
    kwargs = {"figsize": (3, 2), "dpi": 40, **kwargs}
    return Explorer(controls, draw, setup, title="a line", **kwargs)


# ---------------------------------------------------------------- one output, three renderers
def test_mimebundle_has_widget_view_html_and_text(monkeypatch):
    monkeypatch.delenv("NNLIB_PLAYER", raising=False)
    explorer = neuron_explorer()
    bundle = explorer._repr_mimebundle_()
    assert set(bundle) == {WIDGET_VIEW_MIME, "text/html", "text/plain"}
    view = bundle[WIDGET_VIEW_MIME]
    assert view["version_major"] == 2 and view["version_minor"] == 0
    assert view["model_id"] == explorer.widget().model_id
    assert view["model_id"]  # a real comm id, not empty
    # in a kernel the text/html part repeats the live figure's picture
    assert bundle["text/html"].count('<img src="data:image/png;base64,') == 1


# ---------------------------------------------------------------- frames only when the book is built
def test_a_kernel_renders_no_static_frame(monkeypatch):
    """Jupyter and Colab (NNLIB_PLAYER unset) draw the live figure and no frame of the player."""
    monkeypatch.delenv("NNLIB_PLAYER", raising=False)
    assert player_mode() == "live"
    explorer = neuron_explorer()
    drawn = []
    original = explorer.draw
    explorer.draw = lambda state, **values: (drawn.append(state), original(state, **values))
    bundle = explorer._repr_mimebundle_()
    assert explorer.frames_rendered == 0 and explorer._static is None
    assert drawn == [explorer.state]          # one draw: the live figure's
    assert len(images(bundle["text/html"])) == 1


def test_without_the_widget_view_a_kernel_still_renders_nothing(monkeypatch):
    monkeypatch.delenv("NNLIB_PLAYER", raising=False)
    explorer = tiny_explorer()
    bundle = explorer._repr_mimebundle_(exclude=[WIDGET_VIEW_MIME])
    assert explorer.frames_rendered == 0
    assert "<img" not in bundle["text/html"] and "Jupyter or Colab" in bundle["text/html"]


def test_the_build_renders_every_frame(monkeypatch):
    monkeypatch.setenv("NNLIB_PLAYER", "full")     # what _ext/players.py sets for the book's kernels
    explorer = tiny_explorer()
    html = explorer._repr_mimebundle_(exclude=[WIDGET_VIEW_MIME])["text/html"]
    assert explorer.frames_rendered == len(explorer.frames()) == len(images(html)) == 10


def test_a_bad_player_mode_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("NNLIB_PLAYER", "everything")
    with pytest.raises(ValueError, match="NNLIB_PLAYER"):
        player_mode()
    with pytest.raises(ValueError, match="mode"):
        tiny_explorer().player_html(mode="some")


def test_the_books_extension_tells_the_kernels_to_render_frames(monkeypatch):
    monkeypatch.setenv("NNLIB_PLAYER", "")      # restored (unset) after the test
    monkeypatch.delenv("NNLIB_PLAYER")
    ext = load_players_extension()

    class App:
        def __init__(self):
            self.events, self.css = [], []

        def connect(self, event, handler, priority=500):
            self.events.append(event)

        def add_css_file(self, name):
            self.css.append(name)

    app = App()
    ext.setup(app)
    import os
    assert os.environ["NNLIB_PLAYER"] == "full"   # inherited by the kernels myst-nb starts
    assert "html-page-context" in app.events and app.css == [ext.CSS_FILE]


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
    # every (w1, w2) pair, then b and the activation one at a time: 7·7 + (9-1) + (5-1) frames
    sweeps = [len(v) for v in explorer._sweeps.values()]
    assert sweeps == [7, 7, 9, 5] and explorer._group == ["w1", "w2"]
    assert len(explorer.frames()) == 7 * 7 + (9 - 1) + (5 - 1)
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
    assert sum(len(f.png) for f in explorer.frames()) <= explorer.max_bytes
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
    roomy = tiny_explorer(max_frames=9)
    roomy.frames()
    capped = tiny_explorer(max_frames=9)
    capped.max_bytes = sum(len(f.png) for f in roomy.frames()) // 2
    assert sum(len(f.png) for f in capped.frames()) <= capped.max_bytes
    assert 1 < len(capped.frames()) < len(roomy.frames())


def test_first_only_mode_keeps_one_frame(neuron):
    explorer, _ = neuron
    html = explorer.player_html(mode="first")
    assert len(images(html)) == 1


FAKE_DOM = """
function el(attrs) { return {attrs: attrs, style: {}, value: attrs.value || "0", textContent: "", type: attrs.type,
  id: attrs.id, handlers: {}, getAttribute: function (k) { return this.attrs[k] === undefined ? null : this.attrs[k]; },
  setAttribute: function (k, v) { this.attrs[k] = v; },
  addEventListener: function (t, f) { this.handlers[t] = f; }, removeEventListener: function () {}}; }
var imgs = IMGS.map(function (a) { var i = el(a); if (a.hidden) i.style.display = "none"; return i; });
var controls = CONTROLS.map(function (c) { return el({id: c[0], "data-control": c[1], type: c[2], value: c[3]}); });
var byId = {"#ROOT-shown": el({}), "#ROOT-note": el({})};
controls.forEach(function (c) { c.value = c.attrs.value; byId["#" + c.id + "-value"] = el({}); });
var window = {addEventListener: function () {}};
var root = {querySelectorAll: function (s) { return s.indexOf("img") === 0 ? imgs : controls; },
            querySelector: function (s) { return byId[s] || null; },
            addEventListener: function () {}, removeEventListener: function () {}};
var document = {getElementById: function (id) { return id === "ROOT" ? root : null; }};
function move(c, v) { controls[c].value = String(v); controls[c].handlers["input"](); }
function visible() { return imgs.filter(function (i) { return i.style.display !== "none"; })
                                .map(function (i) { return i.attrs["data-keys"]; }); }
function state() { return {shown: visible(), controls: controls.map(function (c) { return c.value; }),
  valuetext: controls.map(function (c) { return c.attrs["aria-valuetext"] || null; }),
  loaded: imgs.filter(function (i) { return i.attrs.src; }).map(function (i) { return i.attrs["data-keys"]; }),
  text: byId["#ROOT-shown"].textContent, note: byId["#ROOT-note"].textContent}; }
"""


def run_player_script(html, scenario):
    """Run a player's script against a minimal fake DOM (node), then `scenario`; returns its JSON."""
    root_id = re.search(r'<div id="([^"]+)"', html).group(1)
    script = re.search(r"<script>(.*)</script>", html, re.S).group(1)
    imgs = []
    for tag in re.findall(r"<img [^>]*>", html):
        attrs = {"data-keys": re.search(r'data-keys="([^"]*)"', tag).group(1)}
        if ' src="' in tag:
            attrs["src"] = "yes"
        if "display:none" in tag:
            attrs["hidden"] = True
        attrs["data-src"] = "lazy"
        imgs.append(attrs)
    controls = [list(m) for m in re.findall(
        r'<(?:input type="(range)"|select()) id="([^"]+)" data-control="(\d+)"(?:[^>]* value="(\d+)")?', html)]
    controls = [[cid, c, kind or "select-one", value or "0"] for kind, _, cid, c, value in controls]
    dom = (FAKE_DOM.replace("IMGS", json.dumps(imgs)).replace("CONTROLS", json.dumps(controls))
           .replace("ROOT", root_id))
    out = subprocess.run(["node", "-e", dom + script + scenario.replace("ROOT", root_id)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the player's script")
def test_player_script_resets_the_other_controls_when_frames_are_one_at_a_time():
    explorer = tiny_explorer(max_frames=9)  # 10 combinations > 9: one control at a time
    html = explorer.player_html(mode="full")
    assert explorer._group == [] and "one control at a time" in html
    first, moved, both, back = run_player_script(html, """
    var out = [state()];
    move(0, 4); out.push(state());   // a = 2, dashed off
    move(1, 1); out.push(state());   // dashed on: a goes back to its default
    move(0, 0); out.push(state());   // a = -2: dashed goes back to off
    console.log(JSON.stringify(out));
    """)
    assert first["shown"] == ["3,0"] and first["loaded"] == ["3,0"]   # only the default frame loaded
    assert moved["shown"] == ["4,0"] and "a = 2, dashed = False" in moved["text"] and moved["note"] == ""
    assert moved["valuetext"][0] == "2"                                # the slider announces its value
    assert "4,0" in moved["loaded"] and "0,0" in moved["loaded"]     # the frames along a, loaded on use
    assert both["shown"] == ["3,1"] and both["controls"] == ["3", "1"] and both["valuetext"][0] == "1"
    assert "a = 1, dashed = True" in both["text"] and "a is back at the default" in both["note"]
    assert back["shown"] == ["0,0"] and back["controls"] == ["0", "0"] and "dashed is back" in back["note"]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the player's script")
def test_player_script_combines_controls_when_every_combination_is_computed():
    explorer = tiny_explorer()
    html = explorer.player_html(mode="full")
    assert explorer._group == ["a", "dashed"] and "This preview has pictures" not in html
    (both,) = run_player_script(html, """
    move(0, 4); move(1, 1); console.log(JSON.stringify([state()]));
    """)
    assert both["shown"] == ["4,1"] and both["controls"] == ["4", "1"] and both["note"] == ""
    assert "a = 2, dashed = True" in both["text"]


def three_controls(**kwargs):
    """tiny_explorer plus a line width: 5 x 2 x 3 = 30 combinations."""
    def setup(fig):
        ax = fig.add_subplot()
        ax.set(xlim=(-1, 1), ylim=(-3, 3))
        (line,) = ax.plot([], [])
        return {"line": line}

    def draw(state, a, dashed, width):
        state["line"].set_data([-1, 1], [-a, a])
        state["line"].set_linestyle("--" if dashed else "-")
        state["line"].set_linewidth(width)

    controls = {"a": Slider(-2, 2, 1, 1, label="a"), "dashed": Toggle(False, label="dashed"),
                "width": Slider(1, 3, 1, 1, label="width")}
    return Explorer(controls, draw, setup, title="a line", figsize=(3, 2), dpi=40, **kwargs)


def test_a_combined_group_has_every_combination_and_the_rest_one_at_a_time():
    explorer = three_controls(max_frames=12, combine=("dashed", "a"))   # 30 > 12 >= 10
    frames = explorer.frames()
    assert explorer._group == ["a", "dashed"]                           # in the controls' order
    combos = {(f.values["a"], f.values["dashed"], f.values["width"]) for f in frames}
    assert combos == {(a, d, 1) for a in range(-2, 3) for d in (False, True)} | {(1, False, 2), (1, False, 3)}
    html = explorer.player_html(mode="full")
    assert "every combination of a and dashed" in html
    assert_controls_match_frames(explorer, html)
    with pytest.raises(ValueError, match="combine"):
        three_controls(combine=("a", "colour"))


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the player's script")
def test_player_script_keeps_the_combined_group_and_resets_the_others():
    explorer = three_controls(max_frames=12, combine=("a", "dashed"))
    html = explorer.player_html(mode="full")
    width, a, dashed, a_again = run_player_script(html, """
    var out = [];
    move(2, 2); out.push(state());   // width = 3
    move(0, 4); out.push(state());   // a = 2: width goes back to 1 (a is in the group, width is not)
    move(1, 1); out.push(state());   // dashed on: a stays at 2 (same group)
    move(2, 1); move(0, 0); out.push(state());   // width = 2 resets a and dashed; then a = -2 resets width
    console.log(JSON.stringify(out));
    """)
    assert width["shown"] == ["3,0,2"] and width["note"] == ""
    assert a["shown"] == ["4,0,0"] and "width is back at the default" in a["note"]
    assert dashed["shown"] == ["4,1,0"] and dashed["controls"] == ["4", "1", "0"] and dashed["note"] == ""
    assert a_again["shown"] == ["0,0,0"] and "width is back" in a_again["note"]


def reachable_keys(explorer):
    """The control index tuples a reader can reach in the static player: any combination of the
    combined group's values with the others at their defaults, or one other control moved."""
    import itertools

    names, sweeps = list(explorer.controls), list(explorer._sweeps.values())
    default = [v.index(d) for v, d in zip(sweeps, explorer.defaults().values())]
    group = [names.index(n) for n in explorer._group]
    keys = set()
    for combo in itertools.product(*(range(len(sweeps[c])) for c in group)):
        ix = list(default)
        for c, j in zip(group, combo):
            ix[c] = j
        keys.add(",".join(map(str, ix)))
    for c, values in enumerate(sweeps):  # moving any control c alone (the others at their defaults)
        for j in range(len(values)):
            ix = list(default)
            ix[c] = j
            keys.add(",".join(map(str, ix)))
    return keys


def assert_controls_match_frames(explorer, html):
    """Every combination of control values a reader can reach has a frame, and each frame is
    the picture drawn for the values its keys stand for."""
    keys = {k for tag in re.findall(r"<img [^>]*>", html)
            for k in re.search(r'data-keys="([^"]*)"', tag).group(1).split()}
    missing = reachable_keys(explorer) - keys
    assert not missing, f"no frame for control indices {sorted(missing)[:5]}"
    sweeps = list(explorer._sweeps.values())
    for png, ks in images(html):
        for key in ks:
            values = {n: v[int(j)] for n, v, j in zip(explorer.controls, sweeps, key.split(","))}
            assert explorer._render(values) == png, f"frame {key} is not the picture for {values}"


def test_every_reachable_combination_has_a_frame(neuron):
    explorer, html = neuron
    assert explorer._group == ["w1", "w2"]   # 2205 combinations: the pair (w1, w2), the rest one at a time
    assert_controls_match_frames(explorer, html)
    small = tiny_explorer()
    assert_controls_match_frames(small, small.player_html(mode="full"))


def test_frames_are_sharp_and_sized_in_css_pixels(neuron):
    explorer, html = neuron
    tag = re.search(r"<img [^>]*>", html).group(0)
    width, height = int(re.search(r'width="(\d+)"', tag).group(1)), int(re.search(r'height="(\d+)"', tag).group(1))
    png = explorer.frames()[0].png
    assert png_size(png) == (FRAME_SCALE * width, FRAME_SCALE * height) == (2 * 720, 2 * 315)


def test_player_is_accessible(neuron):
    explorer, html = neuron
    for cid in re.findall(r'<(?:input|select) [^>]*id="([^"]+)"', html):
        assert f'<label for="{cid}"' in html                           # every control has a label
    assert all("aria-valuetext=" in tag for tag in re.findall(r'<input type="range"[^>]*>', html))
    assert re.search(r'aria-live="polite"><span id="[^"]+-shown">Showing ', html)
    assert "color:#" not in html            # colours come from the page (readable in dark mode)


# ---------------------------------------------------------------- frames as files in the book
def test_the_build_moves_frames_into_files(neuron, tmp_path):
    explorer, html = neuron
    ext = load_players_extension()
    page = "<p>before</p>" + html + '<img src="data:image/png;base64,iVBORw0KGgo=" alt="not a player">'
    body, moved = ext.extract_frames(page, str(tmp_path), lambda name: "../../" + name)
    assert moved == len(images(html)) >= 20
    assert "data:image/png;base64,iVBORw0KGgo=" in body            # other images are left alone
    assert body.count("base64,") == 1                               # no frame inlined any more
    assert len(body) < 40_000 < len(html)
    tags = re.findall(r"<img [^>]*data-keys[^>]*>", body)
    eager = [t for t in tags if re.search(r'\ssrc="', t)]
    assert len(eager) == 1 and "display:none" not in eager[0]      # the default frame, loaded with the page
    pngs = {png for png, _ in images(html)}
    for tag in tags:
        url = re.search(r'(?:src|data-src)="([^"]+)"', tag).group(1)
        assert url.startswith("../../_players/") and url.endswith(".png")
        assert (tmp_path / url[len("../../"):]).read_bytes() in pngs  # the file is the frame
    assert len(list((tmp_path / "_players").iterdir())) == len(pngs)


# ---------------------------------------------------------------- ipywidgets 7.7 (Colab) and 8
# Keyword arguments each widget class accepts in ipywidgets 7.7.1 (its traits, minus internals).
IPYWIDGETS_77 = {
    "Button": "button_style description disabled icon layout style tooltip",
    "BoundedIntText": "continuous_update description description_tooltip disabled layout max min step style value",
    "Checkbox": "description description_tooltip disabled indent layout style value",
    "Dropdown": "description description_tooltip disabled index label layout options style value",
    "FloatSlider": "continuous_update description description_tooltip disabled layout max min orientation "
                   "readout readout_format step style value",
    "IntSlider": "continuous_update description description_tooltip disabled layout max min orientation "
                 "readout readout_format step style value",
    "FloatText": "continuous_update description description_tooltip disabled layout step style value",
    "HBox": "box_style children layout",
    "VBox": "box_style children layout",
    "HTML": "description description_tooltip layout placeholder style value",
    "Image": "format height layout value width",
    "Output": "layout msg_id outputs",
    "Text": "continuous_update description description_tooltip disabled layout placeholder style value",
    "Textarea": "continuous_update description description_tooltip disabled layout placeholder rows style value",
    "ToggleButtons": "button_style description description_tooltip disabled icons index label layout options "
                     "style tooltips value",
    "Layout": "border display height margin max_height max_width min_height min_width overflow padding width",
}


def widget_calls():
    """(file, class name, keyword names) for every W.Class(...) call in nnlib/widgets."""
    for path in sorted((ROOT / "nnlib" / "widgets").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "W" \
                    and node.func.attr[:1].isupper() and "import ipywidgets as W" in path.read_text():
                yield path.name, node.func.attr, [k.arg for k in node.keywords if k.arg]


def test_widget_keywords_exist_in_ipywidgets_7_7_and_8():
    import ipywidgets

    calls = list(widget_calls())
    assert len(calls) > 30
    for name, cls, keywords in calls:
        assert cls in IPYWIDGETS_77, f"{name}: W.{cls} is not checked against ipywidgets 7.7; add it"
        for k in keywords:
            assert "tooltip" not in k, f"{name}: W.{cls}({k}=...): use set_tooltip (7.7 and 8 differ)"
            assert k in IPYWIDGETS_77[cls].split(), f"{name}: W.{cls}({k}=...) does not exist in ipywidgets 7.7"
            assert getattr(ipywidgets, cls).class_traits().get(k) is not None, f"{name}: {cls}.{k} not in 8"


def test_set_tooltip_uses_the_trait_the_widget_has():
    import ipywidgets as W

    assert set_tooltip(W.BoundedIntText(), "patience").tooltip == "patience"   # ipywidgets 8

    class Widget77:  # ipywidgets 7.7's BoundedIntText: description_tooltip only
        def has_trait(self, name):
            return name == "description_tooltip"

    assert set_tooltip(Widget77(), "patience").description_tooltip == "patience"

    class NoTooltip:
        def has_trait(self, name):
            return False

    with pytest.raises(ValueError, match="tooltip"):
        set_tooltip(NoTooltip(), "x")


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
def test_notebook_output_has_html_and_widget_view(tmp_path, monkeypatch):
    monkeypatch.delenv("NNLIB_PLAYER", raising=False)   # a kernel as in Jupyter or Colab
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(f"import sys; sys.path.insert(0, {str(ROOT)!r})"),
        nbformat.v4.new_code_cell("from nnlib.widgets import neuron_explorer\nexplorer = neuron_explorer()\nexplorer"),
        nbformat.v4.new_code_cell("print('frames rendered:', explorer.frames_rendered)"),
    ]
    client = nbclient.NotebookClient(nb, kernel_name="python3", timeout=180,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = [o for o in nb.cells[1].outputs if o.output_type == "execute_result"]
    assert len(outputs) == 1, nb.cells[1].outputs
    data = outputs[0]["data"]
    assert "text/html" in data and WIDGET_VIEW_MIME in data
    assert data[WIDGET_VIEW_MIME]["model_id"]
    assert len(images(data["text/html"])) == 1        # a kernel shows the live figure: no frames
    counted = [o for o in nb.cells[2].outputs if o.output_type == "stream"]
    assert "".join(o["text"] for o in counted).strip() == "frames rendered: 0"


# ---------------------------------------------------------------- a real browser
def test_player_in_chromium_loads_frames_on_use_and_never_disagrees_with_its_controls(tmp_path):
    """Frames as files (as in the book), driven with the keyboard in Debian's Chromium: the picture
    shown always has the keys of the controls' values, frames load only when used, axe-core finds
    nothing serious, and on a phone a wide frame scrolls sideways inside the player (focusable)."""
    playwright = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.skip("needs Debian's chromium")
    try:
        from sitetools import axe_findings
    except ImportError:
        axe_findings = None
    ext = load_players_extension()
    cases = [("single", tiny_explorer(max_frames=9), 1280), ("combined", tiny_explorer(), 1280),
             ("phone", tiny_explorer(max_frames=9, figsize=(8, 2), dpi=90), 390)]
    for name, explorer, _ in cases:
        body, _ = ext.extract_frames(explorer.player_html(mode="full"), str(tmp_path), lambda n: n)
        (tmp_path / f"{name}.html").write_text(
            f"<!doctype html><html lang='en'><head><title>{name}</title><meta name='viewport' "
            f"content='width=device-width, initial-scale=1'><style>{ext.CSS}</style></head>"
            f"<body><main><h1>Player</h1>{body}</main></body></html>")
    check = """() => {
      const root = document.querySelector('.nnlib-player');
      const ix = [...root.querySelectorAll('[data-control]')].map(e => e.value).join(',');
      const shown = [...root.querySelectorAll('img')].filter(i => i.style.display !== 'none');
      const box = root.querySelector('.nnlib-player-frames');
      return {ix, keys: shown.map(i => i.dataset.keys), alt: shown.map(i => i.alt).join(),
              text: root.querySelector('[aria-live]').textContent,
              valuetext: root.querySelector('input[type=range]').getAttribute('aria-valuetext'),
              scrolls: box.scrollWidth > box.clientWidth, focusable: box.getAttribute('tabindex') === '0',
              page_width: document.documentElement.scrollWidth};
    }"""
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox"])
        try:
            for name, explorer, width in cases:
                page = browser.new_page(viewport={"width": width, "height": 800})
                requested = []
                page.on("request", lambda r: requested.append(r.url.rsplit("/", 1)[-1]))
                page.goto((tmp_path / f"{name}.html").as_uri())
                page.wait_for_load_state("load")
                assert len([u for u in requested if u.endswith(".png")]) == 1   # the default frame only
                state = page.evaluate(check)
                assert state["scrolls"] == state["focusable"] == (name == "phone"), state
                assert state["page_width"] <= width                            # the page itself never scrolls
                if axe_findings is not None:
                    assert axe_findings(page) == []
                slider, box = page.locator("input[type=range]"), page.locator("select")
                for action in [lambda: slider.focus(), lambda: page.keyboard.press("ArrowRight"),
                               lambda: box.select_option("1"), lambda: slider.focus(),
                               lambda: page.keyboard.press("ArrowLeft"), lambda: page.keyboard.press("Home"),
                               lambda: box.select_option("0"), lambda: page.keyboard.press("End")]:
                    action()
                    page.wait_for_timeout(50)
                    state = page.evaluate(check)
                    assert len(state["keys"]) == 1 and state["ix"] in state["keys"][0].split(), (name, state)
                    a = explorer._sweeps["a"][int(state["ix"].split(",")[0])]
                    assert state["valuetext"] == f"{a:g}" and f"a = {a:g}" in state["text"]
                    assert f"a = {a:g}, dashed = " in state["alt"]              # the alt text follows too
                page.wait_for_function("() => [...document.querySelectorAll('img')].filter("
                                       "i => i.style.display !== 'none').every(i => i.naturalWidth > 0)")
                page.close()
        finally:
            browser.close()


def test_in_the_books_build_a_kernel_renders_frames_and_svg_figures(tmp_path, monkeypatch):
    """NNLIB_PLAYER=full, as _ext/players.py sets it for the build: the player has all its frames
    and the chapter's static matplotlib figures come out as SVG (sharp on phones)."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.setenv("NNLIB_PLAYER", "full")
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
                                  "import matplotlib.pyplot as plt\nimport nnlib.widgets"),
        nbformat.v4.new_code_cell("fig, ax = plt.subplots()\nax.plot([1, 3, 2])\nplt.show()"),
        nbformat.v4.new_code_cell("from nnlib.widgets import batchnorm_comparison\nbatchnorm_comparison()"),
    ]
    client = nbclient.NotebookClient(nb, kernel_name="python3", timeout=300,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    (figure,) = [o for o in nb.cells[1].outputs if o.output_type == "display_data"]
    assert "image/svg+xml" in figure["data"] and "image/png" not in figure["data"]
    assert "<dc:date>" not in figure["data"]["image/svg+xml"]      # the same figure gives the same file
    (player,) = [o for o in nb.cells[2].outputs if o.output_type == "execute_result"]
    assert len(images(player["data"]["text/html"])) == 4           # one frame per learning rate


def test_book_style_outside_a_kernel_changes_only_the_rc(monkeypatch):
    from nnlib.widgets.style import BOOK_RC, use_book_style

    import matplotlib
    monkeypatch.setitem(matplotlib.rcParams, "svg.hashsalt", None)
    assert use_book_style() is False
    assert matplotlib.rcParams["svg.hashsalt"] == BOOK_RC["svg.hashsalt"]
    with pytest.raises(ValueError, match="figure_format"):
        use_book_style("jpeg")


def test_the_extension_counts_frames_a_page_loads_with_itself(neuron):
    explorer, html = neuron
    ext = load_players_extension()
    assert ext.eager_frames(html) == 1                                   # lazy: the default frame only
    old_style = re.sub(r'<img data-src="', '<img src="', html)           # a player from before (all src=)
    assert ext.eager_frames(old_style) == len(images(html)) > 1
