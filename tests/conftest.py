"""Shared test settings: hypothesis profiles sized so `make test` stays quick; the book, built once."""
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("course", max_examples=40, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("course")


DEAD_PROXY = "http://127.0.0.1:9"
# Test files that use the session's book build (the `site` fixture below).
USES_THE_BOOK = ("test_book.py", "test_site.py")
# The longest test files after the book (minutes each, measured by `pytest --durations`): started
# first, so that the two processes finish at about the same time.
LONGEST_FIRST = ("tests/course/test_colab.py", "tests/autograder/test_autograder.py",
                 "tests/course/test_notebooks.py", "tests/course/test_grading.py",
                 "tests/autograder/test_hostile.py", "tests/checks/test_ch09.py")


def _group(nodeid):
    """The unit of work of a test: its file, or "book" for the files that use the book build."""
    path = nodeid.split("::", 1)[0]
    return "book" if path.rsplit("/", 1)[-1] in USES_THE_BOOK else path


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """The book's group first, then the longest files, then the rest in their order."""
    order = ("book",) + LONGEST_FIRST
    rank = {group: i for i, group in enumerate(order)}
    items.sort(key=lambda item: rank.get(_group(item.nodeid), len(order)))   # stable sort


@pytest.hookimpl(optionalhook=True)      # pytest without pytest-xdist runs the tests too
def pytest_xdist_make_scheduler(config, log):
    """`make test` runs on two processes (pytest-xdist). Each process gets whole groups (above):
    a file's module fixtures (a fresh venv, executed notebooks, a graded batch) are made once, and
    the book is built once. (pytest-xdist's own --dist loadgroup cannot be used: it renames test
    ids through an attribute that pytest 9 no longer has.)"""
    from xdist.scheduler import LoadScopeScheduling

    class ByGroup(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return _group(nodeid)

    return ByGroup(config, log)


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """Build the book once per test session: -W --keep-going, offline (every HTTP(S) proxy
    points at a closed port, pip may not use an index). Returns (html folder, build log)."""
    from coursetools import BIN, run, tool_env

    out = tmp_path_factory.mktemp("book")
    offline = tool_env(HTTP_PROXY=DEAD_PROXY, HTTPS_PROXY=DEAD_PROXY, ALL_PROXY=DEAD_PROXY,
                       http_proxy=DEAD_PROXY, https_proxy=DEAD_PROXY, all_proxy=DEAD_PROXY,
                       NO_PROXY="", no_proxy="", PIP_NO_INDEX="1")
    result = run([BIN / "jupyter-book", "build", ".", "--path-output", out, "-W", "--keep-going"],
                 env=offline, check=False, timeout=1800)
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"the book build failed (-W --keep-going, offline):\n{log[-8000:]}"
    return out / "_build" / "html", log
