# Harborline: the only commands people need. `make demo` and `make test` work on a fresh machine
# with Python 3.11 and make; everything else is installed into .venv from PyPI.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PYTEST_ARGS ?=
# make bench-load: virtual users, seconds, size of the state-scale data set (1 = all of Nevada)
LOAD_USERS ?= 50
LOAD_DURATION ?= 600
LOAD_SCALE ?= 1
# make demo PORT=8080 PACK=washington: the demo's port and state (nevada, washington, wisconsin)
PORT ?= 8000
PACK ?= nevada

.PHONY: demo test e2e screenshots bench bench-load bench-faults bench-linkage lint venv clean help

help:
	@echo "make demo   install, migrate an embedded SQLite database, load demo data, serve on http://127.0.0.1:8000 (PORT=8080, PACK=washington|wisconsin)"
	@echo "make test   the whole test suite on SQLite (browser tests when Debian's chromium is installed)"
	@echo "make e2e    only the browser tests"
	@echo "make screenshots  run the browser tests and refresh the user guide's screenshots in docs/screenshots"
	@echo "make bench  state-scale data and the load benchmark; results in bench/results/"
	@echo "make bench-load   mixed load (Locust) on PostgreSQL: DATABASE_URL, LOAD_USERS=50 LOAD_DURATION=600 LOAD_SCALE=1"
	@echo "make bench-faults  the fault tests: PostgreSQL restarted under load, worker killed, keys rotated"
	@echo "make bench-linkage  record linkage: Splink on plaintext FEBRL4 vs Harborline on encodings, 1M x 1M synthetic, the linking SQL on Spark"
	@echo "make lint   ruff, mypy, the import layers (lint-imports), migrations check"

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $@

demo: venv
	$(BIN)/harborline demo --port $(PORT) --pack $(PACK)

test: venv
	@command -v chromium >/dev/null 2>&1 || echo "NOTICE: Debian's chromium is not installed, so the browser tests (tests/e2e) will be skipped. Install it with: apt-get update && apt-get install -y chromium"
	$(BIN)/pytest $(PYTEST_ARGS)

e2e: venv
	@command -v chromium >/dev/null 2>&1 || { echo "Debian's chromium is required for the browser tests: apt-get update && apt-get install -y chromium"; exit 2; }
	$(BIN)/pytest -m e2e $(PYTEST_ARGS)

screenshots: venv
	HARBORLINE_SCREENSHOTS=1 $(BIN)/pytest -m e2e $(PYTEST_ARGS)

bench: venv
	$(BIN)/python bench/run.py
	$(BIN)/python bench/directory.py
	$(BIN)/python bench/reporting.py

bench-load: venv
	HARBORLINE_LOAD_USERS=$(LOAD_USERS) HARBORLINE_LOAD_DURATION=$(LOAD_DURATION) \
	HARBORLINE_LOAD_SCALE=$(LOAD_SCALE) $(BIN)/python bench/load.py

bench-faults: venv
	$(BIN)/pytest -p no:cacheprovider -m faults tests/faults $(PYTEST_ARGS)

# The bench extra (splink, recordlinkage, pyspark) is installed here only, never for CI.
bench-linkage: venv
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python bench/linkage.py
	$(BIN)/pytest -p no:cacheprovider -m spark tests/linkage/test_spark.py $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src
	$(BIN)/lint-imports --no-cache --no-logo
	DJANGO_SETTINGS_MODULE=harborline.config.settings $(BIN)/harborline manage makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
