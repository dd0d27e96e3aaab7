# AI-Discover: the two set-up commands are `make demo` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The committed GraphQL schema; a test fails when it drifts from the code.
schema: install
	$(BIN)/python -c 'from app.api.schema import SCHEMA_FILE, export_sdl; SCHEMA_FILE.write_text(export_sdl())'

# Generated docs: docs/configuration.md, docs/coverage.md, app/api/schema.graphql and the Bloom perspective.
docs: install
	$(BIN)/python -m app.docs

# Tests run against a Neo4j and Redis of their own (own data dir and ports): they wipe the graph
# per test, and must never touch the graph `make demo` or your own discoveries built.
TEST_ENV := AIDISCOVER_DATA_DIR=$(CURDIR)/.data/test NEO4J_URI=bolt://127.0.0.1:7688 \
	AIDISCOVER_NEO4J_HTTP_PORT=7475 REDIS_URL=redis://127.0.0.1:6380/0

# The web viewer (web/app, cytoscape.js bundled by esbuild) -> web/static/dist/viewer.js (git-ignored); rebuilt
# when its sources, the kind families and palette it embeds (web/static/*.json) or the lock file change.
WEB_BUNDLE := web/static/dist/viewer.js
$(WEB_BUNDLE): web/app/package.json web/app/package-lock.json $(wildcard web/app/src/*.js) web/static/kinds.json web/static/palette.json
	cd web/app && npm ci --no-audit --no-fund && npm run build

web: $(WEB_BUNDLE)

.PHONY: web eval-nl eval-deps docs schema help install lock system-deps services test-services down status demo test test-unit test-slow lint typecheck pytest bench clean

help:
	@echo "make demo    services up, demo AWS estate discovered, API served, URLs printed"
	@echo "make test    install, services up, ruff + mypy + pytest against real Neo4j and Redis"
	@echo "make test-unit  the tests that need no service (marked unit by tests/conftest.py); starts nothing"
	@echo "make test-slow  the size-M estate and the long fault soaks (left out of make test; CI runs both)"
	@echo "make bench   benchmarks -> bench/results/*.json and docs/benchmarks.md"
	@echo "make eval-deps  the demo estate built, blast radius scored against devclouds/dependency_truth.py"
	@echo "make down    stop the local Neo4j and Redis"
	@echo "make web     build the web viewer (npm ci && npm run build in web/app)"
	@echo "make install .venv with exactly the locked versions (requirements.lock, hashes checked), then the project"
	@echo "make lock    re-resolve after editing pyproject.toml's dependencies, keeping every other pin;"
	@echo "             UPGRADE=all takes the newest of everything, UPGRADE='redis celery' of those only"

# Debian packages a fresh machine lacks (Redis, Maven, a Java 17 runtime for Neo4j 5.26, Chromium for the
# report and viewer browser tests, npm for the viewer bundle): listed with the versions tested in
# deploy/debian-packages.txt. Installed by name when their command is missing (Debian's archive replaces
# point releases); an installed version other than the tested one gets a warning.
DEBIAN_PACKAGES := deploy/debian-packages.txt
system-deps:
	@missing=$$(grep -v '^#' $(DEBIAN_PACKAGES) | while read -r pkg tested cmd; do \
	  if [ -n "$$pkg" ] && ! command -v "$$cmd" >/dev/null; then printf ' %s' "$$pkg"; fi; \
	done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else \
	    echo "error: missing$$missing; install with: sudo apt-get install$$missing" >&2; exit 1; \
	  fi; \
	fi; \
	grep -v '^#' $(DEBIAN_PACKAGES) | while read -r pkg tested cmd; do \
	  if [ -z "$$pkg" ] || [ "$$tested" = - ]; then continue; fi; \
	  have=$$(dpkg-query -W -f='$${Version}' "$$pkg" 2>/dev/null) || continue; \
	  if [ -n "$$have" ] && [ "$$have" != "$$tested" ]; then \
	    echo "warning: Debian package $$pkg $$have is installed; the tests passed with $$tested ($(DEBIAN_PACKAGES))" >&2; \
	  fi; \
	done; true

# Python dependencies: uv.lock is the resolution (every package, version and file hash, for any platform and
# Python >= 3.11); requirements.lock (runtime and the dev extra) and requirements-runtime.lock (runtime only,
# for the Docker images) are exported from it for pip, so installing needs nothing but pip. Both carry a
# digest of pyproject.toml's dependency tables: installing refuses a lock made from other dependencies, and
# tests/test_lock.py fails on one.
LOCK := requirements.lock
RUNTIME_LOCK := requirements-runtime.lock
UV_VERSION := 0.13.9
PYPROJECT_DIGEST := $(PYTHON) -c 'import hashlib, json, tomllib; \
	p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
	t = {k: p.get(k) for k in ("requires-python", "dependencies", "optional-dependencies")}; \
	print(hashlib.sha256(json.dumps(t, sort_keys=True).encode()).hexdigest())'

# The project is built with the locked setuptools (no build isolation, which would fetch the newest one).
$(STAMP): pyproject.toml $(LOCK)
	@test "$$($(PYPROJECT_DIGEST))" = "$$(sed -n 's/^# pyproject-sha256: //p' $(LOCK))" || { \
	  echo "error: $(LOCK) was made from other dependencies than pyproject.toml's; run \`make lock\` and commit the lock files" >&2; \
	  exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --require-hashes --no-deps -r $(LOCK)
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	@touch $(STAMP)

install: system-deps $(STAMP)

# uv runs from a throwaway venv; `uv lock` keeps the locked version of every package the change does not
# force to move, unless UPGRADE names packages (or `all`).
lock:
	@set -e; uvdir=$$(mktemp -d); trap 'rm -rf "$$uvdir"' EXIT; \
	$(PYTHON) -m venv "$$uvdir"; "$$uvdir/bin/pip" install -q 'uv==$(UV_VERSION)'; \
	export UV_PYTHON_DOWNLOADS=never; \
	"$$uvdir/bin/uv" lock $(if $(filter all,$(UPGRADE)),--upgrade,$(addprefix --upgrade-package ,$(UPGRADE))); \
	digest=$$($(PYPROJECT_DIGEST)); \
	for out in $(LOCK) $(RUNTIME_LOCK); do \
	  if [ "$$out" = $(LOCK) ]; then extra="--extra dev"; what="runtime and dev"; else extra=""; what="runtime only"; fi; \
	  { echo "# Generated by 'make lock' from uv.lock (uv $(UV_VERSION)); do not edit. Dependencies: $$what."; \
	    echo "# Install: pip install --require-hashes --no-deps -r $$out, then pip install --no-deps the project."; \
	    echo "# pyproject-sha256: $$digest"; \
	    "$$uvdir/bin/uv" export --quiet --frozen --no-header --no-emit-project --format requirements-txt $$extra; \
	  } > "$$out.tmp"; \
	  mv "$$out.tmp" "$$out"; \
	done; \
	echo "locked: uv.lock, $(LOCK) ($$(grep -c '^[a-z0-9]' $(LOCK)) packages), $(RUNTIME_LOCK) ($$(grep -c '^[a-z0-9]' $(RUNTIME_LOCK)))"

services: install
	$(BIN)/aidiscover services up

status:
	$(BIN)/aidiscover services status

down:
	$(BIN)/aidiscover services down
	$(TEST_ENV) $(BIN)/aidiscover services down

demo: services web
	$(BIN)/python -m devclouds.demo

# Lint: ruff, the formatter, and the layers (pyproject.toml's [tool.importlinter]: app > web | ingest >
# queries > graph > core; a package never imports one above it).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

test-services: install
	$(TEST_ENV) $(BIN)/aidiscover services up

# `make test` leaves out the tests marked slow (the size-M estate, the long fault soaks); `make test-slow`
# runs only those, and CI (.ci/run) runs both.
pytest: test-services web
	$(TEST_ENV) $(BIN)/pytest -m "not slow"

test: lint typecheck pytest

test-slow: test-services web
	$(TEST_ENV) $(BIN)/pytest -m slow

# The tests that need no service (marked `unit` at collection by tests/conftest.py), nothing started: Neo4j,
# Redis and AWS are pointed at a closed port, so a test that still reaches one fails instead of finding one running.
UNIT_ENV := AIDISCOVER_DATA_DIR=$(CURDIR)/.data/unit NEO4J_URI=bolt://127.0.0.1:1 REDIS_URL=redis://127.0.0.1:1/0 \
	AIDISCOVER_SECRETS_REDIS_URL= AWS_ENDPOINT_URL=http://127.0.0.1:1

test-unit: install
	$(UNIT_ENV) $(BIN)/pytest -m unit -p no:cacheprovider

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

# Blast radius against the hand-worked truth set (devclouds/dependency_truth.py) on the demo estate, built
# here as `make demo` builds it in the test services. Report: each scenario right or wrong with what differed,
# and bench/results/dependency_eval.json.
eval-deps: test-services
	$(TEST_ENV) $(BIN)/python -m devclouds.dependency_eval --json bench/results/dependency_eval.json

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache *.egg-info
