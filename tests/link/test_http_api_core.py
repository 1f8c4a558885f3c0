"""The HTTP API's pure core: requests in, responses and inbox items out, with
AITuberKit's routes, fields and status codes (src/pages/api/v1/*.ts)."""
from __future__ import annotations

import itertools
import json

import pytest

from engine.link.http_api import API_CONNECTION, ApiContext, ApiRequest, handle
from engine.link.inbox import Command, Received, Stop
from engine.settings.config import HttpApiConfig

JSON = {"content-type": "application/json"}


def ctx(key: str | None = None, client_mode: bool = False, **config) -> ApiContext:
    return ApiContext(HttpApiConfig(**config), key, 2000, ("Kotone",), client_mode, {"isSpeaking": False})


def call(method: str, path: str, body=None, headers: dict | None = None, context: ApiContext | None = None):
    ids = itertools.count(1)
    raw = body if isinstance(body, bytes) else (json.dumps(body).encode() if body is not None else b"")
    return handle(ApiRequest(method, path, {**(JSON if body is not None else {}), **(headers or {})}, raw),
                  context or ctx(), lambda prefix: f"{prefix}_{next(ids)}")


@pytest.mark.parametrize("path", ["/api/v1/speak", "/api/v1/speak/"])
def test_speak_queues_one_message_per_text_with_its_id(path):
    out = call("POST", path, {"text": "[happy] Hello!", "emotion": "sad"})
    assert out.status == 202
    assert out.body == {"ok": True, "clientId": "Kotone", "queued": ["msg_1"], "count": 1}
    [item] = out.inbox
    assert isinstance(item, Received) and item.connection == API_CONNECTION
    assert item.message.text == "[happy] Hello!" and item.message.emotion == "sad"
    assert item.message.lifecycle_id == "msg_1" and item.message.spoken
    assert [kind for _, kind, _ in out.events] == ["message_queued"]


def test_messages_list_interrupt_and_priority():
    out = call("POST", "/api/v1/speak", {"messages": ["One.", "  ", "Two."], "interrupt": True, "priority": "high",
                                         "clientId": "my-bot"})
    assert out.body["queued"] == ["msg_2", "msg_3"] and out.body["clientId"] == "my-bot"
    assert isinstance(out.inbox[0], Command) and out.inbox[0].event == Stop("all", "interrupt_before_speak")
    assert [i.message.text for i in out.inbox[1:]] == ["One.", "Two."]
    assert all(i.message.priority for i in out.inbox[1:])
    assert [kind for _, kind, _ in out.events] == ["stop_requested", "message_queued"]


@pytest.mark.parametrize("body, status, code", [
    ({}, 400, "missing_field"),
    ({"text": "   "}, 400, "missing_field"),
    ({"text": 5}, 400, "bad_field"),
    ({"messages": ["a", 1]}, 400, "bad_field"),
    ({"text": "a", "speechSessionId": ""}, 400, "bad_field"),
    ({"text": "a", "image": 3}, 400, "bad_field"),
    ({"text": "a", "image": "x" * 10_000_001}, 413, "too_large"),
    ({"text": "a", "interrupt": "yes"}, 400, "bad_field"),
    ({"text": "a", "emotion": 7}, 400, "bad_field"),
    ({"text": "a" * 2001}, 400, "too_long"),
    ({"text": "a\x00"}, 400, "bad_field"),
    ({"text": "a", "audio": "!!"}, 400, "bad_audio"),
    ({"messages": ["a", "b"], "audio": "AAAA"}, 400, "bad_field"),
    ({"text": "a", "receiverId": "Nobody"}, 400, "unknown_character"),
])
def test_speak_refusals_speak_nothing(body, status, code):
    out = call("POST", "/api/v1/speak", body)
    assert (out.status, out.body["code"]) == (status, code)
    assert set(out.body) == {"error", "code"} and out.inbox == [] and out.events == []


def test_body_must_be_a_json_object_sent_as_json():
    assert call("POST", "/api/v1/speak", b'{"text":"a"}', {"content-type": "text/plain"}).status == 415
    assert call("POST", "/api/v1/speak", b'{"text":"a"}', {"content-type": ""}).status == 415
    assert call("POST", "/api/v1/speak", b'{"text": "a"', {}).body["code"] == "invalid_json"
    assert call("POST", "/api/v1/speak", b'["a"]', {}).body["code"] == "not_an_object"
    assert call("POST", "/api/v1/speak", b'\xff\xfe', {}).body["code"] == "invalid_json"
    ok = call("POST", "/api/v1/speak", b'{"text":"a"}', {"content-type": "application/json; charset=utf-8"})
    assert ok.status == 202


