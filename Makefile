# The front door. `make up` starts the whole platform; `make test` is what CI runs (with lint).
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.8
TOOLS      := .run/tools
UV         := $(TOOLS)/bin/uv
# `make up PROFILE=bench` starts a whole platform apart from the dev one (bench/platform_start.py).
PROFILE    ?= dev
LAUNCHER   := .venv/bin/python deploy/local/launcher.py --profile $(PROFILE)
STREAMS    := sirbi_members.events:members_stream sirbi_members.events:directory_stream sirbi_agreements.events:stream sirbi_roadmap.events:stream sirbi_gateway.events:stream
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The services run on Debian's own Python 3.11 when the machine has it: built with profile-guided
# and link-time optimisation and linked statically, it ran the platform's request paths 13-20%
# faster than a plain source build (pyenv's) on the same machine (ADR 0015).
PYTHON     := $(shell [ -x /usr/bin/python3.11 ] && echo /usr/bin/python3.11 || echo python3.11)

.PHONY: help up down status test test-faults audit audit-if-reachable lint format bench docs kcat wrk web web-api chromium

help:
	@echo "make up      start Kafka, PostgreSQL and every service (installs what is missing)"
	@echo "make down    stop everything (data is kept in .run/dev)"
	@echo "make status  what is running"
	@echo "make test    the test suite against real Kafka and PostgreSQL (own ports and data)"
	@echo "make test-faults  only the platform fault tests (make test runs them too, apart)"
	@echo "make lint    ruff and mypy (strict)"
	@echo "make audit   known vulnerabilities in the locked Python and npm packages"
	@echo "make bench   every benchmark (P1-P6, scale), figures written into docs/performance.md"
	@echo "make docs    regenerate docs/events/asyncapi.json from the event models"
	@echo "make web     build the web frontend (make up does it; npm run dev in web/ for live edits)"
	@echo "make web-api regenerate the frontend's API client from the services' OpenAPI"

# A pinned uv of our own, so a fresh machine needs only Python 3.11.
$(UV):
	@python3 -m venv $(TOOLS) 2>/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q python3-venv && python3 -m venv $(TOOLS); }
	@$(TOOLS)/bin/pip install -q "uv==$(UV_VERSION)"

.venv/.synced: $(UV) Makefile uv.lock pyproject.toml shared/pyproject.toml $(wildcard services/*/pyproject.toml)
	@# Compiled at install (uv does not by default): else each service's first start compiles
	@# its libraries, and every start does where PYTHONDONTWRITEBYTECODE is set.
	@$(UV) sync --frozen --quiet --compile-bytecode --python $(PYTHON)
	@touch $@

up: .venv/.synced web
	@$(LAUNCHER) up

down:
	@if [ -x .venv/bin/python ]; then $(LAUNCHER) down; else python3 deploy/local/launcher.py --profile $(PROFILE) down; fi

status:
	@$(LAUNCHER) status

# kcat is the outside client the tests use to read our events (Debian's package).
kcat:
	@command -v kcat >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q kcat; }

# wrk is the load generator of the gateway benchmark (Debian's package).
wrk:
	@command -v wrk >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q wrk; }

# The browser tests drive Debian's Chromium through Playwright (never Playwright's own download).
chromium:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium; }

# The frontend's packages, exactly as locked (npm ci), whenever the lock file changes.
web/node_modules/.installed: web/package.json web/package-lock.json
	@cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Built again only when a source changed: type-checking and bundling take ~10 s of every start.
WEB_SOURCES := $(shell find web/src web/tests -type f 2>/dev/null) web/index.html web/vite.config.ts web/tsconfig.json web/playwright.config.ts web/openapi.json
web/dist/index.html: web/node_modules/.installed $(WEB_SOURCES)
	@cd web && npm run --silent build
	@touch $@

web: web/dist/index.html

web-api: .venv/.synced web/node_modules/.installed
	@.venv/bin/python -m sirbi_gateway.documentation.export web/openapi.json
	@cd web && npx openapi-typescript openapi.json -o src/api/schema.d.ts

test: .venv/.synced kcat chromium web
	@cd web && npm run --silent test:unit
	@.venv/bin/pytest
	@$(MAKE) --no-print-directory test-faults

# Kafka and PostgreSQL stopped, services killed, webhook receivers down, under whole platforms:
# a pytest session of its own, so no other test shares the broker or server they take away.
test-faults: .venv/.synced
	@.venv/bin/pytest -m platform_fault tests/platform_faults

# pip-audit and npm audit need the public advisory services (.ci/audit says which).
audit: .venv/.synced web/node_modules/.installed
	@bash .ci/audit

audit-if-reachable: .venv/.synced web/node_modules/.installed
	@bash .ci/audit --if-reachable

lint: .venv/.synced web/node_modules/.installed
	@.venv/bin/ruff check .
	@.venv/bin/ruff format --check .
	@.venv/bin/mypy
	@cd web && npx tsc -b && npx openapi-typescript openapi.json -o src/api/schema.d.ts --check

format: .venv/.synced
	@.venv/bin/ruff format .
	@.venv/bin/ruff check --fix .

# Every benchmark within 15 minutes, then docs/performance.md rewritten with the figures.
bench: .venv/.synced wrk
	@.venv/bin/python bench/suite.py

docs: .venv/.synced
	@.venv/bin/python -m sirbi_shared.events.asyncapi docs/events/asyncapi.json $(STREAMS)
