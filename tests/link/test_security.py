"""Who may connect and how fast: the pure checks, then the real server."""
from __future__ import annotations

import json
import os
import queue
import socket
import subprocess
import sys
import time

import pytest
import websocket
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from engine.link.inbox import Backlog
from engine.link.security import (
    RateLimiter,
    is_loopback_host,
    is_loopback_origin,
    origin_allowed,
    token_in_request,
    token_matches,
)
from engine.link.server import LinkServer
from engine.settings.config import LinkConfig
from support.lines import Lines
from support.program import ROOT
from support.timing import wait_for


@pytest.mark.parametrize("host, loopback", [
    ("127.0.0.1", True), ("127.5.6.7", True), ("localhost", True), ("::1", True), ("[::1]", True),
    ("app.localhost", True), ("0.0.0.0", False), ("192.168.1.2", False), ("example.com", False), ("::", False),
])
def test_loopback_hosts(host, loopback):
    assert is_loopback_host(host) is loopback


@pytest.mark.parametrize("origin, allowed", [
    (None, True),                                   # a program, not a browser
    ("http://localhost:8000", True),                # websocket-client's default for ws://localhost:8000
    ("http://127.0.0.1:3000", True),
    ("https://localhost", True),
    ("http://[::1]:8080", True),
    ("https://evil.example", False),
    ("http://localhost.evil.example", False),
    ("null", False),                                # file:// pages and sandboxed frames
    ("file://", False),
    ("https://overlay.example", True),              # on the allowlist below
    ("HTTPS://OVERLAY.EXAMPLE/", True),
    ("https://overlay.example:444", False),
])
def test_origins(origin, allowed):
    assert origin_allowed(origin, ("https://overlay.example",)) is allowed
    assert is_loopback_origin("http://127.0.0.1:1") and not is_loopback_origin("ws://localhost")


def test_tokens():
    assert token_in_request("/ws?token=abc123", None) == "abc123"
    assert token_in_request("/ws", "Bearer s3cret") == "s3cret"
    assert token_in_request("/ws", "bearer  s3cret ") == "s3cret"
    assert token_in_request("/ws", "Basic xyz") is None
    assert token_in_request("/ws?x=1", None) is None
    assert token_matches("s3cretvalue", "s3cretvalue")
    assert not token_matches("s3cretvaluf", "s3cretvalue")
    assert not token_matches(None, "s3cretvalue")
    assert not token_matches("\udcff", "s3cretvalue")  # odd input is a mismatch, not a crash


def test_rate_limiter_allows_bursts_then_the_rate():
    now = [0.0]
    bucket = RateLimiter(rate=10, burst=5, clock=lambda: now[0])
    assert [bucket.allow() for _ in range(6)] == [True] * 5 + [False]
    now[0] += 0.1
    assert bucket.allow() and not bucket.allow()
    now[0] += 10
    assert sum(bucket.allow() for _ in range(10)) == 5


@pytest.fixture
def serve_link():
    servers = []

    def start(**settings) -> LinkServer:
        server = LinkServer(LinkConfig(port=0, **settings), queue.Queue(), Backlog(100))
        server.start()
        servers.append(server)
        return server
    yield start
    for server in servers:
        server.stop()


def status_of(url: str, **kwargs) -> int:
    try:
        with connect(url, **kwargs):
            return 101
    except InvalidStatus as refused:
        return refused.response.status_code


def test_token_is_required_when_configured(serve_link):
    server = serve_link(token="correct-horse")
    assert status_of(server.url) == 401
    assert status_of(server.url + "?token=wrong-horse") == 401
    assert status_of(server.url + "?token=correct-horse") == 101
    assert status_of(server.url, additional_headers={"Authorization": "Bearer correct-horse"}) == 101
    assert status_of(server.url, additional_headers={"Authorization": "Bearer nope"}) == 401


def test_browser_origins_are_checked(serve_link):
    server = serve_link(allowed_origins=("https://overlay.example",))
    assert status_of(server.url, origin="https://evil.example") == 403
    assert status_of(server.url, origin="http://localhost:8000") == 101
    assert status_of(server.url, origin="https://overlay.example") == 101
    assert status_of(server.url) == 101
    # websocket-client, as in the seed's sample, sends an Origin by default: it passes.
    ws = websocket.create_connection(server.url.replace("127.0.0.1", "localhost"), timeout=5)
    assert json.loads(ws.recv())["type"] == "session.ready"
    ws.close()


def test_connections_beyond_the_limit_are_refused(serve_link):
    server = serve_link(max_connections=3)
    clients = [connect(server.url, legacy=True) for _ in range(3)]
    try:
        for client in clients:
            client.recv(timeout=5)
        assert status_of(server.url) == 503
    finally:
        for client in clients:
            client.close()
    wait_for(lambda: status_of(server.url) == 101, what="room again once the others left")


def test_a_silent_tcp_connection_is_closed_after_the_handshake_timeout(serve_link):
    server = serve_link(handshake_timeout_s=0.5)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as silent:
        started = time.monotonic()
        data = silent.recv(1024)  # blocks until the server gives up on us
    assert time.monotonic() - started < 8
    assert data == b"" or data.startswith(b"HTTP/1.1 ")


def test_a_flooding_connection_is_rate_limited(serve_link):
    server = serve_link(rate_per_s=5, rate_burst=10)
    with connect(server.url) as ws:
        ws.recv(timeout=5)
        for n in range(30):
            ws.send(json.dumps({"version": "2", "id": f"m{n}", "type": "ping"}))
        acks = {}
        while len(acks) < 30:
            frame = json.loads(ws.recv(timeout=5))
            if frame["type"] == "ack":
                acks[frame["payload"]["requestId"]] = frame["payload"]
    refused = [a for a in acks.values() if a["status"] == "error"]
    assert 15 <= len(refused) <= 20 and all(a["code"] == "rate_limited" for a in refused)


def test_listening_beyond_loopback_needs_a_token(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--host", "0.0.0.0", "--port", "0"],
                          capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "link.host: expected a loopback address" in lines[0] and "link.token" in lines[0]


def test_listening_beyond_loopback_with_a_token():
    env = {**os.environ, "KUCHIPAKU_TOKEN": "a-long-enough-token"}
    process = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--host", "0.0.0.0", "--port", "0",
                                "--api-port", "0"],
                               env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    try:
        line = Lines(process.stdout).wait(lambda line: "listening on" in line, what="the listening line")
        port = int(line.rsplit(":", 1)[1].split("/")[0])
        assert status_of(f"ws://127.0.0.1:{port}/ws") == 401
        assert status_of(f"ws://127.0.0.1:{port}/ws?token=a-long-enough-token") == 101
    finally:
        process.terminate()
        assert process.wait(10) == 0


def test_nothing_a_bot_sends_can_forge_a_log_line(program):
    app = program("--verbose")
    forged = "\n2026-01-01 00:00:00,000 ERROR kuchipaku: FORGED LINE"
    with connect(app.url) as ws:
        ws.recv(timeout=5)
        ws.send(json.dumps({"text": f"Hi.{forged}", "role": f"assistant{forged}", "id": f"x{forged}"}))
        ws.send(json.dumps({"text": f"Hello.{forged}", "role": "assistant", "id": f"y{forged}"}))
        ws.send(json.dumps({"version": "2", "type": "chat.error", "payload": {"message": forged}}))
        ws.send(forged)
        app.wait_for_log(r"speaking \(neutral, audible, .*Hello\.")
        app.wait_for_log(r"reported an error")
    assert app.stop() == 0
    assert not any(line.startswith("2026-01-01") for line in app.log().splitlines())
