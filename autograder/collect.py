"""Find the submissions to grade: one notebook, a folder, or an LMS export zip.

Accepted layouts (each yields (student, assignment, path)):

* nbgrader's course layout:        .../submitted/<student>/<assignment>/<anything>.ipynb
* nbgrader zip_collect-style names: <assignment>_<student>_attempt_<timestamp>_<file>.ipynb
* simple names:                    <student>_<assignment>.ipynb or <student>_<assignment>_<file>.ipynb
* a single notebook with --student (and --assignment, or a file name that is the chapter's)

Zip files are unpacked into a private temporary folder first (no absolute paths or '..',
at most 200 MB unpacked) and then read as a folder.
"""
import re
import tempfile
import zipfile
from pathlib import Path

CHAPTER = r"\d\d-[a-z0-9]+(?:-[a-z0-9]+)*"
ATTEMPT_NAME = re.compile(rf"^(?P<assignment>{CHAPTER})_(?P<student>[^_]+)_attempt_[0-9-]+_(?P<file>.+)$")
SIMPLE_NAME = re.compile(rf"^(?P<student>[^_]+)_(?P<assignment>{CHAPTER})(?:_.*)?\.ipynb$")
MAX_UNPACKED = 200 * 1024 * 1024


class CollectError(ValueError):
    """The submissions could not be found or named; the message says what to do."""


def _from_path(path, assignments):
    parts = path.parts
    if len(parts) >= 3 and parts[-2] in assignments:
        return parts[-3], parts[-2]
    for pattern in (ATTEMPT_NAME, SIMPLE_NAME):
        match = pattern.match(path.name)
        if match and match["assignment"] in assignments:
            return match["student"], match["assignment"]
    return None


def unpack(zip_path, into):
    """Unpack an LMS export safely into the folder `into`; return it."""
    with zipfile.ZipFile(zip_path) as archive:
        total = sum(info.file_size for info in archive.infolist())
        if total > MAX_UNPACKED:
            raise CollectError(f"{zip_path}: unpacks to {total} bytes, more than the limit of {MAX_UNPACKED}")
        for info in archive.infolist():
            name = Path(info.filename)
            if name.is_absolute() or ".." in name.parts:
                raise CollectError(f"{zip_path}: refusing the unsafe path {info.filename!r}")
        archive.extractall(into)
    return Path(into)


def find(targets, assignments, student=None, assignment=None, workdir=None):
    """[(student, assignment, path)] for every notebook in `targets` (files, folders, zips).

    Files that are not .ipynb or cannot be attributed are reported in the second list."""
    found, skipped = [], []
    for target in map(Path, targets):
        if not target.exists():
            raise CollectError(f"{target}: no such file or folder")
        if target.suffix == ".zip":
            folder = Path(tempfile.mkdtemp(prefix="lms-", dir=workdir))
            target = unpack(target, folder)
        if target.is_file():
            who = _from_path(target.resolve(), assignments)
            who = (student or (who and who[0]), assignment or (who and who[1]))
            if not who[0] or not who[1]:
                raise CollectError(f"{target}: say whose it is and for which chapter: --student NAME "
                                   f"--assignment {sorted(assignments)[0] if assignments else 'NN-slug'}")
            if who[1] not in assignments:
                raise CollectError(f"{target}: unknown assignment {who[1]!r}; known: {', '.join(sorted(assignments))}")
            found.append((who[0], who[1], target))
            continue
        for path in sorted(target.rglob("*")):
            if not path.is_file() or ".ipynb_checkpoints" in path.parts:
                continue
            who = _from_path(path, assignments)
            if who is None:
                if path.suffix == ".ipynb" or path.suffix == "":
                    skipped.append((path, "cannot tell the student and chapter from its path or name"))
                continue
            if assignment and who[1] != assignment:
                continue
            found.append((who[0], who[1], path))
    return found, skipped
