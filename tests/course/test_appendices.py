"""The appendices (appendices/*.md): present, well-formed, and unable to drift from the code.

* every page exists, starts with exactly one `# ` heading and contains no placeholder text;
* Appendix B's nnlib example is run as printed and must reach a test accuracy of at least 0.9;
* every `python -m autograder VERB` and `make TARGET` that Appendix D shows exists: the verbs are
  read from the grader's own `--help`, the targets from the Makefile, and every `--option` given
  to a verb must appear in that verb's `--help`.
"""
import io
import re
import subprocess
import sys
from contextlib import redirect_stdout

import pytest

from coursetools import ROOT, tool_env

APPENDICES = ROOT / "appendices"
PAGES = ("a-beyond-dense-networks", "b-nnlib-to-frameworks", "c-notation-glossary",
         "d-instructor-guide", "e-further-reading")
FENCE = re.compile(r"^[ \t]*(`{3,})([^\n`]*)\n(.*?)^[ \t]*\1[ \t]*$", re.S | re.M)   # fences may be indented (lists)


def page(name):
    return (APPENDICES / f"{name}.md").read_text(encoding="utf-8")


def code_blocks(text):
    """[(info string, body)] of the fenced code blocks, in order."""
    return [(m.group(2).strip(), m.group(3)) for m in FENCE.finditer(text)]


def code_text(text):
    """Everything the page shows as code: fenced blocks and inline `code` spans."""
    blocks = [body for _, body in code_blocks(text)]
    prose = FENCE.sub("", text)
    return blocks + [span.replace("\n", " ") for span in re.findall(r"`([^`]+)`", prose)]


# ---------------------------------------------------------------------- every page
@pytest.mark.parametrize("name", PAGES)
def test_page_exists_with_one_title(name):
    text = page(name)
    assert text.startswith("# "), f"{name}.md must start with its `# Title` line"
    outside_code = FENCE.sub("", text)
    titles = [line for line in outside_code.splitlines() if re.match(r"#\s", line)]
    assert len(titles) == 1, f"{name}.md has {len(titles)} top-level headings: {titles}"


@pytest.mark.parametrize("name", PAGES)
def test_no_placeholders(name):
    text = page(name)
    for word in ("TODO", "lorem", "FIXME", "XXX"):
        assert word.lower() not in text.lower(), f"{name}.md still contains {word!r}"


@pytest.mark.parametrize("name", PAGES)
def test_no_executable_cells(name):
    """Plain MyST pages: code is shown in ```python blocks, never in {code-cell} directives."""
    assert "{code-cell}" not in page(name)


@pytest.mark.parametrize("name", PAGES)
def test_code_spans_are_balanced(name):
    """Outside fenced blocks every `code span` closes, so the tests below read code, not prose."""
    for number, paragraph in enumerate(re.split(r"\n\s*\n", FENCE.sub("", page(name))), 1):
        assert paragraph.count("`") % 2 == 0, f"{name}.md, paragraph {number}: an unclosed ` in {paragraph[:80]!r}"


def test_no_other_pages():
    """The release lists every appendices/*.md in the table of contents: nothing unexpected."""
    assert sorted(p.stem for p in APPENDICES.glob("*.md")) == sorted(PAGES)


# ---------------------------------------------------------------------- Appendix B
def nnlib_example():
    text = page("b-nnlib-to-frameworks")
    match = re.search(r"^## nnlib\s*$", text, re.M)
    assert match, "Appendix B needs a '## nnlib' section"
    blocks = [body for info, body in code_blocks(text[match.end():]) if info == "python"]
    assert blocks, "no ```python block after the nnlib heading"
    return blocks[0]


def test_nnlib_example_uses_the_stated_network():
    code = nnlib_example()
    for piece in ('Dense(2, 16, "relu", init="he")', 'Dense(16, 16, "relu", init="he")',
                  'Dense(16, 1, "sigmoid")', 'loss="binary_cross_entropy"', "lr=0.05", "epochs=300",
                  "batch_size=32", "momentum=0.9", "datasets.circle"):
        assert piece in code, f"the nnlib example should contain {piece}"


