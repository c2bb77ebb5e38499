"""The built website in a real browser (Debian's Chromium, driven by Playwright).

The site from the session's offline book build (conftest.site) is served on localhost. Every
page in the table of contents must load with no console error, no failed request and no
request leaving localhost; math must be typeset by the site's own MathJax; a slider or a
drop-down of a widget's player must change the picture; no page may show a traceback; every
chapter page links to its notebook in Colab. Screenshots go to _build/screenshots/.
"""
import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest
import yaml

from coursetools import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "_build" / "screenshots"
REPOSITORY = "https://github.com/nn-from-scratch/neural-networks-from-scratch"


def toc_pages():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [toc["root"]] + [entry["file"] for entry in toc.get("chapters", [])]


PAGES = toc_pages()
CHAPTER_PAGES = [p for p in PAGES if p.startswith("chapters/")]


@pytest.fixture(scope="module")
def server(site):
    html, _ = site
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(html))
    handler.log_message = lambda *a: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert os.path.exists(CHROMIUM), "Chromium is missing: `make test` installs Debian's chromium package"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def _open(browser, url, width=1280):
    """Load a page; return (page, problems) where problems lists console errors and bad requests."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.on("request", lambda r: problems.append(f"request leaves the site: {r.url}")
            if not r.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")) else None)
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)
    return page, problems


def _typeset(page):
    """Wait until MathJax has typeset the page's math (if it has any)."""
    page.wait_for_function("() => !document.querySelector('.math') || "
                           "document.querySelectorAll('mjx-container').length > 0", timeout=20000)


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_cleanly_renders_math_and_shows_no_traceback(server, browser, name):
    page, problems = _open(browser, f"{server}/{name}.html")
    _typeset(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{Path(name).name}.png"), full_page=True)
    text = page.inner_text("body")
    assert not problems, "\n".join(problems)
    assert "Traceback (most recent call last)" not in text
    assert page.locator(".cell_output .output.error, .cell_output .output.traceback, "
                        ".cell_output .output.stderr").count() == 0
    if page.locator(".math").count():
        assert page.locator("mjx-container").count() > 0, "math is not typeset"
    assert "$$" not in text, "raw $$ left on the page"
    for img in page.locator("img").all():
        assert img.get_attribute("alt") is not None, "an image has no alt text"
    page.close()


@pytest.mark.parametrize("name", CHAPTER_PAGES)
def test_chapter_links_to_its_notebook_in_colab(server, browser, name):
    page, _ = _open(browser, f"{server}/{name}.html")
    hrefs = [a.get_attribute("href") for a in page.locator("a[href*='colab.research.google.com']").all()]
    expected = f"colab.research.google.com/github/{REPOSITORY.split('github.com/')[1]}/blob/main/{name}.ipynb"
    assert any(h and h.endswith(expected) for h in hrefs), hrefs
    page.close()


@pytest.mark.parametrize("name", CHAPTER_PAGES)
def test_widget_players_respond_without_a_kernel(server, browser, name):
    page, _ = _open(browser, f"{server}/{name}.html")
    players = page.locator(".nnlib-player")
    assert players.count() >= 1, f"{name} shows no widget player"
    changed = page.evaluate("""() => {
        const visible = p => [...p.querySelectorAll('img')].find(i => i.offsetParent !== null);
        const results = [];
        for (const p of document.querySelectorAll('.nnlib-player')) {
            const before = visible(p);
            const control = p.querySelector('input[type=range], select');
            if (!control) { results.push(false); continue; }
            if (control.tagName === 'SELECT') {
                control.selectedIndex = (control.selectedIndex + 1) % control.options.length;
                control.dispatchEvent(new Event('change', {bubbles: true}));
            } else {
                control.value = Number(control.value) === Number(control.min) ? control.max : control.min;
                control.dispatchEvent(new Event('input', {bubbles: true}));
                control.dispatchEvent(new Event('change', {bubbles: true}));
            }
            results.push(visible(p) !== before);
        }
        return results;
    }""")
    assert all(changed), f"{name}: players whose picture did not change: {changed}"
    links = [a.get_attribute("href") for a in page.locator(".nnlib-player a").all()]
    assert links and all(h.endswith(f"/blob/main/{name}.ipynb") for h in links), links
    page.close()


def test_exercise_cells_show_the_blank_and_the_check(server, browser):
    shown = 0
    for name in CHAPTER_PAGES:
        page, _ = _open(browser, f"{server}/{name}.html")
        text = page.inner_text("body")
        if "checks." in text:
            assert "raise NotImplementedError()" in text, name
            assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text, name
            shown += 1
        page.close()
    assert shown >= 1


def test_page_sizes_are_bounded(site):
    """No chapter page over 8 MB, the whole site under 150 MB (sizes printed for the record)."""
    html, _ = site
    total = sum(p.stat().st_size for p in html.rglob("*") if p.is_file())
    for page in sorted(html.glob("chapters/*/*.html")):
        size = page.stat().st_size
        print(f"{page.relative_to(html)}: {size / 1e6:.2f} MB")
        assert size <= 8e6, f"{page.name} is {size / 1e6:.1f} MB"
    print(f"whole site: {total / 1e6:.1f} MB")
    assert total <= 150e6


def test_narrow_phone_viewport(server, browser):
    page, problems = _open(browser, f"{server}/{CHAPTER_PAGES[0]}.html", width=390)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "phone-390px.png"), full_page=False)
    overflow = page.evaluate("() => document.documentElement.scrollWidth")
    assert overflow <= 390 + 2, f"the page is {overflow} px wide on a 390 px screen"
    assert not problems, problems
    page.close()


def test_search_works_offline(server, browser):
    page, problems = _open(browser, f"{server}/search.html?q=neuron")
    page.wait_for_selector("#search-results ul li, .search li", timeout=20000)
    assert page.locator("#search-results ul li, .search li").count() > 0
    assert not problems, problems
    page.close()
