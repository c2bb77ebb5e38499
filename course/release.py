"""Release the chapters: solutions/NN-slug/slug.ipynb  ->  chapters/NN-slug/slug.ipynb (+ _toc.yml).

    python -m course.release                 # release every chapter (what `make release` runs)
    python -m course.release 02-the-neuron   # release one chapter
    python -m course.release --check         # exit 1 if chapters/ or _toc.yml are out of date
    python -m course.release --out DIR       # write the release into DIR instead of chapters/

For each chapter this runs `nbgrader generate_assignment NN-slug --force` (nbgrader_config.py:
source "solutions", release "chapters"; the assignment and its hidden tests are recorded in
the gradebook, which autograding needs), into a staging folder, then post-processes the
released notebooks deterministically:

* outputs, execution counts and execution metadata are stripped;
* the set-up cell's placeholders are filled in: __REPOSITORY_URL__ (and __BRANCH__) from
  _config.yml (the only place the repository URL is written), __NNLIB_VERSION__ from
  pyproject.toml's version, which must equal nnlib.__version__. The cell installs nnlib from the
  git tag v<version> of the repository, so a student's nnlib cannot change mid-term; tag each
  release (`git tag v0.1.0 && git push --tags`) before students use it;
* exercise cells get tags so that the book build tolerates them and the site shows no
  traceback: solution cells `raises-exception` + `remove-output`, check cells
  `raises-exception` + `remove-stderr`;

and finally writes _toc.yml: intro, then every chapter in lecture (NN) order, then the
appendices (appendices/*.md, in file-name order). Running it twice
gives byte-identical files, which is what `--check` (and tests/course/test_release.py) relies on.
"""
from __future__ import annotations

import argparse
import ast
import filecmp
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
CHAPTERS = ROOT / "chapters"
TOC = ROOT / "_toc.yml"
CONFIG = ROOT / "_config.yml"
PYPROJECT = ROOT / "pyproject.toml"
NNLIB_INIT = ROOT / "nnlib" / "__init__.py"
CHAPTER_RE = re.compile(r"^(\d\d)-([a-z0-9]+(?:-[a-z0-9]+)*)$")
PLACEHOLDERS = ("__REPOSITORY_URL__", "__BRANCH__", "__NNLIB_VERSION__")
SOLUTION_TAGS = ("raises-exception", "remove-output")
CHECK_TAGS = ("raises-exception", "remove-stderr")
SETUP_MARKERS = ("NNLIB_INSTALL_SOURCE", "enable_custom_widget_manager", "__REPOSITORY_URL__", "__NNLIB_VERSION__")


class ReleaseError(RuntimeError):
    pass


def tool_env(**extra) -> dict:
    """The environment for nbgrader: this Python's bin/ first on PATH (nbgrader runs `alembic`
    from PATH), so a venv works without being activated."""
    env = dict(os.environ, **extra)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def repository() -> tuple[str, str]:
    """(url, branch) of the course repository, from _config.yml."""
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    repo = config.get("repository") or {}
    url, branch = repo.get("url"), repo.get("branch")
    if not url or not branch:
        raise ReleaseError(f"{CONFIG.name} must set repository.url and repository.branch")
    return str(url).rstrip("/"), str(branch)


def nnlib_version() -> str:
    """The version students install: pyproject.toml's, checked against nnlib.__version__ (the set-up
    cell compares the installed nnlib.__version__ with it)."""
    version = tomllib.loads(PYPROJECT.read_text(encoding="utf-8")).get("project", {}).get("version")
    if not version:
        raise ReleaseError(f"{PYPROJECT.name} must set [project] version")
    module = ast.parse(NNLIB_INIT.read_text(encoding="utf-8"))
    declared = [node.value.value for node in module.body if isinstance(node, ast.Assign)
                and any(getattr(t, "id", None) == "__version__" for t in node.targets)
                and isinstance(node.value, ast.Constant)]
    if declared != [version]:
        raise ReleaseError(f"nnlib/__init__.py's __version__ ({declared[0] if declared else 'missing'}) "
                           f"must equal pyproject.toml's version ({version})")
    return str(version)


