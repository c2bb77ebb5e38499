"""Student ids and assignment names: an allow-list of characters, checked before any path is built.

A name becomes part of paths (results/<assignment>/<student>.json, feedback/<student>/...), so it
may only hold letters, digits, '.', '_' and '-', may not start with '.', and is at most 64
characters long. Anything else is refused with a sentence that says what was wrong.
"""
import re

ALLOWED = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}")


class NameError_(ValueError):
    """A student id or assignment name that cannot be used (the message says why)."""


def check(value, what="student id"):
    """Return `value` if it is a safe name, else raise NameError_ with the reason."""
    if not isinstance(value, str) or not value:
        raise NameError_(f"the {what} is empty")
    if len(value) > 64:
        raise NameError_(f"the {what} {value[:20]!r}... is longer than 64 characters")
    if value.startswith("."):
        raise NameError_(f"the {what} {value!r} starts with '.'; use letters, digits, '.', '_' and '-' only")
    if not ALLOWED.fullmatch(value):
        bad = sorted({c for c in value if not re.fullmatch(r"[A-Za-z0-9._-]", c)})
        raise NameError_(f"the {what} {value!r} contains {''.join(bad)!r}; use letters, digits, '.', '_' and '-' only")
    return value


def is_safe(value):
    try:
        check(value)
        return True
    except NameError_:
        return False
