"""Every shell command in README.md and docs/*.md runs as written, from a fresh
checkout: each fenced ``sh`` block is run line by line in a new copy of the
tree (the files git would check out, with the shared .venv), and each line
must exit 0.

Not run here, and said so: the commands that start the window or the test
suite and never end by themselves (``make run``, ``make test``, ``make bench``,
``make soak``); they are what the rest of the suite and CI exercise. The
commands that talk to a running kuchipaku at the default address (the
AITuberKit sample, ``make send``) run against one started with --headless.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from support.program import ROOT
from support.timing import scaled, wait_for

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(?:sh|bash|shell)\n(.*?)^```", re.S | re.M)
# Never ending (run, bench, soak), or run by a test of their own: the curl lines
# of docs/HTTP_API.md by tests/docs/test_http_api_docs.py, which knows which of
# them stream (the event feed) and reads what they answer.
NOT_RUN = ("make run", "make test", "make bench", "make soak", "curl ")
NEEDS_SERVER = ("make send", ".venv/bin/python examples/send_message.py", ".venv/bin/python examples/v2_client.py")


def blocks() -> list[tuple[str, int, list[str]]]:
    """(document, block number, commands), comments and blank lines removed."""
    found = []
    for path in DOCUMENTS:
        for number, match in enumerate(FENCE.finditer(path.read_text(encoding="utf-8")), start=1):
            commands = [re.sub(r"\s+#\s.*$", "", line).strip() for line in match.group(1).splitlines()]
            found.append((path.relative_to(ROOT).as_posix(), number, [c for c in commands if c]))
    return found


BLOCKS = blocks()


def test_the_docs_have_commands_and_name_no_bare_python():
    commands = [command for _, _, block in BLOCKS for command in block]
    assert len(commands) > 10
    bare = [c for c in commands if re.match(r"python3?\s", c)]
    assert not bare, f"outside the venv these fail with ModuleNotFoundError: {bare}"


def fresh_checkout(into: Path) -> Path:
    """The files a clone would have, and .venv as `make` leaves it (up to date)."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True,
                            capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            target = into / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    venv = into / ".venv"
    venv.mkdir()
    shared = (ROOT / ".venv").resolve()
    for part in ("bin", "lib", "include"):
        (venv / part).symlink_to(shared / part)
    shutil.copy2(shared / "pyvenv.cfg", venv / "pyvenv.cfg")
    (venv / ".requirements-installed").touch()  # newer than requirements.txt: make installs nothing
    return into


def run_block(tmp_path: Path, commands: list[str], env: dict[str, str]) -> None:
    checkout = fresh_checkout(tmp_path / "checkout")
    for command in commands:
        done = subprocess.run(command, shell=True, cwd=checkout, env=env, capture_output=True, text=True,
                              timeout=scaled(300), stdin=subprocess.DEVNULL)
        output = done.stdout[-2000:] + done.stderr[-2000:]
        assert done.returncode == 0, f"`{command}` exited {done.returncode}:\n{output}"


def base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "MAKE"))}
    env.update(SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    return env


DOCUMENT_NAMES = sorted({document for document, _, _ in BLOCKS})


@pytest.mark.parametrize("document", DOCUMENT_NAMES)
def test_commands_run_as_written(tmp_path, document):
    """The document's blocks in order, in one fresh checkout, as a reader would type them."""
    commands = [c for d, _, block in BLOCKS if d == document for c in block if not c.startswith(NOT_RUN)]
    if not any(c.startswith(NEEDS_SERVER) for c in commands):
        run_block(tmp_path, commands, base_env())
        return
    for port in (8000, 3000):  # the WebSocket link and the HTTP API
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                pytest.skip(f"port {port} is in use here: the docs' commands talk to the default addresses")
    log_path = tmp_path / "server.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--headless"], cwd=tmp_path,
                                  env={**base_env(), "PYTHONUNBUFFERED": "1"}, stdout=log,
                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            wait_for(lambda: ("listening on ws://127.0.0.1:8000/ws" in log_path.read_text(errors="replace")
                              and "api listening on http://127.0.0.1:3000" in log_path.read_text(errors="replace"))
                     or server.poll() is not None, timeout=30, what="kuchipaku listening at the default addresses")
            assert server.poll() is None, log_path.read_text(errors="replace")
            run_block(tmp_path, commands, base_env())
            wait_for(lambda: "Is this on?" in log_path.read_text(errors="replace") or "make send" not in str(commands),
                     what="the line sent by make send spoken")
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(scaled(10))
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
