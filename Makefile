# Parley's two commands: `make run` and `make test`. Everything else here serves them.
# Both install what they need into .venv/ (and node_modules/ once the front ends exist) and are
# quick the second time: a step reruns only when its lock file changed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: run test lint typecheck check install frontend clean bench

# Each front end has its own package-lock.json; a build reruns only when its sources change.
FRONTENDS := $(patsubst frontend/%/package.json,%,$(wildcard frontend/*/package.json))
FRONTEND_BUILDS := $(foreach f,$(FRONTENDS),frontend/$(f)/dist/.built)

run: $(VENV)/.synced $(FRONTEND_BUILDS)
	$(BIN)/parley run

test: $(VENV)/.synced $(FRONTEND_BUILDS)
	scripts/ensure-browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy parley tests
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.synced
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(VENV)/.synced
	$(BIN)/mypy parley tests

install: $(VENV)/.synced

# uv installs the locked set in seconds; it is itself bootstrapped from PyPI with pip. Bytecode is
# compiled once here: where PYTHONDONTWRITEBYTECODE is set (containers, CI) every process would
# otherwise compile scikit-learn, SciPy and pandas again as it starts (about 2.5 s of CPU each).
$(VENV)/.synced: pyproject.toml uv.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/pip install --quiet --disable-pip-version-check uv
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --frozen --quiet --compile-bytecode
	touch $@

frontend: $(FRONTEND_BUILDS)

# Stamps, not temporaries: without this make deletes them and reinstalls every time.
.PRECIOUS: frontend/%/node_modules/.installed frontend/%/dist/.built

frontend/%/node_modules/.installed: frontend/%/package-lock.json
	cd frontend/$* && npm ci --no-audit --no-fund --loglevel=error
	touch $@

.SECONDEXPANSION:
frontend/%/dist/.built: frontend/%/node_modules/.installed $$(shell find frontend/$$*/src frontend/$$*/index.html frontend/$$*/vite.config.ts frontend/$$*/package.json -type f 2>/dev/null)
	cd frontend/$* && npm run --silent build
	touch $@

# Quick versions of the real-time benchmarks (docs/benchmarks.md), against Parley in production
# mode and the B1/B2 baselines; needs the local PostgreSQL and Redis. Results go to bench/results/.
bench: $(VENV)/.synced $(FRONTEND_BUILDS)
	$(BIN)/python -m bench.run all --quick

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache frontend/*/node_modules frontend/*/dist
