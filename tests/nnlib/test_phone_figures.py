"""Multi-panel figures stacked for phones (issue 14 item 4): nnlib/widgets/phone_figures.py makes
the stacked copy in the kernel, _ext/phone_figures.py shows it with <picture> in the book."""
import functools
import importlib.util
import re

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
import yaml
from IPython.core.pylabtools import print_figure
from matplotlib.backends.backend_agg import FigureCanvasAgg

from coursetools import ROOT
from nnlib.widgets import phone_figures
from nnlib.widgets.style import BOOK_RC, PRINT_KWARGS

# The inline backend's own SVG formatter, as use_book_style registers it.
PLAIN = functools.partial(print_figure, fmt="svg", **PRINT_KWARGS)
TEXT = re.compile(r"<!-- (.*?) -->")      # matplotlib writes each text as a comment before its glyphs


def load_extension():
    """_ext/phone_figures.py, the book's Sphinx extension (imported from its file)."""
    spec = importlib.util.spec_from_file_location("phone_figures_ext", ROOT / "_ext" / "phone_figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def split(svg):
    """(the SVG without its stacked copy, the copy or None), read as the book's build reads it."""
    ext = load_extension()
    return ext.strip_variant(svg), ext.narrow_variant(svg)


@pytest.fixture(autouse=True)
def book_rc():
    plt.close("all")       # figures another test of this process left open are not ours
    with matplotlib.rc_context(BOOK_RC):
        yield
    plt.close("all")


def row(n=2, figsize=(11, 4), **kwargs):
    """A 1 x n figure with a title and labels on every panel and a suptitle."""
    fig, axes = plt.subplots(1, n, figsize=figsize, **kwargs)
    x = np.linspace(-3, 3, 50)
    for i, ax in enumerate(axes):
        ax.plot(x, np.tanh(x * (i + 1)))
        ax.set(title=f"panel {i}", xlabel=f"x{i}", ylabel=f"y{i}")
    fig.suptitle("a row of panels")
    fig.tight_layout()
    return fig, axes


def texts(svg):
    """The words drawn in an SVG (titles, labels; not tick numbers, which depend on the size)."""
    return sorted(t for t in TEXT.findall(svg)
                  if re.search("[a-z]", t) and not t.startswith(phone_figures.MARK))


def grid_of(ax):
    spec = ax.get_subplotspec()
    return spec.get_gridspec().nrows, spec.get_gridspec().ncols, spec.rowspan.start, spec.colspan.start


# ---------------------------------------------------------------- the kernel side: the stacked copy
def test_a_row_of_two_panels_gets_a_copy_with_two_rows_and_the_same_text():
    fig, axes = row(2)
    copy = phone_figures.stacked_copy(fig)
    assert copy is not None and copy is not fig
    assert [grid_of(ax) for ax in copy.axes] == [(2, 1, 0, 0), (2, 1, 1, 0)]
    assert copy.get_size_inches()[0] == pytest.approx(phone_figures.NARROW_WIDTH)
    # each panel keeps its aspect: 5.5 x 4 in in the row, NARROW_WIDTH wide stacked
    assert copy.get_size_inches()[1] == pytest.approx(2 * 4 * phone_figures.NARROW_WIDTH / 5.5)
    assert [ax.get_title() for ax in copy.axes] == ["panel 0", "panel 1"]
    assert copy.get_suptitle() == "a row of panels"
    copy.canvas.draw()
    top, bottom = (ax.get_position() for ax in copy.axes)
    assert top.y0 > bottom.y1                     # panel 0 above panel 1, one per row
    # the original is untouched and pyplot knows nothing of the copy
    assert [grid_of(ax) for ax in axes] == [(1, 2, 0, 0), (1, 2, 0, 1)]
    assert tuple(fig.get_size_inches()) == (11, 4)
    assert plt.get_fignums() == [fig.number]
    wide, narrow = split(phone_figures.svg_with_narrow(fig, PLAIN))
    assert narrow is not None and texts(narrow) == texts(wide)
    assert {"panel 1", "x1", "y1", "a row of panels"} <= set(texts(narrow))


def test_stacked_panels_that_shared_y_show_their_own_tick_labels():
    fig, _ = row(3, figsize=(12, 3.6), sharey=True)
    copy = phone_figures.stacked_copy(fig)
    assert [grid_of(ax)[:2] for ax in copy.axes] == [(3, 1)] * 3
    copy.canvas.draw()
    shown = [any(t.get_visible() and t.get_text() for t in ax.get_yticklabels()) for ax in copy.axes]
    assert shown == [True, True, True]


def test_long_titles_wrap_instead_of_widening_the_stacked_figure():
    fig, axes = row(2)
    fig.suptitle("Two losses for a classifier: cross-entropy punishes confident mistakes, a long title")
    axes[0].set_title("loss when the label is y = 1, with a title much longer than the panel is wide")
    narrow = split(phone_figures.svg_with_narrow(fig, PLAIN))[1]
    width_pt = float(re.search(r'<svg [^>]*?width="([\d.]+)pt"', narrow).group(1))
    # the inline backend crops to what is drawn, plus 0.1 in of padding on each side
    assert width_pt <= (phone_figures.NARROW_WIDTH + 0.2) * 72
    assert "cross-entropy punishes" in " ".join(texts(narrow))


def test_small_panels_go_several_to_a_row():
    fig, axes = plt.subplots(1, 6, figsize=(7, 1.9))
    for ax in axes:
        ax.imshow(np.eye(8))
        ax.set(title="3 → 5", xticks=[], yticks=[])
    copy = phone_figures.stacked_copy(fig)
    per_row = int(phone_figures.NARROW_WIDTH // (7 / 6))
    assert [grid_of(ax) for ax in copy.axes] == [(2, per_row, i // per_row, i % per_row) for i in range(6)]


def test_insets_and_twins_move_with_their_panel():
    fig, axes = row(2)
    inset = axes[1].inset_axes([0.6, 0.6, 0.3, 0.3])
    inset.plot([1, 2])
    twin = axes[1].twinx()
    twin.plot([0, 1], "r")
    copy = phone_figures.stacked_copy(fig)
    assert copy is not None
    assert grid_of(copy.axes[fig.axes.index(twin)]) == (2, 1, 1, 0)
    canvas = FigureCanvasAgg(copy)
    canvas.draw()
    lower = copy.axes[1].get_position()
    (inset_copy,) = copy.axes[1].child_axes              # insets are children of their panel
    moved = inset_copy.get_axes_locator()(inset_copy, canvas.get_renderer())
    assert lower.x0 <= moved.x0 and moved.y1 <= lower.y1 + 1e-6     # the inset is in the lower panel


def test_a_colorbar_under_constrained_layout_stays_beside_its_panel():
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
    image = axes[1].imshow(np.eye(3))
    colorbar = fig.colorbar(image, ax=axes[1])        # placed by the layout, beside its panel
    copy = phone_figures.stacked_copy(fig)
    assert copy is not None
    FigureCanvasAgg(copy).draw()
    top, below = copy.axes[0].get_position(), copy.axes[1].get_position()
    beside = copy.axes[fig.axes.index(colorbar.ax)].get_position()
    assert below.y1 < top.y0                                           # the panel went down
    assert beside.x0 > below.x1 and beside.y0 < below.y1 and beside.y1 > below.y0   # its colorbar too


def colorbar_in_a_grid_cell():
    fig, axes = row(2)
    image = axes[0].imshow(np.eye(3))
    fig.colorbar(image, ax=axes[0])          # splits the panel's cell into a nested grid
    return fig


def single_axes():
    fig, ax = plt.subplots(figsize=(11, 4))
    ax.plot([1, 2])
    return fig


def added_by_hand():
    fig, axes = row(2)
    fig.add_axes([0.1, 0.1, 0.2, 0.2])
    return fig


def two_rows():
    fig, axes = plt.subplots(2, 2, figsize=(11, 6))
    for ax in axes.flat:
        ax.plot([1, 2])
    return fig


def narrow_row():
    fig, _ = row(2, figsize=(4, 2))
    return fig


@pytest.mark.parametrize("make", [single_axes, colorbar_in_a_grid_cell, added_by_hand, two_rows, narrow_row])
def test_other_figures_get_no_variant_and_exactly_the_plain_svg(make):
    fig = make()
    assert phone_figures.stacked_copy(fig) is None
    assert phone_figures.svg_with_narrow(fig, PLAIN) == PLAIN(fig)


def test_the_wide_svg_without_the_variant_is_byte_identical_to_the_plain_one():
    plain = PLAIN(row(3, figsize=(13, 3.6))[0])
    plt.close("all")
    shown = phone_figures.svg_with_narrow(row(3, figsize=(13, 3.6))[0], PLAIN)
    assert shown != plain and phone_figures.MARK in shown
    assert split(shown)[0] == plain
    assert shown.endswith("-->\n</svg>\n") and "<dc:date>" not in shown


def test_a_failure_in_the_variant_gives_the_wide_svg_alone(monkeypatch):
    fig, _ = row(2)

    def broken(fig):
        raise RuntimeError("no variant today")

    monkeypatch.setattr(phone_figures, "stacked_copy", broken)
    assert phone_figures.svg_with_narrow(fig, PLAIN) == PLAIN(fig)


def test_in_the_books_build_the_kernel_embeds_the_variant_and_in_jupyter_it_does_not(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")

    ASK_FOR_SVG = ("from matplotlib_inline.backend_inline import set_matplotlib_formats\n"
                   "set_matplotlib_formats('svg')")

    def run(player):
        if player:
            monkeypatch.setenv("NNLIB_PLAYER", player)
        else:
            monkeypatch.delenv("NNLIB_PLAYER", raising=False)
        nb = nbformat.v4.new_notebook()
        nb.cells = [
            nbformat.v4.new_code_cell(f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
                                      "import matplotlib.pyplot as plt\nimport nnlib.widgets\n"
                                      # in Jupyter, a reader who asks for SVG gets the plain SVG
                                      + ("" if player else ASK_FOR_SVG)),
            nbformat.v4.new_code_cell("fig, axes = plt.subplots(1, 2, figsize=(11, 4))\n"
                                      "axes[0].set_title('left'); plt.show()"),
            nbformat.v4.new_code_cell("fig, ax = plt.subplots(figsize=(11, 4))\nax.plot([1, 2]); plt.show()"),
        ]
        nbclient.NotebookClient(nb, kernel_name="python3", timeout=180,
                                resources={"metadata": {"path": str(tmp_path)}}).execute()
        return [o["data"]["image/svg+xml"] for cell in nb.cells[1:] for o in cell.outputs
                if "image/svg+xml" in o.get("data", {})]

    row_svg, single_svg = run("full")
    assert split(row_svg)[1] is not None
    assert phone_figures.MARK not in single_svg
    assert all(phone_figures.MARK not in svg for svg in run(None))       # Jupyter, Colab: as before


# ---------------------------------------------------------------- the build side: <picture> on phones
WIDE_IMG = '<img alt="Two panels: a rising and a falling line." src="../../_images/{}.svg" />'


def test_the_extension_wraps_figures_with_a_variant_in_a_picture(tmp_path):
    ext = load_extension()
    plain = PLAIN(row(2)[0])
    plt.close("all")
    shown = phone_figures.svg_with_narrow(row(2)[0], PLAIN)
    narrow = split(shown)[1]
    sources = tmp_path / "jupyter_execute"
    sources.mkdir()
    (sources / "a.svg").write_text(shown, encoding="utf-8")        # a row of panels
    (sources / "b.svg").write_text(plain, encoding="utf-8")        # a figure without variant
    names = {"aaaa.svg": str(sources / "a.svg"), "bbbb.svg": str(sources / "b.svg")}
    body = ("<div class='cell_output'>" + WIDE_IMG.format("aaaa") + "</div><p>text</p>"
            + WIDE_IMG.format("bbbb") + WIDE_IMG.format("cccc")
            + '<img src="../../_images/dddd.png" alt="x" />')
    images = tmp_path / "html" / "_images"

    new, wrapped = ext.rewrite_page(body, names, str(images))
    assert wrapped == 1
    assert new == body.replace(
        WIDE_IMG.format("aaaa"),
        '<picture><source media="(max-width: 600px)" srcset="../../_images/aaaa-narrow.svg">'
        + WIDE_IMG.format("aaaa") + "</picture>")                 # alt text stays on the <img>
    assert len(new) - len(body) < 200                              # a few hundred bytes per figure at most
    assert (images / "aaaa-narrow.svg").read_text(encoding="utf-8") == narrow
    assert sorted(p.name for p in images.iterdir()) == ["aaaa-narrow.svg"]
    assert ext.rewrite_page(new, names, str(images)) == (new, 0)   # a second pass changes nothing

    # Sphinx copies the sources into _images/ after the pages are written; build-finished strips them.
    (images / "aaaa.svg").write_text(shown, encoding="utf-8")
    (images / "bbbb.svg").write_text(plain, encoding="utf-8")
    assert ext.strip_folder(str(images)) == 1
    assert (images / "aaaa.svg").read_text(encoding="utf-8") == plain
    assert (images / "bbbb.svg").read_text(encoding="utf-8") == plain
    assert (images / "aaaa-narrow.svg").read_text(encoding="utf-8") == narrow


def test_the_book_registers_the_extension():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert config["sphinx"]["local_extensions"].get("phone_figures") == "_ext"
