"""main.py in a subprocess, as a user runs it, and the runtime in this process
for the tests that must reach inside it."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from support.timing import scaled, wait_for

ROOT = Path(__file__).resolve().parents[2]


class Program:
    """main.py in a subprocess with the dummy SDL drivers (``env`` may name
    others), its log in a file; started once it listens."""

    LOG_WAIT_S = 15.0  # wait_for_log's default, before the time factor

    def __init__(self, tmp_path: Path, *args: str, audio_driver: str = "dummy", env: dict | None = None,
                 main: Path = ROOT / "main.py") -> None:
        self.tmp_path = tmp_path
        self.log_path = tmp_path / "kuchipaku.log"
        self.audio_path = tmp_path / "audio.raw"
        full_env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": audio_driver,
                    "SDL_DISKAUDIOFILE": str(self.audio_path), "PYTHONUNBUFFERED": "1", **(env or {})}
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen([sys.executable, str(main), "--port", "0",
                                         "--api-port", "0", *args],
                                        cwd=str(tmp_path), env=full_env, stdin=subprocess.DEVNULL,
                                        stdout=self._log, stderr=subprocess.STDOUT)
        try:
            self.port = int(self.wait_for_log(r"listening on ws://127\.0\.0\.1:(\d+)/ws").group(1))
        except BaseException:  # never left running by a start that failed
            self.kill()
            raise

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    @property
    def api_url(self) -> str:
        """The HTTP API's base, http://127.0.0.1:PORT/api/v1 (it starts right after the link)."""
        return self.wait_for_log(r"api listening on (http://127\.0\.0\.1:\d+/api/v1)").group(1)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for_log(self, pattern: str, timeout: float | None = None) -> re.Match:
        regex = re.compile(pattern)

        def found():
            if self.process.poll() is not None and not regex.search(self.log()):
                pytest.fail(f"program exited with {self.process.returncode} before /{pattern}/:\n{self.log()}")
            return regex.search(self.log())
        return wait_for(found, timeout or self.LOG_WAIT_S, what=f"/{pattern}/ in the log:\n{self.log()}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(scaled(timeout))
        finally:
            self._log.close()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._log.close()


def run_app(app, drive):
    """Run ``app`` here (pygame wants the main thread) while ``drive(app)`` runs
    on another thread; the window is closed when ``drive`` returns or fails."""
    import signal
    import threading

    import pygame

    from engine.app.loop import run

    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    failure: list[BaseException] = []

    def driver() -> None:
        try:
            wait_for(lambda: app.stats.frames > 2, what="the app")
            drive(app)
        except BaseException as err:  # reported in the test's own thread below
            failure.append(err)
        finally:
            pygame.event.post(pygame.event.Event(pygame.QUIT))

    thread = threading.Thread(target=driver)
    thread.start()
    try:
        assert run(app) == 0
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        thread.join(30)
    if failure:
        raise failure[0]
    return app
