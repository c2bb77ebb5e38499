"""Find the submissions to grade: one notebook, a folder, or an LMS export zip.

Accepted layouts (each yields (student, assignment, path)):

* nbgrader's course layout:        .../submitted/<student>/<assignment>/<anything>.ipynb
* nbgrader zip_collect-style names: <assignment>_<student>_attempt_<timestamp>_<file>.ipynb
* simple names:                    <student>_<assignment>.ipynb or <student>_<assignment>_<file>.ipynb
* LMS names with the chapter's slug: <student>_<slug>.ipynb, e.g. alice_the-neuron (1).ipynb
* a single notebook with --student (and --assignment, or a file name that is the chapter's,
  e.g. "Copy of the-neuron.ipynb")

Student ids and assignment names must pass names.check; a file whose name yields anything
else is skipped and listed. Zip files are unpacked into a private temporary folder: an entry
that is too large, has an unsafe name ('..', absolute) or a bad CRC is skipped and listed,
the rest are graded. Symbolic links, FIFOs and other special files are never read.
"""
import re
import stat
import zipfile
from pathlib import Path

from . import names

CHAPTER = r"\d\d-[a-z0-9]+(?:-[a-z0-9]+)*"
ATTEMPT_NAME = re.compile(rf"^(?P<assignment>{CHAPTER})_(?P<student>[^_]+)_attempt_[0-9-]+_(?P<file>.+)$")
SIMPLE_NAME = re.compile(rf"^(?P<student>[^_]+)_(?P<assignment>{CHAPTER})(?:_.*)?\.ipynb$")
SLUG_NAME = re.compile(r"^(?P<student>[^_]+)_(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)(?:\s*\(\d+\))?\.ipynb$")
COPY_SUFFIX = re.compile(r"^(?:copy of\s+)?(?P<stem>.+?)(?:\s*\(\d+\)|\s+copy(?:\s*\d+)?|-checkpoint)?$", re.I)
MAX_UNPACKED = 200 * 1024 * 1024
MAX_ENTRY = 20 * 1024 * 1024


class CollectError(ValueError):
    """The submissions could not be found or named; the message says what to do."""


def _slug_assignment(slug, assignments):
    matches = [a for a in assignments if a[3:] == slug]
    return matches[0] if len(matches) == 1 else None


def assignment_from_filename(name, assignments):
    """'Copy of the-neuron (1).ipynb' -> '02-the-neuron' (or None)."""
    stem = name[:-len(".ipynb")] if name.endswith(".ipynb") else name
    match = COPY_SUFFIX.match(stem.strip())
    stem = (match["stem"] if match else stem).strip().lower()
    if stem in assignments:
        return stem
    return _slug_assignment(stem, assignments)


def _from_path(path, assignments):
    parts = path.parts
    if len(parts) >= 3 and parts[-2] in assignments:
        return parts[-3], parts[-2]
    for pattern in (ATTEMPT_NAME, SIMPLE_NAME):
        match = pattern.match(path.name)
        if match and match["assignment"] in assignments:
            return match["student"], match["assignment"]
    match = SLUG_NAME.match(path.name)
    if match:
        assignment = _slug_assignment(match["slug"], assignments)
        if assignment:
            return match["student"], assignment
    return None


def unpack(zip_path, into, max_entry=MAX_ENTRY, max_total=MAX_UNPACKED):
    """Unpack an LMS export into the folder `into`; return (folder, [(entry, why skipped)])."""
    into = Path(into)
    skipped, total = [], 0
    with zipfile.ZipFile(zip_path) as archive:
        for number, info in enumerate(archive.infolist()):
            name = info.filename
            parts = Path(name.replace("\\", "/")).parts
            if info.is_dir():
                continue
            if name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]) or not parts:
                skipped.append((name, "unsafe path in the archive"))
                continue
            if stat.S_ISLNK(info.external_attr >> 16):
                skipped.append((name, "a symbolic link"))
                continue
            if info.file_size > max_entry:
                skipped.append((name, f"{info.file_size} bytes, more than the limit of {max_entry} per file"))
                continue
            if total + info.file_size > max_total:
                skipped.append((name, f"the archive unpacks to more than {max_total} bytes"))
                continue
            target = into.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                written = 0
                with archive.open(info) as source, open(target, "wb") as out:
                    while True:
                        chunk = source.read(1 << 20)
                        if not chunk:
                            break
                        written += len(chunk)
                        if written > max_entry:
                            raise ValueError(f"more than the limit of {max_entry} bytes per file")
                        out.write(chunk)
                total += written
            except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
                target.unlink(missing_ok=True)
                skipped.append((name, f"could not be unpacked ({exc})"))
    return into, skipped


def _regular_file(path):
    try:
        mode = path.lstat().st_mode
    except OSError:
        return False
    return stat.S_ISREG(mode)


def find(targets, assignments, student=None, assignment=None, workdir=None):
    """([(student, assignment, path)], [(path, why skipped)]) for files, folders and zips in `targets`.

    workdir: where zips are unpacked (the caller removes it)."""
    import tempfile

    if student is not None:
        names.check(student, "student id")
    if assignment is not None:
        names.check(assignment, "assignment name")
    found, skipped = [], []
    for target in map(Path, targets):
        if not target.exists():
            raise CollectError(f"{target}: no such file or folder")
        if target.is_symlink():
            raise CollectError(f"{target}: a symbolic link; give the file or folder itself")
        if target.suffix == ".zip" and target.is_file():
            folder = Path(tempfile.mkdtemp(prefix="lms-", dir=workdir))
            try:
                target, bad = unpack(target, folder)
            except zipfile.BadZipFile as exc:
                raise CollectError(f"{target}: not a zip archive that can be read ({exc})") from None
            skipped.extend((f"{target} entry {name}", why) for name, why in bad)
        if target.is_file():
            if not _regular_file(target):
                raise CollectError(f"{target}: not a regular file")
            who = _from_path(target.resolve(), assignments)
            chosen = assignment or (who and who[1]) or assignment_from_filename(target.name, assignments)
            whose = student or (who and who[0])
            if not whose or not chosen:
                raise CollectError(f"{target}: say whose it is and for which chapter: --student NAME "
                                   f"--assignment {sorted(assignments)[0] if assignments else 'NN-slug'}")
            if chosen not in assignments:
                raise CollectError(f"{target}: unknown assignment {chosen!r}; known: {', '.join(sorted(assignments))}")
            try:
                names.check(whose, "student id")
            except names.NameError_ as exc:
                raise CollectError(f"{target}: {exc}") from None
            found.append((whose, chosen, target))
            continue
        root = target.resolve()
        for path in sorted(target.rglob("*")):
            if ".ipynb_checkpoints" in path.parts or path.is_dir():
                continue
            if not str(path.resolve()).startswith(str(root) + "/"):
                skipped.append((path, "reached through a symbolic link: not read"))
                continue
            if not _regular_file(path):
                if path.suffix == ".ipynb":
                    skipped.append((path, "not a regular file (a link, a pipe or a device): not read"))
                continue
            who = _from_path(path, assignments)
            if who is None:
                if path.suffix in (".ipynb", ""):
                    skipped.append((path, "cannot tell the student and chapter from its path or name"))
                continue
            if not names.is_safe(who[0]):
                skipped.append((path, f"the student id {who[0]!r} is not allowed (letters, digits, '.', '_', '-'; "
                                      f"not starting with '.')"))
                continue
            if assignment and who[1] != assignment:
                continue
            found.append((who[0], who[1], path))
    return found, skipped
