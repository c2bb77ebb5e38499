"""The generic explorer behind every chapter's interactive figure.

An explorer is a matplotlib figure plus a few controls (sliders, drop-downs, check boxes).
A chapter author writes two functions and a dict of controls:

    setup(fig) -> state            create the axes and artists ONCE, return them (a dict, say)
    draw(state, **values)          move the artists to show `values` (set_data, set_array, set_text…)

For example, the curve g(w·z) for a weight w and an activation g:

    import numpy as np
    from nnlib import activations
    from nnlib.widgets import Choice, Explorer, Slider

    z = np.linspace(-5, 5, 201)

    def setup(fig):
        ax = fig.add_subplot()
        ax.set(xlim=(-5, 5), ylim=(-1.1, 1.1), xlabel="z")
        (curve,) = ax.plot(z, 0 * z)
        return {"curve": curve, "title": ax.set_title("")}

    def draw(state, w, name):
        g, _ = activations.get(name)
        state["curve"].set_ydata(g(w * z))
        state["title"].set_text(f"g(w·z) = {name}({w:g}·z)")

    controls = {"w": Slider(-3, 3, 0.1, value=1.0, label="w"),
                "name": Choice(["sigmoid", "tanh"], label="activation")}
    Explorer(controls, draw, setup, title="Scaling the input of g")   # last line of a cell

Displaying the explorer (leaving it as the last expression of a cell) produces one output
that each renderer reads in its own way:

* Jupyter and Colab show the live ipywidgets version: moving a control calls draw(...)
  and shows the updated figure.
* The static book shows an HTML "player": the same controls as HTML <input type=range>
  and <select> elements that switch between PNG frames computed when the page was built.
  The player needs no kernel, no network and no external script.

Frames of the static player: every control is swept over its values with the other controls
at their defaults ("one at a time"); when all combinations together number at most
`max_frames`, every combination is computed as well. Slider sweeps use a coarser step than
the live slider (at most 8 steps by default); if the player would exceed `max_bytes`,
the sweeps are thinned further.
"""
import base64
import hashlib
import html
import io
import itertools
import json
import math
import os
import sys
from dataclasses import dataclass, field

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

DEFAULT_CAPTION = (
    "Static preview: frames computed when this page was built. "
    "The live version runs in Colab or locally (Jupyter)."
)
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
# The book's build replaces this empty marker with a link to the page's notebook in Colab
# (_ext/course_site.py): the link lives in _config.yml, not in nnlib.
LIVE_LINK = '<span class="nnlib-live-link"></span>'

# "Nice" multiples of a slider's step used for the static sweep: 1, 2, 5, 10, 20, 50, ...
_NICE = [k * 10**e for e in range(7) for k in (1, 2, 5)]
_MAX_STATIC_STEPS = 8  # a slider's static sweep has at most 8 steps (9 values) by default


def _is_int(x):
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


def _fmt(v):
    """How a control value is written in the player and in alt text: 1, -0.5, sigmoid, True."""
    if isinstance(v, (float, np.floating)):
        return f"{float(v):g}"
    return str(v)