def test_nnlib_example_runs_and_learns():
    namespace = {"__name__": "appendix_b"}
    out = io.StringIO()
    with redirect_stdout(out):
        exec(compile(nnlib_example(), "appendix-b-nnlib", "exec"), namespace)
    accuracy = namespace["accuracy"]
    assert accuracy >= 0.9, f"the nnlib example reached a test accuracy of {accuracy}"
    assert f"test accuracy: {accuracy:.3f}" in out.getvalue()
    assert "(2, 16)" in out.getvalue()
    history = namespace["history"]
    assert len(history.history["loss"]) == 300


def test_framework_snippets_are_marked_as_not_executed():
    text = page("b-nnlib-to-frameworks")
    assert "not executed" in text
    infos = [info for info, _ in code_blocks(text)]
    assert infos.count("python") >= 4, "one python block per framework (nnlib, PyTorch, Keras, scikit-learn)"
    for heading in ("## PyTorch", "## Keras", "## scikit-learn"):
        assert heading in text


# ---------------------------------------------------------------------- Appendix D
def autograder_help(*verb):
    result = subprocess.run([sys.executable, "-m", "autograder", *verb, "--help"], cwd=ROOT, env=tool_env(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def verbs():
    match = re.search(r"\{([a-z,-]+)\}", autograder_help())
    assert match, "cannot find the verbs in `python -m autograder --help`"
    return set(match.group(1).split(","))


@pytest.fixture(scope="module")
def make_targets():
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z][\w-]*)\s*:(?!=)", text, re.M))


def guide_code():
    return "\n".join(code_text(page("d-instructor-guide")))


def test_guide_names_only_real_verbs(verbs):
    used = set(re.findall(r"python -m autograder ([a-z][a-z-]*)", guide_code()))
    assert {"release", "grade", "feedback", "export", "gradescope"} <= used, "the guide should show every verb"
    assert used <= verbs, f"Appendix D uses verbs the grader does not have: {sorted(used - verbs)}"


def test_guide_names_only_real_make_targets(make_targets):
    used = set(re.findall(r"\bmake ([a-z][\w-]*)", guide_code()))
    assert {"release", "check-release", "grade", "feedback", "export", "gradescope", "nbgrade"} <= used
    assert used <= make_targets, f"Appendix D uses make targets that do not exist: {sorted(used - make_targets)}"


def test_guide_uses_only_real_options(verbs):
    """Every --option written after `python -m autograder VERB` on one line is in VERB's --help."""
    code = re.sub(r"\n[ \t]+(?=\[)", " ", guide_code())   # a usage line continued on the next line
    checked = 0
    for verb in verbs:
        call = re.compile(rf"python -m autograder {re.escape(verb)}(?![\w-])")
        lines = [line for line in code.splitlines() if call.search(line)]
        if not lines:
            continue
        known = set(re.findall(r"--[a-z][a-z-]*", autograder_help(verb)))
        for line in lines:
            tail = line[call.search(line).end():].split("#", 1)[0]
            for option in re.findall(r"(?<![\w-])--[a-z][a-z-]*", tail):
                checked += 1
                assert option in known, f"`python -m autograder {verb}` has no option {option}"
    # The option table of `grade` and its usage line continue on a second line: check those too.
    grade_known = set(re.findall(r"--[a-z][a-z-]*", autograder_help("grade")))
    table = re.findall(r"^\| `(--[a-z][a-z-]*)`", page("d-instructor-guide"), re.M)
    assert table, "the guide's option table for grade is missing"
    for option in table:
        checked += 1
        assert option in grade_known, f"`python -m autograder grade` has no option {option}"
    assert checked >= 8


