"""The v2 envelope: every event type we accept, its defaults, its errors, and
every frame we build, on plain strings with a pinned clock."""
from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from engine.link.messages import Ack, Block, Cancel, ChatError, ChatMessage, Hello, Ping, Pong, Ready, UserChat, Warning
from engine.link.protocol import ErrorCode, ProtocolError, parse_frame
from engine.link.replies import LIFECYCLE_EVENTS, Replies, iso_timestamp
from engine.vocabulary import Role


def v2(event_type: str, payload=None, **envelope) -> str:
    obj = {"version": "2", "type": event_type, **envelope}
    if payload is not None:
        obj["payload"] = payload
    return json.dumps(obj)


def test_chat_delta_from_the_protocol_page():
    parsed = parse_frame(json.dumps({
        "version": "2", "id": "msg_1", "type": "chat.delta", "sessionId": "s1",
        "timestamp": "2026-06-20T00:00:00.000Z", "requestId": "req_1",
        "payload": {"text": "Hi!", "role": "assistant", "emotion": "happy"}}))
    message = parsed.message
    assert (parsed.version, parsed.event_id, parsed.event_type) == ("2", "msg_1", "chat.delta")
    assert (message.text, message.role, message.emotion, message.block) == ("Hi!", "assistant", "happy", Block.APPEND)
    assert (message.request_id, message.message_id, message.version) == ("req_1", "msg_1", "2")
    assert message.lifecycle_id == "req_1" and message.spoken


@pytest.mark.parametrize("event_type, payload, block, text", [
    ("chat.start", None, Block.START, ""),
    ("chat.start", {"text": "Opening."}, Block.START, "Opening."),
    ("chat.done", {}, Block.END, ""),
    ("chat.delta", {"text": "a"}, Block.APPEND, "a"),
    ("chat.delta", {"text": "a", "legacyType": "start"}, Block.START, "a"),
    ("chat.delta", {"text": "a", "legacyType": "end"}, Block.END, "a"),
    ("chat.delta", {"text": "a", "legacyType": "message"}, Block.APPEND, "a"),
])
def test_chat_events_map_to_blocks_with_defaults(event_type, payload, block, text):
    message = parse_frame(v2(event_type, payload, requestId="r")).message
    assert message.block is block and message.text == text
    assert message.role == "assistant" and message.emotion == "neutral"  # v2 defaults


def test_v2_roles_and_emotion_warnings():
    parsed = parse_frame(v2("chat.delta", {"text": "q", "role": "user", "emotion": "sleepy"}, id="e1"))
    assert parsed.message.presentation is Role.QUESTION
    assert parsed.warnings == (Warning("emotion", parsed.warnings[0].message),)


def test_version_as_number_is_v2_too():
    assert parse_frame(json.dumps({"version": 2, "type": "ping", "id": "p"})).version == "2"


@pytest.mark.parametrize("raw, expected", [
    (v2("session.hello", {"capabilities": {"x": 1}}, id="h"), Hello({"x": 1})),
    (v2("session.hello", id="h"), Hello({})),
    (v2("ping", id="p"), Ping()),
    (v2("pong"), Pong()),
    (v2("control.cancel", requestId="r9"), Cancel("r9")),
    (v2("control.cancel", {"requestId": "r8"}), Cancel("r8")),
    (v2("control.cancel"), Cancel(None)),
    (v2("chat.error", {"message": "model timed out"}, requestId="r"), ChatError("model timed out", "r")),
    (v2("chat.error", {}), ChatError("the bot reported an error", None)),
    (v2("session.ready", {"capabilities": {"a": True}}), Ready({"a": True})),
    (v2("ack", {"requestId": "x", "status": "ok"}), Ack("x", "ok")),
    (v2("chat.message", {"content": "hello"}), UserChat("hello")),
    (json.dumps({"content": "hi", "type": "chat"}), UserChat("hi")),
])
def test_every_event_type(raw, expected):
    assert parse_frame(raw).event == expected


def test_errors_in_an_event_with_an_id_carry_it_for_the_ack():
    with pytest.raises(ProtocolError) as refused:
        parse_frame(v2("chat.delta", {"role": "assistant"}, id="e7"))
    assert (refused.value.code, refused.value.event_id, refused.value.event_type) == (
        ErrorCode.MISSING_FIELD, "e7", "chat.delta")
    with pytest.raises(ProtocolError) as refused:
        parse_frame(v2("nope"))
    assert refused.value.event_id is None


# ---- what we build -------------------------------------------------------------------

MOMENT = datetime(2026, 6, 20, 1, 2, 3, 456000, tzinfo=UTC)


@pytest.fixture
def replies() -> Replies:
    return Replies(now=lambda: MOMENT)


def test_iso_timestamps():
    assert iso_timestamp(MOMENT) == "2026-06-20T01:02:03.456Z"


