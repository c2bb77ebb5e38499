"""Chapter 01 (what is deep learning?): checks specific to this chapter.

The chapter has no graded exercise, so there are no nbgrader cells and nothing in nnlib.checks
to test. What is tested instead are the chapter's claims that do not depend on one lucky run:
the explorer's geometry (no straight line separates the ring in Cartesian coordinates, the line
r = 3 does in polar coordinates), the shape of the data-vs-performance experiment for another
random start, and the chapter's structure (no exercise cells, questions with answers, the map of
the course).
"""
import re

import numpy as np
import pytest

from coursetools import CHAPTERS, SOLUTIONS, nbgrader_cells, notebook_path, read
from nnlib import Dense, Sequential, datasets
from nnlib.widgets.representation import line_rule, to_polar

CHAPTER = "01-what-is-deep-learning"
SLIDER_PHI = range(0, 360, 5)                               # the explorer's slider grid
SLIDER_C = np.round(np.arange(0, 5.01, 0.1), 1)


@pytest.fixture(scope="module")
def ring():
    X, y = datasets.circle(n=200, seed=0)
    return X, y[:, 0] == 0                                  # "outside" = the ring


def best_on_slider_grid(U, outside):
    return max(np.mean(line_rule(U, phi, c) == outside) for phi in SLIDER_PHI for c in SLIDER_C)


# ------------------------------------------------------------------ representation
def test_no_line_on_the_explorer_grid_separates_the_ring_in_cartesian_coordinates(ring):
    X, outside = ring
    assert best_on_slider_grid(X, outside) == pytest.approx(0.715)


def test_the_line_r_equals_3_separates_the_ring_in_polar_coordinates(ring):
    X, outside = ring
    U = to_polar(X)
    assert np.mean(line_rule(U, 90, 3.0) == outside) == 1.0   # the explorer's default view
    perfect = [c for c in SLIDER_C if np.all(line_rule(U, 90, c) == outside)]
    assert (min(perfect), max(perfect)) == (2.5, 3.5)


def test_the_chapters_polar_coordinates_match_the_explorers(ring):
    X, _ = ring
    r, theta = np.sqrt(X[:, 0] ** 2 + X[:, 1] ** 2), np.arctan2(X[:, 1], X[:, 0])
    np.testing.assert_allclose(np.column_stack([theta, r]), to_polar(X))


# ------------------------------------------------------------------ more data, bigger models
@pytest.mark.parametrize("seed", [0, 2])
def test_the_data_experiment_keeps_its_shape_for_another_random_start(seed):
    """At n = 800 the order is large > small > logistic regression, and logistic regression
    stays on its plateau (the prose says the curves move by a few points, the shape does not)."""
    X_test, y_test = datasets.spiral(n=2000, noise=0.5, seed=1)
    X, y = datasets.spiral(n=800, noise=0.5, seed=2)
    models = {
        "logistic": Sequential([Dense(2, 1, "sigmoid")], seed=seed),
        "small": Sequential([Dense(2, 8, "tanh"), Dense(8, 1, "sigmoid")], seed=seed),
        "large": Sequential([Dense(2, 32, "tanh"), Dense(32, 32, "tanh"), Dense(32, 1, "sigmoid")], seed=seed),
    }
    accuracy = {}
    for name, model in models.items():
        model.fit(X, y, loss="binary_cross_entropy", lr=0.15, epochs=500, batch_size=200, momentum=0.9)
        accuracy[name] = model.accuracy(X_test, y_test)
    assert accuracy["large"] > 0.9 > accuracy["small"] > accuracy["logistic"]
    assert 0.5 < accuracy["logistic"] < 0.65


# ------------------------------------------------------------------ structure
@pytest.mark.parametrize("folder", [SOLUTIONS, CHAPTERS])
def test_the_chapter_has_no_graded_exercise(folder):
    path = notebook_path(CHAPTER, folder)
    if not path.exists():
        pytest.skip(f"{path} not released yet")
    solutions, tests = nbgrader_cells(read(path))
    assert solutions == [] and tests == []


def test_questions_have_answers_and_the_map_lists_every_chapter():
    nb = read(notebook_path(CHAPTER))
    text = "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    questions = text.split("## Check your understanding")[1].split("## Summary")[0]
    assert len(re.findall(r"^\*\*\d\.\*\*", questions, re.M)) >= 3
    assert questions.count("<details>") == questions.count("<summary>Answer</summary>") >= 3
    course_map = text.split("## The map of the course")[1]
    rows = re.findall(r"^\| (\d\d) \|", course_map, re.M)
    assert rows == [f"{k:02d}" for k in range(1, 12)]


def test_the_explorer_is_the_last_expression_of_its_own_cell():
    nb = read(notebook_path(CHAPTER))
    cells = [c for c in nb.cells if c.cell_type == "code" and "representation_explorer(" in c.source
             and "import" not in c.source]
    assert [c.source.strip() for c in cells] == ["representation_explorer()"]


def test_chapter_01_covers_the_lectures_summary_tools_and_stages():
    nb = read(notebook_path(CHAPTER))
    text = "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for needle in ("good questions and good data", "**Community.**", "**Investment.**",
                   "Where we stand", "CUDA", "Theano", "Caffe2", "TensorFlow 2.0", "PyTorch 1.0",
                   "TensorFlow.js", "TensorFlow Lite", "TensorBoard", "TensorFlow Hub", "TPU",
                   "MXNet", "CNTK", "JAX", "Keras 3", "training stage", "testing stage"):
        assert needle in text, needle
    names = [c.metadata.get("mystnb", {}).get("figure", {}).get("name") for c in nb.cells]
    assert "fig-training-testing" in names
