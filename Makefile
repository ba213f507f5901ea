# factcheck: `make run` serves the demo, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench setup clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

run: export DJANGO_DEBUG ?= true
run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py import_articles seeds
	$(BIN)/python manage.py demo_setup
	@echo "Serving on http://$(HOST):$(PORT)/ (reviewer pages), /admin/ (the desk), /api/docs/ (the API)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: setup
	$(BIN)/ruff check .

# Tests run with debug settings (pytest-django still runs each test with DEBUG off);
# the production settings are checked by tests/test_settings.py in a subprocess.
test: export DJANGO_DEBUG = true
test: setup lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: setup
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var .pytest_cache
