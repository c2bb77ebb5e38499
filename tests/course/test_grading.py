"""Grading end to end with nbgrader (autograde, generate_feedback, export), through the same
script `make grade` runs, in a temporary course directory (the repository's gradebook and
autograder/ folders are not touched).

Submissions of chapter 02 (2 points):
    solution   the source notebook                         -> 2 (full)
    untouched  the released notebook, nothing filled in    -> 0
    sigmoid    always applies the sigmoid, ignores g       -> 1 (2 of 4 hidden groups)
    crash      raises TypeError                            -> 0
"""
import csv
import sys

import nbformat
import pytest

from coursetools import CHAPTERS, ROOT, SOLUTIONS, nbgrader_cells, notebook_path, read, run

CHAPTER = "02-the-neuron"
GRADE = ["-m", "course.nbgrade"]

WRONG = {
    "sigmoid": '''
def neuron_output(x, w, b, activation):
    z = np.asarray(x, dtype=float) @ np.asarray(w, dtype=float) + b
    return float(1 / (1 + np.exp(-z)))
''',
    "crash": '''
def neuron_output(x, w, b, activation):
    return float(np.dot(x, w)) + b + activation
''',
}
EXPECTED = {"solution": 2.0, "untouched": 0.0, "sigmoid": 1.0, "crash": 0.0}


def submission_with(solution_source):
    """The released chapter with the exercise cell replaced, as a student would submit it."""
    nb = read(notebook_path(CHAPTER, CHAPTERS))
    solutions, _ = nbgrader_cells(nb)
    solutions[0].source = solution_source.strip()
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    submitted = course / "autograder" / "submitted"
    name = notebook_path(CHAPTER).name
    for student in EXPECTED:
        folder = submitted / student / CHAPTER
        folder.mkdir(parents=True)
        if student == "solution":
            nb = read(notebook_path(CHAPTER, SOLUTIONS))
        elif student == "untouched":
            nb = read(notebook_path(CHAPTER, CHAPTERS))
        else:
            nb = submission_with(WRONG[student])
        nbformat.write(nb, str(folder / name))
    result = run([sys.executable, *GRADE, CHAPTER, "--course-dir", course, "--seed", "7"],
                 timeout=900)
    return course, result.stdout


def test_scores_are_exact(graded):
    course, stdout = graded
    with open(course / "autograder" / "grades.csv", newline="", encoding="utf-8") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f) if r["assignment"] == CHAPTER}
    assert set(rows) == set(EXPECTED)
    for student, score in EXPECTED.items():
        assert float(rows[student]["score"]) == score, f"{student}: {rows[student]}"
        assert float(rows[student]["max_score"]) == 2.0
    assert "solution             02-the-neuron: 2 / 2 points" in stdout


def test_feedback_is_written_for_every_submission(graded):
    course, _ = graded
    for student in EXPECTED:
        page = course / "autograder" / "nbgrader-feedback" / student / CHAPTER / "the-neuron.html"
        assert page.exists(), f"no feedback for {student}"
    untouched = (course / "autograder" / "nbgrader-feedback" / "untouched" / CHAPTER /
                 "the-neuron.html").read_text(encoding="utf-8")
    assert "not implemented yet" in untouched
    assert "Traceback (most recent call last)" not in untouched
    crash = (course / "autograder" / "nbgrader-feedback" / "crash" / CHAPTER /
             "the-neuron.html").read_text(encoding="utf-8")
    assert "raised TypeError" in crash
    for page in (untouched, crash):      # course/nbgrader_feedback.py: no hidden tests, no answers
        assert "BEGIN HIDDEN TESTS" not in page and "checks.hidden" not in page
        assert "expected" not in page.split("Hidden checks for", 1)[-1][:2000]


def test_autograded_notebook_restores_the_hidden_tests(graded):
    course, _ = graded
    nb = read(course / "autograder" / "autograded" / "untouched" / CHAPTER / "the-neuron.ipynb")
    _, tests = nbgrader_cells(nb)
    assert "checks.hidden.neuron_output(neuron_output, points=2)" in tests[0].source
