"""How the book's figures are rendered: sharp on every screen (issue 14 item 4).

A 100-dpi PNG shown on a phone is scaled to a third of its size and blurred by the phone's
2-3 device pixels per CSS pixel; its labels are unreadable and zooming does not help. So when a
chapter is executed for the book, the static figures (matplotlib's inline backend in the kernel)
are written as SVG: vector graphics, sharp at any width and zoom, in files next to the page
(myst-nb stores each image/svg+xml output in _images/ and shows it with an <img>, alt text
included). Measured on chapters 03 and 06: the SVGs weigh 1.3-2.3x the 100-dpi PNGs, less than
PNGs at 2x. The explorers' player frames are PNGs at 2 device pixels per CSS pixel
(explorer.FRAME_SCALE): heat maps and many points are smaller as pixels than as vectors.

    use_book_style()    SVG figures in this kernel; reproducible files (no date, fixed ids);
                        a row of panels also carries a stacked copy for phones (phone_figures.py)

`import nnlib.widgets` calls use_book_style() when the book's build executes the chapter
(NNLIB_PLAYER=full, see explorer.player_mode); in Jupyter and Colab nothing changes unless you
call it yourself.
"""
import matplotlib

# The same figure gives the same file in every build: no creation date, ids from a fixed salt.
BOOK_RC = {"svg.hashsalt": "nnlib-book"}
PRINT_KWARGS = {"metadata": {"Date": None}}


def use_book_style(figure_format="svg"):
    """Show this kernel's matplotlib figures as `figure_format` ('svg', or 'retina' for 2x PNG,
    or 'png') and apply BOOK_RC. With 'svg', a figure that is a row of panels also carries a
    stacked copy that the book shows on phones (phone_figures.py). Outside an IPython kernel
    only BOOK_RC is applied. Returns True if the inline backend was configured."""
    if figure_format not in ("svg", "retina", "png"):
        raise ValueError(f"figure_format must be 'svg', 'retina' or 'png'; got {figure_format!r}")
    matplotlib.rcParams.update(BOOK_RC)
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import InlineBackend
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    config = InlineBackend.instance()
    config.print_figure_kwargs = {**config.print_figure_kwargs, **PRINT_KWARGS}
    # Setting the trait re-registers the display formatters (and survives a later
    # `import matplotlib.pyplot`, which re-applies InlineBackend's settings).
    config.figure_formats = {figure_format}
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats(figure_format)
    if figure_format == "svg":
        from . import phone_figures

        phone_figures.install(shell)
    return True
