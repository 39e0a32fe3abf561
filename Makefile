PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: demo test lint typecheck pytest bench clean chromium

CHROMIUM := /usr/bin/chromium

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

# Debian's Chromium for the browser tests (Playwright drives it; never `playwright install`).
# Installed only where missing: as root with apt-get, else with passwordless sudo; otherwise the
# browser tests skip and say why.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
	      || echo "apt-get could not install chromium: browser tests will skip"; \
	  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then \
	    { sudo apt-get update -qq \
	      && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
	      || echo "apt-get could not install chromium: browser tests will skip"; \
	  else \
	    echo "chromium missing and not installable here (needs root): browser tests will skip"; \
	  fi; \
	fi

pytest: $(DEVSTAMP) chromium
	$(BIN)/python -m pytest -n 2 -q

test: lint typecheck pytest

bench: $(DEVSTAMP)
	$(BIN)/python benchmarks/dispatch_bench.py
	$(BIN)/python benchmarks/compare_bench.py
	$(BIN)/python benchmarks/kernels_bench.py
	$(BIN)/python benchmarks/service_bench.py
	$(BIN)/python benchmarks/supply_bench.py
	$(BIN)/python benchmarks/company_bench.py

clean:
	rm -rf $(VENV) build dist *.egg-info
