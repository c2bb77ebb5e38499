"""The sandbox as a trust boundary (issue 11): hostile submissions, one batch, exact scores.

Every submission below is chapter 02's released notebook (one graded function, neuron_output,
2 points) with the exercise cell and maybe an extra cell replaced by what a hostile student
would write. They are graded together in one `python -m autograder grade` batch (2 workers,
a temporary gradebook and results folder), then the tests check, per class of attack in the
issue:

* the exact score of every submission, and that the honest ones after each attack score full;
* the batch finished, and the gradebook holds exactly the records;
* no process of any sandbox uid outlives the batch, nothing was written outside the sandbox,
  and nothing secret (the grading secret, /etc/passwd, the solutions) reached any feedback.
"""
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

from coursetools import ROOT, tool_env

sys.path.insert(0, str(ROOT))
from autograder import cli, collect, gradebook, names, protocol, sandbox  # noqa: E402

CHAPTER = "02-the-neuron"
RELEASE = ROOT / "chapters" / CHAPTER / "the-neuron.ipynb"
SOLUTION = ROOT / "solutions" / CHAPTER / "the-neuron.ipynb"
SECRET = "hostile-tests-secret-4c1f"
MARK = "/tmp/nnlib-hostile-mark"              # a hostile submission tries to create files here
GOOD = ("def neuron_output(x, w, b, activation):\n"
        "    from nnlib import activations\n"
        "    g = activation if callable(activation) else activations.get(activation)[0]\n"
        "    return float(g(np.dot(np.asarray(x, dtype=float), np.asarray(w, dtype=float)) + b))\n")
TODO = "def neuron_output(x, w, b, activation):\n    raise NotImplementedError()\n"
FORK_EXEC = ("import _posixsubprocess, os\n"
             "def spawn(script):\n"
             "    r, w = os.pipe()\n"
             "    return _posixsubprocess.fork_exec([b'/bin/sh', b'-c', script.encode()], [b'/bin/sh'], True, (w,),\n"
             "        None, None, -1, -1, -1, -1, -1, -1, r, w, True, True, -1, None, None, None, -1, None, False)\n")

