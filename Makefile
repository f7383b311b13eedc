# Everyday tasks. Each target uses the project's virtual environment (.venv), made by `make venv`.
PY ?= .venv/bin/python
BIN := $(dir $(PY))

.PHONY: venv test lint format bench docs

venv:
	python3 -m venv .venv && .venv/bin/pip install -e '.[test]'

test:            ## the README's test command, on the existing environment
	$(PY) -m pytest

lint:            ## ruff, formatting, mypy --strict and the import layers
	$(BIN)ruff check .
	$(BIN)ruff format --check .
	$(PY) -m mypy
	$(BIN)lint-imports

format:
	$(BIN)ruff check --fix .
	$(BIN)ruff format .

bench:           ## every benchmark; each prints ratios against its baseline measured in the same run
	$(PY) bench/startup_bench.py
	$(PY) bench/assess_bench.py
	$(PY) bench/io_bench.py
	$(PY) bench/trace_bench.py
	$(PY) bench/origin_bench.py
	$(PY) bench/screening_bench.py
	$(PY) bench/shipments_bench.py
	$(PY) bench/service_load.py

docs:            ## regenerate the generated documentation
	$(BIN)supplyscope indicators docs --write docs/indicators.md
	$(PY) tools/architecture_doc.py
