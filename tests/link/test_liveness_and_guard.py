"""The client's pure parts, on plain numbers: back-off, the v2 ping schedule
and staleness (engine.link.liveness), what of a server's stream is let through
(engine.link.guard), and AITuberKit's lifecycle payloads (engine.link.segments)."""
from __future__ import annotations

from engine.link.guard import ServerStream, Verdict
from engine.link.liveness import Backoff, Heartbeat
from engine.link.messages import Block, ChatMessage
from engine.link.protocol import parse_frame
from engine.link.segments import Segments
from engine.vocabulary import Role


def test_backoff_doubles_from_1_to_30_and_resets_after_a_good_connection():
    backoff = Backoff()
    assert [backoff.next_delay() for _ in range(8)] == [1, 2, 4, 8, 16, 30, 30, 30]
    backoff.connected()
    assert [backoff.next_delay() for _ in range(2)] == [1, 2]


def test_a_fixed_interval_is_still_available():
    backoff = Backoff(fixed_s=2.0)
    assert [backoff.next_delay() for _ in range(4)] == [2.0] * 4


def test_no_ping_before_session_ready_then_one_every_interval():
    beat = Heartbeat(15.0, 45.0)
    assert not beat.ping_due(1000.0) and not beat.running
    beat.start(0.0)
    beat.start(5.0)  # a second session.ready does not move the schedule
    times = [t for t in range(0, 100) if beat.ping_due(float(t))]
    assert times == [15, 30, 45, 60, 75, 90]


def test_a_late_tick_sends_one_ping_not_a_burst():
    beat = Heartbeat(15.0, 45.0)
    beat.start(0.0)
    assert beat.ping_due(100.0)
    assert not beat.ping_due(100.5)
    assert beat.ping_due(115.0)


def test_stale_only_after_a_first_pong_and_only_once():
    beat = Heartbeat(15.0, 45.0)
    beat.start(0.0)
    assert not beat.became_stale(1000.0)  # never a pong: a server that answers no pings is not "stale"
    beat.pong(10.0)
    assert not beat.became_stale(55.0)
    assert beat.became_stale(55.1) and beat.stale
    assert not beat.became_stale(200.0)  # marked once
    assert beat.pong(201.0) and not beat.stale  # healthy again
    assert not beat.pong(202.0)


def chat(text: str = "", block: Block = Block.APPEND, request_id: str | None = None,
         cancelled: bool = False) -> ChatMessage:
    return ChatMessage(text, "assistant", Role.SPEECH, "neutral", block, request_id=request_id, version="2",
                       cancelled=cancelled)


def test_cancel_drops_the_rest_of_the_open_block_up_to_its_end():
    stream = ServerStream()
    assert stream.admit(chat(block=Block.START)) is Verdict.SPEAK
    assert stream.admit(chat("First.")) is Verdict.SPEAK
    assert stream.cancel(v2=True) is None
    assert stream.admit(chat("Second.")) is Verdict.CANCELLED
    assert stream.admit(chat(block=Block.END, cancelled=True)) is Verdict.CANCELLED
    assert not stream.muted
    assert stream.admit(chat("Next answer.")) is Verdict.SPEAK


def test_cancel_names_our_request_and_drops_its_answer_before_it_begins():
    stream = ServerStream()
    stream.typed("kp_7")
    assert stream.cancel(v2=True) == "kp_7"
    for message in (chat(block=Block.START), chat("Echo: hi"), chat(block=Block.END)):
        assert stream.admit(message) is Verdict.CANCELLED
    assert stream.admit(chat("Pushed later.")) is Verdict.SPEAK


def test_a_block_under_another_request_ends_the_muting_at_once():
    stream = ServerStream()
    stream.admit(chat(block=Block.START, request_id="old"))
    assert stream.cancel(v2=True) == "old"
    assert stream.admit(chat("rest", request_id="old")) is Verdict.CANCELLED
    assert stream.admit(chat(block=Block.START, request_id="new")) is Verdict.SPEAK
    assert stream.admit(chat("fresh", request_id="new")) is Verdict.SPEAK


def test_loose_messages_are_never_muted():
    """A relay of one-message senders has no end that would stop the dropping."""
    stream = ServerStream()
    stream.admit(chat("one"))
    stream.typed(None)
    stream.cancel(v2=False)
    assert stream.admit(chat("two")) is Verdict.SPEAK


def test_chat_done_without_request_id_ends_our_request_as_aituberkit():
    stream = ServerStream()
    stream.typed("kp_1")
    stream.admit(chat(block=Block.START))
    stream.admit(chat(block=Block.END))
    assert stream.active_request is None and stream.cancel(v2=True) is None and not stream.muted


def test_invalid_message_replies_are_recognised_by_their_text():
    stream = ServerStream(("不正な送信が送られたようです。", "An invalid message was sent."))
    assert stream.admit(chat(" 不正な送信が送られたようです。\n")) is Verdict.INVALID
    assert stream.admit(chat("An invalid message was sent.")) is Verdict.INVALID
    assert stream.admit(chat("This is fine.")) is Verdict.SPEAK
    assert ServerStream(()).admit(chat("An invalid message was sent.")) is Verdict.SPEAK


def test_lifecycle_payloads_have_aituberkit_fields():
    segments = Segments()
    first = parse_frame('{"version":"2","type":"chat.delta","requestId":"r1","payload":'
                        '{"text":"Hello.","emotion":"happy","image":"https://example.com/a.png"}}').message
    second = parse_frame('{"version":"2","type":"chat.delta","payload":'
                         '{"text":"Bye.","requestId":"r1"}}').message
    segments.received(first)
    segments.received(second)
    rendered = segments.details("character.message.rendered", "r1", {})
    assert rendered["text"] == "Hello." and rendered["hasImage"] is True and rendered["messageType"] == ""
    assert rendered["renderedAt"].endswith("Z") and rendered["role"] == "assistant"
    start = segments.details("character.speech.start", "r1", {})
    done = segments.details("character.speech.done", "r1", {"cancelled": False})
    assert start["speechSegmentId"] == done["speechSegmentId"] and done["text"] == "Hello."
    assert start["emotion"] == "happy" and "startedAt" in start and "completedAt" in done
    assert "cancelled" not in done
    start2 = segments.details("character.speech.start", "r1", {})
    assert start2["text"] == "Bye." and start2["speechSegmentId"] != start["speechSegmentId"]
    error = segments.details("character.speech.error", "r1", {"message": "voice failed"})
    assert error["message"] == "voice failed" and "failedAt" in error
    final = segments.details("character.response.done", "r1", {})
    assert final["speechSegmentCount"] == 2 and "completedAt" in final


def test_legacy_messages_have_no_segments():
    segments = Segments()
    segments.received(parse_frame('{"text":"x","role":"assistant","id":"m1"}').message)
    assert segments.details("character.response.done", "m1", {})["speechSegmentCount"] == 0
