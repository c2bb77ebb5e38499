"""Sphinx extension: the explorers' static players (nnlib.widgets) in the built book.

* The kernels that execute the chapters compute the players' frames only when they are told
  so: this extension sets NNLIB_PLAYER=full in the build's environment, which the kernels
  started by myst-nb / jupyter-cache inherit (nnlib.widgets.explorer.player_mode). In Jupyter
  and Colab the variable is unset and an explorer draws its live figure only.
* A player's frames arrive in the executed notebook as data: URIs (<img src="data:…"> for the
  default frame, <img data-src="data:…"> for the others). Inlined, they made a chapter's HTML
  1–2 MB; here each frame is written once to _players/<hash>.png in the output folder and the
  page refers to it by a relative URL, so a page loads only the frames its reader asks for.
* A small style sheet: links readable in light and dark mode, focus outlines, frames
  scaled for phones.
"""
import base64
import hashlib
import os
import re

from sphinx.util import logging

logger = logging.getLogger(__name__)
PLAYER_ENV = "NNLIB_PLAYER"
FRAMES_DIR = "_players"
CSS_FILE = "nnlib-players.css"
# An <img> of a player: explorers mark frames with data-keys, the playground with data-run.
IMG_TAG = re.compile(r"<img\b[^>]*>")
DATA_URI = re.compile(r'\b(src|data-src)="data:image/png;base64,([A-Za-z0-9+/=\s]+)"')

CSS = """/* nnlib players (_ext/players.py) */
/* The text's own colour, underlined: in dark mode myst-nb puts HTML outputs on a light grey
   background, where the theme's dark-mode link colour had a contrast of 2.2:1. */
.nnlib-player a, .nnlib-player a:visited { color: inherit; text-decoration: underline; }
.nnlib-player-frames img { display: block; }
.nnlib-player input[type="range"]:focus-visible, .nnlib-player select:focus-visible {
  outline: 2px solid var(--pst-color-primary, #0a58ca); outline-offset: 2px;
}
/* Phones: a frame shrunk to the column's width would make its labels ~5 px high; show it at
   least 560 CSS px wide (sharp: frames have 2 device pixels per CSS pixel) and let it scroll. */
@media (max-width: 600px) {
  .nnlib-player-frames { overflow-x: auto; }
  .nnlib-player-frames img.nnlib-wide { max-width: none !important; width: 560px; height: auto; }
}
"""


def is_frame(tag):
    return 'data-keys="' in tag or 'data-run="' in tag


def extract_frames(body, outdir, url_for):
    """Write the data: URI frames of the players in `body` to `outdir`/_players/ and return
    (new body, number of frames moved). url_for(relative path) -> the URL used in the page."""
    moved = 0

    def replace_uri(match):
        nonlocal moved
        png = base64.b64decode(re.sub(r"\s", "", match.group(2)))
        name = f"{FRAMES_DIR}/{hashlib.sha1(png).hexdigest()[:20]}.png"
        path = os.path.join(outdir, name)
        if not os.path.exists(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            tmp = f"{path}.{os.getpid()}.tmp"
            with open(tmp, "wb") as f:
                f.write(png)
            os.replace(tmp, path)
        moved += 1
        return f'{match.group(1)}="{url_for(name)}"'

    def replace_tag(match):
        tag = match.group(0)
        return DATA_URI.sub(replace_uri, tag) if is_frame(tag) else tag

    return IMG_TAG.sub(replace_tag, body), moved


def eager_frames(body):
    """How many players' frames a page loads with itself (src=; one per player is right)."""
    return sum(1 for tag in IMG_TAG.findall(body) if is_frame(tag) and re.search(r'\ssrc="', tag))


def _page_frames(app, pagename, templatename, context, doctree):
    body = context.get("body", "")
    if "data:image/png;base64," not in body or "nnlib-player" not in body:
        return
    players = body.count('class="nnlib-player')
    if eager_frames(body) > players:
        logger.warning(f"{pagename}: its players load every frame with the page: outputs from a cache made "
                       "before nnlib's lazy players; run `jupyter-book clean --all .` (or delete "
                       "_build/.jupyter_cache) and build again", type="nnlib", subtype="stale_players")
    pathto = context["pathto"]
    context["body"], _ = extract_frames(body, app.outdir, lambda name: pathto(name, 1))


def _write_css(app, exception):
    if exception is None and app.builder.format == "html":
        static = os.path.join(app.outdir, "_static")
        os.makedirs(static, exist_ok=True)
        with open(os.path.join(static, CSS_FILE), "w", encoding="utf-8") as f:
            f.write(CSS)


def setup(app):
    # Before any notebook is executed (myst-nb executes while reading the sources).
    os.environ.setdefault(PLAYER_ENV, "full")
    app.connect("html-page-context", _page_frames)
    app.connect("build-finished", _write_css)
    app.add_css_file(CSS_FILE)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
