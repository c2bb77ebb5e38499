"""The course's grading secret: part of every hidden-input seed, never inside a sandbox.

    value, where = secret.load()     # NNLIB_GRADING_SECRET, else the secret file (created if absent)

Without a secret anyone could recompute a student's hidden inputs from public information. The
file (autograder/.grading-secret, git-ignored, mode 600) is created with 32 random bytes the first
time `grade` runs; NNLIB_GRADING_SECRET_FILE names another file (the Gradescope build ships its
own). The sandbox cannot read it: it is not mounted there, and the child's environment is cleared.
"""
import os
import secrets as _random
from pathlib import Path

DEFAULT_FILE = Path(__file__).resolve().parent / ".grading-secret"


def path():
    return Path(os.environ.get("NNLIB_GRADING_SECRET_FILE", DEFAULT_FILE))


def load(create=True):
    """(secret, where it came from). Creates the secret file on first use when `create`."""
    value = os.environ.get("NNLIB_GRADING_SECRET", "")
    if value:
        return value, "the environment variable NNLIB_GRADING_SECRET"
    where = path()
    if where.exists():
        text = where.read_text(encoding="utf-8").strip()
        if not text:
            raise ValueError(f"the grading secret file {where} is empty: delete it and grade again to create one")
        return text, str(where)
    if not create:
        raise FileNotFoundError(f"no grading secret: set NNLIB_GRADING_SECRET or create {where}")
    where.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(where, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:      # another grader created it a moment ago
        return load(create=False)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(_random.token_hex(32) + "\n")
    return where.read_text(encoding="utf-8").strip(), f"{where} (created now; keep it, it makes regrades reproducible)"