def test_guide_make_variables_exist():
    """VAR=value given to make in the guide are variables the Makefile reads."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for line in guide_code().splitlines():
        if not re.search(r"\bmake [a-z]", line):
            continue
        for var in re.findall(r"\b([A-Z][A-Z_]+)=", line.split("#", 1)[0]):
            assert f"$({var})" in makefile, f"the Makefile does not use {var} (in: {line.strip()})"


def test_guide_settings_are_read_by_the_code():
    text = page("d-instructor-guide")
    sources = "".join(p.read_text(encoding="utf-8") for p in
                      [ROOT / "nbgrader_config.py", *sorted((ROOT / "autograder").glob("*.py"))])
    for variable in set(re.findall(r"NNLIB_[A-Z_]+", text)):
        assert variable in sources, f"Appendix D mentions {variable}, which no grading code reads"


# Paths the guide names that commands create (outputs, caches, the secret): they need not exist yet.
GENERATED = (".venv/", "_build/", "autograder/.grading-secret", "autograder/dist/", "autograder/export/",
             "autograder/feedback/", "autograder/grades.csv", "autograder/nbgrader-feedback/",
             "autograder/results/", "autograder/submitted/", "autograder/gradebook.db")
PLACEHOLDER = re.compile(r"\b(NN|STUDENT|DIR|FILE|TIMESTAMP)\b|NN-slug|chNN|slug\.")


def guide_paths():
    """Repository paths the guide shows as code: `dir/file` spans, root files such as
    `nbgrader_config.py`, and the modules of `python -m package.module`. Placeholders
    (NN-slug, STUDENT, ...) and outputs that commands create are left out."""
    top = {p.name for p in ROOT.iterdir() if p.is_dir()}
    paths = set()
    for span in code_text(page("d-instructor-guide")):
        for module in re.findall(r"python -m ([\w.]+)", span):
            paths.add(module.replace(".", "/") + ("/__main__.py" if "." not in module else ".py"))
        for token in re.split(r"[\s=,()\[\]]+", span):
            token = token.strip("`'\":;")
            if PLACEHOLDER.search(token) or token.startswith(GENERATED) or token.rstrip("/") + "/" in GENERATED:
                continue
            if "/" in token and token.split("/")[0] in top | {"autograder", "course"}:
                paths.add(token)
            elif re.fullmatch(r"[\w-]+\.(py|yml|toml|md|cfg)", token):
                paths.add(token)
    return paths


def test_guide_paths_exist():
    """Every file, folder and module of the repository that the guide names exists (a file that
    moved, e.g. autograder/nbgrade.py to course/nbgrade.py, fails here until the guide follows)."""
    paths = guide_paths()
    for expected in ("course/release.py", "course/nbgrade.py", "nbgrader_config.py", "autograder/__main__.py"):
        assert expected in paths, f"the guide should name {expected} (or this test's extraction broke)"
    missing = sorted(path for path in paths if not (ROOT / path).exists())
    assert not missing, f"Appendix D names paths that do not exist in the repository: {missing}"


# ---------------------------------------------------------------------- one notation (issue 13)
MATH = re.compile(r"\$\$(.+?)\$\$|\$([^$\n]+)\$", re.S)
PROSE_PAGES = (*PAGES, "../intro")
SUBSCRIPT_LAYER = re.compile(r"(?<![A-Za-z\\])(W|Z|A|b|\\delta|dW|dZ|dA|db)_\{?(l|L|l\s*[-+]\s*1|\d)\}?(?![\w{])")


def paragraphs(name):
    """The page outside fenced code, cut into paragraphs and table rows (one claim each)."""
    text = FENCE.sub("", page(name))
    return [part for block in re.split(r"\n\s*\n", text)
            for part in (block.splitlines() if block.lstrip().startswith("|")
                         else re.split(r"\n(?=- |\d+\. )", block))]


@pytest.mark.parametrize("name", PROSE_PAGES)
def test_layers_are_numbered_by_bracketed_superscripts(name):
    """W^{[l]}, Z^{[l]}, A^{[l-1]}, δ^{[l]}: never W_l, Z_2 or A_{l-1} in the formulas."""
    math = [m.group(1) or m.group(2) for m in MATH.finditer(FENCE.sub("", page(name)))]
    wrong = sorted({hit.group(0) for formula in math for hit in SUBSCRIPT_LAYER.finditer(formula)})
    assert not wrong, f"{name}.md numbers layers with subscripts: {wrong} (write W^{{[l]}}, Z^{{[l]}}, ...)"


@pytest.mark.parametrize("name", PAGES)
def test_momentum_is_mu_and_xavier_is_not_lecun(name):
    """β is the regression coefficients and batch norm's shift, so the momentum coefficient is μ;
    N(0, 1/n_in) is LeCun's initialisation: a claim calling it Xavier/Glorot must say so."""
    one_over_fan_in = re.compile(r"1\s*/\s*(\\sqrt\{?\s*)?n_?(\\text\{in\}|\{\\text\{in\}\}|in\b)")
    for part in paragraphs(name):
        low = part.lower()
        if "momentum" in low and ("\\beta" in part or "β" in part):
            assert "\\mu" in part or "μ" in part, f"{name}.md: β next to momentum without μ: {part[:120]!r}"
        if ("xavier" in low or "glorot" in low) and one_over_fan_in.search(part):
            assert "lecun" in low, f"{name}.md: 1/n_in called Xavier/Glorot without naming LeCun: {part[:120]!r}"


