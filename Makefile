# Two commands: `make run` and `make test`. Both bootstrap .venv from pinned requirements
# and are idempotent (the venv is rebuilt only when a requirements file changes).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test test-fast bench lint venv clean

PIP := $(PY) -m pip install --quiet --disable-pip-version-check

$(STAMP): requirements.txt requirements-build.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements-build.txt -r requirements.txt 2>&1 | grep -v "^WARNING: Location" || true
	@$(PY) -c "import numba, polars, pydantic" || { echo "dependency install failed"; exit 1; }
	$(PIP) --no-deps --no-build-isolation -e .
	@touch $@

$(TEST_STAMP): $(STAMP) requirements-test.txt
	$(PIP) -r requirements-test.txt 2>&1 | grep -v "^WARNING: Location" || true
	@$(PY) -c "import simpy, pm4py, hypothesis, pytest" || { echo "test dependency install failed"; exit 1; }
	@touch $@

venv: $(STAMP)

## make run: the built-in demo factory, simulated, with its KPI table.
run: $(STAMP)
	$(VENV)/bin/processfactory simulate demo --reps 10

## make test: the whole suite, slow statistical tests included.
test: $(TEST_STAMP)
	$(PY) -m pytest -n 2 --dist loadgroup

## make test-fast: the suite without tests marked slow.
test-fast: $(TEST_STAMP)
	$(PY) -m pytest -n 2 --dist loadgroup -m "not slow and not browser"

## make bench: engine vs SimPy, replication batches, compile and start-up times.
bench: $(TEST_STAMP)
	$(PY) benchmarks/engine_vs_simpy.py

## make lint: ruff (lint and format) and mypy --strict on the package.
lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check src tests benchmarks examples
	$(VENV)/bin/ruff format --check src tests benchmarks examples
	$(VENV)/bin/mypy src/processfactory

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .hypothesis
