# AI-Discover: the two set-up commands are `make demo` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The committed GraphQL schema; a test fails when it drifts from the code.
schema: install
	$(BIN)/python -c 'from app.api.schema import SCHEMA_FILE, export_sdl; SCHEMA_FILE.write_text(export_sdl())'

# Generated docs: README's configuration table, docs/coverage.md and app/api/schema.graphql.
docs: install
	$(BIN)/python -m app.docs

# Tests run against a Neo4j and Redis of their own (own data dir and ports): they wipe the graph
# per test, and must never touch the graph `make demo` or your own discoveries built.
TEST_ENV := AIDISCOVER_DATA_DIR=$(CURDIR)/.data/test NEO4J_URI=bolt://127.0.0.1:7688 \
	AIDISCOVER_NEO4J_HTTP_PORT=7475 REDIS_URL=redis://127.0.0.1:6380/0

# The web viewer (web/app, cytoscape.js bundled by esbuild) -> web/static/dist/viewer.js (git-ignored); rebuilt
# when its sources or the lock file change.
WEB_BUNDLE := web/static/dist/viewer.js
$(WEB_BUNDLE): web/app/package.json web/app/package-lock.json $(wildcard web/app/src/*.js)
	cd web/app && npm ci --no-audit --no-fund && npm run build

web: $(WEB_BUNDLE)

.PHONY: web eval-nl docs schema help install system-deps services test-services down status demo test lint typecheck pytest bench clean

help:
	@echo "make demo    services up, demo AWS estate discovered, API served, URLs printed"
	@echo "make test    install, services up, ruff + mypy + pytest against real Neo4j and Redis"
	@echo "make bench   benchmarks -> bench/results/*.json and docs/benchmarks.md"
	@echo "make down    stop the local Neo4j and Redis"
	@echo "make web     build the web viewer (npm ci && npm run build in web/app)"

# Debian packages a fresh machine lacks: Redis, Maven, a Java 17 runtime (Neo4j 5.26 needs 17 or 21), Chromium
# (headless, for the report and viewer browser tests).
system-deps:
	@missing=""; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v mvn >/dev/null || missing="$$missing maven"; \
	command -v java >/dev/null || missing="$$missing openjdk-17-jre-headless"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "error: missing$$missing; install with: sudo apt-get install$$missing" >&2; exit 1; \
	  fi; \
	fi

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip setuptools wheel
	$(BIN)/pip install -q -e '.[dev]'
	@touch $(STAMP)

install: system-deps $(STAMP)

services: install
	$(BIN)/aidiscover services up

status:
	$(BIN)/aidiscover services status

down:
	$(BIN)/aidiscover services down
	$(TEST_ENV) $(BIN)/aidiscover services down

demo: services web
	$(BIN)/aidiscover demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

test-services: install
	$(TEST_ENV) $(BIN)/aidiscover services up

pytest: test-services web
	$(TEST_ENV) $(BIN)/pytest

test: lint typecheck pytest

# Benchmarks run against the test services (the estate benchmark wipes the graph it discovers into).
bench: test-services web
	$(BIN)/python bench/bench_services.py
	$(TEST_ENV) $(BIN)/python bench/bench_estate.py --size M --wipe-graph
	$(TEST_ENV) $(BIN)/python bench/bench_viewer.py  # the viewer in Chromium on the estate just discovered
	$(TEST_ENV) $(BIN)/python bench/bench_ingest.py --wipe-graph
	$(TEST_ENV) $(BIN)/python bench/bench_history.py --wipe-graph
	$(TEST_ENV) $(BIN)/python bench/bench_auth.py
	$(TEST_ENV) $(BIN)/python bench/bench_queries.py --wipe-graph --size 100000  # 1M: --size 1000000 on a Neo4j with 2g heap
	$(TEST_ENV) $(BIN)/python bench/bench_cost.py --wipe-graph --size 100000
	$(TEST_ENV) $(BIN)/python bench/bench_findings.py --wipe-graph --size 100000

# Natural-language answers against reference Cypher, on the graph and LLM endpoint configured (your demo or
# estate; set AIDISCOVER_LLM_API_KEY for the LLM path). Report: bench/results/nl_eval.md and nl_eval.json.
eval-nl: install
	$(BIN)/python -m app.nl.evaluate

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache *.egg-info
