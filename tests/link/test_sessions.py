"""The two sessions side by side, called directly with frames as text:
``LinkSession`` (a bot connected to us: acked, rate-limited, refused with
coded errors) and ``ClientSession`` (the server we connected to: answered with
nothing, never limited). Plus the client's back-off on a real socket."""
from __future__ import annotations

import json
import logging
import queue
import socket

from engine.link.client import LinkClient
from engine.link.client_session import ClientSession
from engine.link.guard import ServerStream
from engine.link.inbox import Backlog, Command, LinkNotice, Received
from engine.link.messages import Ack, Pong, Ready
from engine.link.replies import Replies
from engine.link.segments import Segments
from engine.link.session import LinkSession
from engine.settings.config import LinkConfig
from support.timing import wait_for
from support.zoo import scaled


def v2(event_type: str, payload: dict | None = None, **envelope) -> str:
    return json.dumps({"version": "2", "type": event_type, "payload": payload or {}, **envelope})


def server_session(**settings):
    sent: list[dict] = []
    inbox: queue.Queue = queue.Queue()
    config = LinkConfig(**settings)
    session = LinkSession(1, lambda frame: sent.append(json.loads(frame)), inbox, Backlog(config.queue_limit),
                          Replies(), config)
    return session, sent, inbox


def client_session(v2_link: bool = True, **settings):
    sent: list[dict] = []
    inbox: queue.Queue = queue.Queue()
    invalid: list[str] = []
    config = LinkConfig(mode="client", **settings)
    backlog = Backlog(config.queue_limit)
    session = ClientSession(1, lambda frame: sent.append(json.loads(frame)), inbox, backlog, Replies(), config,
                            ServerStream(config.invalid_replies), Segments(), lambda: v2_link, invalid.append)
    return session, sent, inbox, backlog, invalid


def items(inbox: queue.Queue) -> list:
    out = []
    while not inbox.empty():
        out.append(inbox.get_nowait())
    return out


# ---- server mode: bots are strangers ---------------------------------------------------

def test_a_bot_is_acked_and_gets_lifecycle_received():
    session, sent, inbox = server_session()
    session.on_text(v2("chat.delta", {"text": "Hi."}, id="e1", requestId="r1"))
    assert [f["type"] for f in sent] == ["ack", "character.message.received"]
    assert isinstance(items(inbox)[0], Received)


def test_a_bot_is_rate_limited_and_queue_limited():
    session, sent, _ = server_session(rate_per_s=0.1, rate_burst=2, queue_limit=1)
    for n in range(3):
        session.on_text(json.dumps({"text": f"{n}", "role": "assistant"}))
    codes = [f.get("code") for f in sent if f["type"] == "error"]
    assert codes == ["queue_full", "rate_limited"]


def test_a_bot_with_a_bad_image_gets_a_warning_and_is_spoken():
    session, sent, inbox = server_session()
    session.on_text(json.dumps({"text": "Look.", "role": "assistant", "image": "file:///etc/passwd"}))
    assert [f["type"] for f in sent] == ["warning"] and sent[0]["field"] == "image"
    assert items(inbox)[0].message.text == "Look."


def test_a_bot_gets_pong_and_error_replies():
    session, sent, _ = server_session()
    session.on_text(v2("ping", id="p1"))
    session.on_text("not json")
    assert [f["type"] for f in sent] == ["ack", "pong", "error"]


# ---- client mode: the server is answered with nothing ------------------------------------

def test_the_server_is_never_answered():
    session, sent, inbox, _, _ = client_session()
    for frame in (v2("chat.start", {}, id="e1"), v2("chat.delta", {"text": "Hi."}, id="e2"),
                  v2("chat.done", {}, id="e3"), v2("ping", id="p1"), v2("mystery.event", id="m1"),
                  "not json", "[1, 2]", json.dumps({"text": "x", "role": "narrator", "emotion": "smug"}),
                  v2("ack", {"requestId": "kp_1"}), v2("pong", {}), v2("session.hello", {})):
        session.on_text(frame)
    assert sent == []
    notices = [i.text for i in items(inbox) if isinstance(i, LinkNotice)]
    # Each kind of broken frame is shown once; none is refused back.
    assert notices == ["Ignored a frame from the server: unknown_type", "Ignored a frame from the server: invalid_json",
                       "Ignored a frame from the server: not_an_object"]


