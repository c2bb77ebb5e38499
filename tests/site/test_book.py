"""The book: configuration, table of contents, and one real build with warnings as errors.

The build runs once per module (about 10-20 s): offline (every HTTP(S) proxy points at a
closed port, pip may not use an index), from the committed chapters/, into a temporary folder.
"""
import re

import pytest
import yaml

from course.release import toc_files

from coursetools import CHAPTERS, ROOT, SOLUTIONS, chapter_names, notebook_path

REPOSITORY = "https://github.com/nn-from-scratch/neural-networks-from-scratch"
BRANCH = "main"


@pytest.fixture(scope="module")
def config():
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def toc():
    return yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))


def chapter_html(site, chapter):
    html, _ = site
    page = html / "chapters" / chapter / (notebook_path(chapter).stem + ".html")
    assert page.exists(), f"{page} was not built"
    return page.read_text(encoding="utf-8")


# ------------------------------------------------------------------ configuration
def test_config_pins_repository_execution_and_launch_buttons(config):
    assert config["repository"]["url"] == REPOSITORY
    assert config["repository"]["branch"] == BRANCH
    assert config["launch_buttons"]["colab_url"] == "https://colab.research.google.com"
    assert config["execute"]["execute_notebooks"] == "cache"
    assert config["execute"]["timeout"] > 0
    assert config["only_build_toc_files"] is True
    for folder in (".venv", "solutions", "autograder", "tests", "_build"):
        assert folder in config["exclude_patterns"]
    sphinx = config["sphinx"]["config"]
    assert sphinx["numfig"] is True
    html_priority = {mime: p for builder, mime, p in sphinx["nb_mime_priority_overrides"]
                     if builder == "html"}
    widget = html_priority.get("application/vnd.jupyter.widget-view+json")
    assert widget is None or widget > html_priority["text/html"], \
        "the static site must prefer the explorers' text/html player over the live widget view"


def test_jupyter_book_is_pinned():
    pins = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert re.search(r"^jupyter-book==1\.0\.4\.post1$", pins, re.M)


def test_repository_url_is_written_only_in_config():
    """One source of truth: chapters/ get the URL from _config.yml at release."""
    places = [ROOT / "Makefile", ROOT / "README.md", ROOT / "intro.md", ROOT / "nbgrader_config.py",
              *SOLUTIONS.rglob("*.ipynb"), *(ROOT / "autograder").glob("*.py"),
              *(ROOT / "nnlib").rglob("*.py")]
    offenders = [str(p.relative_to(ROOT)) for p in places
                 if p.exists() and "nn-from-scratch/neural-networks-from-scratch" in
                 p.read_text(encoding="utf-8", errors="replace")]
    assert offenders == [], f"the repository URL belongs in _config.yml only; found in {offenders}"


# ------------------------------------------------------------------ table of contents
def test_toc_lists_intro_and_exactly_the_chapters_in_order(toc):
    assert toc["format"] == "jb-book"
    assert toc["root"] == "intro"
    listed = toc_files(toc)                      # course/release.py: chapters and appendices parts
    expected = [f"chapters/{c}/{notebook_path(c).stem}" for c in chapter_names(CHAPTERS)]
    expected += [f"appendices/{p.stem}" for p in sorted((ROOT / "appendices").glob("*.md"))]
    assert listed == expected, ("_toc.yml must list every folder of chapters/ in NN order, then the "
                                "appendices, and nothing else (run `make release`, which writes it)")
    for entry in listed:
        assert (ROOT / f"{entry}.ipynb").exists() or (ROOT / f"{entry}.md").exists(), \
            f"_toc.yml lists a missing page: {entry}"


def test_every_source_chapter_is_released():
    assert chapter_names(SOLUTIONS), "solutions/ holds no chapter"
    assert chapter_names(CHAPTERS) == chapter_names(SOLUTIONS)


# ------------------------------------------------------------------ the built site
def test_build_succeeds_with_warnings_as_errors_offline(site):
    html, log = site
    assert "build succeeded" in log
    assert (html / "intro.html").exists()
    assert (html / "index.html").exists()


def test_search_page_and_index_are_built(site):
    html, _ = site
    assert (html / "search.html").exists()
    assert (html / "searchindex.js").exists()


@pytest.mark.parametrize("chapter", chapter_names(CHAPTERS))
def test_colab_button_opens_the_released_notebook(site, chapter):
    page = chapter_html(site, chapter)
    link = (f"https://colab.research.google.com/github/nn-from-scratch/neural-networks-from-scratch"
            f"/blob/{BRANCH}/chapters/{chapter}/{notebook_path(chapter).name}")
    assert link in page


@pytest.mark.parametrize("chapter", chapter_names(CHAPTERS))
def test_site_shows_no_tracebacks_or_error_boxes(site, chapter):
    page = chapter_html(site, chapter)
    assert "Traceback" not in page
    assert not re.search(r'class="[^"]*\b(traceback|output error|output stderr)\b', page)
    assert not re.search(r"\b[A-Z][A-Za-z]*Error: ", page), "an exception message is shown"


@pytest.mark.parametrize("chapter", chapter_names(CHAPTERS))
def test_figures_are_numbered_and_widgets_render_as_static_players(site, chapter):
    page = chapter_html(site, chapter)
    assert len(re.findall(r"Fig\. \d+", page)) >= 2, "each chapter has at least two numbered figures"
    assert "nnlib-player" in page and ('type="range"' in page or "<select" in page), \
        "an explorer's static player (with sliders or menus) is on the page"
    assert '<script type="application/vnd.jupyter.widget-view+json">' not in page, \
        "the live widget view needs a kernel or a CDN; the site must show the player"
