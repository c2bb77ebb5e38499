"""The playground's picture: one matplotlib figure, built once and updated in place.

What the figure shows
* left, the network: one column of small heatmaps per layer (the input features, each hidden
  layer, the output). Each small heatmap is what that neuron computes over the plane
  [-6, 6]² (blue = positive / class 1, orange = negative / class 0). The lines between
  them are the weights: width proportional to |w| (clipped to 6 points), blue when w > 0,
  orange when w < 0. The selected weight or neuron (see the "Selected" drop-down) is outlined.
* top right, the output: the network's output over the plane, with the training points
  (white edge) and, when "show test data" is on, the test points (black edge).
* bottom right, the loss over time: training loss (grey) and test loss (black), log scale.
* the top line: epoch, training and test loss (and test accuracy for classification);
  a red message when training diverged or stopped early.

Only `set_data`, `set_segments`, `set_linewidths` and friends run on every update; the diagram's
artists are rebuilt only when the architecture (features, layer sizes) changes.
"""
import io

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.patches import Rectangle
from matplotlib.ticker import LogLocator, MaxNLocator, NullLocator

from .explorer import new_figure, plain_log_ticks
from .playground_core import DOMAIN, FEATURES

BLUE, ORANGE = "#0877bd", "#f59322"
CMAP = LinearSegmentedColormap.from_list("playground", [ORANGE, "#f5f5f5", BLUE])
MAX_COLUMNS = 8          # inputs + 6 hidden layers + output
MAX_ROWS = 8             # neurons per layer
NODE_INCHES = 0.36       # side of a neuron's small heatmap
TILE = 25                # ... in pixels of the mosaic (every other point of the 50 × 50 grid)
X_RANGE = (-1.0, 7.6)    # the network diagram's axes, in "column" units
Y_RANGE = (-1.3, MAX_ROWS + 0.1)   # ... and "row" units (row 0 at the top)
FIGSIZE = (10.0, 4.4)
LOSS_CAP = 1e6           # the loss plot shows larger (diverging) losses at this height

# the range of values each activation's heatmap is coloured over (None: symmetric, from the data)
CLIM = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}


