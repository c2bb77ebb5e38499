"""The release: chapters/ is exactly what `make release` produces from solutions/."""
import re
import sys
import tomllib

import pytest
import yaml

from coursetools import (CHAPTERS, ROOT, SOLUTIONS, UNGRADED, chapter_names, nbgrader_cells, notebook_path,
                         read, run)

RELEASE = ["-m", "course.release"]      # course/release.py, run from the repository root


def test_chapters_and_toc_are_in_sync_with_a_fresh_release():
    """A fresh release, written to a temporary folder, is byte for byte the committed chapters/ and
    _toc.yml. This also shows that the release is reproducible: the committed files came from an
    earlier run (another time, another gradebook), so no date, id or order may vary between runs."""
    result = run([sys.executable, *RELEASE, "--check"], check=False)
    assert result.returncode == 0, (
        "chapters/ or _toc.yml differ from what `make release` writes; run `make release`.\n"
        + result.stdout + result.stderr)


@pytest.mark.parametrize("chapter", chapter_names(CHAPTERS))
def test_released_notebook_is_a_clean_student_version(chapter):
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    url = config["repository"]["url"]
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    nb = read(notebook_path(chapter, CHAPTERS))
    text = "\n".join(c.source for c in nb.cells)
    for leftover in ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS", "checks.hidden",
                     "__REPOSITORY_URL__", "__BRANCH__", "__NNLIB_VERSION__"):
        assert leftover not in text, f"the release still contains {leftover!r}"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            assert "execution" not in cell.metadata
    setup = next(c for c in nb.cells if c.cell_type == "code")
    assert f'f"git+{url}@v{{NNLIB_VERSION}}"' in setup.source, "set-up cell installs a release tag of _config.yml's repo"
    assert f'NNLIB_VERSION = "{version}"' in setup.source, "the tag is pyproject.toml's version"
    assert "@main" not in setup.source and "nnlib.__version__ != NNLIB_VERSION" in setup.source
    solutions, tests = nbgrader_cells(nb)
    assert (solutions and tests) or chapter in UNGRADED
    for cell in solutions:
        assert "raise NotImplementedError()" in cell.source
        assert {"raises-exception", "remove-output"} <= set(cell.metadata.tags)
    for cell in tests:
        assert {"raises-exception", "remove-stderr"} <= set(cell.metadata.tags)
        assert cell.metadata.get("editable") is False, "nbgrader locks the check cells"


@pytest.mark.parametrize("chapter", chapter_names(SOLUTIONS))
def test_solution_and_release_have_the_same_cells(chapter):
    source, released = read(notebook_path(chapter)), read(notebook_path(chapter, CHAPTERS))
    assert [c.cell_type for c in source.cells] == [c.cell_type for c in released.cells]
    assert [c.get("id") for c in source.cells] == [c.get("id") for c in released.cells]
    prose = [c.source for c in source.cells if c.cell_type == "markdown"]
    assert prose == [c.source for c in released.cells if c.cell_type == "markdown"]


def test_gradebook_and_grading_folders_are_not_committed():
    ignored = (ROOT / "autograder" / ".gitignore").read_text(encoding="utf-8").split()
    for entry in ("gradebook.db", "submitted/", "autograded/", "feedback/", "grades.csv"):
        assert entry in ignored
    config = (ROOT / "nbgrader_config.py").read_text(encoding="utf-8")
    assert re.search(r'source_directory = "solutions"', config)
    assert re.search(r'release_directory = "chapters"', config)
    assert "NNLIB_GRADEBOOK_URL" in config, "the database URL can be set for a shared server"