def test_the_checks_above_can_fail():
    bad = "a momentum $\\beta$ of 0.9, and Xavier's $N(0, 1/n_\\text{in})$"
    assert SUBSCRIPT_LAYER.search("Z_l = A_{l-1} W_l") and not SUBSCRIPT_LAYER.search("W^{[l]}_{jk} \\sigma_B^2")
    assert "\\mu" not in bad and "lecun" not in bad.lower()


GLOSSARY_TERMS = ("Adam", "Bias correction", "Momentum", "Error of a layer", "Softmax Jacobian",
                  "Negative log-likelihood", "Categorical cross-entropy", "Batch normalisation backward pass",
                  "LeCun initialisation", "Glorot (Xavier) initialisation", "He initialisation",
                  "Data augmentation", "Held-out accuracy", "Computational graph")


def glossary():
    text = page("c-notation-glossary")
    block = text[text.index("```{glossary}"):]
    return dict(re.findall(r"^(\S[^\n]*)\n((?:  [^\n]*\n?)+)", block, re.M))


def test_glossary_defines_the_course_terms():
    entries = glossary()
    missing = [term for term in GLOSSARY_TERMS if term not in entries]
    assert not missing, f"Appendix C's glossary lacks {missing}"
    assert "2/(n_\\text{in} + n_\\text{out})" in entries["Glorot (Xavier) initialisation"]
    assert "N(0, 1/n_\\text{in})" in entries["LeCun initialisation"]
    assert "N(0, 2/n_\\text{in})" in entries["He initialisation"]
    for symbol in ("\\rho_1", "\\rho_2", "\\varepsilon", "\\hat m", "\\hat v"):
        assert symbol in entries["Adam"], f"the Adam entry should use {symbol}"
    assert "(P - Y)/n" in entries["Categorical cross-entropy"]
    assert "zeros" in entries["Data augmentation"] and "np.roll" in entries["Data augmentation"]
    terms = list(entries)
    assert terms == sorted(terms, key=str.lower), "glossary entries are in alphabetical order"


def test_glossary_points_to_chapters_that_exist():
    chapters = {p.name[:2] for p in (ROOT / "solutions").iterdir() if re.match(r"\d\d-", p.name)}
    cited = set()
    for group in re.findall(r"chapters? ((?:\d\d(?:, | and )?)+)", page("c-notation-glossary")):
        cited |= set(re.findall(r"\d\d", group))
    assert cited and cited <= chapters, f"Appendix C cites chapters that do not exist: {sorted(cited - chapters)}"


# ---------------------------------------------------------------------- names that must exist in nnlib
NNLIB_MODULES = ("activations", "datasets", "gradcheck", "layers", "losses", "models", "network",
                 "normalization", "optim", "regularization")


