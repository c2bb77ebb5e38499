"""The capstone's answer keys are absent while it is graded (issue 13 item 5, issue 11).

Chapter 09 grades `train_digits` on held-out accuracy. Three ways to score without writing a
training loop must earn nothing: scikit-learn's MLPClassifier trains the network, and the digits
themselves (nnlib.datasets.digits() or scikit-learn's bundled copy) would let predict look the
held-out images up. The exercise declares nnlib's digits and the whole sklearn package as answer
keys, so the sandbox has neither.
"""
import json
import sys

import pytest

from coursetools import ROOT

sys.path.insert(0, str(ROOT))
from autograder import grade  # noqa: E402

CHAPTER = "09-training"
SOLUTION = ROOT / "solutions" / CHAPTER / "training.ipynb"

CHEATS = {
    "mlpclassifier": (
        "def train_digits(X_train, y_train):\n"
        "    from sklearn.neural_network import MLPClassifier\n"
        "    model = MLPClassifier(hidden_layer_sizes=(64,), max_iter=300, random_state=0)\n"
        "    return model.fit(X_train, y_train)\n"),
    "lookup-nnlib": (
        "def train_digits(X_train, y_train):\n"
        "    import numpy as np\n    from nnlib import datasets\n"
        "    X, y = datasets.digits()\n"
        "    table = {row.tobytes(): label for row, label in zip(X, y)}\n"
        "    return lambda X_test: np.array([table[r.tobytes()] for r in np.asarray(X_test, float)])\n"),
    "lookup-sklearn": (
        "def train_digits(X_train, y_train):\n"
        "    import numpy as np\n    from sklearn.datasets import load_digits\n"
        "    data = load_digits()\n"
        "    table = {(row / 16.0).tobytes(): label for row, label in zip(data.data, data.target)}\n"
        "    return lambda X_test: np.array([table[r.tobytes()] for r in np.asarray(X_test, float)])\n"),
}


def _graded(tmp_path, name, source):
    nb = json.loads(SOLUTION.read_text())
    replaced = 0
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "") == "09-train_digits":
            cell["source"] = source
            replaced += 1
    assert replaced == 1
    path = tmp_path / f"{name}.ipynb"
    path.write_text(json.dumps(nb))
    return grade.grade_notebook(path, CHAPTER, name, secret="capstone")


@pytest.mark.parametrize("cheat", sorted(CHEATS))
def test_a_capstone_that_does_not_train_its_own_network_earns_nothing(tmp_path, cheat):
    result = _graded(tmp_path, cheat, CHEATS[cheat])
    exercise = next(e for e in result.exercises if e["name"] == "train_digits")
    assert exercise["max_points"] > 0
    assert exercise["points"] == 0, json.dumps(exercise)[:2000]
