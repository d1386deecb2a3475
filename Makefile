# Document Assistant. `make run` starts the app, `make test` runs every test headless.
# Both build .venv from nothing but python3, and refresh it when pyproject.toml changes.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint sandbox clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m assistant $(ARGS)

sandbox: $(STAMP)
	$(BIN)/python -m assistant.sandbox $(ARGS)

# Tests run headless (Qt offscreen); the keyring tests get a private, throwaway
# Secret Service (gnome-keyring in its own D-Bus session) when the machine has one.
test: $(STAMP)
	tests/with-keyring $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m pytest tests/benchmarks -p no:cacheprovider -s -o addopts="-ra --strict-markers" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check assistant tests
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
