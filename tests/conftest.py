"""Shared test set-up: no display, no sound card, the real program in a subprocess."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# Set before anything imports pygame: CI has no display and no sound card.
os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support.program import Program  # noqa: E402  (after the SDL settings above)
from support.xvfb import VirtualDisplay, xvfb_available  # noqa: E402


@pytest.fixture
def program(tmp_path):
    """Start the program with extra arguments; it is killed if the test leaves it running."""
    started: list[Program] = []

    def start(*args: str, **kwargs) -> Program:
        started.append(Program(tmp_path, *args, **kwargs))
        return started[-1]
    yield start
    for running in started:
        running.kill()


@pytest.fixture
def display():
    if not xvfb_available():
        pytest.fail("Xvfb is missing: `make test` installs it (tools/ensure_system_packages.sh)")
    screen = VirtualDisplay((1280, 720))
    yield screen
    screen.close()
