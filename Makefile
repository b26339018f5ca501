# outsend — everything a fresh machine needs goes through these targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Every folder with a pyproject.toml is a package: a new service is picked up without editing this file.
PACKAGES := $(patsubst %/pyproject.toml,%,$(wildcard libs/*/pyproject.toml services/*/pyproject.toml)) deploy
SOURCES := $(wildcard $(addsuffix /outsend_*,$(PACKAGES)))
STAMP := $(VENV)/.installed

.PHONY: run test install system-deps bench-deps check lint typecheck bench bench-api bench-scrape bench-accounts bench-quality bench-enrich bench-veille clean

## make run: install what is missing, start NATS + Postgres + every service, print the URL
run: install
	$(BIN)/outsend run

## make test: the same set-up, then the whole test suite
test: install
	$(BIN)/pytest

install: system-deps $(STAMP)

## Debian's Chromium drives the scraper, deep email extraction and the UI tests
system-deps:
	@test -x /usr/bin/chromium || { \
	  echo "installing Debian's chromium"; \
	  $(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -qq chromium >/dev/null; }

$(STAMP): $(addsuffix /pyproject.toml,$(PACKAGES)) requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --python $(BIN)/python --quiet $(addprefix -e ,$(PACKAGES)) -r requirements-dev.txt
	@touch $@

## make check: the linter, the formatter and strict typing on every package, as CI runs them
check: lint typecheck

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy $(SOURCES)

## Debian's wrk is the benchmarks' load generator (a Python client would be the bottleneck)
bench-deps:
	@test -x /usr/bin/wrk || { \
	  echo "installing Debian's wrk"; \
	  $(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -qq wrk >/dev/null; }

## make bench: event hops, then the API figures (bench-api) in the same run → backbone.json, api.json
bench: install bench-deps
	$(BIN)/python -m bench.backbone

## make bench-api: hot routes against bare FastAPI (wrk), SSE fan-out, filter creation → bench/results/api.json
bench-api: install bench-deps
	$(BIN)/python -m bench.api

## make bench-scrape: scrape modes on the Maps simulator → bench/results/scrape_modes.json, docs table
bench-scrape: install
	$(BIN)/python -m bench.scrape_modes

## make bench-accounts: API key vs cookie, rate-limit windows, GDPR export → bench/results/accounts.json
bench-accounts: install
	$(BIN)/python -m bench.accounts

## make bench-veille: CPU and memory of a 10,000-row veille diff → bench/results/veille.json
bench-veille: install
	$(BIN)/python -m bench.veille

## bench-quality: precision and recall of the website modules on the test world
bench-quality: install
	$(BIN)/python -m bench.quality

## bench-enrich: emails (normal) over 10,000 sites with seeded latency, against a raw fetch and a naive crawler
bench-enrich: install
	$(BIN)/python -m bench.enrich

clean:
	rm -rf $(VENV) .outsend
