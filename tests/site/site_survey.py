"""One pass of Chromium over the built site, every page at phone and desktop size, light and dark.

tests/site/test_site.py asserts on the record this returns; collecting everything in one pass (several
pages at once, in one browser) keeps the browser tests to a few minutes. For each page and each
(width, scheme) the record holds: the navigation toggles' behaviour, axe-core's serious/critical
findings (split into the site's chrome and notebook content), answers shown in plain view under
"Check your understanding", images (alt text, pixel density, the file shown: a phone may get a
stacked variant), cell outputs that scroll sideways, headings taller than two lines, and, on the
desktop light pass, the bytes a first visit downloads.
"""
import asyncio
import os
import re
from urllib.parse import unquote, urlparse

from sitetools import AXE, CHROMIUM, FLAGS, SCREENSHOTS, SERIOUS

SIZES = {"phone": (390, 844), "desktop": (1440, 900)}
SCHEMES = ("light", "dark")
CONCURRENT = 3

# Runs in the page: everything that does not need a real click.
PROBE = r"""async () => {
  const visible = el => !!el && el.getClientRects().length > 0 &&
      getComputedStyle(el).visibility !== 'hidden' && !el.closest('details:not([open]) > :not(summary)');
  const out = {};
  // Answers in plain view: visible executed output inside the "Check your understanding" section.
  out.spoilers = [];
  for (const h of document.querySelectorAll('.bd-article h2, .bd-article h3')) {
    if (!/check your understanding/i.test(h.textContent)) continue;
    const section = h.closest('section') || h.parentElement;
    for (const o of section.querySelectorAll('.cell_output')) {
      if (o.closest('.nnq') || o.querySelector('.nnq') || o.closest('.nnlib-player') || o.querySelector('.nnlib-player')) continue;
      if (!visible(o)) continue;
      const text = o.innerText.trim();
      if (text) out.spoilers.push(text.slice(0, 120));
    }
  }
  // Images of the article: alt text and density (intrinsic width / shown CSS width). src is the
  // file shown (on a phone a <picture> may show a stacked variant), file the <img>'s own src.
  out.images = [];
  for (const img of document.querySelectorAll('.bd-article img')) {
    const shown = img.getBoundingClientRect().width;
    const src = img.currentSrc || img.src || '';
    out.images.push({src: src.startsWith('data:') ? src.slice(0, 40) : src.split('/').pop(),
                     file: (img.getAttribute('src') || '').split('/').pop(),
                     player: !!img.closest('.nnlib-player'),
                     alt: img.getAttribute('alt'), visible: visible(img) && shown > 0,
                     shown: shown, natural: img.naturalWidth, svg: /\.svg($|\?)|^data:image\/svg/.test(src)});
  }
  // Printed output that scrolls sideways (check messages cut off).
  out.wide_outputs = [];
  for (const pre of document.querySelectorAll('.cell_output pre')) {
    if (visible(pre) && pre.scrollWidth > pre.clientWidth + 2) out.wide_outputs.push(pre.innerText.slice(0, 80));
  }
  // Code cells (input) that scroll sideways: counted for the record.
  out.wide_inputs = [...document.querySelectorAll('.cell_input pre')].filter(p => visible(p) && p.scrollWidth > p.clientWidth + 2).length;
  // Display equations wider than the column must be scrollable containers.
  out.unscrollable_math = [];
  for (const m of document.querySelectorAll('mjx-container[display="true"]')) {
    if (!visible(m)) continue;
    const style = getComputedStyle(m);
    if (m.scrollWidth > m.clientWidth + 2 && !/(auto|scroll)/.test(style.overflowX)) out.unscrollable_math.push(m.textContent.slice(0, 60));
  }
  // Headings that take three lines or more (a heading longer than 50 characters may take three:
  // a 390 px column holds about 27 characters of heading per line).
  out.tall_headings = [];
  for (const h of document.querySelectorAll('.bd-article h1, .bd-article h2')) {
    if (!visible(h)) continue;
    const lh = parseFloat(getComputedStyle(h).lineHeight) || parseFloat(getComputedStyle(h).fontSize) * 1.2;
    const lines = Math.round(h.getBoundingClientRect().height / lh);
    const text = h.textContent.replace(/#$/, '').trim();
    if (lines > (text.length > 50 ? 3 : 2)) out.tall_headings.push(`${text.slice(0, 60)} (${lines} lines)`);
  }
  out.page_width = document.documentElement.scrollWidth;
  // What the older per-page checks looked at (one visit serves them all).
  const text = document.body.innerText;
  out.traceback = text.includes('Traceback (most recent call last)');
  out.error_outputs = document.querySelectorAll('.cell_output .output.error, .cell_output .output.traceback, .cell_output .output.stderr').length;
  out.math_untypeset = !!document.querySelector('.math') && document.querySelectorAll('mjx-container').length === 0;
  out.raw_dollars = text.includes('$$');
  out.images_without_alt = [...document.querySelectorAll('img')].filter(i => i.getAttribute('alt') === null).length;
  out.colab_links = [...document.querySelectorAll("a[href*='colab.research.google.com']")].map(a => a.getAttribute('href'));
  out.player_links = [...document.querySelectorAll('.nnlib-player a')].map(a => a.getAttribute('href'));
  out.exercise = {checks: text.includes('checks.'), blank: text.includes('raise NotImplementedError()'),
                  leak: text.includes('BEGIN SOLUTION') || text.includes('BEGIN HIDDEN TESTS')};
  out.quizzes = [...document.querySelectorAll('.nnq')].map(q => q.querySelectorAll('[data-q]').length);
  out.sidebar = [...document.querySelectorAll('#pst-primary-sidebar .bd-links a.reference')].map(a => a.textContent.trim());
  out.figure_numbers = [...document.querySelectorAll('.bd-article figure .caption-number, .bd-article .caption-number')].map(s => s.textContent.trim());
  return out;
}"""

