"""The link client against the peer zoo, in process: a real LinkClient on a
real socket, the inbox read by the test as the frame loop would read it.

Each scenario runs long enough for a loop or a drop to show (scaled real time;
for the ping-less relay, a clock running 50 times faster than real time drives
the client's own ping and stale schedule through 100 s), and checks: each line
reaches the speech queue exactly once, in order; nothing refused; no frame
AITuberKit would not send; no reconnect.
"""
from __future__ import annotations

import json
import queue
import time

import pytest

from engine.link.client import STALE, LinkClient
from engine.link.inbox import Backlog, Command, LinkNotice, Received
from engine.link.messages import Cancel
from engine.link.replies import Replies
from engine.settings.config import LinkConfig
from support.timing import wait_for
from support.zoo import INVALID_JA, AituberServerLegacy, AituberServerV2, PinglessRelay, scaled, speak_test

# What AITuberKit sends a server, and nothing else (externalLinkageProtocol.ts).
AITUBERKIT_SENDS = {"session.hello", "ping", "chat.message", "chat", "control.cancel",
                    "character.message.received", "character.message.rendered", "character.speech.start",
                    "character.speech.done", "character.speech.error", "character.response.done"}


class Harness:
    """A LinkClient and the frame loop's side of its inbox."""

    def __init__(self, url: str, clock=time.monotonic, **settings) -> None:
        self.config = LinkConfig(mode="client", url=url, **settings)
        self.inbox: queue.Queue = queue.Queue()
        self.backlog = Backlog(self.config.queue_limit)
        self.replies = Replies()
        self.client = LinkClient(self.config, self.inbox, self.backlog, self.replies, clock=clock)
        self.spoken: list[str] = []      # texts of assistant messages, as the scheduler would get them
        self.commands: list = []
        self.notices: list[str] = []
        self.received: list[Received] = []

    def __enter__(self) -> Harness:
        self.client.start()
        return self

    def __exit__(self, *exc) -> None:
        self.client.stop()

    def drain(self, give_back: bool = True) -> None:
        while True:
            try:
                item = self.inbox.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, Received):
                self.received.append(item)
                if item.message.spoken and item.message.text:
                    self.spoken.append(item.message.text)
                if give_back:
                    self.backlog.give_back()
            elif isinstance(item, Command):
                self.commands.append(item.event)
            elif isinstance(item, LinkNotice):
                self.notices.append(item.text)

    def until(self, predicate, what: str, timeout: float = 10.0):
        def check():
            self.drain()
            return predicate()
        return wait_for(check, scaled(timeout), what=what)

    def settle(self, seconds: float) -> None:
        """Let a loop show itself, if there is one."""
        deadline = time.monotonic() + scaled(seconds)
        while time.monotonic() < deadline:
            self.drain()
            time.sleep(0.02)
        self.drain()


@pytest.fixture
def v2_server():
    server = AituberServerV2()
    yield server
    server.stop()


@pytest.fixture
def legacy_server():
    server = AituberServerLegacy()
    yield server
    server.stop()


def assert_only_what_aituberkit_sends(types: list[str]) -> None:
    assert set(types) <= AITUBERKIT_SENDS, f"sent frames AITuberKit never sends: {set(types) - AITUBERKIT_SENDS}"


def test_v2_echo_server_every_line_once_and_no_loop(v2_server):
    with Harness(v2_server.url) as h:
        wait_for(lambda: "session.hello" in v2_server.types(), scaled(10), what="session.hello")
        lines = [f"Line number {n}." for n in range(1, 6)]
        for line in lines:
            v2_server.push(line)
        assert h.client.send_user_chat("hello there")
        h.until(lambda: len(h.spoken) >= 6, "six lines")
        h.settle(3.0)  # the loop of issue 10 sent 688 invalid-message deltas in 40 s; a few seconds show it
        assert sorted(h.spoken) == sorted(lines + ["Echo: hello there"])
        assert h.spoken[:5] == lines or h.spoken[1:] == lines or len(set(h.spoken)) == 6
        assert INVALID_JA not in h.spoken
        assert v2_server.invalid_replies == 0
        types = v2_server.types()
        assert_only_what_aituberkit_sends(types)
        assert types.count("session.hello") == 1  # though the server sends session.ready twice
        assert not any("Refused" in n or "Ignored" in n for n in h.notices)
        assert h.client.reconnects == 0 and v2_server.connections == 1

    hello = next(f for f in v2_server.received if f["type"] == "session.hello")
    assert hello["payload"]["protocolVersion"] == "2" and isinstance(hello["payload"]["capabilities"], list)
    chat = next(f for f in v2_server.received if f["type"] == "chat.message")
    assert chat["payload"] == {"text": "hello there"} and chat["sessionId"] == hello["sessionId"]


