# The verbs a newcomer needs. Only python3 and make are required: everything else is
# installed into .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test vnu screenshots stress lint format messages migrate superuser bench bench-spam bench-import bench-render clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-install only when a requirements file changes.
$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

# The translation catalogues (locale/<language>/LC_MESSAGES/django.po, and the compiled .mo that
# the site reads): every string the code and templates mark, kept up to date. `make messages
# LOCALE=de` adds a language; then translate its new entries and run it again. Needs GNU
# gettext (apt-get install gettext). CI fails when they are stale (manage.py messages --check).
messages: $(VENV)/.installed-run
	$(BIN)/python manage.py messages $(if $(LOCALE),-l $(LOCALE))

migrate: $(VENV)/.installed-run
	$(BIN)/python manage.py migrate --noinput

# The web server and the worker that sends the mail (printed here: console backend), together;
# Ctrl-C stops both.
run: migrate
	$(BIN)/python scripts/run_dev.py --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The Nu Html Checker for tests/natoblog/test_html_validity.py (skipped without it): Java
# (default-jre-headless, with apt-get, if java is missing) and vnu.jar from npm, into .venv/vnu/.
vnu:
	bash scripts/install_vnu.sh

# Refresh docs/screenshots/ (the article's top and its comments at 390px and 1280px, the
# moderation queue at 1280px) in Debian's Chromium.
screenshots: $(VENV)/.installed-dev
	NATOBLOG_REQUIRE_BROWSER=1 NATOBLOG_SCREENSHOTS_DIR=docs/screenshots \
		$(BIN)/python -m pytest -m screenshots tests/browser

# Many comments at once to gunicorn (2 workers) on SQLite, then on PostgreSQL while its
# connections are killed: no accepted comment lost, no 500. PostgreSQL at DATABASE_URL
# (a scratch database beside it is created and dropped); rate limits shared in REDIS_URL.
STRESS_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/test)
stress: $(VENV)/.installed-dev
	$(BIN)/python scripts/concurrency_check.py
	DATABASE_URL=$(STRESS_DATABASE_URL) \
		$(BIN)/python scripts/concurrency_check.py --postgres --kill-connections

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The article page under load as deployed (deploy/), against nginx serving the same HTML as a
# file; needs wrk and nginx (installed with apt-get when run as root). See bench/run.py.
bench: $(VENV)/.installed-run
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The spam filter on real comment spam (../shared/data/spam/), each video held out in turn;
# prints the README's table (Spam filter) and writes bench/spam_results.json. See bench/spam.py;
# BENCH_ARGS="--database-url postgres://..." runs it on a scratch PostgreSQL database instead.
bench-spam: $(VENV)/.installed-run
	$(BIN)/python bench/spam.py $(BENCH_ARGS)

# import_wordpress on a generated export (100 posts, 100,000 comments) in a process of its own,
# on a throwaway SQLite database: seconds and peak memory (RSS). See bench/import_bench.py.
bench-import: $(VENV)/.installed-run
	$(BIN)/python bench/import_bench.py $(BENCH_ARGS)

# The article page's in-process render time, this checkout against the commit REF, in turns on
# this machine (its milliseconds depend on the machine; the ratio is one run's). See
# bench/render_against.py.
bench-render: $(VENV)/.installed-run
	$(BIN)/python bench/render_against.py $(REF) $(BENCH_ARGS)

superuser: migrate
	$(BIN)/python manage.py createsuperuser

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
