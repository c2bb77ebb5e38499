"""Grade submitted chapter notebooks with nbgrader; write feedback and a grades CSV.

    make nbgrade CHAPTER=02-the-neuron STUDENT=alice NOTEBOOK=~/Downloads/the-neuron.ipynb
    python -m course.nbgrade 02-the-neuron --student alice --notebook ~/Downloads/the-neuron.ipynb
    python -m course.nbgrade 02-the-neuron        # every submission already collected

Steps (all plain nbgrader commands, run from the repository root with nbgrader_config.py):

1. `nbgrader generate_assignment CHAPTER --force` into a temporary folder, so that the gradebook
   holds the current source version of the chapter (its hidden tests) even on a fresh clone;
   chapters/ is not touched.
2. With --notebook: copy the file to autograder/submitted/STUDENT/CHAPTER/slug.ipynb, where
   nbgrader expects submissions (`nbgrader collect` / `zip_collect` put them there too).
3. `nbgrader autograde CHAPTER [--student STUDENT] --force`: runs the notebook with the hidden
   tests restored; each check cell earns the points its hidden checks return.
4. `nbgrader generate_feedback CHAPTER [--student STUDENT] --force`: HTML feedback in
   autograder/nbgrader-feedback/STUDENT/CHAPTER/ (hidden tests removed: course/nbgrader_feedback.py).
5. `nbgrader export --to autograder/grades.csv`: every grade in the gradebook.

Then it prints each graded submission's score. --seed N sets NNLIB_GRADING_SEED so the hidden
checks draw the same random cases (reproducible grading); by default they are fresh each run.
--course-dir DIR grades in another course directory (DIR/autograder/..., its own gradebook),
with the chapters' sources still taken from this repository's solutions/ (used by the tests).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from course import release

ROOT = release.ROOT
SEED_VARIABLE = "NNLIB_GRADING_SEED"


class GradeError(RuntimeError):
    pass


def course_options(course_dir: Path | None) -> list[str]:
    """nbgrader options that move the course directory (sources stay in this repository)."""
    if course_dir is None:
        return []
    course_dir = course_dir.resolve()
    return [f"--CourseDirectory.root={course_dir}",
            f"--CourseDirectory.source_directory={ROOT / 'solutions'}",
            f"--CourseDirectory.db_url={db_url(course_dir)}"]


def db_url(course_dir: Path | None) -> str:
    """The gradebook's URL: nbgrader_config.py's (or NNLIB_GRADEBOOK_URL), or course_dir's."""
    if course_dir is not None:
        return f"sqlite:///{course_dir.resolve() / 'autograder' / 'gradebook.db'}"
    from traitlets.config import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    return config.CourseDirectory.db_url


def nbgrader(*args: str, course_dir: Path | None = None, seed: str | None = None) -> str:
    """Run one nbgrader command from the repository root; return its output or raise.

    The kernels it starts import this checkout's nnlib (PYTHONPATH), the reference that the
    hidden checks compare with."""
    extra = {"PYTHONPATH": os.pathsep.join(
        [str(ROOT)] + [p for p in [os.environ.get("PYTHONPATH")] if p])}
    if seed is not None:
        extra[SEED_VARIABLE] = str(seed)
    cmd = [sys.executable, "-m", "nbgrader", *args, *course_options(course_dir)]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                            env=release.tool_env(**extra))
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise GradeError(f"`nbgrader {' '.join(args)}` failed:\n{output}")
    return output


def grade(chapter: str, student: str | None = None, notebook: Path | None = None,
          course_dir: Path | None = None, seed: str | None = None,
          csv: Path | None = None) -> list[dict]:
    """Grade CHAPTER (one student's file, or every collected submission). Returns the scores."""
    if chapter not in release.chapters():
        raise GradeError(f"no chapter {chapter!r} in solutions/ (have: "
                         f"{', '.join(release.chapters())})")
    if notebook is not None and not student:
        raise GradeError("--notebook needs --student (the id the grade is filed under)")
    base = course_dir.resolve() if course_dir else ROOT
    (base / "autograder").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="grade-release-") as tmp:
        nbgrader("generate_assignment", chapter, "--force",
                 f"--CourseDirectory.release_directory={tmp}", course_dir=course_dir)
    if notebook is not None:
        target = (base / "autograder" / "submitted" / student / chapter /
                  release.notebook_name(chapter))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(notebook, target)
    who = [f"--student={student}"] if student else []
    nbgrader("autograde", chapter, *who, "--force", course_dir=course_dir, seed=seed)
    nbgrader("generate_feedback", chapter, *who, "--force", course_dir=course_dir)
    csv = csv or base / "autograder" / "grades.csv"
    nbgrader("export", f"--to={csv}", course_dir=course_dir)
    return scores(chapter, student, course_dir)


def scores(chapter: str, student: str | None, course_dir: Path | None) -> list[dict]:
    """Score, maximum and feedback file of each graded submission of CHAPTER."""
    from nbgrader.api import Gradebook

    base = course_dir.resolve() if course_dir else ROOT
    rows = []
    with Gradebook(db_url(course_dir)) as gb:
        for submission in gb.assignment_submissions(chapter):
            if student and submission.student.id != student:
                continue
            feedback = (base / "autograder" / "nbgrader-feedback" / submission.student.id / chapter /
                        release.notebook_name(chapter).replace(".ipynb", ".html"))
            rows.append({"student": submission.student.id, "chapter": chapter,
                         "score": float(submission.score),
                         "max_score": float(submission.max_score), "feedback": str(feedback)})
    return sorted(rows, key=lambda r: r["student"])


def _short(path: str) -> str:
    """A path relative to the current directory when it lies below it, else absolute."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("chapter", help="chapter folder, e.g. 02-the-neuron")
    parser.add_argument("--student", help="student id (default: every collected submission)")
    parser.add_argument("--notebook", type=Path, help="a submitted .ipynb to file and grade")
    parser.add_argument("--seed", help="NNLIB_GRADING_SEED for reproducible hidden cases")
    parser.add_argument("--course-dir", type=Path, help="grade in this course directory")
    parser.add_argument("--csv", type=Path, help="grades CSV (default autograder/grades.csv)")
    args = parser.parse_args(argv)
    try:
        rows = grade(args.chapter, args.student, args.notebook, args.course_dir, args.seed,
                     args.csv)
    except GradeError as exc:
        print(f"grading failed: {exc}", file=sys.stderr)
        return 1
    if not rows:
        print(f"no submissions of {args.chapter} to grade")
        return 1
    for r in rows:
        print(f"{r['student']:<20} {r['chapter']}: {r['score']:g} / {r['max_score']:g} points"
              f"   feedback: {_short(r['feedback'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
