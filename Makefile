# Two commands matter: `make run` and `make test`. Everything else is what they stand on.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := .make

.DEFAULT_GOAL := help
.PHONY: help run dev test lint format assets demo lock browser clean bench

help:
	@echo "make run   - install everything, migrate, load demo data and serve on 127.0.0.1:$(PORT)"
	@echo "make test  - install everything and run the whole test suite"
	@echo "make dev   - as make run, with Django's debug pages and code reloading"

$(STAMP):
	mkdir -p $(STAMP)

# Python: a virtual environment with the locked dependencies.
$(STAMP)/python: requirements.lock requirements-dev.lock | $(STAMP)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "careerpath needs Python 3.11 or newer")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.lock
	touch $@

# Front end: GOV.UK Frontend from its npm package, compiled with our settings (council fonts,
# asset paths under Django's static URL) and copied into a git-ignored static folder.
$(STAMP)/node: package.json package-lock.json | $(STAMP)
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(STAMP)/assets: $(STAMP)/node $(wildcard static/scss/*.scss)
	rm -rf static/vendor static/dist
	mkdir -p static/vendor/govuk-frontend static/vendor/axe-core static/dist
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/vendor/govuk-frontend/
	cp -R node_modules/govuk-frontend/dist/govuk/assets static/vendor/govuk-frontend/assets
	cp node_modules/axe-core/axe.min.js static/vendor/axe-core/
	npm run --silent build:css
	touch $@

assets: $(STAMP)/assets

# Browser tests drive the system Chromium; install it from Debian's packages when missing.
browser:
	@test -x /usr/bin/chromium || { \
		echo "Installing Chromium for the browser tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

demo: $(STAMP)/python $(STAMP)/assets
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo_data

# A secret key made once and kept in the project folder (git-ignored), so sessions survive a
# restart of `make run`.
var/secret-key:
	mkdir -p var
	$(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@
	chmod 600 $@

# The site as its users see it: debug off, static files compiled and served by the application,
# the styled error pages, several requests at once. Plain HTTP, since it listens on loopback only.
run: demo var/secret-key
	DJANGO_DEBUG=0 DJANGO_HTTPS=0 DJANGO_SECRET_KEY_FILE=var/secret-key \
		$(PY) manage.py collectstatic --no-input --verbosity 0
	@echo "Serving http://127.0.0.1:$(PORT)/ - sign in as any demo person with the password in the README"
	DJANGO_DEBUG=0 DJANGO_HTTPS=0 DJANGO_SECRET_KEY_FILE=var/secret-key \
		$(VENV)/bin/gunicorn careerpath.wsgi:application --bind 127.0.0.1:$(PORT) \
		--workers 2 --threads 4 --access-logfile -

dev: demo
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(STAMP)/python $(STAMP)/assets browser
	$(PY) -m pytest $(PYTEST_ARGS)

# Timings as ratios to a bare page or document in the same run, in a throwaway database; never
# part of make test.
bench: $(STAMP)/python
	$(PY) bench/portfolio_pdf.py
	$(PY) bench/letters.py
	$(PY) bench/staff_import.py

lint: $(STAMP)/python
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: $(STAMP)/python
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Regenerate the lock files from the ranges in pyproject.toml.
lock:
	rm -rf $(STAMP)/lockenv
	$(PYTHON) -m venv $(STAMP)/lockenv
	$(STAMP)/lockenv/bin/pip install --quiet .
	$(STAMP)/lockenv/bin/pip uninstall --quiet -y careerpath
	{ echo "# Exact pins of the runtime dependencies in pyproject.toml. Regenerate with: make lock"; \
	  $(STAMP)/lockenv/bin/pip freeze; } > requirements.lock
	$(STAMP)/lockenv/bin/pip install --quiet '.[dev]'
	$(STAMP)/lockenv/bin/pip uninstall --quiet -y careerpath
	{ echo "# Exact pins of the development dependencies. Regenerate with: make lock"; \
	  echo "-r requirements.lock"; \
	  $(STAMP)/lockenv/bin/pip freeze | grep -v -x -F -f requirements.lock; } > requirements-dev.lock
	rm -rf $(STAMP)/lockenv

clean:
	rm -rf $(VENV) node_modules $(STAMP) static/vendor static/dist staticfiles
