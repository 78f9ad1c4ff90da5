# scoped-modules developer targets. Only Python 3.11+, git and make are needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# the readers' compiled twins, built in place (hatch_build.py); rebuilt when their source changes
SPEEDUPS := $(VENV)/.speedups

.PHONY: demo test fuzz bench lint venv clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11+ is required"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,bench]'
	$(BIN)/python -m compileall -q src >/dev/null
	@touch $(STAMP) $(SPEEDUPS)

$(SPEEDUPS): hatch_build.py src/scoped_modules/readers/_speedups.c | $(STAMP)
	$(BIN)/python hatch_build.py
	@touch $(SPEEDUPS)

venv: $(SPEEDUPS)

demo: $(SPEEDUPS)
	$(BIN)/python examples/run_demo.py

test: $(SPEEDUPS)
	$(BIN)/python -m pytest -m "not fuzz"

# Fuzz targets and oracle campaigns; SCOPED_FUZZ_EXAMPLES sets the examples per target.
fuzz: $(SPEEDUPS)
	$(BIN)/python -m pytest -m fuzz tests/fuzz

# make bench                                  generated tiers (3k, 10k), then the activity bench
# make bench REPO=path [CONFIG=path/scoped.toml] [RUNS=5]   one tier on a real repository
bench: $(SPEEDUPS)
ifdef REPO
	$(BIN)/python bench/run.py --sizes '' --runs $(or $(RUNS),5) --repo $(REPO) $(if $(CONFIG),--config $(CONFIG))
else
	$(BIN)/python bench/run.py
	$(BIN)/python bench/activity_bench.py
endif

lint: $(SPEEDUPS)
	$(BIN)/ruff check src tests bench examples/run_demo.py hatch_build.py
	$(BIN)/ruff format --check src tests bench examples/run_demo.py hatch_build.py
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) .pytest_cache .git/scoped src/scoped_modules/readers/_speedups*.so
