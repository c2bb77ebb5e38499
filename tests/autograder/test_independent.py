"""Independent grading in the sandbox (issues 11 and 12): one bug costs one exercise.

While `forward` is graded, `dense_forward` resolves to a correct implementation, handed into the
sandbox only after `dense_forward` itself was graded; the feedback still tells the student that
their own `dense_forward` would have broken `forward`. And the answer key never is in the sandbox
before its own exercise was graded: calling nnlib's `forward` there fails.
"""
import json
import re
import sys

import pytest

from coursetools import ROOT

sys.path.insert(0, str(ROOT))
from autograder import grade, gradingcopy  # noqa: E402

CHAPTER = "04-forward-propagation"
SOLUTION = ROOT / "solutions" / CHAPTER / "forward-propagation.ipynb"
BUGGY_DENSE = ("def dense_forward(A_prev, W, b, activation):\n"
               "    Z = A_prev @ W + b\n    A = activations.get(activation)[0](Z)\n"
               "    return A, (A_prev, W, Z, b, activation)     # cache in the wrong order\n")
NNLIB_FORWARD = ("def forward(X, params, activations):\n    import nnlib\n"
                 "    return nnlib.network.forward(X, params, activations)\n")


def _with(tmp_path, name, **sources):
    nb = json.loads(SOLUTION.read_text())
    for cell in nb["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        if grade_id[3:] in sources:
            cell["source"] = sources[grade_id[3:]]
    path = tmp_path / f"{name}.ipynb"
    path.write_text(json.dumps(nb))
    return grade.grade_notebook(path, CHAPTER, name, secret="independent")


def _exercise(result, name):
    return next(e for e in result.exercises if e["name"] == name)


@pytest.fixture(scope="module")
def buggy_dense(tmp_path_factory):
    return _with(tmp_path_factory.mktemp("independent"), "buggy", dense_forward=BUGGY_DENSE)


def test_a_dense_forward_bug_costs_dense_forward_only(buggy_dense):
    dense, forward = _exercise(buggy_dense, "dense_forward"), _exercise(buggy_dense, "forward")
    assert dense["points"] < dense["max_points"], json.dumps(dense)[:2000]
    assert forward["points"] == forward["max_points"] == 2, json.dumps(forward)[:2000]


def test_the_feedback_says_the_earlier_bug_would_have_shown_up(buggy_dense):
    forward = _exercise(buggy_dense, "forward")
    assert "would have shown up here" in json.dumps(forward)


def test_nnlib_forward_is_not_in_the_sandbox(tmp_path):
    result = _with(tmp_path, "calls-nnlib", forward=NNLIB_FORWARD)
    forward = _exercise(result, "forward")
    assert forward["points"] == 0 and "not available while grading" in json.dumps(forward)
    assert _exercise(result, "dense_forward")["points"] == 2


def test_the_grading_copy_has_stubs_with_the_same_signature(tmp_path):
    folder = gradingcopy.build(["nnlib.network.forward", "nnlib.models.Sequential"], cache=tmp_path)
    network = (folder / "nnlib" / "network.py").read_text()
    assert re.search(r"def forward\(X, params, activations[^)]*\):\n    raise RuntimeError\('forward is not available while "
                     r"grading", network)
    assert "A = X" not in network.split("def forward", 1)[1].split("\ndef ", 1)[0]
    models = (folder / "nnlib" / "models.py").read_text()
    assert "class Sequential:\n    def __init__(self, *args, **kwargs):\n        raise RuntimeError(" in models
    assert not (folder / "nnlib" / "checks" / "ch04.py").exists()
    assert gradingcopy.build(["nnlib.forward", "nnlib.models.Sequential"], cache=tmp_path) == folder   # cached
