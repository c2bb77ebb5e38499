"""Multi-panel figures for phones: a stacked copy inside the book's SVG (issue 14 item 4).

Many of the book's figures are a row of panels, plt.subplots(1, n, figsize=(11, 4)). On a phone
the page column is about 340 CSS px wide, so such a figure is shrunk to a third of its size and
its 10-pt labels come out about 5 px high. While the book is built, the kernel therefore draws
each such figure twice:

* the wide SVG, exactly as matplotlib's inline backend draws it (what a desktop shows), and
* a STACKED copy: the same axes moved into a grid NARROW_WIDTH inches wide, one panel per row
  (or a few small panels per row, e.g. a row of digit images), each panel keeping its aspect,
  so that a phone shows the labels at about three quarters of their real size.

The stacked SVG travels inside the wide one as an XML comment before the closing tag,
`<!-- nnlib-narrow:BASE64 -->`. The book's Sphinx extension (_ext/phone_figures.py) writes it
to its own file, shows it with <picture> on narrow screens and strips the comment from the wide
file. Anything else (a Jupyter or Colab kernel) never calls install(), and a browser ignores
the comment anyway.

Only simple rows of panels get a variant: every top-level axes sits in one cell of the same
1-row GridSpec (inset axes, placed by an axes_locator, move with their parent; so does a colorbar
of a constrained-layout figure, which the layout places beside its panel). A colorbar made by
fig.colorbar in a figure without constrained layout (it splits its panel's cell into a nested
grid, which constrained layout cannot stack), axes placed by hand with fig.add_axes, subfigures
or a grid of several rows: no variant. If making the variant fails for any reason the wide SVG
is shown alone.

    install(shell)           wrap the kernel's image/svg+xml formatter for Figures
    stacked_copy(fig)        the stacked copy of a row of panels, or None
    svg_with_narrow(fig, plain_svg)   the wide SVG with the stacked one embedded (or alone)
"""
import base64
import math
import pickle
import warnings

from matplotlib.figure import Figure
from matplotlib.gridspec import GridSpec

NARROW_WIDTH = 4.6      # inches: ~440 px natural width, shown at ~0.77x in a 340-px phone column
MARK = "nnlib-narrow:"


def panels_in_a_row(fig):
    """{column: [axes in that column]} if fig is a 1 x n grid of subplots (n >= 2), else None.
    Axes with an axes_locator (insets) are left out: they follow their parent."""
    if fig.subfigs:
        return None
    gridspec, columns = None, {}
    for ax in fig.axes:
        if ax.get_axes_locator() is not None:
            continue
        spec = ax.get_subplotspec()
        if spec is None or ax.get_figure(root=False) is not fig:
            return None                     # fig.add_axes, a subfigure's axes
        if gridspec is None:
            gridspec = spec.get_gridspec()
        if spec.get_gridspec() is not gridspec or gridspec.nrows != 1:
            return None                     # a nested grid (a colorbar's), several rows
        first, last = spec.colspan.start, spec.colspan.stop
        if last - first != 1:
            return None                     # a panel spanning columns
        columns.setdefault(first, []).append(ax)      # twinx axes share their parent's cell
    return columns if len(columns) >= 2 else None


def _copy(fig):
    """A deep copy of fig through pickle that pyplot does not know about (a pyplot figure would
    otherwise come back registered with pyplot, and the inline backend would show it too)."""
    manager = fig.canvas.manager
    fig.canvas.manager = None
    try:
        data = pickle.dumps(fig)
    finally:
        fig.canvas.manager = manager
    return pickle.loads(data)


