# Two commands do all the set-up: `make reports` and `make test` (both install first when needed).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install reports test lint sample bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,lint,pdf]'
	$(BIN)/python -m ipykernel install --sys-prefix --name kceval --display-name "Python (kceval)"
	touch $(STAMP)

install: $(STAMP)

# one batch for the four years: one start-up, warm kernels throughout, one index
reports: install
	$(BIN)/kceval batch --year 2019:2019-06-30 2024 2025 2026 --level all --out reports

# on every core and one more (pytest-xdist, -n auto: tests/conftest.py); a test file stays on one worker, which
# shares its module fixtures
test: install
	$(BIN)/python -m pytest -n auto --dist loadfile

# ruff (style, import order), mypy (types of kceval/), import-linter (the layers of DESIGN.md §1)
lint: install
	$(BIN)/ruff check kceval tests benchmarks notebooks
	$(BIN)/mypy
	$(BIN)/lint-imports

sample: install
	$(BIN)/kceval sample --out data/sample

bench: install
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/bench_metrics.py

clean:
	rm -rf $(VENV) reports/*.html reports/*.ipynb reports/.cache
