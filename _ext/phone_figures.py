"""Sphinx extension: on phones, show the stacked copy of a multi-panel figure (issue 14 item 4).

While the book is built, the kernel embeds in the SVG of every row-of-panels figure a stacked
copy of it, as a comment before the closing tag: `<!-- nnlib-narrow:BASE64 -->`
(nnlib/widgets/phone_figures.py). myst-nb writes each SVG output to a file that Sphinx copies
to _images/ and shows with an <img>. This extension, for each page:

* finds every <img src=".../_images/NAME.svg"> whose source file carries a stacked copy
  (Sphinx's builder.images maps source paths to the names in _images/), writes the copy to
  _images/NAME-narrow.svg and wraps the <img> in
  <picture><source media="(max-width: 600px)" srcset=".../NAME-narrow.svg"><img ...></picture>:
  a phone downloads and shows the stacked figure, a wider screen the wide one, never both; the
  alt text stays on the <img>;
* at the end of the build (Sphinx copies the images after writing the pages) strips the comment
  from every _images/*.svg, so the wide file weighs what the plain figure weighs.
"""
import base64
import os
import re

NARROW_MEDIA = "(max-width: 600px)"
NARROW_SUFFIX = "-narrow.svg"
COMMENT = re.compile(r"<!-- nnlib-narrow:([A-Za-z0-9+/=]*) -->\n")
# An <img> of an SVG in _images/, and a <picture><source …> already around it (left alone).
IMG = re.compile(r'(<picture><source [^>]*>)?(<img\b[^>]*\bsrc="([^"]*_images/)([^"/]+)\.svg"[^>]*>)')


def narrow_variant(svg_text):
    """The stacked SVG embedded in svg_text, or None."""
    match = COMMENT.search(svg_text)
    return base64.b64decode(match.group(1)).decode("utf-8") if match else None


def strip_variant(svg_text):
    """svg_text without the embedded stacked copy (byte for byte the plain figure)."""
    return COMMENT.sub("", svg_text, count=1)


def _read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except (OSError, UnicodeDecodeError):
        return ""


def rewrite_page(body, sources, images_dir):
    """Wrap the <img> of every figure in `body` that has a stacked copy in a <picture>, and
    write the copy to images_dir/NAME-narrow.svg. sources maps NAME.svg (the file in _images/)
    to its source file. Returns (new body, number of figures wrapped)."""
    wrapped = 0

    def replace(match):
        nonlocal wrapped
        picture, img, prefix, name = match.groups()
        source = sources.get(f"{name}.svg")
        if picture or source is None:
            return match.group(0)
        narrow = narrow_variant(_read(source))
        if narrow is None:
            return img
        path = os.path.join(images_dir, name + NARROW_SUFFIX)
        os.makedirs(images_dir, exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(narrow)
        os.replace(tmp, path)
        wrapped += 1
        return (f'<picture><source media="{NARROW_MEDIA}" srcset="{prefix}{name}{NARROW_SUFFIX}">'
                f"{img}</picture>")

    return IMG.sub(replace, body), wrapped


def strip_folder(images_dir):
    """Remove the embedded stacked copies from every SVG in images_dir; returns how many."""
    stripped = 0
    if not os.path.isdir(images_dir):
        return 0
    for name in sorted(os.listdir(images_dir)):
        if not name.endswith(".svg") or name.endswith(NARROW_SUFFIX):
            continue
        path = os.path.join(images_dir, name)
        text = _read(path)
        if COMMENT.search(text):
            with open(path, "w", encoding="utf-8") as f:
                f.write(strip_variant(text))
            stripped += 1
    return stripped


def _page(app, pagename, templatename, context, doctree):
    body = context.get("body", "")
    if ".svg" not in body or app.builder.format != "html":
        return
    sources = {name: os.path.join(app.srcdir, source) for source, name in app.builder.images.items()
               if name.endswith(".svg")}
    images_dir = os.path.join(app.outdir, app.builder.imagedir)
    context["body"], _ = rewrite_page(body, sources, images_dir)


def _finish(app, exception):
    if exception is None and app.builder.format == "html":
        strip_folder(os.path.join(app.outdir, app.builder.imagedir))


def setup(app):
    app.connect("html-page-context", _page)
    app.connect("build-finished", _finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
