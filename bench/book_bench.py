"""Benchmark section "book": how long the whole book takes to build, and how big the site is.

Rows (measure, value, target, verdict):
    cold build       jupyter-book build of the whole book into an empty folder (every chapter executed)
    warm rebuild     the same command again (the jupyter-cache skips unchanged notebooks)
    site size        everything under _build/html, and the largest chapter page

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
        return rows
    finally:
        shutil.rmtree(out, ignore_errors=True)


def render(rows):
    return table(rows, HEADERS)


if __name__ == "__main__":
    print(render(run()))