AXE_RUN = r"""async () => {
  const r = await axe.run(document, {resultTypes: ['violations'],
                                     rules: {'label-content-name-mismatch': {enabled: true}}});
  const found = [];
  for (const v of r.violations) {
    if (!['serious', 'critical'].includes(v.impact)) continue;
    for (const n of v.nodes) {
      let el = null;
      try { el = document.querySelector(n.target[0]); } catch (e) {}
      const where = el && el.closest('.nnlib-player') ? 'player'
                  : el && el.closest('.cell_output, .cell, .output') ? 'notebook' : 'site';
      found.push({rule: v.id, impact: v.impact, where, target: n.target.join(' '),
                  summary: (n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 160)});
    }
  }
  return found;
}"""


def _local_size(html_dir, url):
    path = os.path.join(html_dir, unquote(urlparse(url).path).lstrip("/"))
    return os.path.getsize(path) if os.path.isfile(path) else 0


async def _toggles(page, size):
    """What ☰ and ☷ do. Phone: each opens its dialog (site navigation / the page's contents).
    Desktop: ☰ hides the primary sidebar and a second click shows it again."""
    result = {}
    primary = page.locator(".primary-toggle:visible")
    result["primary_buttons"] = await primary.count()
    if size == "phone":
        if result["primary_buttons"]:
            await primary.first.click()
            await page.wait_for_timeout(250)
            result["primary_opens"] = await page.evaluate(
                "() => { const d = document.getElementById('pst-primary-sidebar-modal');"
                " return !!d && d.open && d.querySelectorAll('a.reference').length > 0; }")
            await page.keyboard.press("Escape")
            await page.wait_for_timeout(150)
        secondary = page.locator(".secondary-toggle:visible")
        has_toc = await page.evaluate("() => !!document.querySelector('#pst-secondary-sidebar .page-toc a, "
                                      "#pst-secondary-sidebar nav a')")
        result["has_page_toc"] = has_toc
        if has_toc:
            result["secondary_buttons"] = await secondary.count()
            if result["secondary_buttons"]:
                await secondary.first.click()
                await page.wait_for_timeout(250)
                result["secondary_opens"] = await page.evaluate(
                    "() => { const d = document.getElementById('pst-secondary-sidebar-modal');"
                    " return !!d && d.open && d.querySelectorAll('a').length > 0; }")
                await page.keyboard.press("Escape")
                await page.wait_for_timeout(150)
    else:
        shown = ("() => { const s = document.getElementById('pst-primary-sidebar');"
                 " const r = s.getBoundingClientRect(); return getComputedStyle(s).visibility !== 'hidden'"
                 " && r.right > 10 && !document.querySelector('dialog[open]'); }")
        result["sidebar_shown_at_start"] = await page.evaluate(shown)
        if result["primary_buttons"]:
            await primary.first.click()
            await page.wait_for_timeout(500)
            result["collapses"] = not await page.evaluate(shown)
            await page.locator(".primary-toggle:visible").first.click()
            await page.wait_for_timeout(500)
            result["comes_back"] = await page.evaluate(shown)
    return result


