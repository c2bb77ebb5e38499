"""The nnlib the sandbox imports: a copy without the answer keys.

    folder = gradingcopy.build({"nnlib.layers.dense_forward", "nnlib.network.forward"})
    # folder/nnlib/...     the library, with those two replaced by stubs
    # folder/_harness/     child.py, protocol.py and checks/calling.py, the code the sandbox starts

A key that is not an nnlib name but a whole installed package (e.g. "sklearn", whose
MLPClassifier would train the chapter 09 capstone, and whose bundled data would let a student
look the held-out digits up) is listed in the copy's HIDDEN_PACKAGES file; the sandbox mounts
an empty folder over that package, so it cannot be imported while grading.

Every answer key of the chapter being graded (the exercise declarations' `answer_keys`, or
their reference's module and name) and every helper an exercise forbids is replaced *in the
source* by a stub with the same signature:

    def dense_forward(A_prev, W, b, activation, layer='dense layer'):
        raise RuntimeError("dense_forward is not available while grading: use your own ...")

(a RuntimeError, not NotImplementedError, so the feedback says "raised RuntimeError: dense_forward is
not available while grading", not "not implemented yet")

so no trick inside the sandbox (calling it, reading its source, copying its `__code__`,
importing the module under another name) can compute an answer. `nnlib/checks/` and
`nnlib/widgets/` are left out (their helpers compute answers); in their place stand small
modules whose every name is a function that does nothing, so a notebook's
`from nnlib import checks` and `checks.neuron_output(neuron_output)` still run.

The copy is built once per set of answer keys and nnlib source (its folder name is a hash of
both) under CACHE, by writing a temporary folder and renaming it: concurrent builds are safe.
The sandbox mounts it read-only.
"""
import ast
import compileall
import hashlib
import importlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
NNLIB = HERE.parent / "nnlib"
CACHE = Path(os.environ.get("NNLIB_GRADING_CACHE", HERE / ".grading-copies"))
LEFT_OUT = ("checks", "widgets")
HARNESS_FILES = {"child.py": HERE / "child.py", "protocol.py": HERE / "protocol.py",
                 "calling.py": NNLIB / "checks" / "calling.py"}     # the in-kernel checks' own caller
FORMAT = "5"     # bump when the layout of a copy changes

NOOP_MODULE = '''"""Not available while grading: every name here is a function that does nothing."""


class _Nothing:
    def __call__(self, *args, **kwargs):
        return None

    def __getattr__(self, name):
        return self


def __getattr__(name):
    return _Nothing()
'''


class AnswerKeyError(ValueError):
    """An answer key that names nothing in nnlib."""


def canonical(dotted):
    """'nnlib.dense_forward' -> 'nnlib.layers.dense_forward' (where it is defined)."""
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for name in parts[cut:]:
                obj = getattr(obj, name)
        except AttributeError:
            raise AnswerKeyError(f"answer key {dotted!r}: nnlib has no such name") from None
        module = getattr(obj, "__module__", None)
        qualname = getattr(obj, "__qualname__", None)
        if module and qualname and module.startswith("nnlib") and "<" not in qualname:
            return f"{module}.{qualname}"
        return dotted
    raise AnswerKeyError(f"answer key {dotted!r}: not an nnlib module")


def _split(dotted):
    """('nnlib/layers.py', ['dense_forward']) for 'nnlib.layers.dense_forward'."""
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        relative = Path(*parts[:cut])
        for candidate in (NNLIB.parent / relative.with_suffix(".py"), NNLIB.parent / relative / "__init__.py"):
            if candidate.is_file():
                return candidate, parts[cut:]
    raise AnswerKeyError(f"answer key {dotted!r}: no nnlib source file defines it")


def is_package_key(dotted):
    """True for a key that names a whole installed package other than nnlib ("sklearn")."""
    return "." not in dotted and dotted != "nnlib"


def _message(name):
    return (f"{name} is not available while grading this chapter (it would answer an exercise for "
            f"you): write the steps yourself, or call your own function")


def _stub_text(node, name, indent):
    pad = " " * indent
    message = _message(name)
    if isinstance(node, ast.ClassDef):
        return (f"{pad}class {node.name}:\n{pad}    def __init__(self, *args, **kwargs):\n"
                f"{pad}        raise RuntimeError({message!r})\n")
    prefix = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
    return f"{pad}{prefix} {node.name}({ast.unparse(node.args)}):\n{pad}    raise RuntimeError({message!r})\n"


