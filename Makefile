# Two commands on a fresh machine: `make run` and `make test`.
# Both build .venv from requirements.txt and make sure espeak-ng is installed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed
ARGS ?=

MINUTES ?= 30

.PHONY: run test soak conformance espeak-ng espeak-ng-required clean

run: $(STAMP) espeak-ng
	$(PY) main.py $(ARGS)

test: $(STAMP) espeak-ng-required
	$(PY) -m pytest -q $(ARGS)

conformance: $(STAMP)
	$(PY) tests/run_conformance.py

soak: $(STAMP) espeak-ng-required
	$(PY) bench/soak.py --minutes $(MINUTES)

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

espeak-ng:
	@sh tools/ensure_espeak_ng.sh

espeak-ng-required:
	@sh tools/ensure_espeak_ng.sh --required

clean:
	rm -rf $(VENV) .pytest_cache
