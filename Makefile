# scoped-modules developer targets. Only Python 3.11+, git and make are needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test fuzz bench lint venv clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11+ is required"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,bench]'
	$(BIN)/python -m compileall -q src >/dev/null
	@touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/run_demo.py

test: $(STAMP)
	$(BIN)/python -m pytest -m "not fuzz"

# Fuzz targets and oracle campaigns; SCOPED_FUZZ_EXAMPLES sets the examples per target.
fuzz: $(STAMP)
	$(BIN)/python -m pytest -m fuzz tests/fuzz

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/activity_bench.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench examples/run_demo.py
	$(BIN)/ruff format --check src tests bench examples/run_demo.py
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) .pytest_cache .git/scoped
