# The two commands: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# browser code from npm (package.json / package-lock.json), served from static/vendor/
VENDOR := static/vendor/jsQR.js static/vendor/chart.umd.min.js
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=
export WALLET_BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test install lint bench sdk clean

$(STAMP): pyproject.toml sdk/python/pyproject.toml tests/node/package-lock.json \
		sdk/typescript/package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,dev]'
	# the Python SDK (sdk/python: generated wallet_client + wallet_sdk helpers); its
	# generator, openapi-python-client, is in the dev extra above. npm is required (README):
	# the SDK and webhook tests fail, never skip, without what this target installs.
	$(BIN)/python -m pip install -q -e sdk/python
	# a merchant's Node.js webhook check (tests/test_webhooks_node.py), from npm
	npm ci --prefix tests/node --no-audit --no-fund -s
	# the TypeScript SDK (sdk/typescript: openapi-typescript + openapi-fetch, node --test)
	npm ci --prefix sdk/typescript --no-audit --no-fund -s
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

$(VENDOR): $(NODE_STAMP)
	mkdir -p static/vendor
	cp node_modules/jsqr/dist/jsQR.js static/vendor/jsQR.js
	# the merchant page's charts (Chart.js, canvas: no inline script or style, CSP holds)
	cp node_modules/chart.js/dist/chart.umd.min.js static/vendor/chart.umd.min.js

install: $(STAMP) $(VENDOR)

run: install
	$(BIN)/flask --app wallet db upgrade
	@$(BIN)/flask --app wallet demo --pages
	@echo "Webhooks worker:     $(BIN)/flask --app wallet webhooks deliver  (docs/webhooks.md)"
	@echo "API docs:            $(WALLET_BASE_URL)/v1/docs  (OpenAPI: $(WALLET_BASE_URL)/v1/openapi.json)"
	@# granian, 2 processes x 4 threads: the SQLite purchase benchmark's best
	@# (benchmarks/README.md, "Session 4: SQLite purchases"): 1,360-1,420/s, flask run 785/s
	$(BIN)/granian --interface wsgi --factory --workers 2 --blocking-threads 4 \
		--host $(HOST) --port $(PORT) wallet:create_app

test: install
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

# after an API change: the committed document and both generated clients (review the diff;
# tests/test_openapi_document.py, test_sdk_python.py and test_sdk_typescript.py compare them)
sdk: install
	$(BIN)/flask --app wallet openapi write sdk/openapi.json
	$(BIN)/openapi-python-client generate --path sdk/openapi.json \
		--config sdk/python-generator.yml --output-path sdk/python/wallet_client \
		--meta none --overwrite
	npm run --prefix sdk/typescript -s generate

bench: install
	$(BIN)/python benchmarks/ledger.py

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache node_modules static/vendor
