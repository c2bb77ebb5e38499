"""A neural-network playground in the notebook, driven by nnlib (chapters 09 and 10).

    from nnlib.widgets import playground
    playground()                                    # TensorFlow Playground's defaults
    playground(dataset="spiral", hidden=(8, 8, 8), activations="relu", loss="cross_entropy")
    playground(preset="L1 kills useless features")

Three parts, in three files, so that each can be read on its own:

    playground_core.py    the model: PlaygroundConfig (every setting), PlaygroundState (data,
                          features, network, training, export, state string), PRESETS
    playground_view.py    the picture: PlaygroundFigure, one matplotlib figure updated in place
    playground_player.py  the static website's version: a recorded run with an epoch slider
    playground.py         (this file) the controls: ipywidgets that drive a PlaygroundState

How Play keeps the notebook responsive
    ipywidgets has no timer that works in both ipywidgets 7.7 and 8, so Play starts an asyncio
    task on the kernel's event loop. The task repeats: train a chunk of epochs, redraw, then
    `await asyncio.sleep(...)`. While it sleeps the kernel handles other messages, such as a click
    on Pause, which clears the `running` flag the loop checks. The chunk size adapts so that one
    chunk (training + drawing) takes about `chunk_ms` milliseconds. Training is reproducible
    whatever the chunks: epoch e always shuffles with the seed [seed, e].

Clicking a link or a neuron
    A figure shown as an image cannot be clicked, so the "selected" drop-down lists every weight
    (W2[1.3→2.1]: layer 2, from neuron 1.3 to neuron 2.1) and every bias; the number box next to it
    shows the value, and typing a new value sets it. The selection is outlined in the figure.
"""
import asyncio
import html
import time

from .explorer import FRAME_SCALE, LIVE_LINK, WIDGET_VIEW_MIME, player_mode, set_tooltip
from .playground_core import (ACTIVATIONS, CLASSIFICATION_DATASETS, FEATURES, LEARNING_RATES, LOSSES,
                              MAX_LAYERS, MAX_NEURONS, PRESETS, REGRESSION_DATASETS, REGULARIZATION_RATES,
                              REGULARIZATIONS, GradientStepReport, PlaygroundConfig, PlaygroundState,
                              export_code, feature_matrix, preset_config)
from .playground_player import RECORD_EPOCHS, STATIC_PRESETS, player_html, record_run, recorded_runs
from .playground_view import PlaygroundFigure

__all__ = ["Playground", "playground", "PlaygroundConfig", "PlaygroundState", "PlaygroundFigure",
           "GradientStepReport", "PRESETS", "FEATURES", "preset_config", "feature_matrix", "export_code",
           "record_run", "recorded_runs", "player_html", "RECORD_EPOCHS", "STATIC_PRESETS"]

NO_PRESET = "(choose a preset)"


def _label(value):
    return f"{value:g}"