def _find(body, path):
    """The def/class node at `path` (['Sequential', 'fit']) in a module or class body."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == path[0]:
            if len(path) == 1:
                return node
            if isinstance(node, ast.ClassDef):
                return _find(node.body, path[1:])
    return None


def stub_source(source, paths):
    """`source` with the definitions at each of `paths` replaced by stubs (line by line)."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    edits = []
    for path in paths:
        node = _find(tree.body, path)
        if node is None:
            raise AnswerKeyError(f"answer key {'.'.join(path)}: not defined in the module")
        first = min([node.lineno] + [d.lineno for d in node.decorator_list])
        edits.append((first, node.end_lineno, _stub_text(node, path[-1], node.col_offset)))
    for first, last, text in sorted(edits, reverse=True):
        lines[first - 1:last] = [text]
    return "".join(lines)


def definition_source(dotted):
    """The source of one definition in the real nnlib (dedented), for handing it in later."""
    path, names = _split(canonical(dotted))
    source = path.read_text(encoding="utf-8")
    node = _find(ast.parse(source).body, names)
    if node is None:
        raise AnswerKeyError(f"answer key {dotted!r}: not defined in {path.name}")
    segment = ast.get_source_segment(source, node, padded=False)
    decorators = "".join("@" + ast.get_source_segment(source, d) + "\n" for d in node.decorator_list)
    module = ".".join(path.relative_to(NNLIB.parent).with_suffix("").parts)
    if module.endswith(".__init__"):
        module = module[: -len(".__init__")]
    return module, names[-1], decorators + segment + "\n"


def _digest(keys):
    h = hashlib.sha256(f"format {FORMAT}\n".encode())
    for key in sorted(keys):
        h.update(f"key {key}\n".encode())
    for path in sorted(NNLIB.rglob("*.py")):
        relative = path.relative_to(NNLIB)
        if relative.parts[0] in LEFT_OUT:
            continue
        h.update(f"file {relative}\n".encode() + path.read_bytes())
    for name, path in sorted(HARNESS_FILES.items()):
        h.update(f"harness {name}\n".encode() + path.read_bytes())
    return h.hexdigest()[:20]


def _font_cache(folder):
    """matplotlib's font list, built once here so no sandbox has to search the fonts."""
    folder.mkdir()
    env = {"MPLCONFIGDIR": str(folder), "MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin", "HOME": str(folder)}
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=env, cwd=str(folder),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)


def build(answer_keys, cache=None):
    """The folder of the grading copy for these answer keys (built if needed); returns a Path."""
    cache = Path(cache or CACHE)
    packages = sorted({k for k in answer_keys if is_package_key(k)})
    keys = sorted({canonical(k) for k in answer_keys if not is_package_key(k)} | set(packages))
    folder = cache / f"nnlib-{_digest(keys)}"
    if (folder / "READY").exists():
        try:
            os.utime(folder)             # recently used: kept by _prune
        except OSError:
            pass
        return folder
    cache.mkdir(parents=True, exist_ok=True)
    os.chmod(cache, 0o755)
    by_file = {}
    for key in keys:
        if key in packages:
            continue
        path, names = _split(key)
        by_file.setdefault(path, []).append(names)
    work = Path(tempfile.mkdtemp(prefix=".building-", dir=cache))
    try:
        target = work / "nnlib"
        for path in sorted(NNLIB.rglob("*.py")):
            relative = path.relative_to(NNLIB)
            if relative.parts[0] in LEFT_OUT:
                continue
            out = target / relative
            out.parent.mkdir(parents=True, exist_ok=True)
            source = path.read_text(encoding="utf-8")
            if path in by_file:
                source = stub_source(source, by_file[path])
            out.write_text(source, encoding="utf-8")
        for name in LEFT_OUT:
            (target / name).mkdir(exist_ok=True)
            (target / name / "__init__.py").write_text(NOOP_MODULE, encoding="utf-8")
        harness = work / "_harness"
        harness.mkdir()
        for name, path in HARNESS_FILES.items():
            shutil.copy(path, harness / name)
        compileall.compile_dir(str(work), quiet=1)
        _font_cache(work / "mplconfig")
        (work / "KEYS").write_text("\n".join(keys) + "\n", encoding="utf-8")
        (work / "HIDDEN_PACKAGES").write_text("".join(f"{p}\n" for p in packages), encoding="utf-8")
        (work / "READY").write_text("ok\n")
        for root, dirs, files in os.walk(work):
            os.chmod(root, 0o755)
            for name in files:
                os.chmod(os.path.join(root, name), 0o644)
        try:
            os.rename(work, folder)
        except OSError:          # another process built it first
            if not (folder / "READY").exists():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _prune(cache, keep=KEEP)
    return folder


KEEP = 24    # copies kept in the cache (one per chapter and nnlib version); older ones are removed


def _prune(cache, keep):
    copies = sorted(cache.glob("nnlib-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in copies[keep:]:
        if time.time() - old.stat().st_mtime > 3600:      # never one a running grader may still use
            shutil.rmtree(old, ignore_errors=True)
