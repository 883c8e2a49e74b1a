# Parley's two commands: `make run` and `make test`. Everything else here serves them.
# Both install what they need into .venv/ (and node_modules/ once the front ends exist) and are
# quick the second time: a step reruns only when its lock file changed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: run test lint typecheck check install clean

run: $(VENV)/.synced
	$(BIN)/parley run

test: $(VENV)/.synced
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

# uv installs the locked set in seconds; it is itself bootstrapped from PyPI with pip.
$(VENV)/.synced: pyproject.toml uv.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/pip install --quiet --disable-pip-version-check uv
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --frozen --quiet
	touch $@

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
