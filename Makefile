# Two commands for a fresh machine with Python 3.11+:  make run  and  make test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run test lint format install bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# The links load_demo prints point at the address runserver listens on.
run: export SITE_URL ?= http://$(HOST)
run: export DEBUG ?= 1
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver $(HOST)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=tests.settings $(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: lint
	$(PY) -m pytest $(PYTEST_ARGS)

# Needs PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/nd_bench) is dropped and refilled.
bench: install
	SECRET_KEY=$${SECRET_KEY:-bench-only-not-a-secret} $(PY) bench/run.py
	SECRET_KEY=$${SECRET_KEY:-bench-only-not-a-secret} $(PY) bench/history.py
	$(PY) bench/anchoring_eval.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles sent-mail .pytest_cache .mypy_cache celerybeat-schedule*
