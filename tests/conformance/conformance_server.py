"""Test-only entry point for the Autobahn conformance run (make conformance):
our LinkServer, with its real limits and threading, behind an echo handler.

    python tests/conformance/conformance_server.py PORT

The Autobahn cases expect every message echoed back; a kuchipaku session would
answer with protocol replies instead, so only the session is swapped.
"""
from __future__ import annotations

import dataclasses
import logging
import queue
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from engine.link.inbox import Backlog  # noqa: E402
from engine.link.server import LinkServer  # noqa: E402
from engine.settings.config import load_config  # noqa: E402


class EchoSession:
    def __init__(self, conn_id: int, send: Callable[[str], None]) -> None:
        self._send = send

    def opened(self) -> None:
        pass

    def on_text(self, frame: str) -> None:
        self._send(frame)


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    link = load_config(Path(__file__).resolve().parents[2] / "config.yaml").link
    link = dataclasses.replace(link, port=int(sys.argv[1]))
    server = LinkServer(link, queue.Queue(), Backlog(link.queue_limit), make_session=EchoSession)
    server.start()
    print(f"echo server listening on {server.url}", flush=True)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    stopping.wait()
    server.stop()


if __name__ == "__main__":
    main()
