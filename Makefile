# Two commands for learners and CI:  make course  (run every chapter headless)  and  make test.
# Both create .venv on first use and install everything from this project's own files.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# The CPU build of PyTorch: small, and what CI uses. On a GPU machine, install the build
# that matches your CUDA first (https://pytorch.org/get-started/) and run: make TORCH=torch
TORCH ?= torch==2.13.0
COURSE_OUT ?= build/course
COURSE_PROFILE ?= embedded
STAMP := $(VENV)/.installed
# the translated chapters (make translations writes them): notebooks/<lang>/NN_name.ipynb
TRANSLATED := $(sort $(dir $(wildcard notebooks/*/[0-9][0-9]_*.ipynb)))
# OpenMP threads that spin while they wait slow training up to 20x when another process
# (a Spark worker, a second training process) shares the cores; passive waiting avoids it.
export OMP_WAIT_POLICY ?= PASSIVE

.PHONY: venv test lint unit notebooks course lab clean lessons translations test-translations
.DEFAULT_GOAL := test

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q "$(TORCH)"
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m nbstripout --verify notebooks/*.ipynb $(wildcard notebooks/*/*.ipynb)

# Offline, on the embedded profile, as CI runs it: unit tests, doctests, the real-data tier
# (skipped without ../shared/data) and every notebook under nbval.
test: lint
	HF_HUB_OFFLINE=1 COURSE_PROFILE=embedded CI=1 $(PY) -m pytest tests helpers notebooks/*.ipynb \
		--nbval-lax --nbval-current-env --nbval-cell-timeout=600 --durations=15
	$(MAKE) --no-print-directory test-translations

# Every translated chapter under nbval, two notebooks at a time (--dist loadfile keeps each
# notebook's cells on one worker, in order). The code cells are the English ones: this
# catches broken cell structure, tags and language switching, not new code.
test-translations: $(STAMP)
	HF_HUB_OFFLINE=1 COURSE_PROFILE=embedded CI=1 $(PY) -m pytest -n 2 --dist loadfile \
		$(TRANSLATED) --nbval-lax --nbval-current-env --nbval-cell-timeout=600 --durations=5

unit: $(STAMP)
	HF_HUB_OFFLINE=1 COURSE_PROFILE=embedded $(PY) -m pytest tests helpers

notebooks: $(STAMP)
	HF_HUB_OFFLINE=1 COURSE_PROFILE=embedded $(PY) -m pytest notebooks --nbval-lax --nbval-current-env --durations=0

course: $(STAMP)
	COURSE_PROFILE=$(COURSE_PROFILE) $(PY) -m helpers.course --output $(COURSE_OUT)

# The lesson's functions live in notebook cells and in helpers (the source of truth): after
# editing one in helpers, copy it into its cell. tests/test_lesson_cells.py fails on drift.
lessons: $(STAMP)
	$(PY) tools/lesson_cells.py --sync

# After changing an English notebook or a _("...") text: update the catalogues (changed
# cells turn fuzzy), rebuild notebooks/<lang>/, the README's table; print the coverage.
translations: $(STAMP)
	$(PY) -m tools.translations

lab: $(STAMP)
	$(PY) -m pip install -q -e ".[dev,lab]"
	$(VENV)/bin/jupyter lab notebooks/

clean:
	rm -rf build .pytest_cache .ruff_cache