@pytest.mark.parametrize("name", ("b-nnlib-to-frameworks", "c-notation-glossary"))
def test_nnlib_names_in_the_appendix_exist(name):
    """Every `module.function` of nnlib, every loss= and init= name the appendix shows is real."""
    import importlib

    from nnlib import losses, network
    spans = "\n".join(code_text(page(name)))
    if name == "b-nnlib-to-frameworks":     # loss= and init= of nnlib, not of Keras: the nnlib column
        table = page(name).split("| concept | nnlib | PyTorch |", 1)[1].split("\n\n", 1)[0]
        nnlib_side = nnlib_example() + "\n".join(row.split("|")[2] for row in table.splitlines()[2:])
    else:
        nnlib_side = spans
    used = {(module, attr) for module, attr in
            re.findall(rf"(?<![\w.])(?:nnlib\.)?({'|'.join(NNLIB_MODULES)})\.([A-Za-z_]\w*)", spans)
            if attr[0].islower() or module == "models"}   # torch.optim.Adam, Keras's layers.Dense: not ours
    assert used, "no nnlib names found: the extraction broke"
    missing = [f"{module}.{attr}" for module, attr in sorted(used)
               if not hasattr(importlib.import_module(f"nnlib.{module}"), attr)]
    assert not missing, f"{name}.md names nnlib functions that do not exist: {missing}"
    names = [next(filter(None, pair)) for pair in re.findall(r'loss="(\w+)"|"(\w+_cross_entropy)"', nnlib_side)]
    assert names or name != "b-nnlib-to-frameworks", "no nnlib loss names found: the extraction broke"
    for loss in names:
        assert loss in losses.NAMES, f"{name}.md names a loss nnlib does not have: {loss}"
    for init in re.findall(r'init="(\w+)"', nnlib_side):
        assert init in network.SCHEMES, f"{name}.md names an init scheme nnlib does not have: {init}"


def test_framework_tables_cover_the_new_topics():
    text = page("b-nnlib-to-frameworks")
    for table_start in ("| concept | nnlib | PyTorch |", "| concept | Keras | scikit-learn |"):
        table = text[text.index(table_start):].split("\n\n", 1)[0]
        rows = {line.split("|")[1].strip() for line in table.splitlines()[2:]}
        for concept in ("softmax", "multi-class cross-entropy", "momentum", "Adam", "batch normalisation",
                        "shifting images (augmentation)", "initialisation"):
            assert concept in rows, f"the table '{table_start}' has no row for {concept}"
    torch_ce = next(line for line in text.splitlines() if "nn.CrossEntropyLoss()" in line and line.startswith("| multi"))
    assert "logits" in torch_ce and "no softmax" in torch_ce


# ---------------------------------------------------------------------- Appendix E
def test_further_reading_has_the_sources_of_the_new_topics():
    text = page("e-further-reading")
    for needle, what in (("neuralnetworksanddeeplearning.com/chap2.html", "Nielsen, chapter 2 (backprop)"),
                         ("Kingma and Ba (2015)", "Adam, ICLR 2015"), ("arxiv.org/abs/1412.6980", "Adam"),
                         ("proceedings.mlr.press/v9/glorot10a", "Glorot and Bengio 2010"),
                         ("arxiv.org/abs/1502.01852", "He et al. 2015"),
                         ("10.1007/3-540-49430-8_2", "LeCun et al. 1998, Efficient BackProp"),
                         ("cs231n", "CS231n notes"), ("kratzert.github.io", "batch-norm backward, worked"),
                         ("10.24432/C50P49", "the UCI digits"), ("load_digits", "scikit-learn's digits")):
        assert needle in text, f"Appendix E should list {what} ({needle})"
    items = [line for line in text.splitlines() if line.startswith("- ")]
    assert items and all(re.match(r"- \[[^\]]+\]\(https?://[^)\s]+\)", line) for line in items), \
        "every entry starts with a [title](address) link"