def test_the_server_is_never_limited():
    session, _, inbox, backlog, _ = client_session(queue_limit=2, rate_per_s=0.1, rate_burst=1)
    for n in range(50):
        session.on_text(json.dumps({"text": f"Line {n}.", "role": "assistant"}))
    received = [i for i in items(inbox) if isinstance(i, Received)]
    assert [r.message.text for r in received] == [f"Line {n}." for n in range(50)]
    assert backlog.taken == 50  # counted (the client pauses reading at client_queue_cap), never refused


def test_lifecycle_only_for_v2_requests_in_aituberkit_shape():
    session, sent, inbox, _, _ = client_session()
    session.on_text(json.dumps({"text": "legacy", "role": "assistant", "id": "m1"}))
    session.on_text(v2("chat.delta", {"text": "no request"}, id="e1"))
    session.on_text(v2("chat.delta", {"text": "Hello.", "emotion": "happy", "requestId": "r1"}, id="e2"))
    assert [f["type"] for f in sent] == ["character.message.received"]
    received = sent[0]
    assert received["requestId"] == "r1" and received["payload"]["requestId"] == "r1"
    assert received["payload"]["text"] == "Hello." and received["payload"]["emotion"] == "happy"
    assert received["payload"]["hasImage"] is False and received["payload"]["receivedAt"].endswith("Z")
    messages = [i.message for i in items(inbox) if isinstance(i, Received)]
    assert [m.lifecycle_id for m in messages] == [None, None, "r1"]


def test_no_lifecycle_on_a_link_that_never_said_session_ready():
    session, sent, _, _, _ = client_session(v2_link=False)
    session.on_text(v2("chat.delta", {"text": "Hello."}, requestId="r1"))
    assert sent == []


def test_control_events_go_back_to_the_client():
    session, _, _, _, _ = client_session()
    assert isinstance(session.on_text(v2("session.ready", {"capabilities": ["ack"]})).event, Ready)
    assert isinstance(session.on_text(v2("pong", {})).event, Pong)
    assert isinstance(session.on_text(v2("ack", {"requestId": "x"})).event, Ack)


def test_chat_error_goes_to_the_streamer_unless_configured():
    session, _, inbox, _, _ = client_session()
    session.on_text(v2("chat.error", {"message": "boom"}, requestId="r"))
    assert isinstance(items(inbox)[0], Command)
    session, _, inbox, _, _ = client_session(speak_chat_error=True)
    session.on_text(v2("chat.error", {"message": "boom"}, requestId="r"))
    spoken = items(inbox)[0]
    assert isinstance(spoken, Received) and spoken.message.text == "boom" and spoken.message.spoken


def test_an_invalid_message_reply_is_not_spoken_but_reported():
    session, _, inbox, backlog, invalid = client_session()
    session.on_text(json.dumps({"text": "不正な送信が送られたようです。", "role": "assistant"}))
    assert invalid == ["不正な送信が送られたようです。"] and items(inbox) == [] and backlog.taken == 0


def test_a_bad_image_from_the_server_is_a_notice_and_the_text_is_spoken():
    session, sent, inbox, _, _ = client_session()
    session.on_text(json.dumps({"text": "Look!", "role": "assistant", "image": "javascript:alert(1)"}))
    got = items(inbox)
    assert sent == []
    assert any(isinstance(i, LinkNotice) and i.text.startswith("Image not shown") for i in got)
    assert [i.message.text for i in got if isinstance(i, Received)] == ["Look!"]


# ---- the client's back-off, on a real socket ----------------------------------------------

def test_backoff_toward_a_server_that_is_not_there(caplog):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    caplog.set_level(logging.INFO, logger="kuchipaku.link")
    client = LinkClient(LinkConfig(mode="client", url=f"ws://127.0.0.1:{port}/ws"), queue.Queue(), Backlog(4))
    client.start()
    try:
        wait_for(lambda: "next connection attempt in 2 s" in caplog.text, scaled(10), what="the second wait")
    finally:
        client.stop()
    waits = [r.getMessage() for r in caplog.records if r.getMessage().startswith("next connection attempt")]
    assert waits[:2] == ["next connection attempt in 1 s", "next connection attempt in 2 s"]
