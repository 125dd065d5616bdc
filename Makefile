# Quick start:  make run   (set up .venv, check the bundled examples)
#               make test  (set up .venv, run every test)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)

# check exits 1 when it finds errors, which the examples contain on purpose;
# only exit code 2 (usage or I/O error) fails this target.
run: setup
	$(BIN)/cam-policy-ls check examples/ || [ $$? -eq 1 ]

test: setup
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache build dist
