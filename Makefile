# make run   - serve the API with the corpus loaded (SQLite unless DATABASE_URL is set)
# make test  - ruff and the whole test suite
# make serve - production: migrate, collectstatic, gunicorn (needs DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL)
# make load  - load and fault test against gunicorn on the local PostgreSQL (restarts PostgreSQL), then load-exports
# make load-fault - the load and fault test alone (see loadtest/)
# make load-exports - readers' latency with and without 5 clients exporting, every export checked whole (loadtest/)
# make load-export-memory - a gunicorn worker's peak memory streaming the NDJSON export of 100 k articles, against one outlet's
# make fuzz-stock - the stock Schemathesis CLI (no project hooks), anonymous and as an editor, against gunicorn on PostgreSQL
# make load-logins - readers' latency during a flood of wrong admin passwords, with and without the lockout
# make load-replica - gunicorn reading from a streaming replica (loadtest/standby.sh) restarted mid-run
# make bench - the benchmark at 10 k, 100 k and 1 M articles on SQLite and PostgreSQL -> benchmark/results/RESULTS.md
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Development defaults; production sets these in its environment.
export DJANGO_DEBUG ?= 1

.PHONY: run test lint venv dev-venv serve load load-fault load-exports load-export-memory fuzz-stock load-logins load-replica bench

# The runtime set (requirements.txt) for run/serve/load/bench, the dev set (requirements-dev.txt: the
# runtime set plus the test and lint tools) for test and lint; each reinstalled when its file changes.
$(VENV)/.installed-runtime: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.txt
	touch $@ $(VENV)/.installed-runtime

venv: $(VENV)/.installed-runtime
dev-venv: $(VENV)/.installed-dev

run: venv
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py loaddata corpus
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: dev-venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# A fixed hash seed, so the fuzzing's fixed seed replays the same cases on every machine (the workers
# pytest-xdist starts inherit it); one worker per core, each with its own test database.
# The JavaScript tools the suite runs on the schema (Spectral), exactly as package-lock.json pins them.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

test: lint node_modules/.installed
	PYTHONHASHSEED=0 $(BIN)/python -m pytest -n auto

# Production serving never runs with DEBUG on, whatever the development default above says.
serve: export DJANGO_DEBUG = 0
serve: venv
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	PORT=$(PORT) exec $(BIN)/gunicorn -c gunicorn.conf.py corpus_api.wsgi

# The harness sets its own production-like environment for the server it starts.
# The fault test, exports under load, then reads from a replica that restarts (each also has its own target).
load: dev-venv
	$(BIN)/python -m loadtest.run
	$(BIN)/python -m loadtest.export_load
	$(BIN)/python -m loadtest.replica_load
load-fault: dev-venv
	$(BIN)/python -m loadtest.run
load-exports: dev-venv
	$(BIN)/python -m loadtest.export_load
load-export-memory: dev-venv
	$(BIN)/python -m loadtest.export_memory
fuzz-stock: dev-venv
	$(BIN)/python -m loadtest.stock_fuzz
load-logins: dev-venv
	$(BIN)/python -m loadtest.login_flood
load-replica: dev-venv
	$(BIN)/python -m loadtest.replica_load
# Tier databases are generated once (benchmark/results/tmp/, corpus_bench_*) and reused.
BENCH_TIERS ?= 10000,100000,1000000
BENCH_ENGINES ?= sqlite,postgresql
BENCH_ARGS ?=
# Production settings, but plain HTTP in-process and no rate limit on the one client measuring.
bench: venv
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-bench-only-not-a-secret} DJANGO_SECURE_SSL_REDIRECT=0 \
		DJANGO_THROTTLE_ANON=off DJANGO_THROTTLE_USER=off \
		nice -n 10 $(BIN)/python manage.py bench --tiers $(BENCH_TIERS) --engines $(BENCH_ENGINES) --output benchmark/results $(BENCH_ARGS)
