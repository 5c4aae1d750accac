# statemerge: `make demo`, `make test`, `make lint`, `make bench`, `make completions`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench completions clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]' --config-settings editable_mode=compat
	touch $(STAMP)

demo: $(STAMP)
	@bash docs/demo.sh $(VENV)/bin/statemerge

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check statemerge tests bench examples
	$(VENV)/bin/mypy --strict

bench: $(STAMP)
	$(PY) -m bench

completions: $(STAMP)
	$(PY) -m statemerge.cli.completions completions

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache bench/data
