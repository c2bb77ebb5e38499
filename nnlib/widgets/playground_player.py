"""The playground on the static website: a recorded training run the reader can scrub through.

For each configuration shown (the playground's own, then a few presets) the network is trained
from epoch 0 and the figure is captured at epochs 0, 1, 2, 5, 10, 20, 50, 100, 200, 300. The
player is one self-contained HTML block: a <select> of runs, an epoch slider
(<input type=range>) and the PNG frames (FRAME_SCALE device pixels per CSS pixel), as data: URIs that
the book's build turns into files (_ext/players.py); only the frame shown first is loaded with the
page. No external script, no network. Runs are added while their frames together stay under
`max_bytes` (3 MB by default).
"""
import hashlib
import html
import itertools
import json

from .explorer import FRAME_SCALE, LIVE_LINK, SCROLLABLE_FRAMES_JS, WIDE_CSS_PX, data_uri, png_size
from .playground_core import PRESETS, PlaygroundState, preset_config
from .playground_view import PlaygroundFigure

RECORD_EPOCHS = (0, 1, 2, 5, 10, 20, 50, 100, 200, 300)
STATIC_PRESETS = ("spiral needs depth", "L1 kills useless features", "too-high learning rate diverges",
                  "the right feature replaces a layer")
MAX_BYTES = 3_000_000
CAPTION = ("Static preview: a training run recorded when this page was built. Move the slider to "
           "scrub through the epochs. Run the notebook in Colab or locally for the live playground.")

_ids = itertools.count(1)


def record_run(config, title, epochs=RECORD_EPOCHS, figure=None, dpi=64 * FRAME_SCALE, colors=64):
    """Train `config` from scratch and capture the figure at each epoch of `epochs`.

    Returns {"title", "state" (the state string), "frames": [{"epoch", "text", "png"}]}.
    A run that stops (divergence, early stopping) keeps its last frame for the later epochs."""
    state = PlaygroundState(config)
    figure = figure or PlaygroundFigure()
    frames = []
    for epoch in sorted(set(epochs)):
        state.step(epoch - state.epoch)
        figure.update(state)
        text = f"epoch {state.epoch}: training loss {state.train_loss:.4f}, test loss {state.test_loss:.4f}"
        if config.problem == "classification":
            text += f", test accuracy {100 * state.accuracy('test'):.1f} %"
        if state.message:
            text += ". " + state.message
        frames.append({"epoch": state.epoch, "text": text, "png": figure.png(dpi, colors)})
        if state.stopped:
            break
    return {"title": title, "state": config.state_string(), "frames": frames}


# Recorded frames by (state string, epochs, dpi, colors): a chapter shows several playgrounds, and
# each player records the same presets; training is reproducible, so each run is recorded once.
_recorded = {}


def _record_once(config, title, epochs, figure, dpi, colors):
    key = (config.state_string(), tuple(sorted(set(epochs))), dpi, colors)
    if key not in _recorded:
        _recorded[key] = record_run(config, title, epochs, figure, dpi, colors)["frames"]
    return {"title": title, "state": config.state_string(), "frames": _recorded[key]}


def recorded_runs(config, presets=STATIC_PRESETS, epochs=RECORD_EPOCHS, max_bytes=MAX_BYTES, dpi=64 * FRAME_SCALE,
                  colors=64):
    """The runs of the player: `config` first, then each preset while the player fits max_bytes.
    A run already recorded in this kernel (same state string, epochs and resolution) is reused."""
    figure = PlaygroundFigure()
    runs = [_record_once(config, "this configuration", epochs, figure, dpi, colors)]
    for name in presets:
        if name not in PRESETS:
            raise ValueError(f"unknown preset {name!r}; presets: {', '.join(PRESETS)}")
        run = _record_once(preset_config(name), f"preset: {name}", epochs, figure, dpi, colors)
        if sum(len(f["png"]) for r in runs + [run] for f in r["frames"]) > max_bytes:
            break
        runs.append(run)
    return runs


