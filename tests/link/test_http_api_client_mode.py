"""The HTTP API when kuchipaku is a link client (it connects to a server, as
AITuberKit does): ``user_input`` goes to that server as a viewer's typed line,
and ``stop`` sends it ``control.cancel``. The server is
tests/support/fake_aituberkit_server.py, which behaves as AITuberKit's own
external-linkage server (session.ready, acks, a streamed answer per chat)."""
from __future__ import annotations

from support.aituberkit import FakeServer, free_port, program_client
from support.http_client import post


def test_user_input_reaches_the_server_and_stop_cancels_its_answer(program, tmp_path):
    port = free_port()
    server = FakeServer(port)
    config = tmp_path / "client.yaml"
    config.write_text(f"link: {{mode: client, url: 'ws://127.0.0.1:{port}/ws'}}\n", encoding="utf-8")
    try:
        app = program_client(program, config)
        app.wait_for_log(r"WebSocket connection successful")
        server.frames(lambda f: f.get("type") == "character.response.done")  # its greeting, spoken
        status, answer = post(app.api_url + "/messages", {"type": "user_input", "text": "Hi from the chat!"})
        assert status == 202 and answer["type"] == "user_input" and answer["count"] == 1
        typed = server.frames(lambda f: f.get("type") == "chat.message")[-1]
        assert typed["payload"].get("content", typed["payload"].get("text")) == "Hi from the chat!"
        app.wait_for_log(r"speaking .*'Hello from the server\.'.*\n(.|\n)*speaking .*'Hello from the server\.'")
        status, answer = post(app.api_url + "/stop", {"mode": "all"})
        assert status == 202
        cancel = server.frames(lambda f: f.get("type") == "control.cancel")[-1]
        assert cancel["type"] == "control.cancel"
        app.wait_for_log(r"stopped \(all")
        assert app.stop() == 0
    finally:
        server.kill()
