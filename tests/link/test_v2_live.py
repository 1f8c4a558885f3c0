"""v2 and lifecycle events against the real program, with real clients on
loopback: server mode with a bot, client mode against an AITuberKit-like server."""
from __future__ import annotations

import json
import time

import pytest
from websockets.sync.client import connect

from support.aituberkit import FakeServer, free_port, program_client
from support.timing import wait_for


def v2(event_type: str, payload: dict | None = None, **envelope) -> str:
    return json.dumps({"version": "2", "type": event_type, "payload": payload or {}, **envelope})


def collect_until(ws, predicate, timeout: float = 30.0) -> list[dict]:
    frames: list[dict] = []
    deadline = time.monotonic() + timeout
    while not frames or not predicate(frames[-1]):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            pytest.fail(f"timed out; received {[f.get('type') for f in frames]}")
        frames.append(json.loads(ws.recv(timeout=remaining)))
    return frames


def lifecycle(frames: list[dict], request_id: str) -> list[str]:
    return [f["type"] for f in frames if f.get("type", "").startswith("character.") and f["requestId"] == request_id]


def test_full_v2_conversation(program):
    app = program("--verbose")
    with connect(app.url) as ws:
        ready = json.loads(ws.recv(timeout=5))
        assert ready["type"] == "session.ready" and "capabilities" in ready["payload"]
        ws.send(v2("session.hello", {"capabilities": {"bot": "test"}}, id="h1"))
        ack = json.loads(ws.recv(timeout=5))
        assert ack["type"] == "ack" and ack["payload"] == {"requestId": "h1", "type": "session.hello", "status": "ok"}
        ws.send(v2("ping", id="p1"))
        answers = [json.loads(ws.recv(timeout=5)) for _ in range(2)]
        assert [a["type"] for a in answers] == ["ack", "pong"] and answers[1]["payload"]["requestId"] == "p1"

        ws.send(v2("chat.start", {}, id="e1", requestId="r1"))
        ws.send(v2("chat.delta", {"text": "Streaming works.", "emotion": "happy"}, id="e2", requestId="r1"))
        ws.send(v2("chat.delta", {"text": "[sad]Sadly, it ends."}, id="e3", requestId="r1"))
        ws.send(v2("chat.done", {}, id="e4", requestId="r1"))
        frames = collect_until(ws, lambda f: f.get("type") == "character.response.done")

    acks = [f["payload"]["requestId"] for f in frames if f["type"] == "ack"]
    assert acks == ["e1", "e2", "e3", "e4"]
    events = lifecycle(frames, "r1")
    assert events[0] == "character.message.received" and events[-1] == "character.response.done"
    assert events.index("character.message.rendered") < events.index("character.speech.start")
    assert events.index("character.speech.start") < events.index("character.speech.done")
    assert "character.speech.error" not in events
    assert all(f["timestamp"].endswith("Z") for f in frames)
    app.wait_for_log(r"speaking \(happy, audible, .*'Streaming works\.'")
    app.wait_for_log(r"speaking \(sad, audible, .*'Sadly, it ends\.'")
    app.wait_for_log(r"subtitle: 'Streaming works\. Sadly, it ends\.'")
    assert app.stop() == 0


def test_errors_in_v2_events_are_acked_with_their_code(program):
    app = program()
    with connect(app.url) as ws:
        ws.recv(timeout=5)
        ws.send(v2("chat.delta", {"role": "assistant"}, id="bad1"))
        ack = json.loads(ws.recv(timeout=5))
        assert ack["payload"]["status"] == "error" and ack["payload"]["code"] == "missing_field"
        ws.send(v2("mystery.event", id="bad2"))
        assert json.loads(ws.recv(timeout=5))["payload"]["code"] == "unknown_type"
        ws.send(v2("chat.error", {"message": "the model fell over"}, id="ce"))
        assert json.loads(ws.recv(timeout=5))["payload"]["status"] == "ok"
    app.wait_for_log(r"reported an error: 'the model fell over'")
    assert app.stop() == 0


