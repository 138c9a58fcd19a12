# The whole set-up is two commands: `make run` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench install clean

# Python's default: compiled modules are kept in __pycache__. Some machines turn that off
# (PYTHONDONTWRITEBYTECODE=1, as this project's CI machine does), and then every test process,
# and every server and worker a test starts, compiles the project again and pytest rewrites
# every test module's asserts again: 15 s of CPU per test process instead of 7.
unexport PYTHONDONTWRITEBYTECODE

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "The portal needs Python 3.11 or newer (found: $$($(PYTHON) --version))."; \
		  echo "Point PYTHON at one, e.g. make run PYTHON=python3.11"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@echo "Preparing the database (the first time takes a minute)..."
	@$(BIN)/python manage.py migrate --noinput --verbosity 0
	@$(BIN)/python manage.py seed_demo --if-empty
	@printf '\nThe portal is starting on http://%s:%s/ (Ctrl+C stops it)\n\n' $(HOST) $(PORT)
	@$(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/djhtml --check templates
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run

# The sign-in tests start a real OpenID provider (npm's oidc-provider); without Node they skip
# loudly (and fail under CI=true).
PEERS := tests/peers/oidc/node_modules/.installed tests/peers/adaptivecards/node_modules/.installed
tests/peers/oidc/node_modules/.installed: tests/peers/oidc/package-lock.json
	@if command -v npm >/dev/null; then npm ci --silent --no-audit --no-fund --prefix tests/peers/oidc && touch $@; \
	else echo "npm not found: the OpenID Connect sign-in tests will be skipped."; fi
# The Teams card tests draw the cards with Microsoft's Adaptive Cards renderer (npm adaptivecards).
tests/peers/adaptivecards/node_modules/.installed: tests/peers/adaptivecards/package-lock.json
	@if command -v npm >/dev/null; then npm ci --silent --no-audit --no-fund --prefix tests/peers/adaptivecards && touch $@; \
	else echo "npm not found: the Teams card rendering tests will be skipped."; fi

# On every core (pytest-xdist; browser tests spread like the rest: they are half the work; a
# process that runs out of tests takes some of another's, so a 50-second test near the end does
# not leave a core idle), and the 15 slowest tests listed at the end, so a slow newcomer shows
# in review. PYTEST_ARGS="-n 0" runs in one process.
test: lint $(PEERS)
	$(BIN)/pytest -n auto --dist worksteal --durations=15 --durations-min=1 $(PYTEST_ARGS)

# Benchmarks print `BENCH <name> <value> <unit> ratio=<x>` against a baseline from the same run.
# Full size (100,000 staff, 5,000,000 events) by default; see bench/README.md for a quick run.
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts staticfiles
