"""The shipped examples and the send tool, run as users run them."""
from __future__ import annotations

import json
import subprocess
import sys

from websockets.sync.client import connect

from support.aituberkit import free_port, program_client
from support.lines import Lines
from support.program import ROOT
from support.timing import wait_for


def test_send_tool_speaks_and_waits(program):
    app = program()
    done = subprocess.run([sys.executable, "-m", "engine.link.send", "Sent from the tool.", "--emotion", "happy",
                           "--wait", "--url", app.url], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["character.message.received", "character.message.rendered",
                                   "character.speech.start", "character.speech.done"]
    app.wait_for_log(r"speaking \(happy, audible, .*'Sent from the tool\.'")
    refused = subprocess.run([sys.executable, "-m", "engine.link.send", "x", "--url", "ws://127.0.0.1:1/ws"],
                             cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1 and "could not send" in refused.stderr
    assert app.stop() == 0


def test_v2_client_example_runs_to_response_done(program):
    app = program()
    done = subprocess.run([sys.executable, str(ROOT / "examples" / "v2_client.py"), app.url],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "session.ready" in lines[0]
    assert lines[-1].startswith("<- character.response.done")
    assert any(line.startswith("<- character.speech.start") for line in lines)
    app.wait_for_log(r"speaking \(happy, .*'Hello everyone, welcome to the stream!'")
    app.wait_for_log(r"speaking \(relaxed, .*Let's take it easy today\.")
    assert app.stop() == 0


def test_relay_server_example_forwards_a_bot_to_the_renderer(program, tmp_path):
    port = free_port()
    relay = subprocess.Popen([sys.executable, str(ROOT / "examples" / "relay_server.py"), str(port)],
                             stdout=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    try:
        assert "relay listening" in Lines(relay.stdout).wait(lambda line: True, what="the relay's first line")
        config = tmp_path / "client.yaml"
        config.write_text(f"link: {{mode: client, url: 'ws://localhost:{port}/ws'}}\n", encoding="utf-8")
        app = program_client(program, config)
        app.wait_for_log(r"WebSocket connection successful")
        app.wait_for_log(r"session.hello|successful")
        with connect(f"ws://localhost:{port}/bot") as bot:
            # Toward a server kuchipaku is AITuberKit: lifecycle events for v2 requests, no tts_complete.
            bot.send(json.dumps({"version": "2", "type": "chat.delta", "requestId": "b1",
                                 "payload": {"text": "Relayed line.", "role": "assistant", "emotion": "sad"}}))
            bot.send(json.dumps({"version": "2", "type": "chat.done", "requestId": "b1", "payload": {}}))
            seen = []
            wait_for(lambda: seen.append(json.loads(bot.recv(timeout=30)))
                     or seen[-1].get("type") == "character.response.done",
                     timeout=60, what="character.response.done through the relay")
        types = [f.get("type") for f in seen]
        assert "character.speech.start" in types and "tts_complete" not in types and "ack" not in types
        app.wait_for_log(r"speaking \(sad, audible, .*'Relayed line\.'")
        assert app.stop() == 0
    finally:
        relay.kill()
        relay.wait()
