# The two commands: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# browser code from npm (package.json / package-lock.json), served from static/vendor/
VENDOR := static/vendor/jsQR.js
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=
export WALLET_BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test install lint bench clean

$(STAMP): pyproject.toml tests/node/package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,dev]'
	# a merchant's Node.js webhook check (tests/test_webhooks_node.py), from npm
	if command -v npm >/dev/null; then npm ci --prefix tests/node --no-audit --no-fund -s; fi
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

$(VENDOR): $(NODE_STAMP)
	mkdir -p static/vendor
	cp node_modules/jsqr/dist/jsQR.js static/vendor/jsQR.js

install: $(STAMP) $(VENDOR)

run: install
	$(BIN)/flask --app wallet db upgrade
	@$(BIN)/flask --app wallet demo --pages
	@echo "Webhooks worker:     $(BIN)/flask --app wallet webhooks deliver  (docs/webhooks.md)"
	$(BIN)/flask --app wallet run --host $(HOST) --port $(PORT)

test: install
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: install
	$(BIN)/python benchmarks/ledger.py

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache node_modules static/vendor