def chapters(source: Path = SOLUTIONS) -> list[str]:
    """The chapter folders NN-slug of `source` that hold slug.ipynb, in lecture order."""
    found = []
    for folder in sorted(p for p in source.iterdir() if p.is_dir()):
        match = CHAPTER_RE.match(folder.name)
        if match is None:
            if not folder.name.startswith((".", "_")):
                raise ReleaseError(f"{folder} is not named NN-slug (e.g. 02-the-neuron)")
            continue
        notebook = folder / f"{match.group(2)}.ipynb"
        if not notebook.exists():
            raise ReleaseError(f"{folder} must contain {notebook.name}")
        found.append(folder.name)
    return found


def notebook_name(chapter: str) -> str:
    return CHAPTER_RE.match(chapter).group(2) + ".ipynb"


def generate(chapter: str, staging: Path, db_url: str | None) -> Path:
    """Run nbgrader generate_assignment for one chapter into `staging`; return the folder."""
    cmd = [sys.executable, "-m", "nbgrader", "generate_assignment", chapter, "--force",
           f"--CourseDirectory.release_directory={staging}", "--log-level=WARN"]
    if db_url:
        cmd.append(f"--CourseDirectory.db_url={db_url}")
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=tool_env())
    if result.returncode != 0:
        raise ReleaseError(f"nbgrader generate_assignment {chapter} failed:\n"
                           f"{result.stdout}\n{result.stderr}")
    return staging / chapter


def _add_tags(cell, tags) -> None:
    current = list(cell.metadata.get("tags", []))
    for tag in tags:
        if tag not in current:
            current.append(tag)
    cell.metadata["tags"] = current


def postprocess(nb, url: str, branch: str, where: str, version: str):
    """Strip outputs, fill in the repository, tag exercise cells (in place; returns nb)."""
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    if not code_cells or not all(m in code_cells[0].source for m in SETUP_MARKERS):
        raise ReleaseError(
            f"{where}: the first code cell must be the set-up cell (install nnlib "
            f"__NNLIB_VERSION__ from git+__REPOSITORY_URL__@v__NNLIB_VERSION__ unless "
            f"NNLIB_INSTALL_SOURCE is set; enable Colab's custom widget manager); "
            f"copy it from solutions/02-the-neuron")
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            source = cell.source
            source = (source.replace("__REPOSITORY_URL__", url).replace("__BRANCH__", branch)
                      .replace("__NNLIB_VERSION__", version))
            cell.source = source
            grading = cell.metadata.get("nbgrader", {})
            if grading.get("solution"):
                _add_tags(cell, SOLUTION_TAGS)
            elif grading.get("grade"):
                _add_tags(cell, CHECK_TAGS)
        elif "attachments" in cell and not cell.attachments:
            del cell["attachments"]
    keep = {"kernelspec", "language_info"}
    for key in [k for k in nb.metadata if k not in keep]:
        del nb.metadata[key]
    for key in [k for k in nb.metadata.get("language_info", {}) if k != "name"]:
        del nb.metadata.language_info[key]
    return nb


def write_notebook(nb, path: Path) -> None:
    text = nbformat.writes(nb, version=4)
    if not text.endswith("\n"):
        text += "\n"
    path.write_text(text, encoding="utf-8")