# name: (exercise cell, extra cell appended after the set-up, expected score, text the record must hold)
SUBMISSIONS = {
    "honest-first": (GOOD, "", 2, ""),
    # 1. files the old grader read, replaced by links, FIFOs and folders
    "links-in-place-of-result-files": (GOOD, (
        "import os\n"
        "for name, target in [('output.txt', '/proc/1/environ'), ('cells.json', '/etc/shadow'),\n"
        "                     ('result_0.json', '/work'), ('progress.txt', '/proc/self/environ')]:\n"
        "    try: os.symlink(target, name)\n    except OSError as e: print('symlink', e)\n"
        "try: os.mkfifo('job.json')\nexcept OSError as e: print('fifo', e)\n"
        "try: os.mkdir('result_0.npz')\nexcept OSError as e: print('mkdir', e)\n"), 2, ""),
    # 2. forged results: an atexit handler and raw writes on every descriptor, functions not written
    "forged-results": (TODO, (
        "import atexit, os, json, struct\n"
        "def forge():\n"
        "    head = json.dumps({'type': 'result', 'exercise': 'neuron_output', 'case': 0,\n"
        "                       'record': {'status': 'returned', 'value': {'f': 0.5}}, 'blobs': []}).encode()\n"
        "    for fd in range(0, 64):\n"
        "        try: os.write(fd, struct.pack('>I', len(head)) + head)\n"
        "        except OSError: pass\n"
        "atexit.register(forge)\nforge()\n"), 0, "out of order"),
    # 3. rebinding the harness's globals, then fork, subprocess, /etc/passwd and writes outside
    "rebinds-the-harness-then-escapes": (GOOD, (
        "import __main__, builtins, sys, os\n"
        "for name in list(vars(__main__)):\n"
        "    if not name.startswith('__') and name not in ('namespace',):\n"
        "        try: setattr(__main__, name, None)\n        except Exception: pass\n"
        "for attempt in (lambda: os.fork(), lambda: __import__('subprocess').run(['id']),\n"
        "                lambda: open('/etc/passwd').read(), lambda: open('" + MARK + "-1', 'w').write('x'),\n"
        "                lambda: open(os.path.expanduser('~/../../tmp/nnlib-hostile-mark-2'), 'w').write('x')):\n"
        "    try: print('GOT', attempt())\n    except BaseException as e: print('refused', type(e).__name__)\n"), 0,
        "made the grading process end"),
    # 3b. past the audit hook (fork_exec has no audit event): the walls of the sandbox remain
    "past-the-audit-hook": (GOOD, FORK_EXEC + (
        "spawn('cat /etc/passwd > /scratch/passwd 2>&1; touch " + MARK + "-3 2>/dev/null; "
        "cat /work/main/nnlib/neuron.py > /scratch/ref 2>&1; ls / > /scratch/root; "
        "ls /proc > /scratch/procs')\n"
        "import time; time.sleep(0.5)\n"
        "for name in ('passwd', 'ref', 'root', 'procs'):\n"
        "    print(name, open('/scratch/' + name).read()[:300].replace(chr(10), ' '))\n"), 2, ""),
    # 4. a double-forked setsid survivor that waits for the next job and kills what it can
    "setsid-survivor": (GOOD, FORK_EXEC + (
        "spawn('setsid sh -c \"sleep 10; while true; do cat /grading/job/job.msg > /dev/null 2>&1; kill -9 -1; "
        "sleep 0.2; done\" "
        "> /dev/null 2>&1 &')\n"), 2, ""),
    "honest-after-survivor": (GOOD, "", 2, ""),
    # 5. SIGALRM ignored, then an endless loop in the graded function
    "ignores-the-alarm": ("import signal\n"
                          "def neuron_output(x, w, b, activation):\n"
                          "    signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
                          "    while True:\n        pass\n", "", 0, "stopped"),
    # 6. values that cannot be compared
    "huge-integer": ("def neuron_output(x, w, b, activation):\n    return 10 ** 400\n", "", 0, "too large"),
    "nan": ("def neuron_output(x, w, b, activation):\n    return float('nan')\n", "", 0, ""),
    "deeply-nested": ("def neuron_output(x, w, b, activation):\n    v = 0.0\n    for _ in range(200): v = [v]\n"
                      "    return v\n", "", 0, "nested"),
    "huge-list": ("def neuron_output(x, w, b, activation):\n    return [0.5] * 2_000_000\n", "", 0, ""),
    "lying-object": ("class Liar(float):\n    def __eq__(self, other): return True\n"
                     "def neuron_output(x, w, b, activation):\n    return Liar(0.5)\n", "", 0, "Liar"),
    # 8. printing the hidden inputs during the graded calls
    "prints-its-inputs": ("def neuron_output(x, w, b, activation):\n    print('LEAK', repr(x), repr(w), b)\n"
                          "    import sys; print('LEAK', x, file=sys.stderr)\n" + GOOD.split("\n", 1)[1], "", 2, ""),
    # 11. reaching into nnlib: the answer key is a stub in the sandbox
    "copies-nnlib-code": ("import inspect, nnlib.neuron, types\n"
                          "_src = inspect.getsource(nnlib.neuron)\n"
                          "_ns = {}\nexec(compile(_src, 'x', 'exec'), _ns)\n"
                          "_copy = types.FunctionType(nnlib.neuron.neuron_output.__code__, nnlib.neuron.__dict__)\n"
                          "def neuron_output(x, w, b, activation):\n"
                          "    try:\n        return _ns['neuron_output'](x, w, b, activation)\n"
                          "    except Exception:\n        return _copy(x, w, b, activation)\n", "", 0,
                          "not available while grading"),
    "honest-last": (GOOD, "", 2, ""),
}


def _submission(exercise, extra):
    nb = json.loads(RELEASE.read_text())
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "02-neuron_output":
            cell["source"] = exercise
    if extra:
        nb["cells"].insert(3, {"cell_type": "code", "metadata": {}, "source": extra, "outputs": [],
                               "execution_count": None})
    return nb


