# Two commands: `make run` and `make test`. Both bootstrap .venv from pinned requirements
# and are idempotent (the venv is rebuilt only when a requirements file changes).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

NODE_STAMP := node_modules/.installed

.PHONY: run test test-fast test-web bench lint venv web-setup clean

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

# Browser libraries (htmx, vega-embed) come from the npm registry, pinned by package-lock.json.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@

## web-setup: translations compiled, database migrated (idempotent).
web-setup: $(STAMP) $(NODE_STAMP)
	$(PY) manage.py compiletranslations
	$(PY) manage.py migrate --no-input -v 0

## make run: migrate, load the demo data, serve the web app on 127.0.0.1:8000 (prints logins).
run: web-setup
	$(PY) manage.py loaddemo
	$(PY) manage.py serve --addr 127.0.0.1 --port 8000

## make test: the whole suite, slow statistical tests included.
test: $(TEST_STAMP) $(NODE_STAMP)
	$(PY) manage.py compiletranslations
	$(PY) -m pytest -n 2 --dist loadgroup

## make test-fast: the suite without tests marked slow.
test-fast: $(TEST_STAMP) $(NODE_STAMP)
	$(PY) manage.py compiletranslations
	$(PY) -m pytest -n 2 --dist loadgroup -m "not slow and not browser"

## make test-web: the web tests only (CI runs them again on PostgreSQL with DATABASE_URL set).
test-web: $(TEST_STAMP) $(NODE_STAMP)
	$(PY) manage.py compiletranslations
	$(PY) -m pytest -n 2 --dist loadgroup tests/web

## make bench: engine vs SimPy, replication batches, compile and start-up times; the live game
## under load over websockets (16, 96 and 200 participants).
bench: $(TEST_STAMP)
	$(PY) benchmarks/engine_vs_simpy.py
	$(PY) benchmarks/live_game_load.py --participants 16,96,200 --seconds 20
	$(PY) benchmarks/live_game_load.py --participants 200 --group 16 --seconds 20
	$(PY) benchmarks/live_game_load.py --participants 200 --mode online --seconds 20

## make lint: ruff (lint and format) and mypy --strict on the package.
lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check src tests benchmarks examples
	$(VENV)/bin/ruff format --check src tests benchmarks examples
	$(VENV)/bin/mypy src/processfactory

clean:
	rm -rf $(VENV) node_modules build src/*.egg-info .pytest_cache .hypothesis
