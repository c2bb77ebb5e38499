"""nbgrader configuration for the course (nbgrader reads this file from the current directory).

The repository itself is the nbgrader course directory:

    solutions/NN-slug/slug.ipynb     source (instructor) version        CourseDirectory.source_directory
    chapters/NN-slug/slug.ipynb      release (student) version          CourseDirectory.release_directory
    autograder/submitted/<student>/NN-slug/slug.ipynb                   submissions
    autograder/autograded/, autograder/nbgrader-feedback/               nbgrader's outputs
    (autograder/feedback/ belongs to the sandboxed grader, `python -m autograder`: nbgrader's
    generate_feedback writes elsewhere, and without the hidden tests, see course/nbgrader_feedback.py)
    autograder/gradebook.db          the gradebook (git-ignored)

Set NNLIB_GRADEBOOK_URL to use another database, e.g. postgresql://user@host/gradebook
on a shared grading server. Run nbgrader from the repository root.
"""
import os

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

ROOT = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "nn-from-scratch"
c.CourseDirectory.root = ROOT
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "chapters"
c.CourseDirectory.submitted_directory = os.path.join("autograder", "submitted")
c.CourseDirectory.autograded_directory = os.path.join("autograder", "autograded")
c.CourseDirectory.feedback_directory = os.path.join("autograder", "nbgrader-feedback")
c.CourseDirectory.solution_directory = os.path.join("autograder", "solution")
c.CourseDirectory.source_with_tests_directory = os.path.join("autograder", "source_with_tests")
c.CourseDirectory.db_url = os.environ.get(
    "NNLIB_GRADEBOOK_URL",
    "sqlite:///" + os.path.join(ROOT, "autograder", "gradebook.db"),
)

# What students see in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Autograding: a cell may run for at most two minutes; the kernel is the Python running nbgrader.
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True

# Feedback pages without the hidden tests, their inputs or their answers (nbgrader's feedback
# shows the autograded notebook, where the hidden tests were restored).
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import GetGrades  # noqa: E402

from course.nbgrader_feedback import HideHiddenTests  # noqa: E402

c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]
