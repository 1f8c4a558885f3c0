# Two commands on a fresh machine: `make run` and `make test`.
# Both build .venv from requirements.txt and make sure espeak-ng (and ffmpeg,
# for record mode's video) are installed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed
ARGS ?=
# JA=1: also install the optional Japanese voice (requirements-ja.txt, large).
JA ?=
JA_STAMP := $(VENV)/.requirements-ja-installed
JA_DEPS := $(if $(filter 1,$(JA)),$(JA_STAMP))

MINUTES ?= 30
# make send TEXT="Hello!" [EMOTION=happy] [WAIT=1] [URL=ws://127.0.0.1:8000/ws]
TEXT ?=
EMOTION ?= neutral
WAIT ?=
URL ?= ws://127.0.0.1:8000/ws
# make new-character NAME=mika, make check-character NAME=mika
NAME ?=

.PHONY: run test lint bench soak conformance send new-character check-character screenshots \
	system-packages system-packages-required clean

run: $(STAMP) $(JA_DEPS) system-packages
	$(PY) main.py $(ARGS)

test: $(STAMP) $(JA_DEPS) system-packages-required
	$(PY) -m pytest -q $(ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .

bench: $(STAMP) system-packages-required
	$(PY) bench/run_benchmarks.py

conformance: $(STAMP)
	$(PY) tests/conformance/run_conformance.py

soak: $(STAMP) system-packages-required
	$(PY) bench/soak.py --minutes $(MINUTES)

send: $(STAMP)
	@test -n "$(TEXT)" || { echo 'usage: make send TEXT="Hello!" [EMOTION=happy] [WAIT=1]' >&2; exit 2; }
	$(PY) -m engine.link.send "$(TEXT)" --emotion $(EMOTION) --url $(URL) $(if $(WAIT),--wait)

new-character: $(STAMP)
	@test -n "$(NAME)" || { echo 'usage: make new-character NAME=mika' >&2; exit 2; }
	$(PY) main.py --new-character $(NAME)

check-character: $(STAMP)
	@test -n "$(NAME)" || { echo 'usage: make check-character NAME=mika' >&2; exit 2; }
	$(PY) main.py --check-character $(NAME)

# The README's and docs' images, from the current code (tests/docs/test_screenshots.py says when they are stale).
screenshots: $(STAMP) system-packages-required
	$(PY) tools/screenshots.py

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(JA_STAMP): requirements-ja.txt requirements.txt | $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-ja.txt
	touch $@

system-packages:
	@sh tools/ensure_system_packages.sh

system-packages-required:
	@sh tools/ensure_system_packages.sh --required

clean:
	rm -rf $(VENV) .pytest_cache
