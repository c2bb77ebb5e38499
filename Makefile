# Two commands for a fresh machine (Python >= 3.11 and make): `make book` and `make test`.
# Instructors: `make release`, `make grade`, `make feedback`, `make export`, `make gradescope` (README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# nbgrader runs helper programs (alembic) from PATH: put the venv's bin/ first.
export PATH := $(abspath $(BIN)):$(PATH)

CHAPTER     ?=
STUDENT     ?=
NOTEBOOK    ?=
SEED        ?=
SUBMISSIONS ?= autograder/submitted
WORKERS     ?=

.PHONY: test bench verify book chromium bubblewrap release check-release grade nbgrade feedback export gradescope clean

$(STAMP): pyproject.toml requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "The course needs Python 3.11 or newer (its pinned packages do); $(PYTHON) is $$($(PYTHON) --version 2>/dev/null || echo "not found"). Run e.g. make PYTHON=python3.12 ..."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -e .
	touch $(STAMP)

# The browser tests (tests/site/test_site.py) drive Debian's Chromium; install it when missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; }

# The grader's sandbox (autograder/sandbox.py) is made with bubblewrap; install it when missing.
bubblewrap:
	@command -v bwrap >/dev/null 2>&1 || { echo "Installing Debian's bubblewrap for the grader's sandbox"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q bubblewrap; }

# Two processes (pytest-xdist): the book build runs in one while the other tests run in the other
# (tests/conftest.py keeps each file in one process and starts the longest first).
TEST_WORKERS ?= 2
test: $(STAMP) chromium bubblewrap
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --no-loadscope-reorder tests

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Tests of the tests (issue 12): mutants of every exercise's answer key must lose points in its
# hidden checks; fails when one survives.   make verify   |   make verify CHAPTER=03
verify: $(STAMP)
	$(BIN)/python -m autograder.verify $(CHAPTER)

# The static site: executes chapters/ (cached in _build/.jupyter_cache) and writes _build/html.
book: $(STAMP)
	$(BIN)/jupyter-book build . --keep-going
	@echo "The site is built: open _build/html/index.html in a browser."

# solutions/NN-slug/slug.ipynb -> chapters/NN-slug/slug.ipynb and _toc.yml (nbgrader generate_assignment).
release: $(STAMP)
	$(BIN)/python -m course.release

# Fails when chapters/ or _toc.yml differ from what `make release` would write.
check-release: $(STAMP)
	$(BIN)/python -m course.release --check

# The sandboxed grader (python -m autograder): a notebook, a folder of submissions or an LMS zip.
#   make grade                                              everything in autograder/submitted/
#   make grade SUBMISSIONS=~/Downloads/export.zip           an LMS export
#   make grade NOTEBOOK="~/Downloads/Copy of the-neuron.ipynb" STUDENT=alice [CHAPTER=02-the-neuron]
#     (a single notebook is first copied to autograder/submitted/STUDENT/CHAPTER/)
grade: $(STAMP) bubblewrap
	@test -z "$(NOTEBOOK)" || test -n "$(STUDENT)" || { echo "a single NOTEBOOK needs STUDENT=... (and CHAPTER=... unless its name says)"; exit 2; }
	$(BIN)/python -m autograder grade $(if $(NOTEBOOK),"$(NOTEBOOK)" --student "$(STUDENT)" --file-into autograder/submitted $(if $(CHAPTER),--assignment "$(CHAPTER)"),"$(SUBMISSIONS)") \
	  $(if $(WORKERS),--workers $(WORKERS))

# Plain nbgrader (hidden checks inside the student's kernel, no sandbox): for comparison.
# make nbgrade CHAPTER=02-the-neuron [STUDENT=alice NOTEBOOK=path/to/the-neuron.ipynb] [SEED=N]
nbgrade: $(STAMP)
	@test -n "$(CHAPTER)" || { echo "say which chapter: make nbgrade CHAPTER=02-the-neuron"; exit 2; }
	$(BIN)/python -m course.nbgrade $(CHAPTER) \
	  $(if $(STUDENT),--student "$(STUDENT)") $(if $(NOTEBOOK),--notebook "$(NOTEBOOK)") \
	  $(if $(SEED),--seed $(SEED))

feedback: $(STAMP)
	$(BIN)/python -m autograder feedback $(if $(CHAPTER),--assignment $(CHAPTER)) $(if $(STUDENT),--student $(STUDENT))

export: $(STAMP)
	$(BIN)/python -m autograder export --to autograder/grades.csv

gradescope: $(STAMP)
	@test -n "$(CHAPTER)" || { echo "say which chapter: make gradescope CHAPTER=02-the-neuron"; exit 2; }
	$(BIN)/python -m autograder gradescope $(CHAPTER)

clean:
	rm -rf _build
