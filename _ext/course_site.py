"""Sphinx extension for the course site: a clean, self-contained page in any browser.

* Drop scripts that a page would include twice (sphinx-thebe adds its inline configuration
  twice under Jupyter Book 1, which is a JavaScript error: `THEBE_JS_URL` declared twice).
* Give the theme a default colour mode (otherwise it logs an error on a first visit).
* Declare an empty favicon, so browsers do not request /favicon.ico (a 404 on file://).
* Fill the widget players' live-version marker with a link to the page's notebook in Colab
  (repository and branch from _config.yml, like the theme's launch button).
"""

LIVE_MARKER = '<span class="nnlib-live-link"></span>'


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


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    seen, unique = set(), []
    for script in context.get("script_files", []):
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


def setup(app):
    # After the other extensions (sphinx-thebe adds its script in this event too).
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("html-page-context", _live_links)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
