"""Sphinx extension for the course site: a clean, light, self-contained page in any browser.

* Drop scripts that a page would include twice (sphinx-thebe adds its inline configuration
  twice under Jupyter Book 1, which is a JavaScript error: `THEBE_JS_URL` declared twice).
* Give the theme a default colour mode (otherwise it logs an error on a first visit).
* Declare an empty favicon, so browsers do not request /favicon.ico (a 404 on file://).
* Fill the widget players' live-version marker with a link to the page's notebook in Colab
  (repository and branch from _config.yml, like the theme's launch button).
* Navigation: no top navbar. pydata-sphinx-theme 0.17 renders one (with a second pair of ☰/☷
  buttons and a search field) whenever a navbar_* option is set, and its script binds the sidebar
  handlers to the *first* `.primary-toggle`/`.secondary-toggle` in the page, which are those hidden
  navbar copies: ☰ and ☷ then do nothing (pydata-sphinx-theme#2451, sphinx-book-theme#1000). The
  theme option navbar_persistent = [] (the only navbar item sphinx-book-theme leaves) removes it.
* MathJax (1.2 MB) only on pages that have math: myst-nb asks Sphinx to put every asset on every page.
* Search snippets without fetching pages: Sphinx's search downloads every hit page to cut a
  snippet out of it (13-15 MB for one search). Here html_show_search_summary is off and the
  build writes _static/search-snippets.js: each page's prose as plain text by section (no math,
  code, outputs, players or quizzes), which _static/course.js uses on the search page only.
* myst-nb's code toggles get no aria-label ("Toggle hidden content" differs from their visible
  text "Show code cell source", which axe reports as label-content-name-mismatch).
"""
import json
import re
from html.parser import HTMLParser
from pathlib import Path

LIVE_MARKER = '<span class="nnlib-live-link"></span>'
SNIPPETS = "_static/search-snippets.js"
SNIPPET_CHARS = 20000           # prose kept per page for search snippets


def _colab_link(app, pagename):
    options = app.config.html_theme_options
    url = options.get("repository_url", "").rstrip("/")
    colab = options.get("launch_buttons", {}).get("colab_url", "").rstrip("/")
    if not (url.startswith("https://github.com/") and colab):
        return ""
    branch = options.get("repository_branch", "main")
    href = f"{colab}/github/{url[len('https://github.com/'):]}/blob/{branch}/{pagename}.ipynb"
    return f'<a href="{href}">Open this chapter in Colab</a>'


def _live_links(app, pagename, templatename, context, doctree):
    body = context.get("body", "")
    if LIVE_MARKER in body:
        context["body"] = body.replace(LIVE_MARKER, _colab_link(app, pagename))


def _is_mathjax(script):
    filename = getattr(script, "filename", None) or ""
    body = str(getattr(script, "attributes", {}).get("body", ""))
    return "mathjax" in filename.lower() or "window.MathJax" in body


HAS_MATH = re.compile(r'class="math|\\\(|\\\[|<mjx-|class="[^"]*mathjax_process')


def _tidy_page(app, pagename, templatename, context, doctree):
    body = context.get("body", "")
    seen, unique = set(), []
    for script in context.get("script_files", []):
        if _is_mathjax(script) and not HAS_MATH.search(body):
            continue            # no math on this page: no MathJax download
        # A script is its file (None and "" both mean inline) plus its attributes (the body of an inline one).
        key = (getattr(script, "filename", None) or "",
               tuple(sorted((k, str(v)) for k, v in getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique
    context["metatags"] = context.get("metatags", "") + '\n<link rel="icon" href="data:,">'
    if not context.get("default_mode"):
        context["default_mode"] = "light"
    if body:
        context["body"] = body.replace('<summary aria-label="Toggle hidden content">', "<summary>")


def _theme_options(app, config):
    options = config.html_theme_options
    options["navbar_persistent"] = []      # no top navbar: see the module's docstring
    config.html_show_search_summary = False


class _Prose(HTMLParser):
    """Plain text of a page's article, without math, code output, players, quizzes or scripts."""

    SKIP_TAGS = {"script", "style", "svg", "img", "button", "nav", "form", "select", "math", "mjx-container"}
    SKIP_CLASSES = ("math", "cell_output", "nnlib-player", "nnq", "headerlink", "toggle-button",
                    "caption-number", "cell_input")
    VOID = {"br", "hr", "img", "input", "meta", "link", "source", "wbr", "area", "base", "col", "embed"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.skipping, self.parts, self.inside = [], 0, [], False

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        attrs = dict(attrs)
        if tag == "article" and "bd-article" in (attrs.get("class") or ""):
            self.inside = True
        if tag == "section" and attrs.get("id") and self.inside:
            self.parts.append(f"\x00{attrs['id']}\x00")      # where a section starts (split in sections())
        classes = (attrs.get("class") or "").split()
        skip = tag in self.SKIP_TAGS or any(c in self.SKIP_CLASSES for c in classes)
        self.stack.append((tag, skip))
        if skip:
            self.skipping += 1
        if tag in ("p", "li", "h1", "h2", "h3", "h4", "div", "section", "td", "th"):
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        while self.stack:
            open_tag, skip = self.stack.pop()
            if skip:
                self.skipping -= 1
            if open_tag == tag:
                break
        if tag == "article":
            self.inside = False

    def handle_data(self, data):
        if self.inside and not self.skipping:
            self.parts.append(data)

    def sections(self):
        """[[section id, its own text], ...] in page order ("" for text before the first section)."""
        pieces = "".join(self.parts).split("\x00")
        out = [["", pieces[0]]] + [[pieces[i], pieces[i + 1]] for i in range(1, len(pieces) - 1, 2)]
        out = [[sid, re.sub(r"\s+", " ", text).strip()] for sid, text in out]
        return [pair for pair in out if pair[1]]


def page_sections(page_html):
    parser = _Prose()
    parser.feed(page_html)
    parser.close()
    return parser.sections()


def page_prose(page_html):
    return " ".join(text for _, text in page_sections(page_html))


def _write_snippets(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    snippets = {}
    for docname in sorted(app.env.found_docs):
        path = out / f"{docname}.html"
        if path.exists():
            kept, budget = [], SNIPPET_CHARS
            for sid, text in page_sections(path.read_text(encoding="utf-8")):
                if budget <= 0:
                    break
                kept.append([sid, text[:budget]])
                budget -= len(kept[-1][1])
            snippets[docname] = kept
    (out / "_static").mkdir(exist_ok=True)
    data = json.dumps(snippets, ensure_ascii=False, sort_keys=True)
    (out / SNIPPETS).write_text(
        "// Generated by _ext/course_site.py: each page's prose for search snippets (no math),\n"
        "// as {page: [[section id, text], ...]}.\n"
        f"window.COURSE_SNIPPETS = {data};\n", encoding="utf-8")


def setup(app):
    app.connect("config-inited", _theme_options)
    # After the other extensions (sphinx-thebe adds its script in this event too; mathjax as well).
    app.connect("html-page-context", _tidy_page, priority=900)
    app.connect("html-page-context", _live_links)
    app.connect("build-finished", _write_snippets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