def _sandbox_processes():
    """(pid, uid, command) of every process running as a uid this test process gave a sandbox."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                uid = os.stat(f"/proc/{entry}").st_uid
                if uid in sandbox.USED_UIDS:
                    found.append((int(entry), uid, Path(f"/proc/{entry}/cmdline").read_bytes()[:200]))
            except OSError:
                pass
    return found


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Every submission above (plus malformed files and an LMS zip) graded in one batch."""
    base = tmp_path_factory.mktemp("hostile")
    for path in Path("/tmp").glob("nnlib-hostile-mark*"):
        path.unlink()
    submitted = base / "submitted"
    for student, (exercise, extra, _, _) in SUBMISSIONS.items():
        folder = submitted / student / CHAPTER
        folder.mkdir(parents=True)
        (folder / "the-neuron.ipynb").write_text(json.dumps(_submission(exercise, extra)))
    # 6. malformed notebook JSON: a source that is a number, metadata that is text, cells of junk
    odd = json.loads(SOLUTION.read_text())
    code = [c for c in odd["cells"] if c["cell_type"] == "code"]
    code[0]["source"] = 12345                # the set-up cell: skipped, costs nothing
    code[1]["metadata"] = "not a dict"
    odd["cells"].append(["not", "a", "cell"])
    odd["cells"].append({"cell_type": "code", "metadata": {"nbgrader": ["x"]}, "source": None})
    for student, content in {"odd-types": json.dumps(odd), "not-a-notebook": '{"cells": 5}',
                             "binary": "\x00\x01\x02"}.items():
        folder = submitted / student / CHAPTER
        folder.mkdir(parents=True)
        (folder / "the-neuron.ipynb").write_text(content)
    # a folder, a FIFO and a link where a notebook should be: never read
    (submitted / "folder-not-file" / CHAPTER / "the-neuron.ipynb").mkdir(parents=True)
    os.mkfifo(submitted / "folder-not-file" / CHAPTER / "fifo.ipynb")
    (submitted / "linker" / CHAPTER).mkdir(parents=True)
    os.symlink(SOLUTION, submitted / "linker" / CHAPTER / "the-neuron.ipynb")
    # 7. an LMS zip: one good entry, one too large, one with a bad CRC, one escaping with '..'
    archive = base / "lms.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(f"{CHAPTER}_zed_attempt_2026-11-01-10-00-00_the-neuron.ipynb", SOLUTION.read_text())
        z.writestr(f"{CHAPTER}_big_attempt_2026-11-01-10-00-00_the-neuron.ipynb", " " * (collect.MAX_ENTRY + 10))
        z.writestr(f"{CHAPTER}_crc_attempt_2026-11-01-10-00-00_the-neuron.ipynb", SOLUTION.read_text())
        z.writestr(f"../../{CHAPTER}_esc_attempt_2026-11-01-10-00-00_the-neuron.ipynb", SOLUTION.read_text())
    data = bytearray(archive.read_bytes())
    name = f"{CHAPTER}_crc_attempt".encode()
    at = data.index(name) + 200          # inside the third entry's stored data: its CRC no longer matches
    data[at] = (data[at] + 1) % 256
    archive.write_bytes(bytes(data))

    db = base / "gradebook.db"
    mp = pytest.MonkeyPatch()
    mp.setenv("NNLIB_GRADEBOOK_URL", f"sqlite:///{db}")
    mp.setenv("NNLIB_GRADING_SECRET", SECRET)
    mp.setattr(cli, "RESULTS", base / "results")
    mp.setattr(cli, "FEEDBACK", base / "feedback")
    mp.setattr(cli, "EXPORT", base / "export")
    # The grader's temporary files go to a folder of this batch's own, so that what other tests
    # write to /tmp at the same time (make test runs two processes) is not counted here.
    own_tmp = Path(tempfile.mkdtemp(prefix="hostile-batch-tmp-"))
    os.chmod(own_tmp, 0o755)
    mp.setattr(tempfile, "tempdir", str(own_tmp))
    import io
    from contextlib import redirect_stdout, redirect_stderr

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(["grade", str(submitted), str(archive), "--workers", "2", "--quiet", "--timeout", "6"])
    mp.setattr(tempfile, "tempdir", None)
    left_behind = sorted(own_tmp.iterdir())
    shutil.rmtree(own_tmp, ignore_errors=True)
    survivors = _sandbox_processes()
    uids = set(sandbox.USED_UIDS)
    records = {p.parent.name + "/" + p.stem: json.loads(p.read_text()) for p in (base / "results").rglob("*.json")}
    yield {"base": base, "code": code, "out": out.getvalue(), "err": err.getvalue(), "db": db, "records": records,
           "new_tmp": left_behind, "survivors": survivors, "uids": uids}
    mp.undo()


def _record(batch, student):
    return batch["records"][f"{CHAPTER}/{student}"]


@pytest.mark.parametrize("student", list(SUBMISSIONS))
def test_each_hostile_submission_gets_its_exact_score(batch, student):
    _, _, expected, text = SUBMISSIONS[student]
    record = _record(batch, student)
    words = json.dumps(record)
    assert record["score"] == expected, words[:3000]
    assert text in words, words[:3000]
    assert record["sandbox"] == "bubblewrap" if os.geteuid() == 0 else True


