"""One factor for every bound a functional test waits on, as the websockets
tests do with ``MS``: a slow or busy machine sets KUCHIPAKU_TIME_FACTOR=3
and every wait stretches alike. Nothing here is asserted as a speed."""
from __future__ import annotations

import os
import time

import pytest

TIME_FACTOR = float(os.environ.get("KUCHIPAKU_TIME_FACTOR", "1"))


def scaled(seconds: float) -> float:
    return seconds * TIME_FACTOR


def wait_for(predicate, timeout: float = 10.0, interval: float = 0.02, what: str = "condition"):
    """Poll until ``predicate()`` is truthy; fail the test with ``what`` otherwise.
    ``timeout`` is scaled by the environment's factor."""
    limit = scaled(timeout)
    deadline = time.monotonic() + limit
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {limit:g} s waiting for {what}")
        time.sleep(interval)
