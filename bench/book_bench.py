"""Benchmark section "book": how long the whole book takes to build, and how big the site is.

Rows (measure, value, target, verdict):
    cold build       jupyter-book build of the whole book into an empty folder (every chapter executed)
    warm rebuild     the same command again (the jupyter-cache skips unchanged notebooks)
    site size        everything under _build/html, and the largest chapter page
    chapter HTML     the largest chapter's HTML file (target <= 600 KB: player frames are separate files)
    first visit      bytes a browser (Debian's Chromium) downloads to show the heaviest chapter with an
                     empty cache (target <= 4 MB), and for one search on the search page (<= 3 MB)

    run(quick=False) -> rows;  render(rows) -> str
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ._common import table, verdict

NAME = "book"
ROOT = Path(__file__).resolve().parent.parent
HEADERS = ["measure", "value", "target", "verdict"]


def _build(out):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    started = time.perf_counter()
    done = subprocess.run([str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT), "--path-output",
                           str(out), "--keep-going"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return time.perf_counter() - started


def _browser_weights(html, pages):
    """{label: bytes downloaded}: each page in `pages` ("label": "path?query") opened once in a fresh
    Chromium context against a local server of `html` (sizes of the files served)."""
    import functools
    import http.server
    import threading
    from urllib.parse import unquote, urlparse

    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(html))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"

    def size(url):
        path = html / unquote(urlparse(url).path).lstrip("/")
        return path.stat().st_size if path.is_file() else 0

    weights = {}
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync"]
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=flags)
            for label, page_url in pages.items():
                context = browser.new_context(viewport={"width": 1440, "height": 900})
                page, got = context.new_page(), {}
                page.on("requestfinished", lambda r: got.__setitem__(r.url.split("?")[0], size(r.url)))
                page.goto(f"{base}/{page_url}", wait_until="load")
                page.wait_for_timeout(2500)          # deferred scripts, fonts, search results
                weights[label] = sum(got.values())
                context.close()
            browser.close()
    finally:
        httpd.shutdown()
    return weights


def run(quick=False, **_ignored):
    out = Path(tempfile.mkdtemp(prefix="bench-book-"))
    try:
        cold = _build(out)
        warm = _build(out)
        html = out / "_build" / "html"
        total = sum(p.stat().st_size for p in html.rglob("*") if p.is_file())
        pages = sorted(html.glob("chapters/*/*.html"), key=lambda p: p.stat().st_size)
        largest = pages[-1] if pages else None
        rows = [["cold build (every chapter executed)", f"{cold:.0f} s", "≤ 300 s", verdict(cold <= 300)],
                ["warm rebuild (cached)", f"{warm:.1f} s", "≤ 30 s", verdict(warm <= 30)],
                ["site size", f"{total / 1e6:.1f} MB", "≤ 150 MB", verdict(total <= 150e6)]]
        if largest:
            size = largest.stat().st_size
            rows.append([f"largest page ({largest.parent.name})", f"{size / 1e6:.2f} MB", "≤ 8 MB", verdict(size <= 8e6)])
            rows.append([f"largest chapter HTML ({largest.parent.name})", f"{size / 1e3:.0f} KB", "≤ 600 KB",
                         verdict(size <= 600e3)])
            label = f"first visit ({largest.parent.name})"
            weights = _browser_weights(html, {label: str(largest.relative_to(html)),
                                              "one search ('gradient')": "search.html?q=gradient"})
            rows.append([label, f"{weights[label] / 1e6:.2f} MB", "≤ 4 MB", verdict(weights[label] <= 4e6)])
            search = weights["one search ('gradient')"]
            rows.append(["one search ('gradient')", f"{search / 1e6:.2f} MB", "≤ 3 MB", verdict(search <= 3e6)])
        return rows
    finally:
        shutil.rmtree(out, ignore_errors=True)


def render(rows):
    return table(rows, HEADERS)


if __name__ == "__main__":
    print(render(run()))
