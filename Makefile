# Liaison: `make run` serves the demo hospital, `make test` runs the whole suite.
# Nothing needs installing by hand first: both set up .venv and node_modules themselves.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
LIAISON := $(VENV)/bin/liaison
PYTEST := $(VENV)/bin/pytest
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test test-sqlite test-postgres smoke lint messages browser clean

$(VENV)/.installed: pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed

# The embedded default: SQLite (WAL, durable commits) under ./data, no other server. The
# background worker runs next to the web server and stops with it (Ctrl-C, or either ends).
run: export DEBUG ?= 1
# Links in e-mails and calendar files point where this server listens (a server listening
# on every address is reached on this machine), unless SITE_URL says otherwise.
run: export SITE_URL ?= http://$(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
run: setup
	$(LIAISON) migrate --no-input
	$(LIAISON) demo --if-empty
	trap 'kill $$server $$worker 2>/dev/null' INT TERM HUP; \
	$(LIAISON) worker & worker=$$!; \
	$(LIAISON) runserver $(HOST):$(PORT) & server=$$!; \
	wait $$server; kill $$worker 2>/dev/null; wait

# Real-browser journeys need Debian's chromium (and CJK fonts for readable screenshots).
browser:
	@command -v chromium >/dev/null && fc-list :lang=zh 2>/dev/null | grep -q . || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }
	@command -v chromium >/dev/null || { echo "chromium could not be installed" >&2; exit 1; }

# On PostgreSQL the real-browser journeys are left out: they check the pages, which the
# SQLite run has done, and every rule they pass through is tested on PostgreSQL on its own.
# Three workers there: the database server's share of the work overlaps theirs.
test: setup browser
	env -u DATABASE_URL $(PYTEST) -q -n auto
	@if [ -n "$$DATABASE_URL" ]; then echo "== again on PostgreSQL"; $(PYTEST) -q -n 3 -m "not browser"; fi

# README's production steps on PostgreSQL and Redis, checked over HTTP (as CI does).
smoke: setup
	bash .ci/smoke

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Refresh translation catalogues after changing user-facing strings.
messages: setup
	cd liaison && ../$(LIAISON) makemessages -l zh_Hans -l en --no-obsolete --ignore 'tests/*'
	$(LIAISON) compilemessages --ignore .venv --ignore node_modules

clean:
	rm -rf $(VENV) node_modules test-artifacts