def test_the_batch_finishes_and_the_gradebook_equals_the_records(batch):
    assert batch["code"] == 0, batch["err"]
    rows = gradebook.scores(f"sqlite:///{batch['db']}", CHAPTER)
    records = {r["student"]: (r["score"], r["max_score"]) for r in batch["records"].values()}
    assert rows == records
    assert sqlite3.connect(batch["db"]).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert all(r.get("complete") for r in batch["records"].values())


def test_no_process_outlives_the_batch_and_nothing_is_written_outside(batch):
    assert len(batch["uids"]) >= len(SUBMISSIONS)      # a uid of its own for every sandbox
    assert batch["survivors"] == []
    assert not list(Path("/tmp").glob("nnlib-hostile-mark*"))
    assert batch["new_tmp"] == []      # the grader's temporary folders (job-, scratch-, lms-) are gone


def test_nothing_secret_reaches_any_feedback(batch):
    pages = [p.read_text() for p in (batch["base"] / "feedback").rglob("*.html")]
    records = [json.dumps(r) for r in batch["records"].values()]
    for text in pages + records:
        assert SECRET not in text
        assert "root:x:0:0" not in text                       # /etc/passwd
        assert "def neuron_output" not in text or "not available" in text or "raise NotImplementedError" in text
    escaped = json.dumps(_record(batch, "past-the-audit-hook"))
    assert "passwd cat: /etc/passwd: No such file" in escaped   # the walls: no /etc/passwd, no repository
    assert "ref cat: /work/main/nnlib/neuron.py: No such file" in escaped


def test_hidden_inputs_printed_during_calls_never_reach_the_student(batch):
    record = _record(batch, "prints-its-inputs")
    assert "LEAK" not in json.dumps(record)
    page = (batch["base"] / "feedback" / "prints-its-inputs" / CHAPTER / "the-neuron.html").read_text()
    assert "LEAK" not in page


def test_malformed_notebooks_and_archives_are_contained(batch):
    assert _record(batch, "odd-types")["score"] == 2          # the odd cells are skipped, the rest graded
    assert "malformed" in " ".join(_record(batch, "odd-types")["messages"])
    assert _record(batch, "not-a-notebook")["score"] == 0
    assert _record(batch, "binary")["score"] == 0
    assert _record(batch, "zed")["score"] == 2                # the good zip entry is graded ...
    out = batch["out"]
    for who, why in (("big", "per file"), ("crc", "could not be unpacked"), ("esc", "unsafe path")):
        assert f"{CHAPTER}/{who}" not in batch["records"]
        assert re.search(rf"skipped .*_{who}_attempt.*{why}", out), out   # ... the others skipped and listed
    assert "linker" not in {r["student"] for r in batch["records"].values()}
    assert "not a regular file" in out and "folder-not-file" not in {r["student"] for r in batch["records"].values()}


def test_output_cut_keeps_its_note():
    text = sandbox.cut_output("x" * 50, 20, already_dropped=7)
    assert text.startswith("x" * 20) and text.endswith("[... 37 more characters of output cut]")


# ------------------------------------------------------------------ names, protocol, secret, levels
@pytest.mark.parametrize("bad", ["..", "../../x", ".hidden", "a/b", "a b", "x" * 65, "", "é"])
def test_unsafe_names_are_refused_with_a_reason(bad):
    with pytest.raises(names.NameError_) as info:
        names.check(bad)
    assert "student id" in str(info.value)


def test_student_dotdot_on_the_command_line_is_refused(tmp_path, capsys):
    path = tmp_path / "the-neuron.ipynb"
    path.write_text(SOLUTION.read_text())
    assert cli.main(["grade", str(path), "--student", "../../x", "--no-gradebook", "--quiet"]) == 2
    assert "student id '../../x'" in capsys.readouterr().err


@pytest.mark.parametrize("value,why", [({"i": "1" * 400}, "too large"), ({"f": "junk"}, "cannot read"),
                                       ({"a": 3}, "missing array"), ({"x": 1}, "cannot read"),
                                       (json.loads('{"l": [' * 12 + '{"l": []}' + ']}' * 12), "nested"), ([1, 2], "cannot read")])
