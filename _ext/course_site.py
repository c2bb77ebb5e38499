"""Sphinx extension for the course site: a clean, self-contained page in any browser.

* Drop scripts that a page would include twice (sphinx-thebe adds its inline configuration
  twice under Jupyter Book 1, which is a JavaScript error: `THEBE_JS_URL` declared twice).
* Give the theme a default colour mode (otherwise it logs an error on a first visit).
* Declare an empty favicon, so browsers do not request /favicon.ico (a 404 on file://).
"""


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
    return {"parallel_read_safe": True, "parallel_write_safe": True}
