"""Shared by the voice tests (imported, not a conftest: tests/conftest.py is
imported by name elsewhere): one voice thread, time bounds scaled by TIME_FACTOR."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest

# Every time bound in these tests is multiplied by this (a slow CI box: TIME_FACTOR=3).
TIME_FACTOR = float(os.environ.get("TIME_FACTOR", "1"))


def bound(seconds: float) -> float:
    return seconds * TIME_FACTOR


@pytest.fixture(scope="session")
def voice_thread():
    """One thread for every synthesizer of a test module, as in the app: espeak-ng must be used
    on the thread that initialised it."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="test-voice") as pool:
        yield lambda fn, *args, **kwargs: pool.submit(fn, *args, **kwargs).result(timeout=bound(120))
