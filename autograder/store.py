"""The results store: one JSON record per student and assignment, saved with its gradebook row.

    results/<assignment>/<student>.json      the record (a NotebookResult plus the file's hash)
    feedback/<student>/<assignment>/<stem>.html

A record and its gradebook row are saved together or not at all: the gradebook row is
committed first, then the feedback page and the record are written atomically (a temporary
file renamed into place), the record last. If anything fails in between, there is no record,
so the next `grade` grades the submission again (and overwrites the row). A record written
for a grader error is never saved here: the submission is graded again next time.

Every path is built from names checked by names.check, and checked again to lie inside its
folder.
"""
import json
import os
import tempfile
from pathlib import Path

from . import feedback, grade, names


def _inside(folder, *parts):
    for part in parts:
        names.check(part, "name")
    path = Path(folder).joinpath(*parts)
    if os.path.commonpath([os.path.abspath(path), os.path.abspath(folder)]) != os.path.abspath(folder):
        raise names.NameError_(f"{path} would lie outside {folder}")
    return path


def record_path(results, assignment, student):
    names.check(assignment, "assignment name")
    names.check(student, "student id")
    return _inside(results, assignment, f"{student}.json")


def feedback_path(feedback_dir, record):
    stem = grade.source_notebook(record["assignment"]).stem
    names.check(record["student"], "student id")
    return _inside(feedback_dir, record["student"], record["assignment"], f"{stem}.html")


def write_atomically(path, text):
    """Write `text` to `path` through a temporary file in the same folder and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def previous(results, assignment, student, sha256):
    """The saved record when it is complete and of the same file, else None."""
    path = record_path(results, assignment, student)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("sha256") != sha256 or not record.get("complete"):
        return None
    return record


class _Result:
    """A record read back from JSON, with the attributes gradebook.record uses."""

    def __init__(self, record):
        self.__dict__.update(record)


def save(record, url, results, feedback_dir):
    """Gradebook row, then feedback page, then the record (marked complete)."""
    if url:
        from . import gradebook

        source = grade.source_notebook(record["assignment"])
        gradebook.record(url, _Result(record), grade.graded_exercises(source), source)
    write_atomically(feedback_path(feedback_dir, record), feedback.html_page(record))
    record = dict(record, complete=True)
    write_atomically(record_path(results, record["assignment"], record["student"]), json.dumps(record, indent=2))
    return record


def records(results, assignment=None, student=None):
    """Every complete record, optionally of one assignment or student."""
    for path in sorted(Path(results).glob("*/*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(record, dict) or not record.get("complete", True):
            continue
        if (assignment and record.get("assignment") != assignment) or (student and record.get("student") != student):
            continue
        yield record
