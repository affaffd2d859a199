# make run   - serve the API with the corpus loaded (SQLite unless DATABASE_URL is set)
# make test  - ruff and the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Development defaults; production sets these in its environment.
export DJANGO_DEBUG ?= 1

.PHONY: run test lint venv

# Rebuilt whenever requirements.txt is newer than the last install.
$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

venv: $(VENV)/.installed

run: venv
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py loaddata corpus
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: venv
	$(BIN)/ruff check .

test: lint
	$(BIN)/python -m pytest
