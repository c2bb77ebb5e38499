"""Feedback for students: one self-contained HTML page per student and assignment,
and Gradescope's results.json.

A page shows the score, then per graded function its verdict, points, the group-by-group
result of the hidden checks (labels only, never the hidden inputs or the test code), the
typical mistake recognised and a hint, and expected vs received on the public example.
Everything the submission produced (error messages, printed output) is escaped.
"""
import html
import json

STATUS_TEXT = {
    "graded": "graded", "missing": "function not found", "timeout": "stopped: took too long",
    "crashed": "the grading process died", "reference": "uses nnlib's own implementation",
    "not implemented": "not implemented yet", "not graded": "not graded",
}

STYLE = """body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.6rem}.score{font-size:1.2rem;font-weight:600}
.ok{color:#1a7f37}.bad{color:#b3261e}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.3rem .4rem;text-align:left;vertical-align:top}
pre{background:#f6f8fa;padding:.6rem;overflow-x:auto;white-space:pre-wrap}.muted{color:#666;font-size:.9rem}"""


def _e(text):
    return html.escape(str(text), quote=True)


def _points(value):
    """Points with at most two decimals (0.67, 1.5, 2)."""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def html_page(result):
    """The feedback page for one NotebookResult (a dict from NotebookResult.to_json())."""
    r = result
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Feedback: {_e(r['assignment'])}"
             f" — {_e(r['student'])}</title><style>{STYLE}</style></head><body>",
             f"<h1>{_e(r['assignment'])}: feedback for {_e(r['student'])}</h1>",
             f"<p class='score'>Score: {_points(r['score'])} / {_points(r['max_score'])}</p>",
             "<p class='muted'>Your functions were called on random inputs drawn for you, in a separate "
             "process, and compared with the course's reference. Each group of checks earns its share "
             "of the exercise's points.</p>"]
    for message in r.get("messages", []):
        parts.append(f"<p class='bad'>{_e(message)}</p>")
    for ex in r["exercises"]:
        cls = "ok" if ex["points"] == ex["max_points"] else "bad"
        parts.append(f"<h2><code>{_e(ex['name'])}</code> — <span class='{cls}'>{_points(ex['points'])} / "
                     f"{_points(ex['max_points'])}</span> <span class='muted'>({_e(STATUS_TEXT.get(ex['status'], ex['status']))})</span></h2>")
        if ex["groups"]:
            parts.append("<table><tr><th></th><th>check</th><th>points</th><th>what went wrong</th></tr>")
            for g in ex["groups"]:
                mark = "<span class='ok'>✓</span>" if g["passed"] else "<span class='bad'>✗</span>"
                extra = "".join(f"<br><span class='muted'>{_e(t)}</span>"
                                for t in ([f"hint: {g['hint']}"] if g.get("hint") else []) + list(g.get("notes", [])))
                parts.append(f"<tr><td>{mark}</td><td>{_e(g['label'])}</td><td>{_points(g['points'])}</td>"
                             f"<td>{'' if g['passed'] else _e(g['message'])}{extra}</td></tr>")
            parts.append("</table>")
        if ex.get("message"):
            parts.append(f"<p>{_e(ex['message'])}</p>")
    if r.get("cell_errors"):
        parts.append("<h2>Errors while running your notebook</h2><p class='muted'>The grader ran your code "
                     "cells in order; these raised an error (the rest still ran):</p><ul>")
        parts.extend(f"<li>cell {c['cell']}: <code>{_e(c['error'])}</code></li>" for c in r["cell_errors"])
        parts.append("</ul><p class='muted'>While grading, nnlib's own versions of this chapter's exercises are "
                     "not available, so a cell of the chapter that calls them raises an error here; that costs "
                     "nothing.</p>")
    if r.get("output", "").strip():
        parts.append(f"<h2>What your code printed</h2><pre>{_e(r['output'])}</pre>")
    parts.append("</body></html>")
    return "\n".join(parts)


def gradescope_results(result):
    """Gradescope's results.json for one NotebookResult dict: one test per graded function."""
    tests = []
    for ex in result["exercises"]:
        if ex.get("text"):
            lines = [ex["text"]]
        else:
            lines = [f"{'✓' if g['passed'] else '✗'} {g['label']}" + (f": {g['message']}" if g["message"] else "")
                     for g in ex["groups"]]
        if ex.get("message"):
            lines.append(ex["message"])
        tests.append({"name": ex["name"], "score": ex["points"], "max_score": ex["max_points"],
                      "output": "\n".join(lines) or STATUS_TEXT.get(ex["status"], ex["status"]),
                      "visibility": "visible"})
    output = "\n".join(result.get("messages", []) + ([f"Graded in a sandbox of level {result['sandbox']}."]
                                                      if result.get("sandbox") else []))
    return {"score": result["score"], "max_score": result["max_score"], "execution_time": result["seconds"],
            "output": output, "visibility": "visible", "stdout_visibility": "hidden", "tests": tests}


def write_json(path, data):
    from pathlib import Path

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