def test_ack(replies):
    ack = json.loads(replies.ack("e1", "chat.delta"))
    assert ack == {"version": "2", "id": "kp_1", "type": "ack", "timestamp": "2026-06-20T01:02:03.456Z",
                   "payload": {"requestId": "e1", "type": "chat.delta", "status": "ok"}}
    error = json.loads(replies.ack("e2", "chat.delta", "error", ErrorCode.QUEUE_FULL, "full"))
    assert error["id"] == "kp_2"
    assert error["payload"] == {"requestId": "e2", "type": "chat.delta", "status": "error", "code": "queue_full",
                                "message": "full"}


def test_session_ready_hello_ping_pong(replies):
    ready = json.loads(replies.session_ready("s1", 2000))
    assert ready["type"] == "session.ready" and ready["sessionId"] == "s1"
    caps = ready["payload"]["capabilities"]
    assert caps["protocolVersions"] == ["1", "2"] and caps["maxTextLength"] == 2000
    assert set(caps["lifecycleEvents"]) == set(LIFECYCLE_EVENTS)
    hello = json.loads(replies.session_hello())["payload"]
    # AITuberKit's shape (externalLinkageProtocol.ts): protocolVersion "2", a list of strings.
    assert hello["protocolVersion"] == "2" and isinstance(hello["capabilities"], list)
    assert {"ping", "chat.message", "control.cancel", *LIFECYCLE_EVENTS} <= set(hello["capabilities"])
    assert "file.upload" not in hello["capabilities"]
    assert json.loads(replies.pong("p1"))["payload"] == {"requestId": "p1"}
    assert json.loads(replies.ping())["type"] == "ping"


def test_lifecycle_events_carry_the_request_id(replies):
    for event_type in LIFECYCLE_EVENTS:
        event = json.loads(replies.lifecycle(event_type, "req_1", cancelled=False))
        assert event["type"] == event_type and event["requestId"] == "req_1"
        assert event["payload"] == {"requestId": "req_1", "cancelled": False}
        assert event["timestamp"] == "2026-06-20T01:02:03.456Z"
    with pytest.raises(AssertionError):
        replies.lifecycle("character.dance", "r")


def test_legacy_frames(replies):
    assert json.loads(replies.tts_complete()) == {"type": "tts_complete"}
    assert json.loads(replies.legacy_user_chat("hi")) == {"content": "hi", "type": "chat"}
    chat = json.loads(replies.user_chat("hi"))
    assert chat["type"] == "chat.message" and chat["payload"] == {"text": "hi"}
    assert json.loads(replies.user_chat("hi", event_id="mine"))["id"] == "mine"
    cancel = json.loads(replies.cancel("kp_9"))
    assert cancel["type"] == "control.cancel" and cancel["requestId"] == "kp_9" and cancel["payload"] == {}
    assert "requestId" not in json.loads(replies.cancel(None))


def test_a_session_id_goes_on_every_v2_event_once_set():
    replies = Replies(session_id="session_abc")
    assert json.loads(replies.ping())["sessionId"] == "session_abc"
    assert "sessionId" not in json.loads(Replies().ping())


def test_our_own_frames_parse_back():
    """What we send in client mode must be valid input for a peer like us."""
    replies = Replies()
    assert isinstance(parse_frame(replies.ping()).event, Ping)
    assert isinstance(parse_frame(replies.pong("x")).event, Pong)
    assert isinstance(parse_frame(replies.session_hello()).event, Hello)
    assert isinstance(parse_frame(replies.user_chat("x")).event, UserChat)
    assert isinstance(parse_frame(replies.legacy_user_chat("x")).event, UserChat)
    assert isinstance(parse_frame(replies.ack("a", "ping")).event, Ack)
    assert isinstance(ChatMessage, type)


def test_request_id_is_read_from_the_top_level_or_the_payload():
    """AITuberKit reads ``requestId ?? payload.requestId``."""
    assert parse_frame(v2("chat.delta", {"text": "a", "requestId": "inner"})).message.request_id == "inner"
    assert parse_frame(v2("chat.delta", {"text": "a", "requestId": "inner"}, requestId="outer")).message.request_id \
        == "outer"
    assert parse_frame(v2("chat.error", {"message": "x", "requestId": "inner"})).event == ChatError("x", "inner")
    assert parse_frame(v2("chat.done", {"cancelled": True}, requestId="r")).message.cancelled


def test_chat_error_text_falls_back_as_aituberkit():
    assert parse_frame(v2("chat.error", {"text": "from text"})).event.message == "from text"
    assert parse_frame(v2("chat.error", {})).event.message == "the bot reported an error"


def test_image_in_a_v2_payload():
    message = parse_frame(v2("chat.delta", {"text": "a", "image": "https://example.com/a.png"})).message
    assert message.image == "https://example.com/a.png"
