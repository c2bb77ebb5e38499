"""Helpers shared by the course-pipeline tests (book, notebooks, release, Colab, grading).

Every tool is run with the Python running the tests (`sys.executable`) and with this
checkout's nnlib first on PYTHONPATH, so the tests exercise this repository whether or not
nnlib is pip-installed in the environment (`make test` installs it with `pip install -e .`).
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
CHAPTERS = ROOT / "chapters"
CHAPTER_RE = re.compile(r"^(\d\d)-([a-z0-9]+(?:-[a-z0-9]+)*)$")
BIN = Path(sys.executable).parent
# Chapters with no graded exercise (DESIGN: an overview chapter); every other chapter has at least one.
UNGRADED = {"01-what-is-deep-learning"}


def chapter_names(folder=SOLUTIONS):
    """NN-slug folders of `folder`, in lecture order."""
    if not folder.exists():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and CHAPTER_RE.match(p.name))


def notebook_path(chapter, folder=SOLUTIONS):
    return folder / chapter / (CHAPTER_RE.match(chapter).group(2) + ".ipynb")


def read(path):
    return nbformat.read(str(path), as_version=4)


def tool_env(**extra):
    """os.environ with this checkout on PYTHONPATH and this Python's bin/ first on PATH."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in [env.get("PYTHONPATH")] if p])
    env["PATH"] = os.pathsep.join([str(BIN), env.get("PATH", "")])
    env.update(extra)
    return env


def run(cmd, timeout=900, check=True, **kwargs):
    """Run a command from the repository root; on failure show its output in the assertion."""
    kwargs.setdefault("cwd", ROOT)
    kwargs.setdefault("env", tool_env())
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                            timeout=timeout, **kwargs)
    if check:
        assert result.returncode == 0, (
            f"{' '.join(map(str, cmd))} exited with {result.returncode}\n"
            f"--- stdout ---\n{result.stdout[-6000:]}\n--- stderr ---\n{result.stderr[-6000:]}")
    return result


def nbgrader_cells(nb):
    """(solution cells, test cells) of a notebook, by nbgrader metadata."""
    solutions = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")
             and c.cell_type == "code"]
    return solutions, tests


def outputs_text(cell):
    """All text a code cell printed or returned (streams and text/plain results)."""
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type in ("execute_result", "display_data"):
            parts.append(str(out.data.get("text/plain", "")))
        elif out.output_type == "error":
            parts.append(f"{out.ename}: {out.evalue}")
    return "".join(parts)