def stacked_copy(fig, width=NARROW_WIDTH):
    """A copy of fig with its panels stacked in a grid `width` inches wide, or None if fig is not
    a row of panels or is no wider than `width`. One panel per row, each as tall as needed to
    keep its aspect; panels of equal width that are small enough go several to a row."""
    columns = panels_in_a_row(fig)
    fig_w, fig_h = fig.get_size_inches()
    if columns is None or fig_w <= width:
        return None
    order = sorted(columns)
    ratios = columns[order[0]][0].get_subplotspec().get_gridspec().get_width_ratios()
    ratios = ratios if ratios is not None else [1] * (max(order) + 1)
    panel_w = [fig_w * ratios[c] / sum(ratios) for c in order]
    per_row = 1
    if len(set(panel_w)) == 1:          # equal panels: as many to a row as fit at their size
        per_row = max(1, min(len(order), int(width // panel_w[0])))
    if per_row >= len(order):
        return None
    copy = _copy(fig)
    axes = {c: [copy.axes[fig.axes.index(ax)] for ax in columns[c]] for c in order}
    if per_row == 1:
        heights = [fig_h * width / w for w in panel_w]          # same aspect as in the row
        new_w = width
    else:
        heights = [fig_h] * math.ceil(len(order) / per_row)     # same size as in the row
        new_w = per_row * panel_w[0]
    grid = GridSpec(len(heights), per_row, figure=copy, height_ratios=heights)
    for i, c in enumerate(order):
        for ax in axes[c]:
            ax.set_subplotspec(grid[i // per_row, i % per_row])
            # plt.subplots(sharey=True) hides the tick labels of all but the first panel of a
            # row; stacked, each panel needs its own.
            shares_y = len(ax.get_shared_y_axes().get_siblings(ax)) > 1
            if shares_y and ax.yaxis.get_ticks_position() != "right":
                ax.yaxis.set_tick_params(which="both", labelleft=True)
    copy.set_size_inches(new_w, sum(heights))
    # Room for titles, labels and the suptitle; "compressed" also closes the gaps that
    # constrained layout leaves between rows of fixed-aspect images (a row of digits).
    copy.set_layout_engine("compressed" if per_row > 1 else "constrained")
    # A title longer than the narrow figure would widen the picture (the inline backend crops
    # to what is drawn, bbox_inches="tight") and shrink it on the phone: wrap it instead.
    # (fig.suptitle's Text is kept in fig._suptitle; matplotlib has no public getter for it.)
    for title in [getattr(copy, "_suptitle", None)] + [ax.title for ax in copy.axes]:
        if title is not None:
            title.set_wrap(True)
    return copy


def embed(wide_svg, narrow_svg):
    """wide_svg with narrow_svg as a base64 comment just before its closing </svg>."""
    encoded = base64.b64encode(narrow_svg.encode("utf-8")).decode("ascii")
    head, sep, tail = wide_svg.rpartition("</svg>")
    if not sep:
        raise ValueError("not an SVG document")
    return f"{head}<!-- {MARK}{encoded} -->\n{sep}{tail}"


def svg_with_narrow(fig, plain):
    """What the book's kernel shows for a Figure: plain(fig) (the inline backend's own SVG
    formatter), with the stacked copy embedded when fig is a row of panels."""
    wide = plain(fig)
    if not wide:
        return wide
    try:
        with warnings.catch_warnings():     # e.g. a layout warning: the reader sees the wide one
            warnings.simplefilter("ignore")
            copy = stacked_copy(fig)
            narrow = plain(copy) if copy is not None else None
        return embed(wide, narrow) if narrow else wide
    except Exception:               # never break a chapter for a phone variant
        return wide


class _WithNarrow:
    """The SVG formatter installed by install(): calls svg_with_narrow with the plain one."""

    def __init__(self, plain):
        self.plain = plain

    def __call__(self, fig):
        return svg_with_narrow(fig, self.plain)


def install(shell):
    """Wrap shell's image/svg+xml formatter for Figures (registered by set_matplotlib_formats)
    so that rows of panels carry their stacked copy. Returns True if it is now wrapped."""
    formatter = shell.display_formatter.formatters["image/svg+xml"]
    try:
        plain = formatter.lookup_by_type(Figure)
    except KeyError:
        return False
    if not isinstance(plain, _WithNarrow):
        formatter.for_type(Figure, _WithNarrow(plain))
    return True