class Playground:
    """The playground: a PlaygroundState, its figure, and (on display) the live controls.

    Without a kernel (the static book) it shows a recorded training run instead.

    state       the PlaygroundState (data, network, training); drive it directly if you like
    chunk_ms    Play trains in chunks of about this many milliseconds (training + drawing)
    live_dpi    resolution of the live figure
    static_presets  presets recorded for the static player, after this configuration
    """

    def __init__(self, config=None, preset=None, chunk_ms=60, live_dpi=80, static_presets=STATIC_PRESETS,
                 record_epochs=RECORD_EPOCHS, **changes):
        if preset is not None:
            config = preset_config(preset)
        self.state = PlaygroundState(config, **changes)
        self.chunk_ms = float(chunk_ms)
        self.live_dpi = live_dpi
        self.static_presets = tuple(static_presets)
        self.record_epochs = tuple(record_epochs)
        self.chunk_epochs = 1          # adapted by train_chunk
        self.running = False
        self.chunk_times = []          # seconds per chunk (start of training -> image updated)
        self._task = None
        self._box = None
        self._syncing = False
        self._player = None
        self._live_png = None          # the live figure's last picture
        self.figure = None             # the live PlaygroundFigure (after widget())
        self.controls = {}             # name -> ipywidget (after widget())
        self.report = None             # the last GradientStepReport

    # ============================================================ training and drawing
    def step(self, n_epochs=1):
        """Train n_epochs epochs and redraw (the Step button does one)."""
        done = self.state.step(n_epochs)
        self.redraw()
        return done

    def train_chunk(self):
        """One chunk of Play: train chunk_epochs epochs, redraw, adapt the chunk size.
        Returns the number of epochs trained."""
        t0 = time.perf_counter()
        done = self.state.step(self.chunk_epochs)
        t1 = time.perf_counter()
        self.redraw()
        t2 = time.perf_counter()
        self.chunk_times.append(t2 - t0)
        per_epoch = (t1 - t0) / max(done, 1)
        # the time left for training in a chunk of chunk_ms, but at least half the drawing time
        # (on a slow or busy machine the drawing alone may take chunk_ms; training must still advance)
        budget = max(self.chunk_ms / 1000 - (t2 - t1), (t2 - t1) / 2)
        self.chunk_epochs = int(min(100, max(1, budget / max(per_epoch, 1e-6))))
        if self.state.stopped:
            self.running = False
        return done

    def redraw(self):
        """Update the live figure and the status line (nothing before the widget exists)."""
        if self._box is None:
            return
        self.figure.select(self._selected_key())
        self.figure.update(self.state)
        self._live_png = self.figure.png(self.live_dpi)
        self.controls["figure"].value = self._live_png
        self._show_status()
        self._show_selected_value()

    def play(self):
        """Start training in the background (the Play button); see the module docstring."""
        if self.running:
            return
        if self.state.stopped:
            self._say("Training stopped (" + self.state.stopped + "): press Reset to start again.")
            return
        try:
            loop = asyncio.get_running_loop()    # the kernel's loop (Jupyter, Colab)
        except RuntimeError:                     # none: a plain script
            self._say("Play needs a running kernel event loop (Jupyter, Colab); use Step here.")
            return
        self.running = True
        self._task = loop.create_task(self._play_loop())

    def pause(self):
        """Stop the background training after the current chunk (the Pause button)."""
        self.running = False

    async def _play_loop(self):
        try:
            while self.running:
                self.train_chunk()
                await asyncio.sleep(0.005)     # let the kernel handle clicks (Pause) and other messages
        except Exception as error:             # show it instead of losing it in the event loop
            self._say(f"Training stopped by an error: {error!r}")
        finally:
            self.running = False
            self._show_status()

    def reset(self):
        """New weights from the seed, epoch 0 (the Reset button)."""
        self.pause()
        self.state.reset()
        self.redraw()

    def regenerate(self):
        """New data (data seed + 1) and a reset (the Regenerate button)."""
        self.pause()
        self.state.regenerate()
        self._push_config()
        self.redraw()

    def set(self, **changes):
        """Change settings as the controls do, e.g. set(lr=0.1, hidden=(8, 8)); redraws."""
        self.state.set(**changes)
        self._push_config()
        self.redraw()

    def load(self, config_or_state_string):
        """Load a PlaygroundConfig, a state string or a preset name, and reset."""
        value = config_or_state_string
        if isinstance(value, str) and value in PRESETS:
            value = preset_config(value)
        self.pause()
        self.state.load_config(value)
        self._push_config()
        self.redraw()

    def explain_step(self):
        """One mini-batch gradient step, applied and reported weight by weight."""
        self.report = self.state.gradient_step_report(apply=True)
        if self._box is not None:
            rows = "".join(
                f"<tr><td>{html.escape(r['name'])}</td><td>{r['before']:.4f}</td><td>{r['grad']:.4f}</td>"
                f"<td>{r['after']:.4f}</td><td><b>{r['delta']:+.5f}</b></td></tr>" for r in self.report.largest(8))
            self.controls["report"].value = (
                f"<div style='font-size:12px'>One gradient step on {self.report.batch_size} training points "
                f"(lr {self.report.lr:g}): batch loss {self.report.batch_loss_before:.5g} → "
                f"{self.report.batch_loss_after:.5g}. The 8 parameters that moved most:"
                "<table><tr><th>parameter</th><th>before</th><th>gradient</th><th>after</th><th>change</th></tr>"
                f"{rows}</table></div>")
            self.redraw()
        return self.report

    def export(self, path="playground.npz"):
        """Write the weights to `path` (.npz, Sequential.load reads it) and return the nnlib code."""
        path = self.state.export_npz(path)
        code = self.state.export_code()
        if self._box is not None:
            self.controls["code"].value = code
            self._say(f"Weights written to {path} (nnlib.models.Sequential.load reads it); "
                      "the code below rebuilds and retrains the same network.")
        return code

    # ============================================================ the live interface
    def widget(self):
        """The live ipywidgets interface (a VBox), built on first use."""
        if self._box is not None:
            return self._box
        import ipywidgets as W

        c, ctl = self.state.config, self.controls
        self.figure = PlaygroundFigure()
        small = W.Layout(width="auto")

        def button(name, text, tip, handler, style=""):
            ctl[name] = set_tooltip(W.Button(description=text, layout=W.Layout(width="auto"), button_style=style), tip)
            ctl[name].on_click(lambda _b: handler())

        button("play", "▶ Play", "train continuously", self.play, "success")
        button("pause", "⏸ Pause", "stop training", self.pause)
        button("step", "Step", "train one epoch", lambda: (self.pause(), self.step(1)))
        button("reset", "Reset", "new weights from the seed, epoch 0", self.reset)
        button("regenerate", "Regenerate", "new data (data seed + 1)", self.regenerate)
        button("add_layer", "+ layer", "add a hidden layer", self._add_layer)
        button("remove_layer", "− layer", "remove the last hidden layer", self._remove_layer)
        button("explain", "Explain one step", "one mini-batch step, weight by weight", self.explain_step)
        button("export", "Export", "write the weights (.npz) and show the nnlib code", self._on_export)
        button("load_state", "Load", "load the state string", self._on_load_state)

        ctl["problem"] = W.ToggleButtons(options=["classification", "regression"], value=c.problem,
                                         description="problem")
        ctl["dataset"] = W.Dropdown(options=self._datasets_for(c.problem), value=c.dataset, description="data")
        ctl["noise"] = W.IntSlider(min=0, max=50, step=5, value=c.noise, description="noise %", continuous_update=False)
        ctl["train_ratio"] = W.IntSlider(min=10, max=90, step=10, value=c.train_ratio, description="train %",
                                         continuous_update=False)
        ctl["batch_size"] = W.IntSlider(min=1, max=30, step=1, value=c.batch_size, description="batch size",
                                        continuous_update=False)
        ctl["show_test"] = W.Checkbox(value=c.show_test, description="show test data", indent=False, layout=small)
        ctl["discretize"] = W.Checkbox(value=c.discretize, description="discretize output", indent=False,
                                       layout=small)
        for f, (label, _) in FEATURES.items():
            ctl["feature:" + f] = W.Checkbox(value=f in c.features, description=label, indent=False, layout=small)
        ctl["activation"] = W.Dropdown(options=ACTIVATIONS, value=c.activations[0] if c.activations else "tanh",
                                       description="activation")
        ctl["lr"] = W.Dropdown(options=[(_label(v), v) for v in self._with(LEARNING_RATES, c.lr)], value=c.lr,
                               description="learning rate")
        ctl["regularization"] = W.Dropdown(options=REGULARIZATIONS, value=c.regularization,
                                           description="regularization")
        ctl["reg_rate"] = W.Dropdown(options=[(_label(v), v) for v in self._with(REGULARIZATION_RATES, c.reg_rate)],
                                     value=c.reg_rate, description="reg. rate")
        ctl["loss"] = W.Dropdown(options=LOSSES, value=c.loss, description="loss")
        ctl["dropout"] = W.FloatSlider(min=0, max=0.9, step=0.1, value=c.dropout, description="dropout",
                                       continuous_update=False)
        ctl["patience"] = set_tooltip(W.BoundedIntText(min=0, max=1000, value=c.patience, description="early stop"),
                                      "patience in epochs; 0 = off")
        ctl["seed"] = W.BoundedIntText(min=0, max=10**6, value=c.seed, description="seed")
        ctl["preset"] = W.Dropdown(options=[NO_PRESET] + list(PRESETS), value=NO_PRESET, description="preset")
        ctl["state"] = W.Text(value=c.state_string(), description="state", layout=W.Layout(width="60%"))
        ctl["selected"] = W.Dropdown(description="selected", layout=W.Layout(width="45%"))
        ctl["value"] = W.FloatText(description="value", step=0.01)
        ctl["export_path"] = W.Text(value="playground.npz", description="file")
        ctl["code"] = W.Textarea(value="", layout=W.Layout(width="98%", height="14em"))
        ctl["report"] = W.HTML("")
        ctl["message"] = W.HTML("")
        ctl["status"] = W.HTML("")
        ctl["figure"] = W.Image(format="png")
        self.layer_box = W.HBox([])

        names = ["problem", "dataset", "noise", "train_ratio", "batch_size", "show_test", "discretize",
                 "activation", "lr", "regularization", "reg_rate", "loss", "dropout", "patience", "seed"]
        names += ["feature:" + f for f in FEATURES]
        for name in names:
            ctl[name].observe(lambda change, name=name: self._on_control(name, change["new"]), names="value")
        ctl["preset"].observe(lambda change: self._on_preset(change["new"]), names="value")
        ctl["value"].observe(lambda change: self._on_value(change["new"]), names="value")

        row = lambda *names_: W.HBox([ctl[n] for n in names_])
        self._box = W.VBox([
            W.HBox([ctl["play"], ctl["pause"], ctl["step"], ctl["reset"], ctl["status"]]),
            row("problem", "dataset", "regenerate"),
            row("noise", "train_ratio", "batch_size"),
            W.HBox([W.HTML("features:&nbsp;")] + [ctl["feature:" + f] for f in FEATURES]),
            W.HBox([ctl["add_layer"], ctl["remove_layer"], self.layer_box]),
            row("activation", "lr", "loss"),
            row("regularization", "reg_rate", "dropout"),
            row("patience", "seed", "show_test", "discretize"),
            ctl["message"],
            ctl["figure"],
            row("selected", "value", "explain"),
            ctl["report"],
            row("preset", "state", "load_state"),
            row("export_path", "export"),
            ctl["code"],
        ])
        self._build_layer_controls()
        self._build_selection()
        # observed only now: filling the drop-down above would draw the figure once more
        ctl["selected"].observe(lambda change: self.redraw(), names="value")
        self.redraw()
        return self._box

    # ------------------------------------------------------------ helpers for the controls
    @staticmethod
    def _datasets_for(problem):
        return list(CLASSIFICATION_DATASETS if problem == "classification" else REGRESSION_DATASETS)

    @staticmethod
    def _with(options, value):
        return sorted(set(options) | {value})

    def _say(self, text):
        if self._box is not None:
            self.controls["message"].value = f"<span style='color:#b00020'>{html.escape(text)}</span>" if text else ""

    def _show_status(self):
        if self._box is None:
            return
        s = self.state
        text = f"<b>epoch {s.epoch}</b> · train loss {s.train_loss:.4f} · test loss {s.test_loss:.4f}"
        if s.config.problem == "classification":
            text += f" · test accuracy {100 * s.accuracy('test'):.1f} %"
        text += " · <i>running</i>" if self.running else ""
        self.controls["status"].value = text
        if s.message:
            self._say(s.message)

    def _on_control(self, name, value):
        """A control changed: translate it into a configuration change."""
        if self._syncing:
            return
        c = self.state.config
        if name == "problem":
            changes = {"dataset": self._datasets_for(value)[0]}
            if value == "regression":
                changes["loss"] = "mse"
        elif name.startswith("feature:"):
            f = name.split(":", 1)[1]
            chosen = set(c.features) | {f} if value else set(c.features) - {f}
            if not chosen:
                self._say("Keep at least one input feature.")
                self._push_config()
                return
            changes = {"features": tuple(chosen)}
        elif name == "activation":
            changes = {"activations": (value,) * len(c.hidden)}
        else:
            changes = {name: value}
        try:
            self.state.set(**changes)
        except ValueError as error:
            self._say(str(error))
        else:
            self._say(self.state.message)
        self._push_config()
        self.redraw()

    def _push_config(self):
        """Show the state's configuration on every control (without triggering their handlers)."""
        if self._box is None:
            return
        c, ctl = self.state.config, self.controls
        self._syncing = True
        try:
            ctl["problem"].value = c.problem
            ctl["dataset"].options = self._datasets_for(c.problem)
            ctl["dataset"].value = c.dataset
            for name in ("noise", "train_ratio", "batch_size", "show_test", "discretize", "regularization",
                         "loss", "dropout", "patience", "seed"):
                ctl[name].value = getattr(c, name)
            ctl["lr"].options = [(_label(v), v) for v in self._with(LEARNING_RATES, c.lr)]
            ctl["lr"].value = c.lr
            ctl["reg_rate"].options = [(_label(v), v) for v in self._with(REGULARIZATION_RATES, c.reg_rate)]
            ctl["reg_rate"].value = c.reg_rate
            if c.activations and len(set(c.activations)) == 1:
                ctl["activation"].value = c.activations[0]
            for f in FEATURES:
                ctl["feature:" + f].value = f in c.features
            ctl["state"].value = c.state_string()
        finally:
            self._syncing = False
        self._build_layer_controls()
        self._build_selection()

    def _build_layer_controls(self):
        """One column per hidden layer: its number of neurons and its activation."""
        import ipywidgets as W

        c = self.state.config
        if getattr(self, "_layer_arch", None) == (c.hidden, c.activations):
            return
        self._layer_arch = (c.hidden, c.activations)
        self.layer_neurons, self.layer_activations = [], []
        columns = []
        for k, (n, act) in enumerate(zip(c.hidden, c.activations)):
            neurons = W.BoundedIntText(min=1, max=MAX_NEURONS, value=n, layout=W.Layout(width="4.5em"))
            activation = W.Dropdown(options=ACTIVATIONS, value=act, layout=W.Layout(width="6.5em"))
            neurons.observe(lambda ch, k=k: self._on_layer(k, neurons=ch["new"]), names="value")
            activation.observe(lambda ch, k=k: self._on_layer(k, activation=ch["new"]), names="value")
            self.layer_neurons.append(neurons)
            self.layer_activations.append(activation)
            columns.append(W.VBox([W.HTML(f"layer {k + 1}"), neurons, activation]))
        if not columns:
            columns = [W.HTML("no hidden layer: the inputs feed the output directly")]
        self.layer_box.children = columns
        self.controls["add_layer"].disabled = len(c.hidden) >= MAX_LAYERS
        self.controls["remove_layer"].disabled = len(c.hidden) == 0

    def _on_layer(self, k, neurons=None, activation=None):
        if self._syncing:
            return
        c = self.state.config
        hidden, acts = list(c.hidden), list(c.activations)
        if neurons is not None:
            hidden[k] = int(neurons)
        if activation is not None:
            acts[k] = activation
        self.set(hidden=tuple(hidden), activations=tuple(acts))

    def _add_layer(self):
        c = self.state.config
        if len(c.hidden) < MAX_LAYERS:
            self.set(hidden=c.hidden + (c.hidden[-1] if c.hidden else 4,))

    def _remove_layer(self):
        c = self.state.config
        if c.hidden:
            self.set(hidden=c.hidden[:-1])

    # ------------------------------------------------------------ the selected weight
    def _build_selection(self):
        """The drop-down of every weight and bias (rebuilt when the architecture changes)."""
        options = [(name, key) for key, name in self.state.parameters()]
        ctl = self.controls["selected"]
        if [key for _, key in ctl.options] == [key for _, key in options]:
            return
        old = ctl.value
        self._syncing = True
        try:
            ctl.options = options
            keys = [k for _, k in options]
            ctl.value = old if old in keys else keys[0]
        finally:
            self._syncing = False

    def _selected_key(self):
        return self.controls["selected"].value if self._box is not None else None

    def _show_selected_value(self):
        key = self._selected_key()
        if key is None:
            return
        self._syncing = True
        try:
            self.controls["value"].value = round(self.state.get_param(key), 6)
        finally:
            self._syncing = False

    def _on_value(self, value):
        """Typing a number into the value box sets the selected weight or bias."""
        if self._syncing:
            return
        key = self._selected_key()
        try:
            self.state.set_param(key, float(value))
        except ValueError as error:
            self._say(str(error))
        self.redraw()

    # ------------------------------------------------------------ presets, state string, export
    def _on_preset(self, name):
        if self._syncing or name == NO_PRESET:
            return
        self.load(name)
        self._say(f"Preset “{name}” loaded: press Play.")

    def _on_load_state(self):
        try:
            self.load(PlaygroundConfig.from_state_string(self.controls["state"].value))
        except ValueError as error:
            self._say(str(error))

    def _on_export(self):
        try:
            self.export(self.controls["export_path"].value or "playground.npz")
        except (OSError, ValueError) as error:
            self._say(f"Export failed: {error}")

    # ============================================================ the static version
    def player_html(self, mode=None):
        """The static HTML player for `mode` (default: explorer.player_mode()).

        'full' (the book's build): recorded runs of this configuration and a few presets;
        'first': this configuration's current picture only;
        'live' (Jupyter, Colab): nothing is recorded or drawn for it: the live figure's current
        picture if the widget is shown, otherwise a note."""
        mode = mode or player_mode()
        if mode == "full":
            if self._player is None:
                epochs = sorted(set(self.record_epochs) | {self.state.epoch})
                runs = recorded_runs(self.state.config, self.static_presets, epochs)
                self._player = player_html(runs)
            return self._player
        if mode == "first":
            figure = PlaygroundFigure()
            figure.update(self.state)
            png, scale = figure.png(64 * FRAME_SCALE, 64), FRAME_SCALE
        elif mode == "live":
            png, scale = self._live_png, 1
            if png is None:
                return ('<div class="nnlib-player nnlib-playground"><p>Neural network playground: run this cell '
                        f'in Jupyter or Colab to use it. {LIVE_LINK}</p></div>')
        else:
            raise ValueError(f"mode must be 'full', 'first' or 'live'; got {mode!r}")
        text = f"epoch {self.state.epoch}: training loss {self.state.train_loss:.4f}, test loss {self.state.test_loss:.4f}"
        frames = [{"epoch": self.state.epoch, "text": text, "png": png}]
        return player_html([{"title": "this configuration", "state": self.state.state_string(), "frames": frames}],
                           scale=scale)

    def _repr_mimebundle_(self, include=None, exclude=None):
        """One output for every renderer: the live widget (Jupyter, Colab), the recorded
        player (text/html, the static book) and a line of text."""
        bundle = {"text/plain": repr(self)}
        wanted = lambda mime: (include is None or mime in include) and (exclude is None or mime not in exclude)
        if wanted(WIDGET_VIEW_MIME):
            bundle[WIDGET_VIEW_MIME] = {"version_major": 2, "version_minor": 0, "model_id": self.widget().model_id}
        if wanted("text/html"):
            bundle["text/html"] = self.player_html()
        return bundle

    def __repr__(self):
        return f"<Playground epoch {self.state.epoch}: {self.state.state_string()}>"


def playground(preset=None, **config):
    """A Playground with TensorFlow Playground's defaults, changed by `config` (any
    PlaygroundConfig setting) or started from a preset (a name in PRESETS). Display it."""
    return Playground(preset=preset, **config)