async def _visit(browser, base, html_dir, name, size, scheme, axe_source):
    width, height = SIZES[size]
    context = await browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    # The theme follows the reader's choice in localStorage; set it before any page script runs.
    await context.add_init_script(f"localStorage.setItem('theme', '{scheme}'); localStorage.setItem('mode', '{scheme}');")
    page = await context.new_page()
    loaded, problems = {}, []
    page.on("requestfinished", lambda r: loaded.__setitem__(r.url.split("?")[0].split("#")[0], _local_size(html_dir, r.url)))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("console", lambda m: problems.append(f"console error: {m.text}") if m.type == "error" else None)
    page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.on("request", lambda r: problems.append(f"request leaves the site: {r.url}")
            if not r.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")) else None)
    await page.goto(f"{base}/{name}.html", wait_until="load")
    try:
        await page.wait_for_function("() => !document.querySelector('.math') || "
                                     "document.querySelectorAll('mjx-container').length > 0", timeout=20000)
    except Exception:
        problems.append("math was not typeset within 20 s")
    await page.wait_for_timeout(300)
    record = {"theme": await page.evaluate("() => document.documentElement.dataset.theme")}
    record.update(await page.evaluate(PROBE))
    record["html_bytes"] = _local_size(html_dir, f"{base}/{name}.html")
    record["first_visit_bytes"] = sum(loaded.values())
    record["heaviest"] = sorted(((s, u[len(base):]) for u, s in loaded.items()), reverse=True)[:5]
    await page.add_script_tag(content=axe_source)
    record["axe"] = await page.evaluate(AXE_RUN)
    shot = SCREENSHOTS / f"{name.replace('/', '__')}--{size}-{scheme}.png"
    await page.screenshot(path=str(shot))
    record["problems_at_load"] = list(problems)
    record["toggles"] = await _toggles(page, size)
    if size == "phone" and scheme == "dark" and name.startswith("chapters/"):
        await page.locator(".primary-toggle:visible").first.click()
        await page.wait_for_timeout(300)
        await page.screenshot(path=str(SCREENSHOTS / f"{name.replace('/', '__')}--phone-dark-navigation-open.png"))
    record["problems"] = problems
    await context.close()
    return record


async def _survey(base, html_dir, pages):
    from playwright.async_api import async_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    axe_source = AXE.read_text(encoding="utf-8")
    records = {}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        gate = asyncio.Semaphore(CONCURRENT)

        async def one(name, size, scheme):
            async with gate:
                try:
                    records[(name, size, scheme)] = await _visit(browser, base, html_dir, name, size, scheme, axe_source)
                except Exception as exc:          # recorded, so the page's tests fail with the reason
                    records[(name, size, scheme)] = {"error": f"{type(exc).__name__}: {exc}"}

        await asyncio.gather(*(one(n, s, c) for n in pages for s in SIZES for c in SCHEMES))
        await browser.close()
    return records


def survey(base, html_dir, pages):
    """{(page, "phone"|"desktop", "light"|"dark"): record}, from one browser in a worker thread
    (Playwright's async API cannot run inside the sync API's loop that other tests use)."""
    import threading

    box = {}

    def run():
        try:
            box["records"] = asyncio.run(_survey(base, str(html_dir), pages))
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["records"]


# The frame of each axes in a matplotlib SVG: its patch, a rectangle "M x0 y0 L x1 y0 L x1 y1 L x0 y1 z".
AXES_FRAME = re.compile(r'<g id="axes_\d+">\s*<g id="patch_\d+">\s*<path d="M ([\d.]+) ([\d.]+)\s*'
                        r'L ([\d.]+) ([\d.]+)\s*L ([\d.]+) ([\d.]+)\s*L ([\d.]+) ([\d.]+)\s*z')
SVG_WIDTH = re.compile(r'<svg [^>]*?width="([\d.]+)pt"')


def panels_in_one_row(svg):
    """How many panels a matplotlib SVG shows side by side if they form a single row (0 if it has
    fewer than two, or panels above one another). A panel is an axes frame at least 15% of the
    figure wide that is not inside another one (colorbars and insets are not panels); axes drawn
    without a frame (axis off, 3-D) are not seen."""
    width = float(SVG_WIDTH.search(svg).group(1)) if SVG_WIDTH.search(svg) else 0
    frames = []
    for match in AXES_FRAME.finditer(svg):
        xs, ys = [float(v) for v in match.groups()[0::2]], [float(v) for v in match.groups()[1::2]]
        frames.append((min(xs), max(xs), min(ys), max(ys)))
    wide = [f for f in frames if f[1] - f[0] >= 0.15 * width]

    def inside(f, g):
        return f is not g and g[0] <= (f[0] + f[1]) / 2 <= g[1] and g[2] <= (f[2] + f[3]) / 2 <= g[3]

    panels = [f for f in wide if not any(inside(f, g) for g in wide)]
    one_row = all(g[2] <= (f[2] + f[3]) / 2 <= g[3] for f in panels for g in panels)
    return len(panels) if len(panels) >= 2 and one_row else 0


def looks_like_a_path(alt):
    return bool(re.search(r"\.(png|jpe?g|svg|gif|webp)\b|^_images/|^[\w./-]+/[\w.-]+$|^[0-9a-f]{20,}", alt.strip()))


__all__ = ["survey", "SIZES", "SCHEMES", "SERIOUS", "looks_like_a_path", "panels_in_one_row"]
