# Two commands on a fresh machine: `make run` and `make test`.
# Both build .venv from requirements.txt and make sure espeak-ng (and ffmpeg,
# for record mode's video) are installed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed
ARGS ?=

MINUTES ?= 30

.PHONY: run test bench soak conformance system-packages system-packages-required clean

run: $(STAMP) system-packages
	$(PY) main.py $(ARGS)

test: $(STAMP) system-packages-required
	$(PY) -m pytest -q $(ARGS)

conformance: $(STAMP)
	$(PY) tests/run_conformance.py

soak: $(STAMP) system-packages-required
	$(PY) bench/soak.py --minutes $(MINUTES)

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

system-packages:
	@sh tools/ensure_system_packages.sh

system-packages-required:
	@sh tools/ensure_system_packages.sh --required

clean:
	rm -rf $(VENV) .pytest_cache
