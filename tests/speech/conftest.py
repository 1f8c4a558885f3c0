"""Fixtures of the speech tests."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from support.timing import scaled


@pytest.fixture(scope="module")
def voice_thread():
    """One thread for every synthesizer of a test module, as in the app:
    espeak-ng must be used on the thread that initialised it."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="test-voice") as pool:
        yield lambda fn, *args, **kwargs: pool.submit(fn, *args, **kwargs).result(timeout=scaled(120))
