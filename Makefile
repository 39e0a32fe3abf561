PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: demo test lint typecheck pytest bench clean browser

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(DEVSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP) $@

demo: $(STAMP)
	$(BIN)/hashpivot demo --site examples/sites/permian-west-100mw-s21.toml

lint: $(DEVSTAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports --no-logo

typecheck: $(DEVSTAMP)
	$(BIN)/mypy

pytest: $(DEVSTAMP) browser
	$(BIN)/python -m pytest -n 2 -q

test: lint typecheck pytest

# headless Chromium for the browser tests (Debian's package; never `playwright install`).
# Idempotent: installs only when /usr/bin/chromium is missing; tests skip, saying why, where it
# cannot be installed.
browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq chromium >/dev/null) || echo "chromium not installed: browser tests skip"

bench: $(STAMP)
	$(BIN)/python benchmarks/dispatch_bench.py
	$(BIN)/python benchmarks/compare_bench.py
	$(BIN)/python benchmarks/kernels_bench.py
	$(BIN)/python benchmarks/service_bench.py

clean:
	rm -rf $(VENV) build dist *.egg-info
