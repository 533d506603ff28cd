# The two commands: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
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

install: $(STAMP)

run: install
	$(BIN)/flask --app wallet db upgrade
	@$(BIN)/flask --app wallet demo
	@echo
	@echo "Wallet top-up page:  http://$(HOST):$(PORT)/"
	@echo "Counter page:        http://$(HOST):$(PORT)/counter"
	@echo "API (OpenAPI JSON):  http://$(HOST):$(PORT)/v1/openapi.json"
	@echo "Health:              http://$(HOST):$(PORT)/healthz"
	@echo "Webhooks worker:     $(BIN)/flask --app wallet webhooks deliver  (docs/webhooks.md)"
	@echo
	$(BIN)/flask --app wallet run --host $(HOST) --port $(PORT)

test: install
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: install
	$(BIN)/python benchmarks/ledger.py

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
