"""The Gradescope zip installs exact versions offline and grades a submission with them.

The zip is built, unpacked as Gradescope would (/autograder/source, here a temporary folder),
and its setup.sh is run with SKIP_APT=1 (bubblewrap and Python are already installed here) and
WHEELHOUSE pointing at a folder of wheels made from this venv's installed distributions, so the
install step runs with `pip --no-index`: no network. Then run_autograder grades chapter 02's
solution with the venv setup.sh made, and results.json must give full marks and name the
sandbox level.
"""
import base64
import csv
import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from coursetools import ROOT

sys.path.insert(0, str(ROOT))
from autograder import cli  # noqa: E402

CHAPTER = "02-the-neuron"
SOLUTION = ROOT / "solutions" / CHAPTER / "the-neuron.ipynb"


def wheel_from_installed(name, version, folder):
    """A wheel of an installed distribution, made from its files (what `pip wheel` would need the
    network for). Tagged py3-none-any: it is only installed back on this machine."""
    dist = metadata.distribution(name)
    assert dist.version == version, (name, dist.version, version)
    site = Path(dist.locate_file(""))
    stem = f"{dist.metadata['Name'].replace('-', '_')}-{version}"
    info = f"{stem}.dist-info"
    target = folder / f"{stem}-py3-none-any.whl"
    rows = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as z:
        for file in dist.files or []:
            path = Path(file)
            if path.parts[0] == ".." or path.suffix == ".pyc" or path.parts[-1] in ("RECORD", "INSTALLER", "WHEEL",
                                                                                     "direct_url.json", "REQUESTED"):
                continue
            source = site / path
            if not source.is_file():
                continue
            arcname = str(path)
            if path.parts[0].endswith(".dist-info"):
                arcname = str(Path(info, *path.parts[1:]))
            data = source.read_bytes()
            z.writestr(arcname, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            rows.append([arcname, f"sha256={digest}", str(len(data))])
        wheel = "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        z.writestr(f"{info}/WHEEL", wheel)
        rows.append([f"{info}/WHEEL", "", ""])
        rows.append([f"{info}/RECORD", "", ""])
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows(rows)
        z.writestr(f"{info}/RECORD", text.getvalue())
    return target


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("gradescope")
    out = base / "gs.zip"
    mp = pytest.MonkeyPatch()
    mp.setenv("NNLIB_GRADING_SECRET", "gradescope-test-secret")
    assert cli.main(["gradescope", CHAPTER, "--out", str(out)]) == 0
    mp.undo()
    return base, out


def test_the_zip_pins_exact_versions_and_carries_the_secret(built):
    _, out = built
    with zipfile.ZipFile(out) as z:
        names = set(z.namelist())
        lock = z.read("requirements-lock.txt").decode().splitlines()
        setup = z.read("setup.sh").decode()
        secret = z.read("grading-secret").decode().strip()
    pins = [line for line in lock if line and not line.startswith("#")]
    assert pins and all("==" in p for p in pins)
    assert f"numpy=={metadata.version('numpy')}" in pins and any(p.startswith("matplotlib==") for p in pins)
    assert "bubblewrap" in setup and f"{sys.version_info.major}.{sys.version_info.minor}" in setup
    assert secret == "gradescope-test-secret"
    assert {"setup.sh", "run_autograder", "autograder/sandbox.py", "nnlib/layers.py",
            f"solutions/{CHAPTER}/the-neuron.ipynb"} <= names
    assert not any(n.startswith(("tests/", "chapters/", "solutions/03")) or ".grading-copies" in n for n in names)


def test_setup_installs_offline_from_a_wheel_house_and_grades(built):
    base, out = built
    root = base / "autograder"
    with zipfile.ZipFile(out) as z:
        z.extractall(root / "source")
        lock = z.read("requirements-lock.txt").decode().splitlines()
    for name in ("setup.sh", "run_autograder"):
        os.chmod(root / "source" / name, 0o755)
    house = base / "wheels"
    house.mkdir()
    for line in lock:
        if line and not line.startswith("#"):
            name, version = line.split("==")
            wheel_from_installed(name, version, house)
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(base), "AUTOGRADER_ROOT": str(root),
           "SKIP_APT": "1", "WHEELHOUSE": str(house), "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
           "PYTHON": os.path.realpath(getattr(sys, "_base_executable", sys.executable))}
    done = subprocess.run(["bash", str(root / "source" / "setup.sh")], env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert (root / "run_autograder").exists() and (root / "venv" / "bin" / "python").exists()
    assert (root / "source" / "grading-secret").stat().st_mode & 0o777 == 0o600
    (root / "submission").mkdir()
    (root / "results").mkdir()
    (root / "submission" / "work.ipynb").write_text(SOLUTION.read_text())
    (root / "submission_metadata.json").write_text(json.dumps({"users": [{"email": "ada@example.org"}]}))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(base), "AUTOGRADER_ROOT": str(root)}
    done = subprocess.run(["bash", str(root / "run_autograder")], env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 2.0, json.dumps(results)[:2000]
    assert "Graded in a sandbox of level" in results["output"]
