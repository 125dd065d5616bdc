# Quick start:  make run   (set up .venv, check the bundled examples)
#               make test  (set up .venv and the test packages, run every test)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test test-python test-vscode vsix bench clean

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

# Every test: the Python suites, then the VS Code extension's. The Debian packages
# they need (editors, Chromium, build headers) are installed first when missing.
test: setup
	scripts/install-test-packages.sh
	$(MAKE) test-python
	$(MAKE) test-vscode

test-python: setup
	$(BIN)/python -m pytest

# The VS Code extension: unit tests, then its end-to-end test in code-server.
test-vscode:
	$(MAKE) -C vscode-client test PYTHON=$(PYTHON)

vsix:
	$(MAKE) -C vscode-client vsix PYTHON=$(PYTHON)

# Print the benchmark table and rewrite docs/benchmarks.md; needs Node.js 18+ and npm.
bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache build dist bench/node_modules
	$(MAKE) -C vscode-client clean