def player_html(runs, title="Neural network playground", caption=CAPTION, scale=FRAME_SCALE):
    """The HTML player for recorded runs (a string).

    The frame shown first (this configuration's last epoch) has src=; the others data-src=, copied
    to src by the script when the reader picks them (in the book, _ext/players.py turns each data:
    URI into a file). `scale` is the frames' device pixels per CSS pixel."""
    digest = hashlib.sha1(b"".join(f["png"] for r in runs for f in r["frames"])).hexdigest()[:8]
    uid = f"nnpg{next(_ids)}-{digest}"
    options = "".join(f'<option value="{k}">{html.escape(r["title"])}</option>' for k, r in enumerate(runs))
    images = []
    for k, run in enumerate(runs):
        for i, frame in enumerate(run["frames"]):
            width, height = png_size(frame["png"])
            eager = k == 0 and i == len(run["frames"]) - 1
            source = "src" if eager else "data-src"
            wide = ' class="nnlib-wide"' if width / scale > WIDE_CSS_PX else ""
            images.append(f'<img {source}="{data_uri(frame["png"])}" data-run="{k}" data-frame="{i}"{wide} '
                          f'width="{round(width / scale)}" height="{round(height / scale)}" '
                          f'alt="{html.escape(run["title"] + ", " + frame["text"])}" '
                          f'style="max-width:100%;height:auto{"" if eager else ";display:none"}">')
    info = [{"epochs": [f["epoch"] for f in r["frames"]], "texts": [f["text"] for f in r["frames"]],
             "state": r["state"]} for r in runs]
    info_json = json.dumps(info).replace("</", "<\\/")
    last = len(runs[0]["frames"]) - 1
    first = runs[0]["frames"][last]
    disabled = " disabled" if len(runs) == 1 else ""
    return f"""<div id="{uid}" class="nnlib-player nnlib-playground" style="font-family:sans-serif;font-size:14px;max-width:100%">
<div style="font-weight:bold;margin-bottom:.3em">{html.escape(title)}</div>
<div style="margin-bottom:.3em">
<label for="{uid}-run" style="margin-right:.4em">run</label><select id="{uid}-run"{disabled}>{options}</select>
<label for="{uid}-epoch" style="margin:0 .4em 0 1.2em">epoch</label><input type="range" id="{uid}-epoch" min="0" max="{last}" step="1" value="{last}" aria-valuetext="{first["epoch"]}" style="vertical-align:middle;width:14em"{" disabled" if last == 0 else ""}>
<span id="{uid}-epoch-value" aria-hidden="true">{first["epoch"]}</span>
</div>
<div class="nnlib-player-frames">{''.join(images)}</div>
<div id="{uid}-text" style="font-size:13px" aria-live="polite">{html.escape(first["text"])}</div>
<div style="font-size:13px">State string: <code id="{uid}-state">{html.escape(runs[0]["state"])}</code></div>
<div class="nnlib-player-caption" style="font-size:13px;font-style:italic">{html.escape(caption)} {LIVE_LINK}</div>
</div>
<script>
(function () {{
  var root = document.getElementById("{uid}");
  if (!root) return;
  var info = {info_json};
  var run = root.querySelector("#{uid}-run"), epoch = root.querySelector("#{uid}-epoch");
  function frames(k) {{
    return Array.prototype.filter.call(root.querySelectorAll("img[data-run]"),
      function (img) {{ return img.getAttribute("data-run") == k; }});
  }}
  function load(img) {{
    if (!img.getAttribute("src") && img.getAttribute("data-src")) img.setAttribute("src", img.getAttribute("data-src"));
  }}
  function show() {{
    var k = parseInt(run.value, 10), i = parseInt(epoch.value, 10);
    root.querySelectorAll("img[data-run]").forEach(function (img) {{
      var on = img.getAttribute("data-run") == k && img.getAttribute("data-frame") == i;
      if (on) load(img);
      img.style.display = on ? "" : "none";
    }});
    root.querySelector("#{uid}-epoch-value").textContent = info[k].epochs[i];
    epoch.setAttribute("aria-valuetext", "epoch " + info[k].epochs[i]);
    root.querySelector("#{uid}-text").textContent = info[k].texts[i];
    root.querySelector("#{uid}-state").textContent = info[k].state;
    frames(k).forEach(load);  // the rest of this run, for scrubbing
  }}
  run.addEventListener("change", function () {{
    var k = parseInt(run.value, 10);
    epoch.max = info[k].epochs.length - 1;
    epoch.value = info[k].epochs.length - 1;
    epoch.disabled = info[k].epochs.length < 2;
    show();
  }});
  epoch.addEventListener("input", show);
  epoch.addEventListener("change", show);
  function used() {{
    frames(parseInt(run.value, 10)).forEach(load);
    root.removeEventListener("pointerdown", used);
    root.removeEventListener("focusin", used);
  }}
  root.addEventListener("pointerdown", used);
  root.addEventListener("focusin", used);
{SCROLLABLE_FRAMES_JS}}})();
</script>"""
