"""Helpers for the browser tests: Debian's Chromium through Playwright, and axe-core (vendored)."""
import json
import shutil
from pathlib import Path

from coursetools import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE = ROOT / "tests" / "vendor" / "axe.min.js"
SCREENSHOTS = ROOT / "_build" / "screenshots"
SERIOUS = ("serious", "critical")


def axe_findings(page, context="document"):
    """Run axe-core on the page; return its violations of impact serious or critical, one line each
    ("rule-id (impact): n nodes: first selectors | summary")."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    violations = page.evaluate(
        """async (ctx) => {
            // label-content-name-mismatch is an "experimental" rule, off by default: turn it on.
            const r = await axe.run(ctx === 'document' ? document : document.querySelector(ctx),
                {resultTypes: ['violations'], rules: {'label-content-name-mismatch': {enabled: true}}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));
        }""", context)
    lines = []
    for v in violations:
        if v["impact"] in SERIOUS:
            targets = "; ".join(n["target"] for n in v["nodes"][:3])
            summary = (v["nodes"][0]["summary"] or "").replace("\n", " ")[:200]
            lines.append(f"{v['id']} ({v['impact']}): {len(v['nodes'])} nodes: {targets} | {summary}")
    return lines


def dump(obj):
    return json.dumps(obj, indent=1, ensure_ascii=False)