def test_routes_methods_and_origin():
    assert call("GET", "/api/v1/nothing").status == 404
    assert call("GET", "/api/v2/speak").status == 404
    wrong = call("GET", "/api/v1/speak")
    assert (wrong.status, wrong.body["error"], wrong.headers["Allow"]) == (405, "Method not allowed", "POST")
    assert call("POST", "/api/v1/status", {}).status == 405
    page = call("POST", "/api/v1/speak", {"text": "a"}, {"origin": "https://evil.example"})
    assert (page.status, page.inbox) == (403, [])
    assert call("POST", "/api/v1/speak", {"text": "a"}, {"origin": "http://localhost:5173"}).status == 202
    rebound = call("GET", "/api/v1/status", None, {"host": "evil.example:3000"})
    assert (rebound.status, rebound.body["code"]) == (403, "forbidden_host")
    for host in ("127.0.0.1:3000", "localhost:3000", "[::1]:3000", "localhost"):
        assert call("GET", "/api/v1/status", None, {"host": host}).status == 200
    assert call("GET", "/api/v1/status", None, {"host": "192.168.1.5:3000"},
                ctx(key="right-key-123", host="0.0.0.0")).status == 401  # beyond loopback: the key guards it
    listed = ctx(allowed_origins=("https://my-overlay.example",))
    assert call("POST", "/api/v1/speak", {"text": "a"}, {"origin": "https://my-overlay.example"},
                listed).status == 202


@pytest.mark.parametrize("headers, status", [
    ({}, 401),
    ({"authorization": "Bearer wrong-key-123"}, 401),
    ({"x-aituberkit-api-key": "wrong-key-123"}, 401),
    ({"authorization": "Bearer right-key-123"}, 202),
    ({"x-aituberkit-api-key": "right-key-123"}, 202),
    ({"authorization": "Bearer right-key-123", "x-aituberkit-api-key": "wrong"}, 202),  # Bearer first, as AITuberKit
    ({"authorization": "Basic right-key-123"}, 401),
])
def test_the_key_when_one_is_set(headers, status):
    out = call("POST", "/api/v1/speak", {"text": "a"}, headers, ctx(key="right-key-123"))
    assert out.status == status
    if status == 401:
        assert out.body == {"error": "Invalid API key", "code": "INVALID_API_KEY"} and out.inbox == []


def test_stop_modes_and_defaults():
    out = call("POST", "/api/v1/stop", {"mode": "queue", "reason": "chat moved on"})
    assert out.status == 202 and out.body == {"ok": True, "clientId": "Kotone", "commandId": "cmd_1", "mode": "queue"}
    assert out.inbox == [Command(API_CONNECTION, Stop("queue", "chat moved on"))]
    assert call("POST", "/api/v1/stop/", {"mode": "everything"}).body["mode"] == "all"  # as AITuberKit
    assert call("POST", "/api/v1/stop", {}).body["mode"] == "all"


def test_status_receivers_events():
    status = call("GET", "/api/v1/status")
    assert status.status == 200 and status.body["ok"] and status.body["status"]["connected"] is True
    assert set(status.body["queue"]) == {"messageCount", "commandCount", "lastAccessed"}
    receivers = call("GET", "/api/v1/receivers/").body["receivers"]
    assert [r["receiverId"] for r in receivers] == ["Kotone"] and receivers[0]["capabilities"] == ["speech"]
    events = call("GET", "/api/v1/events?snapshot=true&receiverId=Kotone")
    assert events.stream is not None and events.stream.snapshot and events.stream.client_id == "Kotone"
    assert call("GET", "/api/v1/events").stream.snapshot is False


def test_messages_types():
    direct = call("POST", "/api/v1/messages", {"type": "direct_send", "text": "Hi."})
    assert direct.status == 202 and direct.body["type"] == "direct_send" and len(direct.inbox) == 1
    llm = call("POST", "/api/v1/messages", {"type": "ai_generate", "text": "Hi."})
    assert llm.status == 501 and "language model" in llm.body["error"] and llm.inbox == []
    assert call("POST", "/api/v1/messages", {"type": "shout", "text": "Hi."}).body["error"] == "Invalid type"
    server_mode = call("POST", "/api/v1/messages", {"type": "user_input", "text": "Hi."})
    assert server_mode.status == 409 and server_mode.user_lines == []
    client_mode = call("POST", "/api/v1/messages", {"type": "user_input", "text": "Hi."}, context=ctx(client_mode=True))
    assert client_mode.status == 202 and client_mode.user_lines == ["Hi."] and client_mode.inbox == []
