# Two commands for a fresh machine (Python >= 3.10 and make): `make book` and `make test`.
# Instructors: `make release`, `make grade`, `make feedback`, `make export` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# nbgrader runs helper programs (alembic) from PATH: put the venv's bin/ first.
export PATH := $(abspath $(BIN)):$(PATH)

CHAPTER  ?= 02-the-neuron
STUDENT  ?=
NOTEBOOK ?=
SEED     ?=

.PHONY: test bench book release check-release grade feedback export clean

$(STAMP): pyproject.toml requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -e .
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest -q tests

bench: $(STAMP)
	$(BIN)/python bench/run.py

# The static site: executes chapters/ (cached in _build/.jupyter_cache) and writes _build/html.
book: $(STAMP)
	$(BIN)/jupyter-book build . --keep-going
	@echo "The site is built: open _build/html/index.html in a browser."

# solutions/NN-slug/slug.ipynb -> chapters/NN-slug/slug.ipynb and _toc.yml (nbgrader generate_assignment).
release: $(STAMP)
	$(BIN)/python autograder/release.py

# Fails when chapters/ or _toc.yml differ from what `make release` would write.
check-release: $(STAMP)
	$(BIN)/python autograder/release.py --check

# make grade CHAPTER=02-the-neuron STUDENT=alice NOTEBOOK=path/to/the-neuron.ipynb
# (without NOTEBOOK/STUDENT: every submission in autograder/submitted/*/CHAPTER/)
grade: $(STAMP)
	$(BIN)/python autograder/nbgrade.py $(CHAPTER) \
	  $(if $(STUDENT),--student $(STUDENT)) $(if $(NOTEBOOK),--notebook $(NOTEBOOK)) \
	  $(if $(SEED),--seed $(SEED))

feedback: $(STAMP)
	$(BIN)/nbgrader generate_feedback $(CHAPTER) $(if $(STUDENT),--student $(STUDENT)) --force

export: $(STAMP)
	$(BIN)/nbgrader export --to autograder/grades.csv
	@echo "Grades written to autograder/grades.csv"

clean:
	rm -rf _build
