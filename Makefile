# The two commands of the README: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never
export UV_COMPILE_BYTECODE := 1

.PHONY: run test install lint migrations-check pytest pytest-postgres messages benchmark bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	@UV="$$(command -v uv || echo python3 -m uv)"; \
	  [ -x $(PY) ] || $$UV venv --quiet -p python3 $(VENV); \
	  $$UV pip install --quiet --python $(PY) -r requirements-dev.txt
	@touch $@

# The Nu Html Checker for ops/tests/test_html_validity.py (vnu-jar, pinned in package-lock.json; it
# also needs Java). Only where npm is present, and never fatal: without it (or without Java) that test
# skips locally, and `make run` needs neither. --ignore-scripts: vnu-jar's postinstall would download
# a Java runtime from GitHub; Java comes from apt (default-jre-headless, .ci/run).
node_modules/.installed: package.json package-lock.json
	@if ! command -v npm >/dev/null 2>&1; then \
	  echo "npm not found: the HTML validity test will be skipped (it needs vnu-jar from npm and Java)"; \
	elif npm ci --no-audit --no-fund --ignore-scripts --loglevel=error; then \
	  touch $@; \
	else \
	  echo "npm ci failed: the HTML validity test will be skipped"; \
	fi

install: $(VENV)/.installed node_modules/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_schedules
	$(PY) manage.py seed_demo
	@echo
	@echo "  KoB Social: http://127.0.0.1:$(PORT)/"
	@echo "  Demo logins (password: demo): medarbetare, medarbetare2, chef, chef2, kommunikator, direktor, admin"
	@echo "  Stop with Ctrl+C."
	@echo
	@# Links in e-mails follow PORT unless SITE_URL is set (in the environment, or in .env: honcho reads it last).
	PATH="$(abspath $(VENV))/bin:$$PATH" SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" \
	  $(VENV)/bin/honcho start -f Procfile -p $(PORT)

test: install lint migrations-check pytest pytest-postgres

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo --no-cache

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

# Two pytest workers (the machines have two cores); tests that share a file run in one group.
PYTEST_ARGS ?= -n 2 --dist loadgroup

# The SQLite leg (the embedded default).
pytest: install
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# The PostgreSQL leg: a throwaway cluster on its own port, started and removed by the tooling.
pytest-postgres: install
	$(PY) -m kob_social.testing.postgres $(VENV)/bin/pytest $(PYTEST_ARGS)

# The whole product measured on a region-sized dataset (ops/benchmarks/, docs/performance.md):
# SQLite by default, PostgreSQL when DATABASE_URL names one. The dataset is built once (minutes)
# and reused. BENCH_ARGS passes options on (e.g. BENCH_ARGS="--scale 0.1 --pairs 3").
# wrk (the HTTP leg's load generator) comes from apt where it can; without it that leg is skipped.
bench: install
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends wrk libharfbuzz-subset0 >/dev/null; } || \
	  echo "wrk not found: the HTTP leg will be skipped"
	DJANGO_SETTINGS_MODULE=kob_social.bench_settings $(PY) manage.py bench $(BENCH_ARGS)

messages: install
	$(PY) manage.py makemessages -l sv --no-location -i .venv -i var
	$(PY) manage.py compilemessages -i .venv

clean:
	rm -rf var/ .pytest_cache .ruff_cache