# ---------------------------------------------------------------- control specifications
@dataclass
class Slider:
    """A number between `min` and `max` in steps of `step`, starting at `value`.

    If min, max, step and value are all integers, the live control is an IntSlider.
    `static_step` (optional) is the step used for the static player's frames; by default
    a round multiple of `step` giving at most 8 steps across the range.
    """

    min: float
    max: float
    step: float
    value: float
    label: str = ""
    static_step: float = None

    def __post_init__(self):
        for name in ("min", "max", "step", "value"):
            x = getattr(self, name)
            if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)) \
                    or not np.isfinite(x):
                raise ValueError(f"Slider {name} must be a finite number; got {x!r}")
        if not self.min < self.max:
            raise ValueError(f"Slider min must be < max; got min={self.min!r}, max={self.max!r}")
        if not self.step > 0:
            raise ValueError(f"Slider step must be > 0; got step={self.step!r}")
        if not self.min <= self.value <= self.max:
            raise ValueError(
                f"Slider value must lie in [min, max] = [{self.min}, {self.max}]; "
                f"got value={self.value!r}"
            )
        if self.static_step is not None and not self.static_step > 0:
            raise ValueError(f"Slider static_step must be > 0; got {self.static_step!r}")

    @property
    def integer(self):
        return all(_is_int(x) for x in (self.min, self.max, self.step, self.value))

    def default(self):
        return self.value

    def static_values(self, thin=0):
        """The values shown by the static player: a regular grid through the default value.

        thin = 0 uses the normal static step; each extra level uses the next round multiple
        (e.g. 0.5 -> 1 -> 2), giving fewer frames."""
        if self.static_step is not None:
            base = self.static_step
            multiples = [1, 2, 5, 10, 20, 50, 100]
            s = base * multiples[min(thin, len(multiples) - 1)]
        else:
            n_steps = (self.max - self.min) / self.step
            i = next(i for i, m in enumerate(_NICE) if n_steps / m <= _MAX_STATIC_STEPS + 1e-9)
            s = self.step * _NICE[min(i + thin, len(_NICE) - 1)]
        lo = math.ceil((self.min - self.value) / s - 1e-9)
        hi = math.floor((self.max - self.value) / s + 1e-9)
        if self.integer:
            return [int(round(self.value + k * s)) for k in range(lo, hi + 1)]
        # k = 0 gives the default exactly; rounding removes float noise such as 0.30000000000000004
        return [self.value if k == 0 else round(float(self.value + k * s), 10)
                for k in range(lo, hi + 1)]

    def make_widget(self):
        import ipywidgets as W

        cls = W.IntSlider if self.integer else W.FloatSlider
        return cls(min=self.min, max=self.max, step=self.step, value=self.value,
                   description=self.label, continuous_update=False)


@dataclass
class Choice:
    """One of a list of `options` (strings or numbers), starting at `value` (default: the first).

    Shown as a drop-down, or as a row of buttons when `buttons=True`."""

    options: list
    value: object = None
    label: str = ""
    buttons: bool = False

    def __post_init__(self):
        self.options = list(self.options)
        if not self.options:
            raise ValueError("Choice options must be a non-empty list")
        if len(set(map(str, self.options))) != len(self.options):
            raise ValueError(f"Choice options must be distinct; got {self.options!r}")
        if self.value is None:
            self.value = self.options[0]
        if self.value not in self.options:
            raise ValueError(f"Choice value must be one of {self.options!r}; got value={self.value!r}")

    def default(self):
        return self.value

    def static_values(self, thin=0):
        return list(self.options)

    def make_widget(self):
        import ipywidgets as W

        cls = W.ToggleButtons if self.buttons else W.Dropdown
        return cls(options=self.options, value=self.value, description=self.label)


@dataclass
class Toggle:
    """On/off (True/False), shown as a check box."""

    value: bool = False
    label: str = ""

    def __post_init__(self):
        if not isinstance(self.value, (bool, np.bool_)):
            raise ValueError(f"Toggle value must be True or False; got value={self.value!r}")
        self.value = bool(self.value)

    def default(self):
        return self.value

    def static_values(self, thin=0):
        return [False, True]

    def make_widget(self):
        import ipywidgets as W

        return W.Checkbox(value=self.value, description=self.label, indent=False)


@dataclass
class Frame:
    """One precomputed picture: the control values it shows and its PNG bytes."""

    values: dict
    png: bytes = field(repr=False)


# ---------------------------------------------------------------- rendering helpers
def new_figure(figsize):
    """A matplotlib Figure that is not managed by pyplot (so it is never shown twice)."""
    fig = Figure(figsize=figsize)
    FigureCanvasAgg(fig)
    return fig