def test_legacy_server_gets_nothing_but_typed_lines(legacy_server):
    with Harness(legacy_server.url) as h:
        wait_for(lambda: h.client.connected, scaled(10), what="the connection")
        for n in range(1, 6):
            legacy_server.push(f"Legacy line {n}.")
        h.client.send_user_chat("what now?")
        h.until(lambda: len(h.spoken) >= 6, "six lines")
        h.settle(2.0)
        assert sorted(h.spoken) == sorted([f"Legacy line {n}." for n in range(1, 6)] + ["Answer to what now?"])
        assert legacy_server.received == [{"content": "what now?", "type": "chat"}]
        assert legacy_server.invalid_replies == 0 and h.client.reconnects == 0


def test_a_configured_tts_complete_cannot_loop_through_an_invalid_reply(legacy_server):
    """The loop of issue 10 (2.): tts_complete, invalid-message reply, spoken,
    tts_complete... With client_tts_complete on, the reply is recognised, not
    spoken, and tts_complete stops on that connection."""
    with Harness(legacy_server.url, client_tts_complete=True) as h:
        wait_for(lambda: h.client.connected, scaled(10), what="the connection")
        for n in range(1, 4):
            legacy_server.push(f"Paced line {n}.")
        answered, asked, asked_at_notice = 0, 0, None
        deadline = time.monotonic() + scaled(4)
        while time.monotonic() < deadline:
            h.drain()
            # As LifecycleReporter does: tts_complete after each legacy message handled.
            for _ in range(len(h.received) - answered):
                h.client.send(1, h.replies.tts_complete())
                asked += 1
            answered = len(h.received)
            if asked_at_notice is None and any("did not understand" in n for n in h.notices):
                # The client stops the kind before it posts the notice, so
                # nothing asked from here on may reach the server.
                asked_at_notice = asked
            time.sleep(0.02)
        assert h.spoken == [f"Paced line {n}." for n in range(1, 4)]
        # Some asked before the first reply came back may still have been in
        # flight then; each got one reply, and none asked later was sent.
        sent = legacy_server.types().count("tts_complete")
        assert asked_at_notice is not None and 0 < sent <= asked_at_notice
        assert sent == legacy_server.invalid_replies
        assert asked > sent  # the invalid replies' own start/end did not bring more tts_complete
        assert any("did not understand our tts_complete" in n for n in h.notices)


def test_pingless_relay_keeps_the_link_for_100_seconds():
    """ha-character-bridge never answers WebSocket pings. With no library
    keepalive (the default, as a browser) the link is never dropped; the
    client's own schedule runs on a clock 50 times real time, so 2.5 s are
    125 s to it."""
    relay = PinglessRelay()
    started = time.monotonic()
    try:
        with Harness(relay.url, clock=lambda: started + (time.monotonic() - started) * 50) as h:
            wait_for(lambda: h.client.connected and relay.connections == 1, scaled(10), what="the connection")
            lines = [f"Relayed {n}." for n in range(10)]
            for line in lines:
                speak_test(relay.url, line)
                h.settle(0.25)
            h.until(lambda: len(h.spoken) >= 10, "ten relayed lines")
            assert (time.monotonic() - started) * 50 > 100
            assert h.spoken == lines
            assert relay.pings_seen == 0
            assert h.client.reconnects == 0 and h.client.connected
            assert all(f.get("role") == "assistant" for f in relay.received)  # nothing of ours was relayed
    finally:
        relay.stop()


def test_with_a_keepalive_the_pingless_relay_is_dropped():
    """The failure the default avoids (and proof the test above can fail)."""
    relay = PinglessRelay()
    try:
        with Harness(relay.url, keepalive_s=0.2, reconnect_s=0.2) as h:
            wait_for(lambda: h.client.reconnects >= 1, scaled(10), what="the keepalive to drop the relay")
            assert relay.pings_seen >= 1
    finally:
        relay.stop()


def test_cancel_remote_sends_control_cancel_and_the_cancelled_answer_is_not_spoken():
    server = AituberServerV2(backend="slow_echo")
    try:
        with Harness(server.url) as h:
            wait_for(lambda: "session.hello" in server.types(), scaled(10), what="session.hello")
            h.client.send_user_chat("tell me everything")
            h.until(lambda: h.spoken == ["SlowEcho: tell me everything。"], "the first sentence")
            h.client.cancel_remote()
            h.until(lambda: any(isinstance(c, Cancel) for c in h.commands), "the local cancel")
            wait_for(lambda: server.cancelled.is_set(), scaled(10), what="the server to cancel")
            h.settle(1.0)
            chat = next(f for f in server.received if f["type"] == "chat.message")
            cancel = next(f for f in server.received if f["type"] == "control.cancel")
            assert cancel["requestId"] == chat["id"] and cancel["payload"] == {}  # AITuberKit's activeRequestId
            assert h.client._stream.muted is False  # the cancelled chat.done ended the muting
            h.client.send_user_chat("and now?")
            h.until(lambda: len(h.spoken) == 2, "the next answer")
            assert h.spoken[-1] == "SlowEcho: and now?。"
            assert server.invalid_replies == 0
    finally:
        server.stop()


