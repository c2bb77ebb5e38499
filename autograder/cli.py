"""The course's autograder: one command, several verbs (run from the repository root).

    python -m autograder grade TARGET... [options]     grade notebooks, folders or LMS zips
    python -m autograder feedback [--assignment A]     HTML feedback per student and assignment
    python -m autograder export [--to grades.csv]      grades CSV (nbgrader's) + Gradescope results.json
    python -m autograder gradescope ASSIGNMENT         build a Gradescope autograder zip
    python -m autograder verify [CHAPTER]              tests of the hidden tests (autograder/verify.py)
    python -m autograder release [--check]             regenerate chapters/ from solutions/

`grade` runs each submission's code in a sandbox (sandbox.py, child.py), computes verdicts here,
writes them to the nbgrader gradebook and keeps one JSON record per student and assignment in
autograder/results/ (store.py; re-runs skip what is already graded and unchanged). This module
only parses arguments and prints; store.py keeps the results, gradescope.py builds the zip.
"""
import argparse
import hashlib
import importlib
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from . import collect, feedback, grade, names, sandbox, store

ROOT = grade.ROOT
RESULTS = ROOT / "autograder" / "results"
FEEDBACK = ROOT / "autograder" / "feedback"
EXPORT = ROOT / "autograder" / "export"


def assignments():
    """Chapters with graded exercises: solutions/NN-slug folders."""
    folder = ROOT / "solutions"
    return {p.name for p in folder.iterdir() if p.is_dir() and collect.re.match(collect.CHAPTER + "$", p.name)}


def _digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _grade_one(item, limits, secret, force_assignment, how):
    """The record of one submission; a failure of the grader's own code becomes a grader-error record."""
    student, assignment, path = item
    try:
        result = grade.grade_notebook(path, assignment, student, secret=secret, limits=limits,
                                      force_assignment=force_assignment, how=how)
        record = result.to_json()
        record["submission"] = str(path)
        record["sha256"] = _digest(path)
        return record
    except Exception as exc:  # noqa: BLE001 - a grader bug must not stop the batch
        return {"student": student, "assignment": assignment, "submission": str(path), "grader_error":
                f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc(limit=6)[-2000:]}


def _check_level(args):
    """The sandbox level; printed loudly. None (and a message) when it must be refused."""
    how = sandbox.level()
    text = sandbox.describe_level(how)
    if how == sandbox.WEAK and not args.allow_weak_sandbox:
        print(f"error: sandbox level {text}\nRefusing to grade: install bubblewrap (make bubblewrap) or pass "
              f"--allow-weak-sandbox to grade anyway.", file=sys.stderr)
        return None
    banner = "WARNING " if how != "bubblewrap" else ""
    print(f"{banner}sandbox level: {text}")
    if how != "bubblewrap" and os.geteuid() == 0:
        from . import gradingcopy

        if not sandbox._reachable_by_others(gradingcopy.CACHE):
            print("WARNING: an unprivileged user cannot reach this Python installation (e.g. it is under /root), "
                  "so outside bubblewrap the students' code runs as root")
    return how


def _file_into(folder, item):
    """Copy a single notebook into folder/STUDENT/ASSIGNMENT/<source name> (nbgrader's layout)."""
    student, assignment, path = item
    target = store._inside(folder, student, assignment) / grade.source_notebook(assignment).name
    target.parent.mkdir(parents=True, exist_ok=True)
    if Path(path).resolve() != target.resolve():
        shutil.copyfile(path, target)
    print(f"copied to {_short(target)}")
    return student, assignment, target


