"""A subprocess's output read line by line without ever blocking a test for
good: a daemon thread reads the pipe, the test waits on a queue with a timeout."""
from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import IO

import pytest

from support.timing import scaled


class Lines:
    def __init__(self, stream: IO[str]) -> None:
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self._lines.put(line)
        self._lines.put(None)  # the stream ended

    def wait(self, predicate: Callable[[str], bool], timeout: float = 15.0, what: str = "a line") -> str:
        """The first line from now on for which ``predicate`` holds; fails the
        test if the stream ends or ``timeout`` (scaled) passes first."""
        limit = scaled(timeout)
        while True:
            try:
                line = self._lines.get(timeout=limit)
            except queue.Empty:
                pytest.fail(f"no {what} within {limit:g} s; output so far:\n{''.join(self.seen)}")
            if line is None:
                pytest.fail(f"the output ended before {what}:\n{''.join(self.seen)}")
            self.seen.append(line)
            if predicate(line):
                return line