def release_chapter(chapter: str, out_dir: Path, db_url: str | None, url: str, branch: str,
                    version: str):
    """Release one chapter into out_dir/chapter (replacing what was there)."""
    with tempfile.TemporaryDirectory(prefix="release-") as tmp:
        staged = generate(chapter, Path(tmp), db_url)
        target = out_dir / chapter
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(staged, target)
    for path in sorted(target.rglob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        write_notebook(postprocess(nb, url, branch, str(path.relative_to(out_dir.parent)), version), path)
    expected = target / notebook_name(chapter)
    if not expected.exists():
        raise ReleaseError(f"nbgrader did not produce {expected}")


def toc_text(chapter_names: list[str], prefix: str = "chapters") -> str:
    """_toc.yml: the introduction, then two parts: the chapters, numbered (the sidebar reads
    "8. Backpropagation" and chapter 08's figures are Fig. 8.1, 8.2, ...; numbered: 1 numbers the
    chapters, not their sections), and the appendices, unnumbered."""
    lines = [
        "# Generated by `make release` (course/release.py) from the folders in solutions/.",
        "# Do not edit by hand: add a chapter as solutions/NN-slug/slug.ipynb and run make release.",
        "format: jb-book",
        "root: intro",
    ]
    appendices = sorted(p.stem for p in (ROOT / "appendices").glob("*.md"))
    if chapter_names or appendices:
        lines.append("parts:")
    if chapter_names:
        lines += ["  - caption: Chapters", "    numbered: 1", "    chapters:"]
        lines += [f"      - file: {prefix}/{c}/{notebook_name(c)[:-len('.ipynb')]}" for c in chapter_names]
    if appendices:
        lines += ["  - caption: Appendices", "    chapters:"]
        lines += [f"      - file: appendices/{a}" for a in appendices]   # appendices/*.md, after the chapters
    return "\n".join(lines) + "\n"


def toc_files(toc: dict) -> list[str]:
    """The pages a parsed _toc.yml lists after its root, in order (parts flattened)."""
    entries = list(toc.get("chapters", []))
    for part in toc.get("parts", []):
        entries += part.get("chapters", [])
    return [entry["file"] for entry in entries]


def release(selected: list[str] | None = None, out_dir: Path = CHAPTERS,
            toc_path: Path | None = TOC, db_url: str | None = None) -> list[str]:
    """Release the selected chapters (default: all) into out_dir and write the toc (unless
    toc_path is None). Returns the chapters released."""
    url, branch = repository()
    version = nnlib_version()
    everything = chapters()
    selected = selected or everything
    unknown = sorted(set(selected) - set(everything))
    if unknown:
        raise ReleaseError(f"no such chapter in solutions/: {', '.join(unknown)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    for chapter in selected:
        release_chapter(chapter, out_dir, db_url, url, branch, version)
    if out_dir == CHAPTERS:
        # released folders whose source is gone are removed, so the book never shows them
        for stale in sorted(p for p in out_dir.iterdir() if p.is_dir()):
            if stale.name not in everything:
                shutil.rmtree(stale)
    if toc_path is not None:
        toc_path.write_text(toc_text(everything), encoding="utf-8")
    return selected


def differences(expected: Path, actual: Path) -> list[str]:
    """Relative paths that differ between two folders (missing, extra or different bytes)."""
    problems = []
    cmp = filecmp.dircmp(expected, actual, ignore=["__pycache__", ".ipynb_checkpoints"])

    def walk(c, rel):
        problems.extend(f"missing in chapters/: {rel}{n}" for n in c.left_only)
        problems.extend(f"not produced by the release: {rel}{n}" for n in c.right_only)
        for name in c.common_files:
            if (Path(c.left) / name).read_bytes() != (Path(c.right) / name).read_bytes():
                problems.append(f"differs: {rel}{name}")
        for name, sub in sorted(c.subdirs.items()):
            walk(sub, f"{rel}{name}/")

    walk(cmp, "")
    return problems


def check() -> list[str]:
    """Release into a temporary folder (with a throw-away gradebook) and compare."""
    with tempfile.TemporaryDirectory(prefix="release-check-") as tmp:
        tmp = Path(tmp)
        out, toc = tmp / "chapters", tmp / "_toc.yml"
        release(out_dir=out, toc_path=toc, db_url=f"sqlite:///{tmp / 'gradebook.db'}")
        problems = differences(out, CHAPTERS) if CHAPTERS.exists() else ["chapters/ is missing"]
        if not TOC.exists() or TOC.read_bytes() != toc.read_bytes():
            problems.append("_toc.yml differs from what the release writes")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("chapters", nargs="*", help="chapter folders (default: all)")
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if chapters/ or _toc.yml are out of date")
    parser.add_argument("--out", type=Path, help="release into this folder instead of chapters/")
    parser.add_argument("--db", help="gradebook URL (default: nbgrader_config.py's)")
    args = parser.parse_args(argv)
    try:
        if args.check:
            problems = check()
            for p in problems:
                print(p)
            if problems:
                print("chapters/ is out of date: run `make release`")
                return 1
            print("chapters/ and _toc.yml are up to date")
            return 0
        out = args.out.resolve() if args.out else CHAPTERS
        toc = None if args.out else TOC
        done = release(args.chapters, out_dir=out, toc_path=toc, db_url=args.db)
        print(f"released {', '.join(done)} into {out}" + ("" if toc is None else f"; wrote {TOC.name}"))
        return 0
    except ReleaseError as exc:
        print(f"release failed: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