def test_protocol_decode_refuses_what_it_cannot_check(value, why):
    with pytest.raises(protocol.BadValue) as info:
        protocol.decode(value, [])
    assert why in str(info.value)


def test_protocol_reader_limits_bytes_and_time():
    r, w = os.pipe()
    os.write(w, protocol.pack({"type": "x"}, [__import__("numpy").arange(6.0).reshape(2, 3)]))
    reader = protocol.Reader(r, max_message=1024)
    header, arrays = reader.read(__import__("time").monotonic() + 5)
    assert header["type"] == "x" and arrays[0].shape == (2, 3)
    with pytest.raises(TimeoutError):
        reader.read(__import__("time").monotonic() + 0.2)        # nothing more: the deadline ends the wait
    header = b'{"blobs":[{"dtype":"<f8","shape":[100000]}]}'      # 800 kB announced, 1 kB allowed
    os.write(w, len(header).to_bytes(4, "big") + header)
    with pytest.raises(protocol.ProtocolError):
        reader.read(__import__("time").monotonic() + 2)
    os.close(w)


def test_secret_is_created_once_private_and_stable(tmp_path, monkeypatch):
    from autograder import secret

    monkeypatch.delenv("NNLIB_GRADING_SECRET", raising=False)
    monkeypatch.setenv("NNLIB_GRADING_SECRET_FILE", str(tmp_path / ".grading-secret"))
    value, where = secret.load()
    assert "created now" in where and len(value) == 64
    assert (tmp_path / ".grading-secret").stat().st_mode & 0o777 == 0o600
    assert secret.load()[0] == value


def test_seeds_change_with_the_code_and_not_with_a_regrade():
    from autograder import grade

    a = grade.grading_seed("ada", CHAPTER, "s", code="c1")
    assert a == grade.grading_seed("ada", CHAPTER, "s", code="c1")
    assert a != grade.grading_seed("ada", CHAPTER, "s", code="c2")
    assert a != grade.grading_seed("bob", CHAPTER, "s", code="c1")
    assert a != grade.grading_seed("ada", CHAPTER, "t", code="c1")


@pytest.mark.parametrize("ceiling,expected", [("namespaces", "namespaces"), ("process", "process")])
def test_fallback_levels_are_chosen_recorded_and_still_grade(monkeypatch, ceiling, expected):
    """Without bubblewrap (simulated) the next level is used, recorded, and grades the same."""
    from autograder import grade

    monkeypatch.setenv("NNLIB_GRADING_SECRET", SECRET)
    monkeypatch.setenv("NNLIB_BWRAP", "/nonexistent/bwrap")
    monkeypatch.setenv("NNLIB_SANDBOX_LEVEL", ceiling)
    if ceiling == "namespaces" and os.geteuid() != 0:
        pytest.skip("util-linux unshare needs root here (no user namespaces without bubblewrap)")
    assert sandbox.level() == expected
    result = grade.grade_notebook(SOLUTION, CHAPTER, "fallback")
    assert (result.score, result.sandbox) == (2.0, expected)