def cmd_grade(args):
    from . import secret as secrets_file

    known = assignments()
    args.targets = [os.path.expanduser(t) for t in args.targets]   # make passes "~/..." quoted
    try:
        for value, what in ((args.student, "student id"), (args.assignment, "assignment name")):
            if value is not None:
                names.check(value, what)
    except names.NameError_ as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    how = _check_level(args)
    if how is None:
        return 2
    secret_value, where = secrets_file.load()
    print(f"grading secret: {where}")
    workdir = tempfile.mkdtemp(prefix="nnlib-collect-")
    try:
        try:
            items, skipped = collect.find(args.targets, known, args.student, args.assignment, workdir)
        except (collect.CollectError, names.NameError_) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        if args.file_into and len(items) == 1 and Path(args.targets[0]).is_file():
            items = [_file_into(Path(os.path.expanduser(args.file_into)), items[0])]
        for path, why in skipped:
            print(f"skipped {path}: {why}")
        todo, done = [], []
        for item in items:
            student, assignment, path = item
            previous = None if args.force else store.previous(RESULTS, assignment, student, _digest(path))
            (done if previous else todo).append(previous or item)
        if done:
            print(f"{len(done)} submission(s) already graded and unchanged: skipped (use --force to grade again)")
        limits = {"exercise_seconds": args.timeout} if args.timeout else None
        url = None if args.no_gradebook else _gradebook_url()
        records, errors, lock = [], [], threading.Lock()
        from tqdm.auto import tqdm

        bar = tqdm(total=len(todo), unit="notebook", desc="grading", disable=args.quiet or not todo)
        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            futures = [pool.submit(_grade_one, item, limits, secret_value, args.force_assignment, how)
                       for item in todo]
            for future in as_completed(futures):
                record = future.result()
                with lock:
                    if "grader_error" not in record:
                        try:
                            record = store.save(record, url, RESULTS, FEEDBACK)
                        except Exception as exc:  # noqa: BLE001 - e.g. the gradebook is locked
                            record = dict(record, grader_error=f"saving failed: {type(exc).__name__}: {exc}")
                    (errors if "grader_error" in record else records).append(record)
                bar.update(1)
                if "grader_error" not in record:
                    bar.set_postfix_str(f"{record['student']}: {record['score']:g}/{record['max_score']:g}")
        bar.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    _summary(records + done, newly=len(records))
    for record in errors:
        print(f"GRADER ERROR (not the student's fault; not saved, graded again next time): {record['student']} "
              f"{record['assignment']}: {record['grader_error']}", file=sys.stderr)
    return 1 if errors else 0


def _gradebook_url():
    from .gradebook import db_url

    return db_url(ROOT)


def _short(path):
    """`path` relative to the repository when it lies inside it."""
    try:
        return Path(path).resolve().relative_to(ROOT)
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
    levels = sorted({r.get("sandbox") or "?" for r in records})
    print(f"{len(records)} submission(s), {newly} graded now; mean {100 * sum(scores) / max(1, len(scores)):.0f}% "
          f"of the points; sandbox: {', '.join(levels)}; results in {_short(RESULTS)}/, "
          f"feedback in {_short(FEEDBACK)}/")


def cmd_feedback(args):
    count = 0
    for record in store.records(RESULTS, args.assignment, args.student):
        path = store.feedback_path(FEEDBACK, record)
        store.write_atomically(path, feedback.html_page(record))
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
    for record in store.records(RESULTS, args.assignment):
        path = store._inside(EXPORT / "gradescope", record["assignment"], f"{record['student']}.json")
        feedback.write_json(path, feedback.gradescope_results(record))
        count += 1
    print(f"{count} Gradescope results.json file(s) in {_short(EXPORT / 'gradescope')}/")
    return 0


def cmd_gradescope(args):
    from . import gradescope
    from . import secret as secrets_file

    assignment = args.assignment
    if assignment not in assignments():
        print(f"error: unknown assignment {assignment!r}; known: {', '.join(sorted(assignments()))}", file=sys.stderr)
        return 2
    secret_value, where = secrets_file.load()
    out = Path(args.out or ROOT / "autograder" / "dist" / f"gradescope-{assignment}.zip")
    gradescope.build(assignment, out, secret_value, grade.source_notebook(assignment))
    print(f"Gradescope autograder: {out} (upload it as the assignment's autograder; it carries the grading "
          f"secret from {where}: keep the zip private)")
    return 0


def cmd_gradescope_run(args):
    """Inside Gradescope: grade the one notebook in the submission folder, write results.json."""
    import json

    submission = Path(args.submission)
    notebooks = sorted(p for p in submission.rglob("*.ipynb") if collect._regular_file(p))
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
    try:
        result = grade.grade_notebook(notebooks[0], args.assignment, student).to_json()
        output = feedback.gradescope_results(result)
    except Exception as exc:  # noqa: BLE001
        output = {"score": 0.0, "execution_time": 0.0, "tests": [],
                  "output": f"The grader failed (not your fault; tell your instructor): {type(exc).__name__}: {exc}"}
    feedback.write_json(results_path, output)
    return 0


