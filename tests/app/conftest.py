"""Fixtures of the app tests."""
from __future__ import annotations

import pytest

from support.duo_stage import SIZE
from support.xvfb import VirtualDisplay, xvfb_available


@pytest.fixture
def duo_display():
    if not xvfb_available():
        pytest.fail("Xvfb is missing: `make test` installs it (tools/ensure_system_packages.sh)")
    screen = VirtualDisplay((SIZE[0] + 780, SIZE[1]))  # the stage, and the streamer's control window beside it
    yield screen
    screen.close()
