"""The course's autograder: one command, five verbs (run from the repository root).

    python -m autograder release [--check]             regenerate chapters/ from solutions/ (nbgrader)
    python -m autograder grade TARGET... [options]     grade notebooks, folders or LMS zips
    python -m autograder feedback [--assignment A]     HTML feedback per student and assignment
    python -m autograder export [--to grades.csv]      grades CSV (nbgrader's) + Gradescope results.json
    python -m autograder gradescope ASSIGNMENT         build a Gradescope autograder zip

`grade` runs each submission's code in a sandboxed child process (see sandbox.py and child.py),
computes verdicts here, writes them to the nbgrader gradebook, and keeps one JSON record per
student and assignment in autograder/results/ (which makes re-runs resumable: a submission
already graded is skipped unless it changed or --force is given).
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from . import collect, feedback, grade

ROOT = grade.ROOT
RESULTS = ROOT / "autograder" / "results"
FEEDBACK = ROOT / "autograder" / "feedback"
EXPORT = ROOT / "autograder" / "export"
BASE_UID = 61000   # the sandboxed children run as uids BASE_UID, BASE_UID + 1, ... (one per worker)


def assignments():
    """Chapters with graded exercises: solutions/NN-slug folders."""
    folder = ROOT / "solutions"
    return {p.name for p in folder.iterdir() if p.is_dir() and collect.re.match(collect.CHAPTER + "$", p.name)}


def _digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _record_path(assignment, student):
    return RESULTS / assignment / f"{student}.json"


def _grade_one(item, uid_pool, hide, limits):
    student, assignment, path = item
    uid = uid_pool.get()
    try:
        result = grade.grade_notebook(path, assignment, student, hide=hide, uid=uid, limits=limits)
    finally:
        uid_pool.put(uid)
    record = result.to_json()
    record["submission"] = str(path)
    record["sha256"] = _digest(path)
    return record


def cmd_grade(args):
    import queue

    known = assignments()
    workdir = tempfile.mkdtemp(prefix="nnlib-collect-")
    try:
        items, skipped = collect.find(args.targets, known, args.student, args.assignment, workdir)
    except (collect.CollectError, zipfile.BadZipFile) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path, why in skipped:
        print(f"skipped {path}: {why}")
    todo, done = [], []
    for item in items:
        student, assignment, path = item
        previous = _record_path(assignment, student)
        if not args.force and previous.exists():
            try:
                if json.loads(previous.read_text())["sha256"] == _digest(path):
                    done.append(json.loads(previous.read_text()))
                    continue
            except (ValueError, KeyError):
                pass
        todo.append(item)
    if done:
        print(f"{len(done)} submission(s) already graded and unchanged: skipped (use --force to grade again)")
    hide = [ROOT / "solutions", ROOT / "autograder", ROOT / "tests", ROOT / ".git", Path(workdir)]
    hide += [Path(t).resolve() if Path(t).is_dir() else Path(t).resolve().parent for t in args.targets]
    uid_pool = queue.Queue()
    for slot in range(args.workers):
        uid_pool.put(BASE_UID + slot)
    limits = {"exercise_seconds": args.timeout} if args.timeout else None
    url = None if args.no_gradebook else _gradebook_url()
    records, lock = [], threading.Lock()
    from tqdm.auto import tqdm

    bar = tqdm(total=len(todo), unit="notebook", desc="grading", disable=args.quiet or not todo)
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        futures = {pool.submit(_grade_one, item, uid_pool, hide, limits): item for item in todo}
        for future in as_completed(futures):
            record = future.result()
            with lock:
                _save(record, url)
                records.append(record)
            bar.update(1)
            bar.set_postfix_str(f"{record['student']}: {record['score']:g}/{record['max_score']:g}")
    bar.close()
    shutil.rmtree(workdir, ignore_errors=True)
    _summary(records + done, newly=len(records))
    return 0


def _gradebook_url():
    from .gradebook import db_url

    return db_url(ROOT)


def _save(record, url):
    path = _record_path(record["assignment"], record["student"])
    feedback.write_json(path, record)
    _write_feedback(record)
    if url:
        from . import gradebook

        source = grade.source_notebook(record["assignment"])
        gradebook.record(url, _Result(record), grade.graded_exercises(source), source)


class _Result:
    """A record read back from JSON, with the attributes gradebook.record uses."""

    def __init__(self, record):
        self.__dict__.update(record)


def _write_feedback(record):
    stem = grade.source_notebook(record["assignment"]).stem
    path = FEEDBACK / record["student"] / record["assignment"] / f"{stem}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(feedback.html_page(record), encoding="utf-8")
    return path


def _short(path):
    """`path` relative to the repository when it lies inside it."""
    try:
        return Path(path).relative_to(ROOT)
    except ValueError:
        return Path(path)


def _summary(records, newly):
    if not records:
        print("nothing to grade")
        return
    print(f"\n{'student':<20} {'assignment':<32} {'score':>11}  {'seconds':>7}  notes")
    for r in sorted(records, key=lambda r: (r["assignment"], r["student"])):
        notes = "; ".join(r.get("messages", []))[:60]
        print(f"{r['student']:<20} {r['assignment']:<32} {r['score']:>5g} / {r['max_score']:<3g}  "
              f"{r['seconds']:>7.2f}  {notes}")
    scores = [r["score"] / r["max_score"] for r in records if r["max_score"]]
    print(f"{len(records)} submission(s), {newly} graded now; mean {100 * sum(scores) / max(1, len(scores)):.0f}% "
          f"of the points; results in {_short(RESULTS)}/, feedback in {_short(FEEDBACK)}/")


def _records(assignment=None, student=None):
    for path in sorted(RESULTS.glob("*/*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        if (assignment and record["assignment"] != assignment) or (student and record["student"] != student):
            continue
        yield record


def cmd_feedback(args):
    count = 0
    for record in _records(args.assignment, args.student):
        path = _write_feedback(record)
        count += 1
        if not args.quiet:
            print(_short(path))
    print(f"{count} feedback page(s) written")
    return 0


def cmd_export(args):
    to = Path(args.to)
    if not args.no_gradebook:
        env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
        done = subprocess.run([sys.executable, "-m", "nbgrader", "export", f"--to={to}"], cwd=ROOT, env=env,
                              capture_output=True, text=True)
        if done.returncode != 0:
            print(done.stdout + done.stderr, file=sys.stderr)
            return 1
        print(f"grades CSV (nbgrader's format): {to}")
    count = 0
    for record in _records(args.assignment):
        feedback.write_json(EXPORT / "gradescope" / record["assignment"] / f"{record['student']}.json",
                            feedback.gradescope_results(record))
        count += 1
    print(f"{count} Gradescope results.json file(s) in {_short(EXPORT / 'gradescope')}/")
    return 0


RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission. AUTOGRADER_ROOT lets a test use another folder.
set -u
ROOT="${AUTOGRADER_ROOT:-/autograder}"
cd "$ROOT/source"
PYTHON="${PYTHON:-python3}"
"$PYTHON" -m autograder gradescope-run __ASSIGNMENT__ "$ROOT/submission" "$ROOT/results/results.json" \
  --metadata "$ROOT/submission_metadata.json"
"""

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image.
set -eu
apt-get update -q && apt-get install -y -q python3 python3-pip python3-venv
cp /autograder/source/run_autograder /autograder/run_autograder
python3 -m pip install --break-system-packages -q /autograder/source || python3 -m pip install -q /autograder/source
"""


def cmd_gradescope(args):
    assignment = args.assignment
    if assignment not in assignments():
        print(f"error: unknown assignment {assignment!r}; known: {', '.join(sorted(assignments()))}", file=sys.stderr)
        return 2
    out = Path(args.out or ROOT / "autograder" / "dist" / f"gradescope-{assignment}.zip")
    out.parent.mkdir(parents=True, exist_ok=True)
    # Gradescope unpacks the zip into /autograder/source and runs setup.sh there, then
    # /autograder/run_autograder for each submission.
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (("run_autograder", RUN_AUTOGRADER.replace("__ASSIGNMENT__", assignment)),
                           ("setup.sh", SETUP_SH)):
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o755 << 16
            z.writestr(info, text)
        for folder in ("nnlib", "autograder"):
            for path in sorted((ROOT / folder).rglob("*.py")):
                z.write(path, str(path.relative_to(ROOT)))
        for name in ("pyproject.toml", "README.md"):
            z.write(ROOT / name, name)
        source = grade.source_notebook(assignment)
        z.write(source, str(source.relative_to(ROOT)))
    print(f"Gradescope autograder: {out} (upload it as the assignment's autograder)")
    return 0


def cmd_gradescope_run(args):
    """Inside Gradescope: grade the one notebook in the submission folder, write results.json."""
    submission = Path(args.submission)
    notebooks = sorted(submission.rglob("*.ipynb"))
    results_path = Path(args.results)
    if not notebooks:
        record = {"score": 0.0, "max_score": 0.0, "execution_time": 0.0, "tests": [],
                  "output": "No .ipynb file was submitted: upload your chapter notebook."}
        feedback.write_json(results_path, record)
        return 0
    # The student's id (for their own hidden inputs) comes from Gradescope's submission metadata.
    student = "gradescope"
    try:
        users = json.loads(Path(args.metadata).read_text(encoding="utf-8")).get("users") or [{}]
        student = str(users[0].get("email") or users[0].get("id") or users[0].get("name") or student)
    except (OSError, ValueError, AttributeError, TypeError):
        pass
    result = grade.grade_notebook(notebooks[0], args.assignment, student,
                                  hide=[submission], uid=BASE_UID if os.geteuid() == 0 else None)
    feedback.write_json(results_path, feedback.gradescope_results(result.to_json()))
    return 0


def cmd_release(args):
    from course import release

    return release.main(["--check"] if args.check else [])


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("release", help="regenerate chapters/ from solutions/")
    p.add_argument("--check", action="store_true", help="only check that chapters/ is up to date")
    p.set_defaults(run=cmd_release)

    p = sub.add_parser("grade", help="grade notebooks, folders of submissions or LMS zips")
    p.add_argument("targets", nargs="+", help="a .ipynb, a folder (nbgrader's submitted/ layout or named files) or a .zip")
    p.add_argument("--student", help="student id (for a single notebook)")
    p.add_argument("--assignment", help="chapter, e.g. 02-the-neuron (for a single notebook, or to filter)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="submissions graded in parallel (default: one per core)")
    p.add_argument("--force", action="store_true", help="grade again even if already graded and unchanged")
    p.add_argument("--timeout", type=float,
                   help="seconds allowed for all the calls of one graded function (default 30; one call: 10)")
    p.add_argument("--no-gradebook", action="store_true", help="do not write nbgrader's gradebook")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=cmd_grade)

    p = sub.add_parser("feedback", help="write HTML feedback pages from the graded results")
    p.add_argument("--assignment")
    p.add_argument("--student")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(run=cmd_feedback)

    p = sub.add_parser("export", help="grades CSV and Gradescope results.json files")
    p.add_argument("--to", default=str(ROOT / "autograder" / "grades.csv"))
    p.add_argument("--assignment")
    p.add_argument("--no-gradebook", action="store_true", help="skip nbgrader's CSV")
    p.set_defaults(run=cmd_export)

    p = sub.add_parser("gradescope", help="build a Gradescope autograder zip for one chapter")
    p.add_argument("assignment")
    p.add_argument("--out")
    p.set_defaults(run=cmd_gradescope)

    p = sub.add_parser("gradescope-run", help=argparse.SUPPRESS)
    p.add_argument("assignment")
    p.add_argument("submission")
    p.add_argument("results")
    p.add_argument("--metadata", default="/autograder/submission_metadata.json")
    p.set_defaults(run=cmd_gradescope_run)

    args = parser.parse_args(argv)
    # nbgrader's gradebook runs `alembic` from PATH: make this Python's bin/ (a venv's) come first.
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])
    if getattr(args, "workers", 1) < 1:
        parser.error("--workers must be at least 1")
    return args.run(args)
