"""Shared test settings: hypothesis profiles sized so `make test` stays quick; the book, built once."""
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("course", max_examples=40, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("course")


DEAD_PROXY = "http://127.0.0.1:9"


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
