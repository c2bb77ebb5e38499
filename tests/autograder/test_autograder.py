"""The sandboxed autograder: exact scores for honest, broken and hostile submissions.

A synthetic assignment (99-hostile) has two graded functions: chapter 02's neuron_output
(2 points) and a test-only `square` (1 point), so we can see one function fail while the
other is still graded. Each case below is a submission with the exact score it must get.
"""
import json
import os
import sqlite3
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from coursetools import ROOT, tool_env

os.environ.setdefault("NNLIB_GRADING_SECRET", "tests-of-the-autograder")

sys.path.insert(0, str(ROOT))
from autograder import cli, grade  # noqa: E402
from nnlib import checks  # noqa: E402

SOLUTION_02 = ROOT / "solutions" / "02-the-neuron" / "the-neuron.ipynb"
RELEASE_02 = ROOT / "chapters" / "02-the-neuron" / "the-neuron.ipynb"
UID = None   # ignored: every sandbox gets a uid of its own
LIMITS = {"exercise_seconds": 4, "call_seconds": 2, "cells_seconds": 20, "cell_seconds": 5}


def reference_square(Z):
    """Test-only exercise: Z² entry by entry."""
    return np.asarray(Z, dtype=float) ** 2


checks.register(checks.Exercise(
    name="square", signature="square(Z)", reference=reference_square,
    public_cases=[checks.Case((np.array([1.0, -2.0]),), "Z = (1, -2)")],
    hidden_groups=lambda rng: [("random", [checks.Case((rng.normal(size=(3, 2)),), "random Z")])],
))

GOOD_NEURON = ("import numpy as np\nfrom nnlib import activations\n"
               "def neuron_output(x, w, b, activation):\n"
               "    g = activation if callable(activation) else activations.get(activation)[0]\n"
               "    return float(g(np.asarray(x, float) @ np.asarray(w, float) + b))\n")
GOOD_SQUARE = "def square(Z):\n    return np.asarray(Z, dtype=float) ** 2\n"


def _cell(source, **nbgrader):
    meta = {"nbgrader": nbgrader} if nbgrader else {}
    return {"cell_type": "code", "metadata": meta, "source": source, "outputs": [], "execution_count": None}


def _notebook(cells):
    return {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
            "nbformat": 4, "nbformat_minor": 5}


TEST_NEURON = _cell("checks.neuron_output(neuron_output)\n### BEGIN HIDDEN TESTS\n"
                    "checks.hidden.neuron_output(neuron_output, points=2)\n### END HIDDEN TESTS",
                    grade=True, solution=False, grade_id="99-neuron_output-tests", points=2)
TEST_SQUARE = _cell("checks.square(square)\n### BEGIN HIDDEN TESTS\n"
                    "checks.hidden.square(square, points=1)\n### END HIDDEN TESTS",
                    grade=True, solution=False, grade_id="99-square-tests", points=1)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """solutions/99-hostile/hostile.ipynb in a temporary folder, plus a secret file to protect."""
    base = tmp_path_factory.mktemp("course")
    folder = base / "solutions" / "99-hostile"
    folder.mkdir(parents=True)
    source = _notebook([_cell("from nnlib import checks\nimport numpy as np"),
                        _cell(GOOD_NEURON, solution=True, grade=False, grade_id="99-neuron_output"), TEST_NEURON,
                        _cell(GOOD_SQUARE, solution=True, grade=False, grade_id="99-square"), TEST_SQUARE])
    (folder / "hostile.ipynb").write_text(json.dumps(source))
    (base / "secret.txt").write_text("the hidden tests")
    return base


def _submit(course, name, neuron=GOOD_NEURON, square=GOOD_SQUARE, extra="", tests=True):
    cells = [_cell("from nnlib import checks\nimport numpy as np\n" + extra),
             _cell(neuron, solution=True, grade=False, grade_id="99-neuron_output"),
             _cell(square, solution=True, grade=False, grade_id="99-square")]
    if tests:
        cells[2:2] = [TEST_NEURON]
        cells.append(TEST_SQUARE)
    path = course / "submissions" / f"{name}.ipynb"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(_notebook(cells)))
    return path


def _grade(course, path, student="s1"):
    return grade.grade_notebook(path, "99-hostile", student, solutions=course / "solutions", limits=LIMITS,
                                hide=[course / "solutions", course / "submissions", course / "secret.txt"], uid=UID)


