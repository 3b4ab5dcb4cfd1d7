# One-word targets; the README's quick start uses `make demo` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PG_URL ?= postgres://postgres@127.0.0.1:5432/medbridge
HOST   ?= 127.0.0.1:8000

.PHONY: install demo serve test lint typecheck pytest bench bench-planning bench-reports messages clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/medbridge migrate --noinput
	$(BIN)/medbridge load-reference
	$(BIN)/medbridge seed-demo
	@echo "== MedBridge is at http://$(HOST)/ (Ctrl-C stops it)"
	$(BIN)/medbridge runserver $(HOST)

serve: install
	$(BIN)/medbridge runserver $(HOST)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/medbridge makemigrations --check --dry-run
	$(BIN)/python tests/run_suites.py $(PG_URL)

bench: install
	$(BIN)/python bench/run.py

bench-planning: install
	$(BIN)/python bench/run.py planning

bench-reports: install
	$(BIN)/python bench/run.py reports

messages: install
	cd src/medbridge && ../../$(BIN)/medbridge makemessages -l en --no-obsolete && ../../$(BIN)/medbridge compilemessages

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