def cmd_release(args):
    """solutions/ -> chapters/: the book's release step (package `course`, or autograder/release.py)."""
    if importlib.util.find_spec("course") and importlib.util.find_spec("course.release"):
        release = importlib.import_module("course.release")
    else:
        release = importlib.import_module("autograder.release")
    return release.main(["--check"] if args.check else [])


def cmd_verify(args):
    """Tests of the hidden tests: autograder/verify.py (mutants of each reference)."""
    if importlib.util.find_spec("autograder.verify") is None:
        print("error: autograder/verify.py is not installed in this copy of the course", file=sys.stderr)
        return 2
    return importlib.import_module("autograder.verify").main(args.rest)


def parser():
    p = argparse.ArgumentParser(prog="python -m autograder", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("release", help="regenerate chapters/ from solutions/")
    s.add_argument("--check", action="store_true", help="only check that chapters/ is up to date")
    s.set_defaults(run=cmd_release)

    s = sub.add_parser("grade", help="grade notebooks, folders of submissions or LMS zips")
    s.add_argument("targets", nargs="+", help="a .ipynb, a folder (nbgrader's submitted/ layout or named files) or a .zip")
    s.add_argument("--student", help="student id (for a single notebook)")
    s.add_argument("--assignment", help="chapter, e.g. 02-the-neuron (for a single notebook, or to filter)")
    s.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="submissions graded in parallel (default: one per core)")
    s.add_argument("--force", action="store_true", help="grade again even if already graded and unchanged")
    s.add_argument("--force-assignment", action="store_true",
                   help="grade a notebook as --assignment even if its exercise cells are another chapter's")
    s.add_argument("--allow-weak-sandbox", action="store_true",
                   help="grade even when only the weakest sandbox (no namespaces, no bubblewrap) is available")
    s.add_argument("--file-into", metavar="DIR",
                   help="copy a single notebook into DIR/STUDENT/ASSIGNMENT/ (nbgrader's layout) before grading")
    s.add_argument("--timeout", type=float,
                   help="seconds allowed for all the calls of one graded function (default 30; one call: 10)")
    s.add_argument("--no-gradebook", action="store_true", help="do not write nbgrader's gradebook")
    s.add_argument("--quiet", action="store_true", help="no progress bar")
    s.set_defaults(run=cmd_grade)

    s = sub.add_parser("feedback", help="write HTML feedback pages from the graded results")
    s.add_argument("--assignment")
    s.add_argument("--student")
    s.add_argument("--quiet", action="store_true")
    s.set_defaults(run=cmd_feedback)

    s = sub.add_parser("export", help="grades CSV and Gradescope results.json files")
    s.add_argument("--to", default=str(ROOT / "autograder" / "grades.csv"))
    s.add_argument("--assignment")
    s.add_argument("--no-gradebook", action="store_true", help="skip nbgrader's CSV")
    s.set_defaults(run=cmd_export)

    s = sub.add_parser("gradescope", help="build a Gradescope autograder zip for one chapter")
    s.add_argument("assignment")
    s.add_argument("--out")
    s.set_defaults(run=cmd_gradescope)

    s = sub.add_parser("verify", help="tests of the hidden tests: mutants of each reference must fail them",
                       add_help=False)
    s.add_argument("rest", nargs=argparse.REMAINDER)
    s.set_defaults(run=cmd_verify)

    s = sub.add_parser("gradescope-run", help=argparse.SUPPRESS)
    s.add_argument("assignment")
    s.add_argument("submission")
    s.add_argument("results")
    s.add_argument("--metadata", default="/autograder/submission_metadata.json")
    s.set_defaults(run=cmd_gradescope_run)
    return p


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["verify"]:              # everything after the verb is verify's own (--help too)
        return cmd_verify(argparse.Namespace(rest=argv[1:]))
    p = parser()
    args = p.parse_args(argv)
    # nbgrader's gradebook runs `alembic` from PATH: make this Python's bin/ (a venv's) come first.
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])
    if getattr(args, "workers", 1) < 1:
        p.error("--workers must be at least 1")
    return args.run(args)