def test_cancel_in_the_middle_of_a_long_text(program):
    app = program("--verbose")
    sentences = [f"This is sentence number {n} of a very long answer." for n in range(1, 13)]
    with connect(app.url) as ws:
        ws.recv(timeout=5)
        ws.send(v2("chat.delta", {"text": " ".join(sentences)}, id="long", requestId="rc"))
        collect_until(ws, lambda f: f.get("type") == "character.speech.start")
        app.wait_for_log(r"speaking \(neutral, audible, .*number 1 of")
        ws.send(v2("control.cancel", {}, id="c1", requestId="rc"))
        frames = collect_until(ws, lambda f: f.get("type") == "character.speech.done")
        assert frames[-1]["payload"]["cancelled"] is True
        assert any(f["type"] == "ack" and f["payload"]["requestId"] == "c1" for f in frames)
        app.wait_for_log(r"cancelled request 'rc'")
        ws.send(v2("chat.delta", {"text": "Next topic."}, id="n1", requestId="rn"))
        collect_until(ws, lambda f: f.get("type") == "character.speech.done" and f["requestId"] == "rn")
    log = app.log()
    after_cancel = log[log.index("cancelled request 'rc'"):].splitlines()
    assert any("speaking" in line and "Next topic." in line for line in after_cancel)
    assert not any("speaking" in line and "long answer" in line for line in after_cancel)
    spoken = [s for s in sentences if f"'{s}'" in log]
    assert 1 <= len(spoken) < 4, f"speech went on after the cancel: {spoken}"
    assert app.stop() == 0


def test_legacy_sender_gets_tts_complete_and_lifecycle_with_an_id(program):
    app = program()
    with connect(app.url) as ws:
        assert json.loads(ws.recv(timeout=5))["type"] == "session.ready"
        ws.send(json.dumps({"text": "First.", "role": "assistant", "id": 41}))
        ws.send(json.dumps({"text": "Second.", "role": "assistant"}))
        frames = collect_until(ws, lambda f: f.get("type") == "tts_complete")
        frames += collect_until(ws, lambda f: f.get("type") == "tts_complete")
    assert lifecycle(frames, "41") == ["character.message.received", "character.message.rendered",
                                       "character.speech.start", "character.speech.done"]
    assert [f["type"] for f in frames].count("tts_complete") == 2
    assert app.stop() == 0


def test_tts_complete_can_be_switched_off(program, tmp_path):
    config = tmp_path / "quiet.yaml"
    config.write_text("link: {tts_complete: false}\n", encoding="utf-8")
    app = program("--config", str(config))
    with connect(app.url) as ws:
        ws.recv(timeout=5)
        ws.send(json.dumps({"text": "Hi.", "role": "assistant", "id": "x"}))
        frames = collect_until(ws, lambda f: f.get("type") == "character.speech.done")
        assert "tts_complete" not in [f["type"] for f in frames]
    assert app.stop() == 0


# ---- client mode ---------------------------------------------------------------------


def test_client_mode_speaks_reports_and_reconnects(program, tmp_path):
    port = free_port()
    server = FakeServer(port)
    config = tmp_path / "client.yaml"
    # A fixed 2 s between attempts (the old default, still available): the reconnect is timed below.
    config.write_text(f"link: {{mode: client, url: 'ws://127.0.0.1:{port}/ws', reconnect_s: 2.0}}\n",
                      encoding="utf-8")
    app = None
    try:
        app = program_client(program, config)
        app.wait_for_log(r"Attempting WebSocket connection")
        app.wait_for_log(r"WebSocket connection successful")
        sent = server.frames(lambda f: f.get("type") == "character.response.done")
        types = [f["type"] for f in sent]
        assert types[0] == "session.hello"
        assert "ack" not in types  # AITuberKit acks nothing; real servers take an ack as an invalid message
        events = [t for t in types if t.startswith("character.")]
        assert events[0] == "character.message.received" and events[-1] == "character.response.done"
        assert "character.speech.start" in events
        app.wait_for_log(r"speaking \(happy, audible, .*'Hello from the server\.'")

        server.kill()
        app.wait_for_log(r"WebSocket connection error occurred")
        app.wait_for_log(r"WebSocket connection has ended")
        server = FakeServer(port)
        restarted = time.monotonic()
        successes = app.log().count("WebSocket connection successful")
        wait_for(lambda: app.log().count("WebSocket connection successful") > successes, timeout=3.0,
                 what="the renderer to reconnect within 3 s")
        assert time.monotonic() - restarted < 3.0
        server.frames(lambda f: f.get("type") == "session.hello")
        assert app.stop() == 0
    finally:
        server.kill()


