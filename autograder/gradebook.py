"""Write verdicts into nbgrader's gradebook, so nbgrader's own export and formgrader see them.

The assignment, its notebook and its graded cells are created from the source notebook if the
gradebook does not know them yet (a fresh clone), exactly as `nbgrader generate_assignment`
would name them: the notebook by its file name, each grade cell by its grade_id.
"""
import warnings
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry


def db_url(root):
    """The gradebook URL from nbgrader_config.py (NNLIB_GRADEBOOK_URL overrides it)."""
    from traitlets.config import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    return config.CourseDirectory.db_url


def record(url, result, plan, source_notebook):
    """Store one NotebookResult: one auto_score per graded cell of the source notebook."""
    notebook = Path(source_notebook).stem
    points = {e["grade_id"]: e["points"] for e in result.exercises}
    with warnings.catch_warnings(), Gradebook(url) as gb:
        warnings.simplefilter("ignore")   # SQLAlchemy's autoflush notes from inside nbgrader's add_submission
        gb.update_or_create_assignment(result.assignment)
        gb.update_or_create_notebook(notebook, result.assignment)
        for grade_id, max_points, _, _ in plan:
            gb.update_or_create_grade_cell(grade_id, notebook, result.assignment, max_score=max_points,
                                           cell_type="code")
        gb.update_or_create_student(result.student)
        try:
            gb.find_submission(result.assignment, result.student)
        except MissingEntry:
            gb.add_submission(result.assignment, result.student)
        for grade_id, _, _, _ in plan:
            grade = gb.find_grade(grade_id, notebook, result.assignment, result.student)
            grade.auto_score = float(points.get(grade_id, 0.0))
            grade.manual_score = None
        gb.db.commit()


def scores(url, assignment):
    """{student: (score, max_score)} for every submission of `assignment` in the gradebook."""
    with Gradebook(url) as gb:
        try:
            submissions = gb.assignment_submissions(assignment)
        except MissingEntry:
            return {}
        return {s.student.id: (float(s.score), float(s.max_score)) for s in submissions}
