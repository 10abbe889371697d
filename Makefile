# Juwei — `make run` for the demo, `make test` for the whole suite. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PY := .venv/bin/python
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
# Python keeps the modules it compiles (__pycache__/*.pyc). Images that set
# PYTHONDONTWRITEBYTECODE (this one does) make every process compile Django, WeasyPrint and
# the app again, about 3 s of CPU each: `make test` starts some sixty (xdist workers, the
# subprocesses of the settings, backup, worker and PDF tests, manage.py).
unexport PYTHONDONTWRITEBYTECODE
UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)

# Values for local runs and tests only; production sets its own (README).
RUN_ENV := DEBUG=true
TEST_ENV := SECRET_KEY=juwei-test-only-not-a-secret HYPOTHESIS_PROFILE=repeatable \
	PERSONAL_DATA_KEYS=juwei-personal-data-development-only-key
# Both cores; a module's tests stay on one worker so module-scoped fixtures are built once.
# Files go out in the order tests/conftest.py sorts them (the longest first): xdist would
# otherwise send the files with the most tests first and the one-test walk of every page last.
PYTEST_ARGS ?= -n auto --dist loadfile --no-loadscope-reorder

.PHONY: help system install run test lint check pytest pytest-pg messages demo bench load screenshots clean

help:
	@echo "make run    install everything, migrate, load the demo, serve on http://127.0.0.1:$(PORT)"
	@echo "make test   install everything, lint, check, run the tests on SQLite and PostgreSQL"

system:  ## Debian packages: fonts, Chromium, gettext, PostgreSQL 15 (only when missing)
	@scripts/system-packages.sh

.venv/.installed: pyproject.toml uv.lock
	@python3 -m uv --version >/dev/null 2>&1 || command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen
	@touch $@

install: system .venv/.installed messages

messages:  ## compile the zh-hans and en catalogues
	@$(RUN_ENV) $(PY) manage.py compilemessages --ignore=.venv -v0

demo: install
	$(RUN_ENV) $(PY) manage.py migrate --noinput -v0
	$(RUN_ENV) $(PY) manage.py load_demo

# One job worker beside the web server (both queues), stopped with it.
run: demo
	@trap 'kill $$worker 2>/dev/null' EXIT; \
	$(RUN_ENV) $(PY) manage.py jobs_worker --queue-name default,long --no-reload & worker=$$!; \
	$(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

check: install
	$(RUN_ENV) $(PY) manage.py check
	$(RUN_ENV) $(PY) manage.py makemigrations --check --dry-run

pytest: install
	@echo "=== pytest on SQLite ==="
	env -u DATABASE_URL $(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

pytest-pg: install
	@echo "=== pytest on PostgreSQL ==="
	$(TEST_ENV) scripts/with-postgres.sh $(PY) -m pytest $(PYTEST_ARGS)

test: lint check pytest pytest-pg

SCALE ?= 100
bench: install  ## benchmarks, run by hand: the PDF report, then lists and exports at SCALE communities
	$(TEST_ENV) $(PY) benchmarks/run.py
	$(TEST_ENV) $(PY) -u benchmarks/scale.py --scale $(SCALE)
	$(TEST_ENV) $(PY) -u benchmarks/dashboards.py --scale $(SCALE)

# Run by hand, not in `make test`: gunicorn (4 workers) on a throwaway PostgreSQL, loopback
# only, bounded (LOAD_SECONDS a phase, LOAD_MAX_SUBMISSIONS); LOAD_SCALE communities.
load: install  ## the public survey and 50 staff users under load, two app servers on one database
	scripts/with-postgres.sh $(PY) -u benchmarks/load.py

clean:
	rm -rf .venv db.sqlite3 staticfiles .pgtest
