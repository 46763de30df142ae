# AI Pilot Zones — the commands of the README. Each works from a fresh clone.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
UV_VERSION := 0.13.9
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# The first interpreter found that is Python 3.12 or newer.
PYTHON_CANDIDATES := python3.12 python3.13 python3.14 python3 python \
	$(wildcard $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python)
FIND_PYTHON := for p in $(PYTHON_CANDIDATES); do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { command -v $$p; exit 0; }; done; exit 1

.PHONY: help install run test lint check migrate demo clean-db

help:
	@echo "make run    - install, start the database, migrate, load the demo, serve on 127.0.0.1:$(PORT)"
	@echo "make test   - the whole suite (browser tests included)"
	@echo "make lint   - ruff and the migrations check"

$(STAMP): pyproject.toml uv.lock
	@python_bin=$$($(FIND_PYTHON)) || { echo "make: Python 3.12 or newer is required and none was found (tried: $(PYTHON_CANDIDATES))." >&2; exit 1; }; \
	echo "Using $$python_bin"; \
	test -x $(PY) || $$python_bin -m venv $(VENV); \
	$(PY) -m pip --version >/dev/null 2>&1 || $(PY) -m ensurepip --upgrade >/dev/null; \
	$(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)" && \
	UV_PROJECT_ENVIRONMENT=$(VENV) $(VENV)/bin/uv sync --frozen --inexact --python $(PY) --quiet
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo
	$(PY) manage.py demo_accounts

run: demo
	@echo "Serving http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The suite runs in parallel with pytest-xdist: PYTEST_WORKERS processes (default 2, the cores of
# the project's machines), each with its own test database (pytest-django adds _gw0, _gw1, ...).
# --dist worksteal hands each worker half the suite in order and lets an idle one take the queued
# tail of the other, so the slow modules (hostile input, the browser) do not finish alone.
# Serially, in one process: make test PYTEST_ARGS="-n 0" (or PYTEST_WORKERS=0).
# Other workers: make test PYTEST_WORKERS=4 (or auto); PYTEST_ARGS comes last and wins.
PYTEST_WORKERS ?= 2
PYTEST_XDIST ?= -n $(PYTEST_WORKERS) --dist worksteal

test: install
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

check: install
	$(PY) manage.py check

# --- Operations: backups, production serving, the database-fault drill (docs/operations.md) ---
.PHONY: backup restore serve faults

backup: install
	$(PY) manage.py backup_db

# make restore [FILE=backups/x.dump] [YES=1] - the newest backup unless FILE is given.
restore: install
	$(PY) manage.py restore_db $(FILE) $(if $(filter 1 yes true,$(YES)),--yes)

# Needs DJANGO_SECRET_KEY; DATABASE_URL defaults to the embedded PostgreSQL for a local try-out.
serve: install
	PORT=$(PORT) $(PY) -m config.serve

faults: install
	$(PY) bench/faults.py $(FAULTS_ARGS)

# ---- make bench: the load benchmark; see docs/benchmark.md ----------------------------
# BENCH_ARGS passes options to bench/run.py, e.g. make bench BENCH_ARGS="--duration 5".
BENCH_ARGS ?=
.PHONY: bench
bench: install
	@command -v wrk >/dev/null 2>&1 || { \
		echo "Installing wrk, the load generator (Debian package) ..."; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get install -y -qq wrk || { $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq wrk; }; }
	$(PY) -m bench.run $(BENCH_ARGS)

# ---- Translations (i18n): refresh locale/zh_Hans from the code, then compile it ----------------
# Needs GNU gettext (Debian: apt-get install gettext). tests/core/test_translations.py fails
# while an entry is untranslated or fuzzy, or django.mo is older than django.po.
.PHONY: messages
messages: install
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=static \
		--ignore=staticfiles --ignore=tools --ignore=tests --ignore=bench
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv
