"""The real program (main.py in a subprocess, default settings apart from
link.mode and link.url) against each peer of the zoo. Observed from outside:
the program's log ("speaking ...: 'text'" for every sentence it says) and
what each peer received."""
from __future__ import annotations

import re
import threading
import time

import pytest

from support.aituberkit import program_client
from support.timing import wait_for
from support.zoo import (
    INVALID_JA,
    AituberServerLegacy,
    AituberServerV2,
    PinglessRelay,
    scaled,
    send_one_connection_per_sentence,
    send_waiting_for_tts_complete,
    speak_test,
)

AITUBERKIT_SENDS = {"session.hello", "ping", "chat.message", "chat", "control.cancel",
                    "character.message.received", "character.message.rendered", "character.speech.start",
                    "character.speech.done", "character.speech.error", "character.response.done"}


def spoken(log: str) -> list[str]:
    return [m.group(1) for m in re.finditer(r"speaking \([^)]*\): '([^']*)'", log)]


def client_program(program, tmp_path, url: str):
    config = tmp_path / "client.yaml"
    config.write_text(f"link: {{mode: client, url: '{url}'}}\n", encoding="utf-8")
    return program_client(program, config)


def wait_spoken(app, lines: list[str], settle: float = 3.0) -> None:
    wait_for(lambda: all(line in spoken(app.log()) for line in lines), scaled(60),
             what=f"{lines} spoken:\n{app.log()[-3000:]}")
    time.sleep(scaled(settle))  # long enough for a loop to show: issue 10's sent hundreds of frames a second


def assert_clean(app, lines: list[str]) -> None:
    log = app.log()
    said = spoken(log)
    tail = log[-4000:]
    assert [s for s in said if s in lines] == lines, f"not each once in order: {said}\n{tail}"
    assert INVALID_JA not in "".join(said)
    for bad in ("Refused", "queue_full", "rate_limited"):
        assert bad not in log, f"{bad} in the log:\n{tail}"
    assert log.count("Attempting WebSocket connection") <= 1, f"the program reconnected:\n{tail}"


def test_program_against_aituber_server_v2(program, tmp_path):
    server = AituberServerV2()
    try:
        app = client_program(program, tmp_path, server.url)
        wait_for(lambda: "session.hello" in server.types(), scaled(30), what="session.hello")
        lines = [f"Version two line {n}." for n in range(1, 5)]
        for line in lines:
            server.push(line)
        wait_spoken(app, lines)
        assert_clean(app, lines)
        assert server.invalid_replies == 0
        types = server.types()
        assert set(types) <= AITUBERKIT_SENDS and "ack" not in types and "tts_complete" not in types
        starts = [f for f in server.received if f["type"] == "character.speech.start"]
        assert len(starts) == len(lines)
        assert {"speechSegmentId", "text", "emotion", "startedAt"} <= set(starts[0]["payload"])
        assert [s["payload"]["text"] for s in starts] == lines
        finals = [f for f in server.received if f["type"] == "character.response.done"]
        assert [f["payload"]["speechSegmentCount"] for f in finals] == [1] * len(lines)
        assert app.stop() == 0
    finally:
        server.stop()


def test_program_against_legacy_aituber_server(program, tmp_path):
    server = AituberServerLegacy()
    try:
        app = client_program(program, tmp_path, server.url)
        wait_for(lambda: server.clients(), scaled(30), what="the connection")
        lines = [f"Legacy line {n}." for n in range(1, 5)]
        for line in lines:
            server.push(line)
        wait_spoken(app, lines)
        assert_clean(app, lines)
        assert server.received == [] and server.invalid_replies == 0  # no tts_complete toward a server
        assert app.stop() == 0
    finally:
        server.stop()


def test_program_against_the_pingless_relay(program, tmp_path):
    relay = PinglessRelay()
    try:
        app = client_program(program, tmp_path, relay.url)
        wait_for(lambda: relay.connections == 1, scaled(30), what="the connection")
        app.wait_for_log(r"WebSocket connection successful")
        lines = [f"Relayed line {n}." for n in range(1, 5)]
        for line in lines:
            speak_test(relay.url, line)
        wait_spoken(app, lines)
        assert_clean(app, lines)
        assert relay.pings_seen == 0
        assert all(f.get("role") == "assistant" for f in relay.received)  # the program sent nothing to relay
        assert app.stop() == 0
    finally:
        relay.stop()


def test_program_with_a_sender_waiting_for_tts_complete(program):
    app = program()
    lines = [f"Paced line {n}." for n in range(1, 5)]
    frames = send_waiting_for_tts_complete(app.url, lines)
    assert [f["type"] for f in frames].count("tts_complete") == len(lines)
    wait_spoken(app, lines, settle=1.0)
    assert_clean(app, lines)
    assert app.stop() == 0


def test_program_with_a_sender_opening_one_connection_per_sentence(program):
    app = program()
    lines = [f"Quick line {n}." for n in range(1, 9)]
    sender = threading.Thread(target=send_one_connection_per_sentence, args=(app.url, lines))
    sender.start()
    sender.join(scaled(60))
    wait_spoken(app, lines, settle=1.0)
    assert_clean(app, lines)
    assert app.stop() == 0


@pytest.mark.parametrize("peer", ["v2", "legacy"])
def test_program_survives_a_server_that_answers_everything_with_invalid(program, tmp_path, peer):
    """Even a frame we do send (a typed line would be one) draws no loop: here
    a server is told our tts_complete on purpose (client_tts_complete: true)."""
    server = AituberServerV2() if peer == "v2" else AituberServerLegacy()
    try:
        config = tmp_path / "client.yaml"
        config.write_text(f"link: {{mode: client, url: '{server.url}', client_tts_complete: true}}\n",
                          encoding="utf-8")
        app = program_client(program, config)
        wait_for(lambda: server.clients(), scaled(30), what="the connection")
        if peer == "v2":
            wait_for(lambda: "session.hello" in server.types(), scaled(30), what="session.hello")
        server.push("One line only.")
        wait_spoken(app, ["One line only."], settle=3.0)
        assert spoken(app.log()).count("One line only.") == 1
        assert INVALID_JA not in "".join(spoken(app.log()))
        assert server.invalid_replies <= 3  # those already on the way when the first reply came back
        before = server.invalid_replies
        time.sleep(scaled(2.0))
        assert server.invalid_replies == before  # no loop
        assert app.stop() == 0
    finally:
        server.stop()


def test_program_takes_an_image_and_speaks_the_text_of_a_bad_one(program):
    import json

    from websockets.sync.client import connect

    app = program()
    with connect(app.url) as ws:
        ws.recv(timeout=scaled(5))  # session.ready
        ws.send(json.dumps({"text": "A picture.", "role": "assistant", "image": "https://example.com/cat.png"}))
        ws.send(json.dumps({"text": "A bad picture.", "role": "assistant", "image": "file:///etc/passwd"}))
        warning = json.loads(ws.recv(timeout=scaled(10)))
        while warning.get("type") == "tts_complete":  # the first line may already have been spoken
            warning = json.loads(ws.recv(timeout=scaled(10)))
    assert warning["type"] == "warning" and warning["field"] == "image" and "not 'file'" in warning["message"]
    wait_spoken(app, ["A picture.", "A bad picture."], settle=0.5)
    app.wait_for_log(r"with an image \('https://example\.com/cat\.png'")
    assert app.stop() == 0
