"""Gradescope packaging: `python -m autograder gradescope CHAPTER` builds the autograder zip.

The zip holds what Gradescope needs and nothing of the course's other chapters:

    setup.sh                 run once when Gradescope builds the image: installs Python, bubblewrap
                             and the exact versions of requirements-lock.txt into /autograder/venv
    run_autograder           run for every submission: grades it, writes results/results.json
    requirements-lock.txt    exact versions: nnlib's dependencies (pyproject.toml) and everything they
                             need, as installed in the venv the zip was built from
    grading-secret           the course secret (mode 600 once installed), so hidden inputs depend on it
    nnlib/, autograder/      the library and the grader
    solutions/NN-slug/       the chapter's source notebook (points and hidden checks)

Inside Gradescope's container the sandbox is the strongest level that works there (bubblewrap
needs user namespaces or root with mount rights; Docker's default profile often refuses them);
results.json says which level graded the submission.
"""
import re
import sys
import zipfile
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission. AUTOGRADER_ROOT lets a test use another folder.
set -u
ROOT="${AUTOGRADER_ROOT:-/autograder}"
cd "$ROOT/source"
if [ -z "${PYTHON:-}" ]; then
  if [ -x "$ROOT/venv/bin/python" ]; then PYTHON="$ROOT/venv/bin/python"; else PYTHON=python3; fi
fi
export NNLIB_GRADING_SECRET_FILE="$ROOT/source/grading-secret"
export NNLIB_GRADING_CACHE="$ROOT/grading-copies"
"$PYTHON" -m autograder gradescope-run __ASSIGNMENT__ "$ROOT/submission" "$ROOT/results/results.json" \\
  --metadata "$ROOT/submission_metadata.json"
"""

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image (Ubuntu; as root).
# The zip was built with Python __PYTHON__; any Python 3.10 or newer with the locked versions works.
# Step 1 (system packages) is skipped when SKIP_APT=1; step 2 installs the lock into a venv, from
# PyPI or, when WHEELHOUSE names a folder of wheels, offline from there.
set -eu
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${PYTHON:-python3}"
if [ "${SKIP_APT:-0}" != 1 ]; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3 python3-pip python3-venv bubblewrap
fi
"$PYTHON" -c 'import sys; v = sys.version_info; print(f"Python {v.major}.{v.minor} (the zip was built with __PYTHON__)"); sys.exit(v < (3, 10))'
"$PYTHON" -m venv "$ROOT/venv"
if [ -n "${WHEELHOUSE:-}" ]; then
  "$ROOT/venv/bin/python" -m pip install --quiet --no-index --find-links "$WHEELHOUSE" --no-deps \\
    -r "$ROOT/source/requirements-lock.txt"
else
  "$ROOT/venv/bin/python" -m pip install --quiet --no-deps -r "$ROOT/source/requirements-lock.txt"
fi
chmod 600 "$ROOT/source/grading-secret"
cp "$ROOT/source/run_autograder" "$ROOT/run_autograder"
chmod +x "$ROOT/run_autograder"
"""


def _normal(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_roots():
    """nnlib's run-time dependencies, by name, from pyproject.toml."""
    try:
        import tomllib
    except ModuleNotFoundError:      # Python 3.10
        import tomli as tomllib
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [re.match(r"[A-Za-z0-9_.-]+", d).group(0) for d in project.get("dependencies", [])]


def lock(roots=None):
    """['name==version', ...]: the roots and everything they require, as installed here."""
    from packaging.requirements import Requirement

    pinned, stack = {}, list(roots or runtime_roots())
    while stack:
        name = stack.pop()
        key = _normal(name)
        if key in pinned:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            raise RuntimeError(f"{name} is not installed in {sys.prefix}: run `make .venv/.installed` first") from None
        pinned[key] = f"{dist.metadata['Name']}=={dist.version}"
        for text in dist.requires or []:
            requirement = Requirement(text)
            if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
                continue
            stack.append(requirement.name)
    return sorted(pinned.values(), key=str.lower)


def build(assignment, out, secret_value, source_notebook):
    """Write the zip for `assignment` to `out` (a Path)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    python = f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}"
    lock_text = "# exact versions for the Gradescope image (python -m autograder gradescope)\n" + \
        "\n".join(lock()) + "\n"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text, mode in (("run_autograder", RUN_AUTOGRADER.replace("__ASSIGNMENT__", assignment), 0o755),
                                 ("setup.sh", SETUP_SH.replace("__PYTHON__", python), 0o755),
                                 ("requirements-lock.txt", lock_text, 0o644),
                                 ("grading-secret", secret_value + "\n", 0o600)):
            info = zipfile.ZipInfo(name)
            info.external_attr = mode << 16
            z.writestr(info, text)
        for folder in ("nnlib", "autograder"):
            for path in sorted((ROOT / folder).rglob("*.py")):
                relative = path.relative_to(ROOT)
                if any(part.startswith(".") or part == "__pycache__" for part in relative.parts):
                    continue
                z.write(path, str(relative))
        for name in ("pyproject.toml", "README.md"):
            z.write(ROOT / name, name)
        z.write(source_notebook, str(Path(source_notebook).relative_to(ROOT)))
    return out