def test_a_typed_line_waits_through_a_reconnect():
    server = AituberServerV2()
    port = server.port
    try:
        with Harness(server.url, reconnect_s=0.2) as h:
            wait_for(lambda: h.client.connected and "session.hello" in server.types(), scaled(10),
                     what="the connection")
            server.stop()
            wait_for(lambda: not h.client.connected, scaled(10), what="the link to drop")
            assert h.client.send_user_chat("sent in the gap")
            server = AituberServerV2(port=port)
            h.until(lambda: h.spoken == ["Echo: sent in the gap"], "the line sent after the reconnect")
            assert h.client.reconnects == 1
    finally:
        server.stop()


class PongsOnce(AituberServerV2):
    """A v2 server whose pongs stop after the first (a hung backend behind a
    live socket). It still acks every ping, which is not a pong."""

    def handle(self, ws):
        self.pongs = 0
        original = ws.send

        def send(frame, *args):
            if '"type": "pong"' in frame:
                self.pongs += 1
                if self.pongs > 1:
                    return
            original(frame, *args)
        ws.send = send
        super().handle(ws)


def test_a_stale_link_is_marked_not_reconnected():
    server = PongsOnce()
    try:
        with Harness(server.url, ping_interval_s=0.1, stale_after_s=0.5) as h:
            h.until(lambda: STALE in h.notices, "the stale notice")
            assert h.client.stale and h.client.connected
            h.settle(0.5)
            assert h.client.reconnects == 0 and server.connections == 1
            assert server.types().count("ping") >= 3
    finally:
        server.stop()


def test_a_stale_link_reconnects_when_configured():
    server = PongsOnce()
    try:
        with Harness(server.url, ping_interval_s=0.1, stale_after_s=0.5, stale_reconnect=True,
                     reconnect_s=0.1) as h:
            h.until(lambda: h.client.reconnects >= 1, "a reconnect")
    finally:
        server.stop()


def test_a_server_faster_than_speech_is_queued_not_refused(v2_server):
    """Issue 10 (6.): the server we chose is not rate-limited or refused; at
    the cap we stop reading (TCP slows the server) and say so."""
    with Harness(v2_server.url, client_queue_cap=16, rate_per_s=1.0, rate_burst=1) as h:
        wait_for(lambda: "session.hello" in v2_server.types(), scaled(10), what="session.hello")
        for n in range(60):
            v2_server.push(f"Fast {n}.")
        wait_for(lambda: any(isinstance(i, LinkNotice) and "reading paused" in i.text
                             for i in list(h.inbox.queue)), scaled(10), what="the queue-cap notice")
        h.until(lambda: len(h.spoken) >= 60, "all sixty lines")
        assert h.spoken == [f"Fast {n}." for n in range(60)]
        assert not any("Refused" in n for n in h.notices)


def test_chat_error_goes_to_the_streamer_or_is_spoken_when_configured(v2_server):
    for speak, expected in ((False, []), (True, ["the model fell over"])):
        with Harness(v2_server.url, speak_chat_error=speak) as h:
            wait_for(lambda: len(v2_server.clients()) == 1, scaled(10), what="the connection")
            for ws in v2_server.clients():
                ws.send(json.dumps({"version": "2", "id": "e1", "type": "chat.error",
                                    "payload": {"message": "the model fell over", "requestId": "r1"}}))
            h.until(lambda: h.commands or h.spoken, "the error")
            h.settle(0.3)
            assert h.spoken == expected
            assert bool(h.commands) is not speak
        wait_for(lambda: not v2_server.clients(), scaled(10), what="the old connection to go")


class Chatty(AituberServerV2):
    """aituber-server with a backend that streams a sentence every 50 ms (as
    Open Interpreter's stream is flushed sentence by sentence) and checks the
    cancel flag between chunks, as its worker does: frames already sent when
    our control.cancel arrives still reach us."""

    def _answer(self, ws, text, request_id):
        self._legacy_as_v2(ws, "", "start")
        for n in range(200):
            if self.cancelled.is_set():
                break
            self._legacy_as_v2(ws, f"Part {n}.", "")
            time.sleep(0.05)
        ws.send(self.event("chat.done", {"text": "", "role": "assistant", "emotion": "neutral",
                                         "cancelled": True}, request_id))


def test_what_the_server_sends_after_a_cancel_is_not_spoken():
    server = Chatty(backend="slow_echo")
    try:
        with Harness(server.url) as h:
            wait_for(lambda: "session.hello" in server.types(), scaled(10), what="session.hello")
            h.client.send_user_chat("talk")
            h.until(lambda: len(h.spoken) >= 3, "a few parts")
            h.client.cancel_remote()
            boundary: list[int] = []
            order: list[str] = []
            deadline = time.monotonic() + scaled(2)
            while time.monotonic() < deadline:
                item = None
                try:
                    item = h.inbox.get(timeout=0.05)
                except queue.Empty:
                    continue
                if isinstance(item, Command) and isinstance(item.event, Cancel):
                    boundary.append(len(order))
                elif isinstance(item, Received) and item.message.text:
                    order.append(item.message.text)
            assert boundary, "the link did not cancel locally"
            assert order[boundary[0]:] == []  # nothing of the cancelled answer after the cancel
            assert server.cancelled.is_set() and not h.client._stream.muted
            assert h.client.connected and h.client.reconnects == 0
    finally:
        server.stop()