def figure_png(fig, dpi, colors=None):
    """Render `fig` to PNG bytes; with `colors`, reduce to a palette of that many colours
    (about 3x smaller files, indistinguishable for these flat, shaded plots)."""
    if colors is None:
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
        return buf.getvalue()
    from PIL import Image

    old_dpi = fig.dpi
    fig.set_dpi(dpi)
    fig.patch.set_facecolor("white")
    fig.canvas.draw()
    rgb = np.asarray(fig.canvas.buffer_rgba())[..., :3]
    fig.set_dpi(old_dpi)
    image = Image.fromarray(np.ascontiguousarray(rgb)).quantize(
        colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def player_mode():
    """'full' (all frames) or 'first' (first frame only) for the static HTML.

    Set the environment variable NNLIB_PLAYER to choose. In Colab the default is 'first':
    Colab always shows the live widget, so the frames would only cost time."""
    mode = os.environ.get("NNLIB_PLAYER", "").strip().lower()
    if mode in ("full", "first"):
        return mode
    return "first" if "google.colab" in sys.modules else "full"


_player_count = itertools.count(1)


# ---------------------------------------------------------------- the explorer
class Explorer:
    """An interactive figure: `controls` -> `draw(state, **values)` on a figure made by `setup`.

    controls   : dict name -> Slider / Choice / Toggle, in the order they are shown
    draw       : draw(state, **values) updates the artists in place (values by control name)
    setup      : setup(fig) -> state creates the axes and artists once
    title      : a line shown above the figure
    max_frames : the static player computes every combination when there are at most this many
    figsize    : figure size in inches
    dpi        : resolution of the static frames;  live_dpi: of the live figure
    max_bytes  : size cap of the static player's HTML
    caption    : text under the static player
    """

    def __init__(self, controls, draw, setup, title="", max_frames=60, figsize=(8, 3.5),
                 dpi=90, max_bytes=2_500_000, caption=DEFAULT_CAPTION, live_dpi=90):
        if not isinstance(controls, dict) or not controls:
            raise ValueError("controls must be a non-empty dict name -> Slider/Choice/Toggle")
        for name, spec in controls.items():
            if not isinstance(spec, (Slider, Choice, Toggle)):
                raise ValueError(f"controls[{name!r}] must be a Slider, Choice or Toggle; got {spec!r}")
            if not spec.label:
                spec.label = name
        if not callable(draw) or not callable(setup):
            raise ValueError("draw and setup must be functions")
        if not _is_int(max_frames) or max_frames < 1:
            raise ValueError(f"max_frames must be an integer >= 1; got {max_frames!r}")
        self.controls = dict(controls)
        self.draw = draw
        self.setup = setup
        self.title = title
        self.max_frames = max_frames
        self.figsize = figsize
        self.dpi = dpi
        self.live_dpi = live_dpi
        self.max_bytes = max_bytes
        self.caption = caption
        self._frames = None      # cached list of Frame
        self._sweeps = None      # name -> list of static values used by the frames
        self._png_cache = {}     # tuple of values -> PNG bytes
        self._static = None      # (figure, state) used to render the static frames
        self._box = None         # the live VBox, built by widget()
        self.inputs = {}         # name -> ipywidgets control (after widget())
        self.figure = None       # the live figure (after widget())
        self.state = None        # what setup returned for the live figure (after widget())

    # ---------------------------------------------------------- values
    def defaults(self):
        """{name: default value} for every control."""
        return {name: spec.default() for name, spec in self.controls.items()}

    def values(self):
        """The current values of the live controls (the defaults before widget() is called)."""
        if not self.inputs:
            return self.defaults()
        return {name: w.value for name, w in self.inputs.items()}

    # ---------------------------------------------------------- live version
    def widget(self):
        """The live ipywidgets user interface (a VBox), built on first use."""
        if self._box is not None:
            return self._box
        import ipywidgets as W

        self.inputs = {name: spec.make_widget() for name, spec in self.controls.items()}
        self.figure = new_figure(self.figsize)
        self.state = self.setup(self.figure)
        self.output = W.Output()
        reset = W.Button(description="Reset", tooltip="Put every control back to its default")
        reset.on_click(lambda _button: self.reset())
        for w in self.inputs.values():
            w.observe(self._on_change, names="value")
        rows = list(self.inputs.values()) + [reset]
        grid = [W.HBox(rows[i:i + 3]) for i in range(0, len(rows), 3)]
        header = [W.HTML(f"<b>{html.escape(self.title)}</b>")] if self.title else []
        self._box = W.VBox(header + grid + [self.output])
        self.redraw()
        return self._box

    def reset(self):
        """Put every live control back to its default value."""
        for name, spec in self.controls.items():
            self.inputs[name].value = spec.default()

    def _on_change(self, change):
        self.redraw()

    def redraw(self):
        """Call draw with the current control values and show the figure in the Output widget."""
        from IPython.display import Image, clear_output, display

        with self.output:  # errors in draw appear under the figure instead of vanishing
            self.draw(self.state, **self.values())
            png = figure_png(self.figure, self.live_dpi)
            clear_output(wait=True)
            display(Image(data=png))

    # ---------------------------------------------------------- static version
    def _render(self, values):
        key = tuple(values[name] for name in self.controls)
        if key not in self._png_cache:
            if self._static is None:
                fig = new_figure(self.figsize)
                self._static = (fig, self.setup(fig))
            fig, state = self._static
            self.draw(state, **values)
            self._png_cache[key] = figure_png(fig, self.dpi, colors=256)
        return self._png_cache[key]

    def _plan(self, sweeps, product):
        """The list of value dicts to render: defaults first, then one control at a time,
        then (if `product`) every combination."""
        base = self.defaults()
        plan = [dict(base)]
        for name, values in sweeps.items():
            for v in values:
                plan.append({**base, name: v})
        if product:
            names = list(sweeps)
            for combo in itertools.product(*(sweeps[n] for n in names)):
                plan.append(dict(zip(names, combo)))
        unique, seen = [], set()
        for values in plan:
            key = tuple(values[n] for n in self.controls)
            if key not in seen:
                seen.add(key)
                unique.append(values)
        return unique

    def frames(self):
        """The frames of the static player (a list of Frame), computed once.

        Tries the full plan first; while the player is larger than max_bytes, drops the
        full product, then thins the slider sweeps."""
        if self._frames is not None:
            return self._frames
        for thin in range(12):
            sweeps = {name: spec.static_values(thin) for name, spec in self.controls.items()}
            n_product = math.prod(len(v) for v in sweeps.values())
            options = [True, False] if n_product <= self.max_frames else [False]
            for product in options:
                plan = self._plan(sweeps, product)
                frames = [Frame(values, self._render(values)) for values in plan]
                self._frames, self._sweeps = frames, sweeps
                if len(self._player_html(frames, sweeps)) <= self.max_bytes:
                    return frames
        return self._frames  # smallest plan we could make; the caller sees its size

    def player_html(self, mode=None):
        """The self-contained HTML player (a string). mode 'first' keeps only the first frame."""
        mode = mode or player_mode()
        if mode == "first":
            frame = Frame(self.defaults(), self._render(self.defaults()))
            sweeps = {name: [spec.default()] for name, spec in self.controls.items()}
            return self._player_html([frame], sweeps)
        frames = self.frames()
        return self._player_html(frames, self._sweeps)

    def _alt(self, values):
        shown = ", ".join(f"{self.controls[n].label} = {_fmt(v)}" for n, v in values.items())
        return f"{self.title or 'Explorer'}: figure for {shown}"

    def _player_html(self, frames, sweeps):
        names = list(self.controls)
        digest = hashlib.sha1(b"".join(f.png for f in frames)).hexdigest()[:8]
        uid = f"nnx{next(_player_count)}-{digest}"
        defaults = self.defaults()
        default_index = [sweeps[n].index(defaults[n]) for n in names]

        # Identical pictures are stored once: an <img> lists every key it stands for.
        images = {}  # png bytes -> (list of keys, values of the first frame)
        for f in frames:
            key = ",".join(str(sweeps[n].index(f.values[n])) for n in names)
            images.setdefault(f.png, ([], f.values))[0].append(key)

        controls_html = []
        for i, name in enumerate(names):
            spec, values = self.controls[name], sweeps[name]
            cid = f"{uid}-c{i}"
            label = f'<label for="{cid}" style="margin-right:.4em">{html.escape(spec.label)}</label>'
            if isinstance(spec, Slider):
                box = (f'<input type="range" id="{cid}" data-control="{i}" min="0" '
                       f'max="{len(values) - 1}" step="1" value="{default_index[i]}" '
                       f'style="vertical-align:middle;width:9em"'
                       f'{" disabled" if len(values) == 1 else ""}>'
                       f' <span id="{cid}-value" style="display:inline-block;min-width:2.5em">'
                       f'{html.escape(_fmt(defaults[name]))}</span>')
            else:
                opts = "".join(
                    f'<option value="{j}"{" selected" if j == default_index[i] else ""}>'
                    f"{html.escape(_fmt(v))}</option>" for j, v in enumerate(values))
                box = f'<select id="{cid}" data-control="{i}">{opts}</select>'
            controls_html.append(f'<span style="margin-right:1.2em;white-space:nowrap">{label}{box}</span>')

        imgs_html = []
        for n, (png, (keys, values)) in enumerate(images.items()):
            data = base64.b64encode(png).decode("ascii")
            style = "max-width:100%;height:auto" + ("" if n == 0 else ";display:none")
            imgs_html.append(
                f'<img src="data:image/png;base64,{data}" data-keys="{" ".join(keys)}" '
                f'alt="{html.escape(self._alt(values))}" style="{style}">')

        shown = ", ".join(f"{self.controls[n].label} = {_fmt(defaults[n])}" for n in names)
        info = {
            "labels": [self.controls[n].label for n in names],
            "values": [[_fmt(v) for v in sweeps[n]] for n in names],
            "defaults": default_index,
        }
        info_json = json.dumps(info).replace("</", "<\\/")
        title = f'<div style="font-weight:bold;margin-bottom:.3em">{html.escape(self.title)}</div>' \
            if self.title else ""
        return f"""<div id="{uid}" class="nnlib-player" style="font-family:sans-serif;font-size:14px;max-width:100%">
{title}<div style="margin-bottom:.3em">{''.join(controls_html)}</div>
<div>{''.join(imgs_html)}</div>
<div id="{uid}-shown" style="font-size:12px;color:#555">Showing {html.escape(shown)}.</div>
<div style="font-size:12px;color:#555;font-style:italic">{html.escape(self.caption)} {LIVE_LINK}</div>
</div>
<script>
(function () {{
  var root = document.getElementById("{uid}");
  if (!root) return;
  var info = {info_json};
  var index = info.defaults.slice();
  var last = -1;
  var imgs = {{}};
  root.querySelectorAll("img[data-keys]").forEach(function (img) {{
    img.getAttribute("data-keys").split(" ").forEach(function (k) {{ imgs[k] = img; }});
  }});
  function describe(ix) {{
    return ix.map(function (j, c) {{ return info.labels[c] + " = " + info.values[c][j]; }}).join(", ");
  }}
  function show() {{
    var ix = index, note = "";
    if (!imgs[ix.join(",")]) {{
      ix = info.defaults.slice();
      if (last >= 0) ix[last] = index[last];
      note = " (this combination was not precomputed: the other controls are at their defaults;" +
             " the live version shows every combination)";
    }}
    var target = imgs[ix.join(",")];
    if (!target) return;
    root.querySelectorAll("img[data-keys]").forEach(function (img) {{
      img.style.display = (img === target) ? "" : "none";
    }});
    root.querySelector("#{uid}-shown").textContent = "Showing " + describe(ix) + "." + note;
  }}
  root.querySelectorAll("[data-control]").forEach(function (el) {{
    var c = parseInt(el.getAttribute("data-control"), 10);
    function changed() {{
      index[c] = parseInt(el.value, 10);
      last = c;
      var label = root.querySelector("#" + el.id + "-value");
      if (label) label.textContent = info.values[c][index[c]];
      show();
    }}
    el.addEventListener("input", changed);
    el.addEventListener("change", changed);
  }});
}})();
</script>"""

    # ---------------------------------------------------------- display
    def _repr_mimebundle_(self, include=None, exclude=None):
        """One output for every renderer: the live widget view for Jupyter/Colab,
        the static player (text/html) for the book, and a line of plain text."""
        bundle = {"text/plain": repr(self)}
        wanted = lambda mime: (include is None or mime in include) and \
            (exclude is None or mime not in exclude)
        if wanted(WIDGET_VIEW_MIME):
            box = self.widget()
            bundle[WIDGET_VIEW_MIME] = {
                "version_major": 2, "version_minor": 0, "model_id": box.model_id,
            }
        if wanted("text/html"):
            bundle["text/html"] = self.player_html()
        return bundle

    def __repr__(self):
        names = ", ".join(self.controls)
        return f"<Explorer {self.title!r}: controls {names}>"