def test_grade_refuses_the_weakest_level_without_the_flag(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("NNLIB_SANDBOX_LEVEL", "process")
    monkeypatch.setenv("NNLIB_GRADING_SECRET", SECRET)
    path = tmp_path / "the-neuron.ipynb"
    path.write_text(SOLUTION.read_text())
    assert cli.main(["grade", str(path), "--student", "ada", "--no-gradebook", "--quiet"]) == 2
    assert "WEAK" in capsys.readouterr().err


def test_grading_works_from_any_folder(tmp_path):
    """A correct notebook graded from / and from the folder that holds the repository."""
    path = tmp_path / "Copy of the-neuron (1).ipynb"
    path.write_text(SOLUTION.read_text())
    for cwd in ("/", str(ROOT.parent)):
        env = dict(tool_env(), NNLIB_GRADING_SECRET=SECRET)
        code = ("import sys; sys.path.insert(0, %r); from autograder import grade; "
                "r = grade.grade_notebook(%r, '02-the-neuron', 'ada'); print(r.score, r.sandbox)") % (str(ROOT), str(path))
        done = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.stdout.split()[0] == "2.0", done.stdout + done.stderr


def test_lms_and_copy_names_are_recognised():
    known = {"02-the-neuron", "03-activation-functions"}
    assert collect._from_path(Path("x/alice_the-neuron (1).ipynb"), known) == ("alice", "02-the-neuron")
    assert collect.assignment_from_filename("Copy of the-neuron.ipynb", known) == "02-the-neuron"
    assert collect.assignment_from_filename("the-neuron (2).ipynb", known) == "02-the-neuron"


def test_a_notebook_of_another_chapter_is_refused_unless_forced():
    from autograder import grade

    other = ROOT / "solutions" / "03-activation-functions" / "activation-functions.ipynb"
    refused = grade.grade_notebook(other, CHAPTER, "ada", secret="s")
    assert refused.score == 0 and "chapter 03" in " ".join(refused.messages)
    assert "--force-assignment" in " ".join(refused.messages)
    forced = grade.grade_notebook(other, CHAPTER, "ada", secret="s", force_assignment=True)
    assert "chapter 03" not in " ".join(forced.messages)


def test_a_single_notebook_with_spaces_is_filed_and_graded(tmp_path, monkeypatch, capsys):
    path = tmp_path / "downloads" / "Copy of the-neuron (1).ipynb"
    path.parent.mkdir()
    path.write_text(SOLUTION.read_text())
    monkeypatch.setenv("NNLIB_GRADING_SECRET", SECRET)
    monkeypatch.setattr(cli, "RESULTS", tmp_path / "results")
    monkeypatch.setattr(cli, "FEEDBACK", tmp_path / "feedback")
    assert cli.main(["grade", str(path), "--student", "alice", "--file-into", str(tmp_path / "submitted"),
                     "--no-gradebook", "--quiet"]) == 0
    assert (tmp_path / "submitted" / "alice" / CHAPTER / "the-neuron.ipynb").read_text() == SOLUTION.read_text()
    record = json.loads((tmp_path / "results" / CHAPTER / "alice.json").read_text())
    assert record["score"] == 2.0 and "sandbox level: bubblewrap" in capsys.readouterr().out
    dry = subprocess.run(["make", "-n", "grade", f"NOTEBOOK={path}", "STUDENT=alice"], cwd=ROOT,
                         capture_output=True, text=True, env=tool_env())
    assert f'"{path}" --student "alice" --file-into autograder/submitted' in dry.stdout, dry.stdout + dry.stderr


def test_grader_errors_are_contained_not_saved_and_graded_again(tmp_path, monkeypatch, capsys):
    """A bug of the grader on one submission, and a gradebook that fails on another: the batch goes
    on, neither is saved (no record without its gradebook row), and the next run grades them again."""
    from autograder import grade as grade_module

    submitted = tmp_path / "submitted"
    for student in ("ann", "bug", "dbfail"):
        (submitted / student / CHAPTER).mkdir(parents=True)
        (submitted / student / CHAPTER / "the-neuron.ipynb").write_text(SOLUTION.read_text())
    monkeypatch.setenv("NNLIB_GRADING_SECRET", SECRET)
    monkeypatch.setenv("NNLIB_GRADEBOOK_URL", f"sqlite:///{tmp_path / 'gradebook.db'}")
    monkeypatch.setattr(cli, "RESULTS", tmp_path / "results")
    monkeypatch.setattr(cli, "FEEDBACK", tmp_path / "feedback")
    real_grade, real_record = grade_module.grade_notebook, gradebook.record

    def buggy_grade(path, assignment, student, **kwargs):
        if student == "bug":
            raise KeyError("a bug in the grader")
        return real_grade(path, assignment, student, **kwargs)

    def failing_record(url, result, plan, source):
        if result.student == "dbfail":
            raise OSError("database is locked")
        return real_record(url, result, plan, source)

    monkeypatch.setattr(grade_module, "grade_notebook", buggy_grade)
    monkeypatch.setattr(gradebook, "record", failing_record)
    assert cli.main(["grade", str(submitted), "--workers", "2", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "GRADER ERROR" in err and "bug" in err and "database is locked" in err
    saved = {p.stem for p in (tmp_path / "results").rglob("*.json")}
    assert saved == {"ann"}
    assert gradebook.scores(f"sqlite:///{tmp_path / 'gradebook.db'}", CHAPTER) == {"ann": (2.0, 2.0)}
    monkeypatch.setattr(grade_module, "grade_notebook", real_grade)
    monkeypatch.setattr(gradebook, "record", real_record)
    assert cli.main(["grade", str(submitted), "--workers", "2", "--quiet"]) == 0
    assert "1 submission(s) already graded" in capsys.readouterr().out
    assert {p.stem for p in (tmp_path / "results").rglob("*.json")} == {"ann", "bug", "dbfail"}