def encode_png(rgb, colors=None):
    """PNG bytes for an RGB array, quickly (zlib level 1); with `colors`, as a palette of that
    many colours (smaller files, for the static player). No metadata is written."""
    from PIL import Image

    image = Image.fromarray(np.ascontiguousarray(rgb))
    buf = io.BytesIO()
    if colors is None:
        image.save(buf, format="PNG", compress_level=1)
    else:
        image = image.quantize(colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        image.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def link_widths(W):
    """Line widths in points for weights W: 1.5·|w|, clipped to [0.15, 6]."""
    return np.clip(1.5 * np.abs(W), 0.15, 6.0)


def link_colors(W):
    """Blue for positive weights, orange for negative ones."""
    return np.where(W >= 0, BLUE, ORANGE)


class PlaygroundFigure:
    """The figure of a playground. update(state) redraws it for a PlaygroundState."""

    def __init__(self, figsize=FIGSIZE):
        self.fig = new_figure(figsize)
        self.fig.patch.set_facecolor("white")
        self.ax_net = self.fig.add_axes([0.01, 0.02, 0.60, 0.86])
        self.ax_out = self.fig.add_axes([0.665, 0.36, 0.27, 0.55])
        self.ax_loss = self.fig.add_axes([0.665, 0.08, 0.30, 0.2])
        self.status = self.fig.text(0.01, 0.965, "", fontsize=10, va="center", family="monospace")
        self.alert = self.fig.text(0.01, 0.025, "", fontsize=9, color="#b00020", va="bottom")
        self._arch = None
        self._data_key = None
        self.selected = None
        self._setup_output()
        self._setup_loss()

    # -------------------------------------------------------- built once
    def _setup_output(self):
        """The output heatmap and the scatter plots of the training and test points."""
        ax = self.ax_out
        extent = (-DOMAIN, DOMAIN, -DOMAIN, DOMAIN)
        self.out_image = ax.imshow(np.zeros((2, 2)), extent=extent, origin="lower", cmap=CMAP,
                                   vmin=-1, vmax=1, interpolation="bilinear", aspect="auto")
        self.train_points = ax.scatter([0], [0], c=[0.0], s=12, cmap=CMAP, edgecolors="white", linewidths=0.6)
        self.test_points = ax.scatter([0], [0], c=[0.0], s=12, cmap=CMAP, edgecolors="black", linewidths=0.6)
        ax.set(xlim=(-DOMAIN, DOMAIN), ylim=(-DOMAIN, DOMAIN), xticks=[-6, 0, 6], yticks=[-6, 0, 6])
        ax.tick_params(labelsize=7, length=2, pad=1)
        self.out_title = ax.set_title("output", fontsize=9, pad=3)

    def _setup_loss(self):
        """The loss-over-time plot: training (grey) and test (black)."""
        ax = self.ax_loss
        (self.loss_line,) = ax.plot([], [], color="#999999", lw=1.2, label="train")
        (self.val_line,) = ax.plot([], [], color="black", lw=1.2, label="test")
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(numticks=4))       # few ticks: text is what costs time
        ax.yaxis.set_minor_locator(NullLocator())
        plain_log_ticks(ax.yaxis)                                # 0.1, not 10⁻¹ in mathtext (slow to start)
        ax.xaxis.set_major_locator(MaxNLocator(4, integer=True))
        ax.tick_params(labelsize=7, length=2, pad=1)
        ax.set_xlabel("epoch", fontsize=7, labelpad=1)
        ax.legend(fontsize=6, loc="upper right", frameon=False, handlelength=1.2)

    def _build_diagram(self, state):
        """Place one small heatmap per neuron and one line per weight, for state's architecture."""
        ax, c = self.ax_net, state.config
        ax.clear()
        ax.set_axis_off()
        ax.set(xlim=X_RANGE, ylim=Y_RANGE[::-1])
        bbox = ax.get_position()
        width_in, height_in = bbox.width * self.fig.get_figwidth(), bbox.height * self.fig.get_figheight()
        self.node_w = NODE_INCHES / (width_in / 8.6)
        self.node_h = NODE_INCHES / (height_in / (MAX_ROWS + 1.4))
        sizes = state.model.sizes
        spacing = min(2.4, 7.0 / (len(sizes) - 1))
        self.node_xy = [[(k * spacing, float(r)) for r in range(n)] for k, n in enumerate(sizes)]
        self.links = LineCollection([], zorder=1, capstyle="butt")
        ax.add_collection(self.links)
        # All the neurons' small heatmaps live in ONE image (a mosaic) covering the axes: drawing one
        # image is much faster than drawing dozens. Each neuron owns a TILE × TILE block of pixels
        # at its position; the rest of the mosaic is transparent.
        self.px_x, self.px_y = TILE / self.node_w, TILE / self.node_h        # pixels per data unit
        width_px = int(np.ceil((X_RANGE[1] - X_RANGE[0]) * self.px_x)) + TILE
        height_px = int(np.ceil((Y_RANGE[1] - Y_RANGE[0]) * self.px_y)) + TILE
        self.mosaic = np.zeros((height_px, width_px, 4), dtype=np.uint8)   # RGBA bytes
        self.tiles = [[(int(round((y - self.node_h / 2 - Y_RANGE[0]) * self.px_y)),
                        int(round((x - self.node_w / 2 - X_RANGE[0]) * self.px_x))) for x, y in column]
                      for column in self.node_xy]
        right = X_RANGE[0] + width_px / self.px_x
        bottom = Y_RANGE[0] + height_px / self.px_y
        self.nodes_image = ax.imshow(self.mosaic, extent=(X_RANGE[0], right, bottom, Y_RANGE[0]), origin="upper",
                                     aspect="auto", interpolation="nearest", zorder=2)
        for i, f in enumerate(c.features):   # input labels, left of the input column
            x, y = self.node_xy[0][i]
            ax.text(x - self.node_w / 2 - 0.08, y, FEATURES[f][0], ha="right", va="center", fontsize=8)
        heads = ["inputs"] + [f"{n} × {a}" for n, a in zip(c.hidden, c.activations)] + [f"out: {c.output_activation}"]
        for (x, _), head in zip((col[0] for col in self.node_xy), heads):
            ax.text(x, -0.75, head, ha="center", va="center", fontsize=7.5)
        self.mark = Rectangle((0, 0), 0, 0, fill=False, lw=2, ec="black", zorder=3, visible=False)
        ax.add_patch(self.mark)
        (self.mark_line,) = ax.plot([], [], color="black", lw=1, ls="--", zorder=3)
        ax.set(xlim=X_RANGE, ylim=Y_RANGE[::-1])   # imshow may have moved them
        self._segments = []
        for k in range(len(sizes) - 1):
            for (x0, y0) in self.node_xy[k]:
                for (x1, y1) in self.node_xy[k + 1]:
                    self._segments.append([(x0 + self.node_w / 2, y0), (x1 - self.node_w / 2, y1)])
        self.links.set_segments(self._segments)
        self._arch = (tuple(c.features), tuple(sizes), tuple(c.activations), c.output_activation)

    # -------------------------------------------------------- every update
    def update(self, state):
        """Show `state`: neuron heatmaps, links, output, points, losses, status line."""
        c = state.config
        arch = (tuple(c.features), tuple(state.model.sizes), tuple(c.activations), c.output_activation)
        if arch != self._arch:
            self._build_diagram(state)
        images = state.grid_images()
        self._update_nodes(state, images)
        self._update_links(state)
        self._update_output(state)
        self._update_points(state)
        self._update_loss(state)
        self._update_text(state)
        self._update_selection(state)

    def _update_nodes(self, state, images):
        """Each neuron's heatmap, coloured over its activation's range."""
        acts = [None] + list(state.model.activations)
        self.mosaic[...] = 0
        for k, (tiles, values) in enumerate(zip(self.tiles, images)):
            for (row, col), image in zip(tiles, values):
                image = np.nan_to_num(image[::-2, ::2])      # 25 × 25, first row at the top
                m = max(float(np.max(np.abs(image))), 1e-9)        # symmetric range for relu, linear, inputs
                low, high = CLIM.get(acts[k], (-m, m))
                self.mosaic[row:row + TILE, col:col + TILE] = CMAP((image - low) / (high - low), bytes=True)
        self.nodes_image.set_data(self.mosaic)

    def _update_links(self, state):
        """Line width ∝ |w| and colour by sign, in the order the segments were made."""
        W = np.concatenate([np.nan_to_num(layer.W).ravel() for layer in state.model.layers])
        self.links.set_linewidths(link_widths(W))
        self.links.set_colors(link_colors(W))

    def _update_output(self, state):
        c = state.config
        self.out_image.set_data(np.nan_to_num(state.output_image()))
        if c.problem == "regression":
            self.out_image.set_clim(-1, 1)
        elif c.discretize:
            self.out_image.set_clim(0, 1)
        else:
            self.out_image.set_clim(*CLIM[c.output_activation])
        self.out_title.set_text("output (discretized)" if c.discretize else "output")

    def _update_points(self, state):
        """Training and test points, coloured by label (or target value for regression)."""
        key = (id(state.X_train), state.config.problem)
        if key != self._data_key:
            clim = (0, 1) if state.config.problem == "classification" else (-1, 1)
            for points, X, y in ((self.train_points, state.X_train, state.y_train),
                                 (self.test_points, state.X_test, state.y_test)):
                points.set_offsets(X)
                points.set_array(y[:, 0])
                points.set_clim(*clim)
            self._data_key = key
        self.test_points.set_visible(state.config.show_test)

    def _update_loss(self, state):
        h = state.history
        epochs = np.asarray(h["epoch"], dtype=float)
        values = []
        for line, key in ((self.loss_line, "loss"), (self.val_line, "val_loss")):
            y = np.minimum(np.asarray(h[key], dtype=float), LOSS_CAP)   # a diverging loss is drawn at the cap
            line.set_data(epochs, y)
            values.append(y[np.isfinite(y) & (y > 0)])
        values = np.concatenate(values)
        low, high = (values.min(), values.max()) if values.size else (0.1, 1.0)
        self.ax_loss.set_xlim(0, max(1, epochs[-1]))
        self.ax_loss.set_ylim(low / 1.5, high * 1.5 if high > low else low * 10)

    def _update_text(self, state):
        c = state.config
        text = f"Epoch {state.epoch:06d}   train loss {state.train_loss:.4f}   test loss {state.test_loss:.4f}"
        if c.problem == "classification":
            text += f"   test accuracy {100 * state.accuracy('test'):.1f} %"
        self.status.set_text(text)
        self.alert.set_text(state.message)

    # -------------------------------------------------------- the selected weight or neuron
    def select(self, key):
        """Outline a weight ("W", layer, i, j) or a neuron's bias ("b", layer, j); None: nothing."""
        self.selected = key

    def _update_selection(self, state):
        key = self.selected
        self.mark.set_visible(False)
        self.mark_line.set_data([], [])
        if key is None or key[1] > len(self.node_xy) - 1:
            return
        if key[0] == "W":
            _, l, i, j = key
            if i < len(self.node_xy[l - 1]) and j < len(self.node_xy[l]):
                (x0, y0), (x1, y1) = self.node_xy[l - 1][i], self.node_xy[l][j]
                self.mark_line.set_data([x0 + self.node_w / 2, x1 - self.node_w / 2], [y0, y1])
        else:
            _, l, j = key
            if j < len(self.node_xy[l]):
                x, y = self.node_xy[l][j]
                self.mark.set_bounds(x - self.node_w / 2 - 0.05, y - self.node_h / 2 - 0.08,
                                     self.node_w + 0.1, self.node_h + 0.16)
                self.mark.set_visible(True)

    # -------------------------------------------------------- rendering
    def _moving_artists(self):
        """The artists that change from one update to the next, in drawing order."""
        return ([self.links, self.nodes_image]
                + [self.mark, self.mark_line, self.out_image, self.train_points, self.test_points,
                   self.out_title, self.ax_loss, self.status, self.alert])

    def render(self, dpi=80):
        """Draw the figure and return its pixels (an RGB array).

        The parts that do not move (axes frames, tick labels of the output panel, layer headings,
        feature names) are drawn once and kept as a background; each update then pastes the
        background and draws only the moving artists on top ("blitting"), which is several times
        faster than drawing everything, mostly because text is slow to draw."""
        fig, canvas = self.fig, self.fig.canvas
        key = (self._arch, dpi, tuple(fig.get_size_inches()))
        moving = self._moving_artists()
        if key != getattr(self, "_background_key", None):
            fig.set_dpi(dpi)
            for artist in moving:
                artist.set_animated(True)      # figure.draw leaves animated artists out
            canvas.draw()
            self._background = canvas.copy_from_bbox(fig.bbox)
            self._background_key = key
        else:
            canvas.restore_region(self._background)
        renderer = canvas.get_renderer()
        for artist in moving:
            artist.draw(renderer)
        return np.asarray(canvas.buffer_rgba())[..., :3]

    def png(self, dpi=80, colors=None):
        """The figure as PNG bytes (see render)."""
        return encode_png(self.render(dpi), colors)
