"""AITuberKit's own external-linkage server, imitated (support/fake_aituberkit_server.py
runs in a subprocess), and main.py in client mode against it."""
from __future__ import annotations

import json
import socket
import subprocess
import sys

from support.lines import Lines
from support.program import ROOT, Program


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class FakeServer:
    def __init__(self, port: int) -> None:
        self.process = subprocess.Popen([sys.executable, str(ROOT / "tests" / "support" / "fake_aituberkit_server.py"),
                                         str(port)], stdout=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
        self._lines = Lines(self.process.stdout)
        assert "listening" in self._lines.wait(lambda line: True, what="the fake server's first line")

    def frames(self, predicate, timeout: float = 30.0) -> list[dict]:
        """Every frame the server received until one for which ``predicate``
        holds; fails the test after ``timeout`` (scaled) instead of hanging."""
        seen: list[dict] = []
        while not seen or not predicate(seen[-1]):
            seen.append(json.loads(self._lines.wait(lambda line: True, timeout,
                                                     what=f"a frame; saw {[f.get('type') for f in seen]}")))
        return seen

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()


def program_client(program, config):
    """The program in client mode: it does not listen, so don't wait for a port."""
    class ClientProgram(Program):
        def __init__(self, tmp_path, *args, **kwargs):
            import os

            self.tmp_path = tmp_path
            self.log_path = tmp_path / "kuchipaku-client.log"
            self.audio_path = tmp_path / "audio.raw"
            env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
            self._log = self.log_path.open("wb")
            self.process = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--api-port", "0", *args],
                                            cwd=str(tmp_path),
                                            env=env, stdin=subprocess.DEVNULL, stdout=self._log,
                                            stderr=subprocess.STDOUT)
            self.port = 0

    return ClientProgram(config.parent, "--config", str(config), "--verbose")