SECRET = "SECRET_PATH"
HOSTILE = {
    # name: (neuron source, square source, extra code in the first cell, expected score, text in the verdict)
    "honest": (GOOD_NEURON, GOOD_SQUARE, "", 3, ""),
    "infinite loop in one function": (GOOD_NEURON, "def square(Z):\n    while True:\n        pass\n", "", 2, "2 s"),
    "loop that swallows the time limit": (GOOD_NEURON, "def square(Z):\n    while True:\n        try:\n"
                                          "            while True: pass\n        except BaseException:\n            pass\n",
                                          "", 2, "square"),
    "memory bomb": (GOOD_NEURON, "def square(Z):\n    x = bytearray(8 * 1024**3)\n    return Z ** 2\n", "", 2, "MemoryError"),
    "fork bomb": (GOOD_NEURON, "import os\ndef square(Z):\n    while True:\n        os.fork()\n", "", 2, "not allowed"),
    "network access": (GOOD_NEURON, "import socket\ndef square(Z):\n    socket.create_connection(('pypi.org', 443), 2)\n"
                       "    return Z ** 2\n", "", 2, "not allowed"),
    "writes outside its folder": (GOOD_NEURON, "def square(Z):\n    open('/tmp/nnlib-hostile-was-here', 'w').write('x')\n"
                                  "    return Z ** 2\n", "", 2, "not allowed"),
    "reads the hidden tests": (GOOD_NEURON, f"def square(Z):\n    open({SECRET!r}).read()\n    return Z ** 2\n", "", 2, "not allowed"),
    "reads the solutions": (GOOD_NEURON, "def square(Z):\n    import glob\n    open(glob.glob('SOLUTIONS/*/*.ipynb')[0]).read()\n"
                            "    return Z ** 2\n", "", 2, ""),
    "lying __eq__ and __array__": (GOOD_NEURON, "class Liar:\n    def __eq__(self, other): return True\n"
                                   "    def __array__(self, *a, **k): return np.zeros((3, 2))\n"
                                   "def square(Z):\n    return Liar()\n", "", 2, "object of type Liar"),
    "monkeypatches numpy and the checks": (GOOD_NEURON, "def square(Z):\n    return np.zeros_like(Z)\n",
                                           "import numpy.testing, builtins, nnlib.checks\nnp.allclose = lambda *a, **k: True\n"
                                           "numpy.testing.assert_allclose = lambda *a, **k: None\n"
                                           "nnlib.checks.engine.compare = lambda *a, **k: ''\nbuiltins.print = lambda *a, **k: None\n", 2,
                                           "entries differ"),
    "inspects the stack": (GOOD_NEURON, "import sys\ndef square(Z):\n    f = sys._getframe(1)\n"
                           "    for name in ('expected', 'reference', 'answer'):\n"
                           "        if name in f.f_locals: return f.f_locals[name]\n    return Z\n", "", 2, "entries differ"),
    "calls nnlib's reference": ("import nnlib\ndef neuron_output(x, w, b, activation):\n"
                                "    return nnlib.neuron_output(x, w, b, activation)\n", GOOD_SQUARE, "", 1,
                                "not available while grading"),
    "never defines the function": (GOOD_NEURON, "def sqaure(Z):\n    return Z ** 2\n", "", 2, "never defines"),
    "warnings and stderr cost nothing": (GOOD_NEURON, "import sys, warnings\ndef square(Z):\n"
                                         "    print('debug', file=sys.stderr)\n    warnings.warn('careful', RuntimeWarning)\n"
                                         "    np.exp(1000.0)\n    return np.asarray(Z, dtype=float) ** 2\n", "", 3, ""),
    "output flood": (GOOD_NEURON, GOOD_SQUARE, "for i in range(200000):\n    print('spam' * 10)\n", 3, ""),
    "not implemented": ("def neuron_output(x, w, b, activation):\n    raise NotImplementedError()\n", GOOD_SQUARE, "", 1,
                        "not implemented"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_submission_gets_its_exact_score(course, name):
    neuron, square, extra, expected, text = HOSTILE[name]
    square = square.replace(SECRET, str(course / "secret.txt")).replace("SOLUTIONS", str(course / "solutions"))
    result = _grade(course, _submit(course, name.replace(" ", "_"), neuron, square, extra))
    verdicts = json.dumps(result.to_json())
    assert result.score == expected, verdicts
    assert text in verdicts
    assert not os.path.exists("/tmp/nnlib-hostile-was-here")
    if name == "output flood":
        assert len(result.output) <= 20_100 and result.output.endswith("more characters of output cut]")
    if name == "infinite loop in one function":
        assert result.seconds < 15


def test_test_cells_deleted_edited_reordered_or_repointed_change_nothing(course):
    path = _submit(course, "tampered", tests=False)   # test cells deleted
    nb = json.loads(path.read_text())
    nb["cells"].insert(0, _cell("checks.hidden.square = lambda f, points: 1000\n1000",
                                grade=True, solution=False, grade_id="99-square-tests", points=1000))
    nb["cells"].reverse()   # reordered (the solution cells still come after the imports they need? no: add imports)
    nb["cells"].insert(0, _cell("from nnlib import checks\nimport numpy as np"))
    path.write_text(json.dumps(nb))
    result = _grade(course, path)
    assert result.score == 3 and result.max_score == 3


def test_renamed_notebook_is_graded_normally(course):
    path = _submit(course, "completely-different-name")
    assert _grade(course, path).score == 3


@pytest.mark.parametrize("content,message", [("", "empty"), ("{not json", "not valid notebook JSON"),
                                             ('{"hello": 1}', "not a Jupyter notebook"), ("\x00\x01binary", "not valid")])
def test_broken_files_score_zero_with_a_clear_message(course, content, message):
    path = course / "submissions" / "broken.ipynb"
    path.parent.mkdir(exist_ok=True)
    path.write_text(content)
    result = _grade(course, path)
    assert result.score == 0 and message in " ".join(result.messages)


def test_a_student_sees_different_hidden_inputs_and_a_rerun_the_same():
    a, b = grade.grading_seed("ada", "02-the-neuron"), grade.grading_seed("bob", "02-the-neuron")
    assert a != b and a == grade.grading_seed("ada", "02-the-neuron")
    assert grade.grading_seed("ada", "02-the-neuron", secret="other") != a


def test_hardcoding_the_public_example_earns_nothing(course):
    hard = "def square(Z):\n    return np.array([1.0, 4.0])\n"
    neuron = "def neuron_output(x, w, b, activation):\n    return 0.0024726231566347743\n"
    assert _grade(course, _submit(course, "hardcoded", neuron, hard)).score == 0


# ------------------------------------------------------------------ the command line, end to end
def _run_cli(*args, cwd=ROOT):
    env = tool_env()
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def graded_batch(tmp_path_factory, monkeypatch_module):
    """A batch in nbgrader's submitted/ layout with a broken file, graded with 2 workers into
    a temporary gradebook; then graded again (resumed: nothing to do)."""
    base = tmp_path_factory.mktemp("batch")
    solution = json.loads(SOLUTION_02.read_text())
    release = json.loads(RELEASE_02.read_text())
    for student, nb in {"ada": solution, "bob": release}.items():
        folder = base / "submitted" / student / "02-the-neuron"
        folder.mkdir(parents=True)
        (folder / "the-neuron.ipynb").write_text(json.dumps(nb))
    folder = base / "submitted" / "cyd" / "02-the-neuron"
    folder.mkdir(parents=True)
    (folder / "the-neuron.ipynb").write_text("{broken")
    archive = base / "lms.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("02-the-neuron_dee_attempt_2026-11-01-10-00-00_the-neuron.ipynb", json.dumps(solution))
    db = base / "gradebook.db"
    monkeypatch_module.setenv("NNLIB_GRADEBOOK_URL", f"sqlite:///{db}")
    monkeypatch_module.setattr(cli, "RESULTS", base / "results")
    monkeypatch_module.setattr(cli, "FEEDBACK", base / "feedback")
    monkeypatch_module.setattr(cli, "EXPORT", base / "export")
    assert cli.main(["grade", str(base / "submitted"), str(archive), "--workers", "2", "--quiet"]) == 0
    return base, db


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def test_batch_scores_go_to_the_gradebook(graded_batch):
    base, db = graded_batch
    from autograder import gradebook

    assert gradebook.scores(f"sqlite:///{db}", "02-the-neuron") == {
        "ada": (2.0, 2.0), "bob": (0.0, 2.0), "cyd": (0.0, 2.0), "dee": (2.0, 2.0)}
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_feedback_pages_teach_and_never_show_hidden_tests(graded_batch):
    base, _ = graded_batch
    page = (base / "feedback" / "bob" / "02-the-neuron" / "the-neuron.html").read_text()
    assert "0 / 2" in page and "not implemented" in page
    good = (base / "feedback" / "ada" / "02-the-neuron" / "the-neuron.html").read_text()
    assert "2 / 2" in good and "checks.hidden" not in good and "BEGIN HIDDEN" not in good
    broken = (base / "feedback" / "cyd" / "02-the-neuron" / "the-neuron.html").read_text()
    assert "not valid notebook JSON" in broken


def test_second_run_resumes(graded_batch, capsys):
    base, _ = graded_batch
    before = {p: p.stat().st_mtime_ns for p in (base / "results").rglob("*.json")}
    assert cli.main(["grade", str(base / "submitted"), "--workers", "2", "--quiet"]) == 0
    assert "already graded and unchanged" in capsys.readouterr().out
    assert before == {p: p.stat().st_mtime_ns for p in (base / "results").rglob("*.json")}


def test_export_writes_nbgrader_csv_and_gradescope_json(graded_batch, tmp_path):
    base, _ = graded_batch
    csv = tmp_path / "grades.csv"
    assert cli.main(["export", "--to", str(csv)]) == 0
    rows = csv.read_text().splitlines()
    assert rows[0].startswith("assignment,duedate,timestamp,student_id")
    assert any(r.startswith("02-the-neuron,") and ",ada," in r and r.endswith(",2.0,2.0") for r in rows)
    results = json.loads((base / "export" / "gradescope" / "02-the-neuron" / "ada.json").read_text())
    assert results["score"] == 2.0 and results["tests"][0]["max_score"] == 2.0


def test_gradescope_autograder_zip_runs_in_a_simulated_autograder_folder(tmp_path):
    out = tmp_path / "gs.zip"
    assert cli.main(["gradescope", "02-the-neuron", "--out", str(out)]) == 0
    root = tmp_path / "autograder"
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        assert {"setup.sh", "run_autograder"} <= set(names)
        assert not any(n.startswith(("tests/", "solutions/01", "chapters/")) for n in names)
        z.extractall(root / "source")     # what Gradescope does, then setup.sh copies run_autograder up
    (root / "source" / "run_autograder").rename(root / "run_autograder")
    (root / "submission").mkdir()
    (root / "results").mkdir()
    (root / "submission" / "my-work.ipynb").write_text(SOLUTION_02.read_text())
    (root / "submission_metadata.json").write_text(json.dumps({"users": [{"email": "ada@example.org", "id": "1"}]}))
    env = dict(tool_env(), AUTOGRADER_ROOT=str(root), PYTHON=sys.executable)
    env.pop("PYTHONPATH")   # the zip must carry its own autograder and nnlib
    done = subprocess.run(["bash", str(root / "run_autograder")], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 2.0 and results["max_score"] == 2.0 and results["execution_time"] > 0
    test = results["tests"][0]
    assert set(test) >= {"name", "score", "max_score", "output", "visibility"} and test["name"] == "neuron_output"


def test_plain_nbgrader_autograde_agrees_on_honest_submissions(tmp_path):
    """nbgrader's own autograde (hidden checks in the student's kernel) and `grade` give the same scores."""
    wrong = json.loads(RELEASE_02.read_text())
    for cell in wrong["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "02-neuron_output":
            cell["source"] = ("def neuron_output(x, w, b, activation):\n    from nnlib import activations\n"
                              "    return float(activations.sigmoid(np.dot(x, w) + b))\n")
    files = {"ada": SOLUTION_02.read_text(), "bob": RELEASE_02.read_text(), "cyd": json.dumps(wrong)}
    ours = {}
    for student, text in files.items():
        path = tmp_path / f"{student}.ipynb"
        path.write_text(text)
        ours[student] = grade.grade_notebook(path, "02-the-neuron", student, uid=UID,
                                             hide=[ROOT / "solutions", ROOT / "autograder", tmp_path]).score
        done = subprocess.run([sys.executable, "-m", "course.nbgrade", "02-the-neuron",
                               "--student", student, "--notebook", str(path), "--course-dir", str(tmp_path / "course")],
                              cwd=ROOT, env=tool_env(), capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        line = [l for l in done.stdout.splitlines() if l.startswith(student)][0]
        assert float(line.split(":")[1].split("/")[0]) == ours[student], (student, line, ours)
    assert ours == {"ada": 2.0, "bob": 0.0, "cyd": 1.0}


# ------------------------------------------------------------------ every chapter, through the sandbox
GRADED = [p.parent.name for p in sorted((ROOT / "solutions").glob("*/*.ipynb"))
          if grade.graded_exercises(p)]


@pytest.mark.parametrize("chapter", GRADED)
def test_every_chapter_solution_earns_full_points_and_its_release_zero(chapter):
    source = grade.source_notebook(chapter)
    released = ROOT / "chapters" / chapter / source.name
    hide = [ROOT / "solutions", ROOT / "autograder"]
    full = grade.grade_notebook(source, chapter, "solution", uid=UID, hide=hide)
    assert full.score == full.max_score > 0, json.dumps(full.to_json())[:3000]
    blank = grade.grade_notebook(released, chapter, "release", uid=UID, hide=hide)
    assert blank.score == 0, json.dumps(blank.to_json())[:3000]
