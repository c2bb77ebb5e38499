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

The frames are computed only when the book is built (see player_mode: the build sets
NNLIB_PLAYER=full); in Jupyter and Colab an explorer draws its live figure and nothing else.

Frames of the static player: when all combinations of the controls' static values number at
most `max_frames`, every combination is computed; otherwise every control is swept with the
others at their defaults ("one at a time"), and moving one control in the player puts the
others back to their defaults, so the picture always matches every control. Slider sweeps
use a coarser step than the live slider (at most 8 steps by default); if the frames together
would weigh more than `max_bytes`, the sweeps are thinned further. Frames are PNGs at
FRAME_SCALE (2) device pixels per CSS pixel. In the page only the default frame is loaded
at first; the player's script loads the others when the reader uses the controls.
"""
import base64
import hashlib
import html
import io
import itertools
import json
import math
import os
import struct
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
# The environment variable that tells a kernel it executes a chapter for the book (see player_mode).
PLAYER_ENV = "NNLIB_PLAYER"
# Static frames have FRAME_SCALE device pixels per CSS pixel: sharp on phones and high-DPI screens.
FRAME_SCALE = 2
# Frames wider than this (CSS px) get class "nnlib-wide": on a phone the book shows them at this
# width, scrolling sideways, rather than shrunk until their labels are unreadable (_ext/players.py).
WIDE_CSS_PX = 560

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


def set_tooltip(widget, text):
    """Give an ipywidget a tooltip in both ipywidgets 7.7 (Colab) and 8, and return the widget.

    ipywidgets 8 gives every widget `tooltip`; in 7.7 only Button has `tooltip`, the other
    controls have `description_tooltip` (a `tooltip=` keyword is ignored there, with a warning).
    So never pass either as a keyword: call set_tooltip(widget, text)."""
    for name in ("tooltip", "description_tooltip"):
        if widget.has_trait(name):
            setattr(widget, name, text)
            return widget
    raise ValueError(f"{type(widget).__name__} has no tooltip in this ipywidgets version")


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
    if colors is None:   # the live figure: fast compression (it is sent once, to the kernel's front end)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, facecolor="white", pil_kwargs={"compress_level": 1})
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


def plain_log_ticks(axis):
    """Label a log-scale axis 0.01, 0.1, 1, 10 (or 1e-06) instead of matplotlib's 10⁻² in
    mathtext: the same numbers, and no mathtext parser to build (about 0.2 s the first time a
    kernel draws one, which counts in an explorer's start-up)."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    axis.set_minor_formatter(NullFormatter())


def player_mode():
    """How much of the static player an explorer renders: 'full', 'first' or 'live'.

    'full'   every frame of the static player (the book's build: _ext/players.py sets
             NNLIB_PLAYER=full for the kernels that execute the chapters);
    'first'  only the picture at the default values (a quick preview build);
    'live'   no static frame at all (the default: Jupyter and Colab show the live figure, so
             the text/html part of the output only repeats the live figure's current picture).

    The environment variable NNLIB_PLAYER chooses; anything else is an error."""
    mode = os.environ.get(PLAYER_ENV, "").strip().lower()
    if mode in ("full", "first", "live"):
        return mode
    if mode:
        raise ValueError(f"{PLAYER_ENV} must be 'full', 'first' or 'live'; got {mode!r}")
    return "live"


def png_size(png):
    """(width, height) in pixels of PNG bytes, read from the IHDR chunk."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("png_size needs PNG bytes")
    return struct.unpack(">II", png[16:24])


def data_uri(png):
    """PNG bytes as a data: URI (how a frame travels in a notebook output; see _ext/players.py)."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


_player_count = itertools.count(1)

# Shared by every player's script (explorers and the playground): on a phone a wide frame
# scrolls sideways inside the player, and is then reachable by keyboard.
SCROLLABLE_FRAMES_JS = """  var box = root.querySelector(".nnlib-player-frames");
  function scrollable() {  // on a phone the frame may scroll sideways: reachable by keyboard then
    if (!box) return;
    if (box.scrollWidth > box.clientWidth + 1) {
      box.setAttribute("tabindex", "0"); box.setAttribute("role", "region");
      box.setAttribute("aria-label", "picture, scrolls sideways");
    } else {
      box.removeAttribute("tabindex"); box.removeAttribute("role"); box.removeAttribute("aria-label");
    }
  }
  scrollable();
  window.addEventListener("resize", scrollable);
  root.querySelectorAll("img").forEach(function (img) { img.addEventListener("load", scrollable); });
"""


# ---------------------------------------------------------------- the explorer
class Explorer:
    """An interactive figure: `controls` -> `draw(state, **values)` on a figure made by `setup`.

    controls   : dict name -> Slider / Choice / Toggle, in the order they are shown
    draw       : draw(state, **values) updates the artists in place (values by control name)
    setup      : setup(fig) -> state creates the axes and artists once
    title      : a line shown above the figure
    max_frames : the static player computes every combination when there are at most this many
    combine    : names of controls whose combinations are computed when all of them together
                 are too many (e.g. ("activation", "k")); the other controls go one at a time
    figsize    : figure size in inches
    dpi        : CSS pixels per inch of the static frames (drawn at FRAME_SCALE times this);
                 live_dpi: pixels per inch of the live figure
    max_bytes  : size cap of all the static frames together
    caption    : text under the static player
    """

    def __init__(self, controls, draw, setup, title="", max_frames=60, figsize=(8, 3.5),
                 dpi=90, max_bytes=8_000_000, caption=DEFAULT_CAPTION, live_dpi=90, combine=()):
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
        unknown = [name for name in combine if name not in self.controls]
        if isinstance(combine, str) or unknown:
            raise ValueError(f"combine must be a tuple of control names ({', '.join(self.controls)}); "
                             f"got {combine!r}")
        self.combine = tuple(name for name in self.controls if name in combine)  # in the controls' order
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
        self._group = None       # the controls whose every combination the frames hold
        self._live_png = None    # the live figure's last picture
        self.frames_rendered = 0  # static frames drawn so far (none in a kernel: see player_mode)
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
        reset = set_tooltip(W.Button(description="Reset"), "Put every control back to its default")
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
        try:
            self.draw(self.state, **self.values())
            png = figure_png(self.figure, self.live_dpi)
        except Exception:
            with self.output:  # the error appears under the figure instead of vanishing
                raise
            return
        self._live_png = png
        # The picture goes into the Output widget's state directly, not through its capture
        # context (clear_output inside `with output:` could leave a notebook runner waiting).
        self.output.outputs = ({"output_type": "display_data", "metadata": {},
                                "data": {"image/png": base64.b64encode(png).decode("ascii"),
                                         "text/plain": repr(self)}},)

    # ---------------------------------------------------------- static version
    def _render(self, values):
        key = tuple(values[name] for name in self.controls)
        if key not in self._png_cache:
            if self._static is None:
                fig = new_figure(self.figsize)
                self._static = (fig, self.setup(fig))
            fig, state = self._static
            self.draw(state, **values)
            self._png_cache[key] = figure_png(fig, self.dpi * FRAME_SCALE, colors=256)
            self.frames_rendered += 1
        return self._png_cache[key]

    def _plan(self, sweeps, group):
        """The list of value dicts to render: defaults first, then one control at a time,
        then every combination of the controls in `group` (the others at their defaults)."""
        base = self.defaults()
        plan = [dict(base)]
        for name, values in sweeps.items():
            for v in values:
                plan.append({**base, name: v})
        if group:
            for combo in itertools.product(*(sweeps[n] for n in group)):
                plan.append({**base, **dict(zip(group, combo))})
        unique, seen = [], set()
        for values in plan:
            key = tuple(values[n] for n in self.controls)
            if key not in seen:
                seen.add(key)
                unique.append(values)
        return unique

    def frames(self):
        """The frames of the static player (a list of Frame), computed once.

        Every combination of the sweeps when they number at most max_frames; otherwise every
        combination of the controls in `combine` (if they number at most max_frames) and the
        other controls one at a time around the defaults (the player then puts the controls
        outside the combined group back to their defaults when one moves). While the frames
        together weigh more than max_bytes, the slider sweeps are thinned."""
        if self._frames is not None:
            return self._frames
        for thin in range(12):
            sweeps = {name: spec.static_values(thin) for name, spec in self.controls.items()}
            group = []
            if math.prod(len(v) for v in sweeps.values()) <= self.max_frames:
                group = list(self.controls)
            elif math.prod(len(sweeps[n]) for n in self.combine) <= self.max_frames:
                group = list(self.combine)
            frames = [Frame(values, self._render(values)) for values in self._plan(sweeps, group)]
            self._frames, self._sweeps, self._group = frames, sweeps, group
            if sum(len(f.png) for f in frames) <= self.max_bytes:
                break
        return self._frames  # the smallest plan we could make if none fits

    def player_html(self, mode=None):
        """The HTML player (a string) for `mode` (default: player_mode()).

        'full': every frame; 'first': the default picture only; 'live': no static rendering at
        all: the live figure's current picture if the widget is shown, otherwise a note."""
        mode = mode or player_mode()
        if mode == "full":
            return self._player_html(self.frames(), self._sweeps, self._group)
        if mode == "first":
            values = self.defaults()
            png = self._render(values)
        elif mode == "live":
            values, png = self.values(), self._live_png
            if png is None:
                return (f'<div class="nnlib-player"><p>{html.escape(self.title or "Explorer")}: run this '
                        f'cell in Jupyter or Colab to use the explorer. {LIVE_LINK}</p></div>')
        else:
            raise ValueError(f"mode must be 'full', 'first' or 'live'; got {mode!r}")
        sweeps = {name: [values[name]] for name in self.controls}
        return self._player_html([Frame(values, png)], sweeps, list(self.controls),
                                 scale=FRAME_SCALE if mode == "first" else 1, defaults=values)

    def _alt(self, values):
        shown = ", ".join(f"{self.controls[n].label} = {_fmt(v)}" for n, v in values.items())
        return f"{self.title or 'Explorer'}: figure for {shown}"

    def _player_html(self, frames, sweeps, group, scale=FRAME_SCALE, defaults=None):
        """The player's HTML: controls, frames (the first one shown, the others loaded by the
        script when they are needed), a live region saying what is shown, the caption.

        Each <img> has data-keys, the indices of the control values it shows ("2,0,1"); the
        default frame has src=, the others data-src= (the script copies it to src on first use).
        In the book, _ext/players.py moves each data: URI into a file next to the page."""
        names = list(self.controls)
        digest = hashlib.sha1(b"".join(f.png for f in frames)).hexdigest()[:8]
        uid = f"nnx{next(_player_count)}-{digest}"
        defaults = defaults or self.defaults()
        default_index = [sweeps[n].index(defaults[n]) for n in names]
        default_key = ",".join(map(str, default_index))

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
            off = " disabled" if len(values) == 1 else ""
            if isinstance(spec, Slider):
                shown = html.escape(_fmt(defaults[name]))
                box = (f'<input type="range" id="{cid}" data-control="{i}" min="0" '
                       f'max="{len(values) - 1}" step="1" value="{default_index[i]}" '
                       f'aria-valuetext="{shown}" style="vertical-align:middle;width:9em"{off}>'
                       f' <span id="{cid}-value" aria-hidden="true" '
                       f'style="display:inline-block;min-width:2.5em">{shown}</span>')
            else:
                opts = "".join(
                    f'<option value="{j}"{" selected" if j == default_index[i] else ""}>'
                    f"{html.escape(_fmt(v))}</option>" for j, v in enumerate(values))
                box = f'<select id="{cid}" data-control="{i}"{off}>{opts}</select>'
            controls_html.append(
                f'<span class="nnlib-player-control" style="margin-right:1.2em;white-space:nowrap">{label}{box}</span>')

        imgs_html = []
        for png, (keys, values) in images.items():
            width, height = png_size(png)
            eager = default_key in keys
            source = f'src="{data_uri(png)}"' if eager else f'data-src="{data_uri(png)}"'
            style = "max-width:100%;height:auto" + ("" if eager else ";display:none")
            wide = ' class="nnlib-wide"' if width / scale > WIDE_CSS_PX else ""
            imgs_html.append(
                f'<img {source} data-keys="{" ".join(keys)}"{wide} width="{round(width / scale)}" '
                f'height="{round(height / scale)}" alt="{html.escape(self._alt(values))}" style="{style}">')

        shown = ", ".join(f"{self.controls[n].label} = {_fmt(defaults[n])}" for n in names)
        info = {
            "labels": [self.controls[n].label for n in names],
            "values": [[_fmt(v) for v in sweeps[n]] for n in names],
            "defaults": default_index,
            "group": [names.index(n) for n in group],   # controls whose combinations all have frames
            "title": self.title or "Explorer",
        }
        info_json = json.dumps(info).replace("</", "<\\/")
        title = f'<div style="font-weight:bold;margin-bottom:.3em">{html.escape(self.title)}</div>' \
            if self.title else ""
        combined = len(group) == len(names)
        if combined:
            hint = ""
        elif len(group) > 1:
            together = ", ".join(self.controls[n].label for n in group[:-1]) + " and " + self.controls[group[-1]].label
            hint = (f'<div style="font-size:13px">This preview has pictures for every combination of '
                    f'{html.escape(together)}, and for the other controls one at a time: moving one of those '
                    f'puts the rest back to their defaults. The live version combines them all.</div>')
        else:
            hint = ('<div style="font-size:13px">This preview has pictures for one control at a time: moving a '
                    'control puts the others back to their defaults. The live version combines them.</div>')
        return f"""<div id="{uid}" class="nnlib-player" data-combined="{str(combined).lower()}" style="font-family:sans-serif;font-size:14px;max-width:100%">
{title}<div style="margin-bottom:.3em">{''.join(controls_html)}</div>
{hint}<div class="nnlib-player-frames">{''.join(imgs_html)}</div>
<div style="font-size:13px" aria-live="polite"><span id="{uid}-shown">Showing {html.escape(shown)}.</span> <span id="{uid}-note"></span></div>
<div class="nnlib-player-caption" style="font-size:13px;font-style:italic">{html.escape(self.caption)} {LIVE_LINK}</div>
</div>
<script>
(function () {{
  var root = document.getElementById("{uid}");
  if (!root) return;
  var info = {info_json};
  var index = info.defaults.slice();
  var imgs = {{}};
  root.querySelectorAll("img[data-keys]").forEach(function (img) {{
    img.getAttribute("data-keys").split(" ").forEach(function (k) {{ imgs[k] = img; }});
  }});
  var controls = [];
  root.querySelectorAll("[data-control]").forEach(function (el) {{
    controls[parseInt(el.getAttribute("data-control"), 10)] = el;
  }});
  function load(img) {{
    if (img && !img.getAttribute("src") && img.getAttribute("data-src")) img.setAttribute("src", img.getAttribute("data-src"));
  }}
  function preload(c) {{  // the pictures one step of control c away from what is shown
    for (var j = 0; j < info.values[c].length; j++) {{
      var ix = index.slice(); ix[c] = j; load(imgs[ix.join(",")]);
    }}
  }}
  function describe(ix) {{
    return ix.map(function (j, c) {{ return info.labels[c] + " = " + info.values[c][j]; }}).join(", ");
  }}
  function put(c, j) {{  // show value j on control c
    var el = controls[c];
    index[c] = j;
    el.value = String(j);
    var text = info.values[c][j];
    if (el.type === "range") el.setAttribute("aria-valuetext", text);
    var label = root.querySelector("#" + el.id + "-value");
    if (label) label.textContent = text;
  }}
  function show(note) {{
    var target = imgs[index.join(",")];
    root.querySelectorAll("img[data-keys]").forEach(function (img) {{
      img.style.display = (img === target) ? "" : "none";
    }});
    if (target) {{
      load(target);
      target.setAttribute("alt", info.title + ": figure for " + describe(index));  // a picture may stand for several keys
      root.querySelector("#{uid}-shown").textContent = "Showing " + describe(index) + ".";
    }} else {{  // never a picture that disagrees with the controls
      root.querySelector("#{uid}-shown").textContent = "No picture was computed for " + describe(index) + ".";
    }}
    root.querySelector("#{uid}-note").textContent = note;
  }}
  controls.forEach(function (el, c) {{
    function changed() {{
      var j = parseInt(el.value, 10), reset = [];
      if (j === index[c]) return;
      put(c, j);
      var grouped = info.group.indexOf(c) >= 0;
      controls.forEach(function (other, d) {{  // keep only what has pictures: c's group, or c alone
        var keep = d === c || (grouped && info.group.indexOf(d) >= 0);
        if (!keep && index[d] !== info.defaults[d]) {{ put(d, info.defaults[d]); reset.push(info.labels[d]); }}
      }});
      show(reset.length ? "(" + reset.join(", ") + (reset.length > 1 ? " are" : " is") +
           " back at the default: this preview does not have a picture for every combination.)" : "");
      preload(c);
    }}
    el.addEventListener("input", changed);
    el.addEventListener("change", changed);
  }});
  function used(event) {{  // a control is about to move: fetch the pictures along it
    var c = event.target && event.target.getAttribute ? event.target.getAttribute("data-control") : null;
    if (c !== null) preload(parseInt(c, 10));
  }}
  root.addEventListener("pointerdown", used);
  root.addEventListener("focusin", used);
{SCROLLABLE_FRAMES_JS}}})();
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
