# Two commands to remember: `make demo` and `make test` (README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.9
VENV := .venv
BIN := $(VENV)/bin
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

# The first Python >= 3.12 found: on PATH, or installed through pyenv.
PYTHON ?= $(shell for c in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3.13 \
	$$HOME/.pyenv/versions/3.12*/bin/python3.12 python3; do \
	p=$$(command -v $$c 2>/dev/null) || continue; \
	"$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$$p"; break; }; \
	done)

.PHONY: help demo test lint fmt bench bench-data soak soak-short messages clean \
	backup restore prod-smoke lint-deploy

help:
	@echo "make demo   - install, migrate a local SQLite database, load demo data, serve on :8000"
	@echo "make test   - run the whole test suite (PostgreSQL when DATABASE_URL is set)"
	@echo "make lint   - ruff check, format check, the import layers (docs/architecture.md)"
	@echo "make soak   - soak test: gunicorn + simulated clerks on PostgreSQL (smk_soak), SOAK_MINUTES=10"
	@echo "make bench  - benchmark on PostgreSQL (DATABASE_URL, default smk_bench): bench/results/"
	@echo "make backup / make restore BACKUP=… - pg_dump (custom format) + uploads (README.md)"
	@echo "make prod-smoke - the compose services natively, DEBUG off: send a referral, e-mail, PDF"
	@echo "make lint-deploy - docker-compose.yml through compose config, the Dockerfile through hadolint"

$(UV):
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is required" >&2; exit 1; }
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --locked --python $(PYTHON)
	@touch $@

demo: export DEBUG := 1
# "Profil Zaufany" against the demo IdP (pz/testidp.py on :8090; keys made in var/pz-demo/).
demo: export PZ_SP_ENTITY_ID := http://127.0.0.1:8000/pz/metadane/
demo: export PZ_SP_KEY_FILE := var/pz-demo/sp.key
demo: export PZ_SP_CERT_FILE := var/pz-demo/sp.crt
demo: export PZ_IDP_METADATA_FILE := var/pz-demo/idp/idp-metadata.xml
demo: $(VENV)/.synced
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py pz_demo_idp --prepare
	@echo "Serving on http://127.0.0.1:8000 (background-task worker and demo Profil Zaufany on :8090 too). Ctrl+C stops them."
	@trap 'kill 0' EXIT; \
	$(BIN)/python manage.py pz_demo_idp & \
	$(BIN)/python manage.py db_worker & \
	$(BIN)/python manage.py run_scheduler & \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# axe-core for the accessibility checks of the browser tests (skipped, saying so, without npm).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: accessibility checks will be skipped"; fi

# Two worker processes (pytest-xdist), each with its own test database and live server: the
# suite takes half the time on a 2-core machine. PYTEST_ARGS="-n 0" runs it in one process.
PYTEST_ARGS ?= -n 2
test: $(VENV)/.synced node_modules/.installed
	$(BIN)/pytest $(PYTEST_ARGS)

# Benchmarks (README.md, "Performance"): PostgreSQL at DATABASE_URL, by default
# postgres://postgres@127.0.0.1:5432/smk_bench (created when missing). BENCH_SCALE=1 (the data
# is generated once), BENCH_QUICK=1 for a short run. Results in bench/results/<date>.json/.md.
bench: $(VENV)/.synced
	$(BIN)/python -m bench.run

# Only the data: `make bench-data BENCH_SCALE=0.1`; BENCH_RESET=1 generates it anew.
bench-data: $(VENV)/.synced
	$(BIN)/python -m bench.run --data-only $(if $(BENCH_RESET),--reset)

# Soak test (README.md, "Reliability"): gunicorn on 127.0.0.1 with simulated clerks and unit
# staff on PostgreSQL (SOAK_DATABASE_URL, default smk_soak: recreated by `make soak`, reused by
# `make soak-short`, the CI-sized run); fails on any 5xx or a broken invariant.
SOAK_MINUTES ?= 10
SOAK_REQUESTS ?= 200000
soak: $(VENV)/.synced
	$(BIN)/python -m soak.run --fresh --faults --minutes $(SOAK_MINUTES) --requests $(SOAK_REQUESTS)

soak-short: $(VENV)/.synced
	$(BIN)/python -m soak.run --minutes 0.75 --requests 4000 --drain-seconds 40

# Backup and restore (README.md, "Backup and restore"): DATABASE_URL and MEDIA_ROOT natively,
# COMPOSE=1 for the docker-compose deployment. restore loads into RESTORE_DATABASE_URL, a new
# database, and runs check_invariants on it.
backup:
	deploy/backup.sh

restore:
	deploy/restore.sh

# The compose services' commands natively with DEBUG off (README.md, "Production-like run"):
# a fresh smk_smoke database, Redis, an SMTP sink, gunicorn, the worker and the scheduler.
prod-smoke: $(VENV)/.synced
	$(BIN)/python -m soak.smoke

# Debian's docker-compose (v1) or the compose plugin: either checks the file without a daemon.
COMPOSE := $(shell docker compose version >/dev/null 2>&1 && echo "docker compose" || echo docker-compose)
lint-deploy: $(VENV)/.synced
	POSTGRES_PASSWORD=check SECRET_KEY=check ALLOWED_HOSTS=check $(COMPOSE) -f docker-compose.yml config --quiet
	$(BIN)/hadolint Dockerfile

lint: $(VENV)/.synced
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fmt: $(VENV)/.synced
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .tools var staticfiles test-artifacts
