# factcheck: `make run` serves the demo, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck bench bench-scale bench-matching bench-peers setup vnu clean

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

# mypy with the django-stubs and DRF-stubs plugins (pyproject.toml, [tool.mypy]); the
# Django plugin imports factcheck.settings, which needs DJANGO_DEBUG outside production.
typecheck: export DJANGO_DEBUG = true
typecheck: setup
	$(BIN)/mypy annotations factcheck

# The Nu HTML Checker (a Java program from npm) for tests/test_html_validity.py, into
# var/vnu/ (its download step is skipped: the machine's Java runs it). Without Java or
# npm that test is skipped and says why.
VNU_JAR := var/vnu/node_modules/vnu-jar/build/dist/vnu.jar
vnu:
	@if [ -f $(VNU_JAR) ]; then :; \
	elif command -v java >/dev/null && command -v npm >/dev/null; then \
		npm install --prefix var/vnu --ignore-scripts --no-audit --no-fund --silent \
			vnu-jar@26.9.27 || echo "!! v.Nu could not be installed: the HTML test is skipped"; \
	else echo "!! Java or npm is missing: the HTML validity test will be skipped"; fi

# Tests run with debug settings (pytest-django still runs each test with DEBUG off);
# the production settings are checked by tests/test_settings.py in a subprocess.
test: export DJANGO_DEBUG = true
test: setup lint typecheck vnu
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The benchmarks of issue 8 (11-15 minutes on 2 cores; bench/README.md): installs what
# they need (the bench extra; Debian's wrk and chromium, as root), starts PostgreSQL if it
# is down, and writes bench/results.md and bench/export.png. BENCH_ARGS=--quick tries it.
bench: setup
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	@command -v wrk >/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	@test -x /usr/bin/chromium || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		echo "!! chromium could not be installed: the browser figure will say so"
	@pg_isready -q -h 127.0.0.1 -p 5432 || \
		pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql | head -n1)" main start
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Issue 18 alone: every paged page at 1,000 and 100,000 claims on PostgreSQL (fills both
# databases the first time, a few minutes), its table into bench/results.md.
bench-scale: setup
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	@pg_isready -q -h 127.0.0.1 -p 5432 || \
		pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql | head -n1)" main start
	$(BIN)/python bench/scale.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache

# "Checked already?": recall of each engine on the paraphrase set, and the time of one
# question with 100,000 claims on PostgreSQL (bench/matching.md). MATCHING_DATABASE_URL
# names the server (default: the local one).
bench-matching: setup
	@pg_isready -q -h 127.0.0.1 -p 5432 || \
		pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql | head -n1)" main start
	DJANGO_DEBUG=true $(BIN)/python bench/matching_bench.py

# Issue 17: side by side with doccano and Label Studio (bench/README.md, "Against doccano
# and Label Studio"). Each peer gets a virtualenv of its own under var/peers/ (made once,
# 3-5 minutes; never a dependency of the app), its own PostgreSQL database, the same data.
# Writes bench/peers.md and bench/peers.png (about 12 minutes); BENCH_ARGS=--quick tries it.
PEERS_DIR := var/peers

$(PEERS_DIR)/doccano/.installed:
	$(PYTHON) -m venv $(PEERS_DIR)/doccano
	$(PEERS_DIR)/doccano/bin/pip install --quiet --upgrade pip
	$(PEERS_DIR)/doccano/bin/pip install --quiet doccano==1.8.4 'psycopg[binary]' 'marshmallow<4' 'numpy<2' gunicorn
	touch $@

$(PEERS_DIR)/labelstudio/.installed:
	$(PYTHON) -m venv $(PEERS_DIR)/labelstudio
	$(PEERS_DIR)/labelstudio/bin/pip install --quiet --upgrade pip
	$(PEERS_DIR)/labelstudio/bin/pip install --quiet label-studio==1.23.2 gunicorn
	touch $@

bench-peers: setup $(PEERS_DIR)/doccano/.installed $(PEERS_DIR)/labelstudio/.installed
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	@command -v wrk >/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	@pg_isready -q -h 127.0.0.1 -p 5432 || \
		pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql | head -n1)" main start
	$(BIN)/python bench/peers.py $(BENCH_ARGS)
