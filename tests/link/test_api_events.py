"""Speech events as the HTTP API's feed: AITuberKit's names and payloads, and
the id ``speak`` returned on each."""
from __future__ import annotations

from engine.app.api_events import ApiEvents
from engine.link.http_api import API_CONNECTION
from engine.link.http_events import EventHub
from engine.speech.events import MessageDone, MessageRef, SentenceFinished, SentenceStarted, SpeechDone, SpeechStarted

API = MessageRef(API_CONNECTION, "msg_1", "1")
BOT = MessageRef(3, "req_9", "2")


def started(ref: MessageRef, text: str) -> SentenceStarted:
    return SentenceStarted(ref, text, "happy", True, None, 1.0, -3.0)


def feed(events: ApiEvents, hub: EventHub, *items) -> list[tuple[str, dict]]:
    before = len(hub.recent())
    for event, busy in items:
        events.report(event, busy)
    return [(e["type"], e["payload"]) for e in hub.recent()[before:]]


def test_one_message_in_order_with_its_id_and_the_status():
    hub = EventHub(4)
    events = ApiEvents(hub, "Kotone", "espeak-ng", lambda: 1)
    assert hub.status["isSpeaking"] is False and hub.status["activeSpeech"] is None
    seen = feed(events, hub, (SpeechStarted(API), True), (started(API, "One."), True))
    assert hub.status["isSpeaking"] and hub.status["activeSpeech"]["text"] == "One."
    seen += feed(events, hub, (SentenceFinished(API, "One.", "happy"), True), (started(API, "Two."), True),
                 (SentenceFinished(API, "Two.", "happy"), True), (SpeechDone(API), False),
                 (MessageDone(API), False))
    assert [kind for kind, _ in seen] == ["speech_started", "status_updated", "speech_chunk_started",
                                          "speech_chunk_ended", "speech_chunk_started", "speech_chunk_ended",
                                          "speech_ended", "status_updated"]
    assert all(payload.get("messageId") == "msg_1" for kind, payload in seen if kind != "status_updated")
    chunks = [payload["speechChunkId"] for kind, payload in seen if kind == "speech_chunk_started"]
    assert chunks[0] != chunks[1] and seen[2][1]["text"] == "One."
    assert hub.status["isSpeaking"] is False and hub.status["queue"]["messageCount"] == 1


def test_a_cancel_ends_the_chunk_playing_and_a_bot_message_shows_its_request_id():
    hub = EventHub(4)
    events = ApiEvents(hub, "Kotone", "espeak-ng", lambda: 0)
    seen = feed(events, hub, (SpeechStarted(BOT), True), (started(BOT, "Cut."), True),
                (SpeechDone(BOT, cancelled=True), False))
    assert seen[-3:] == [("speech_chunk_ended", {"speechChunkId": seen[2][1]["speechChunkId"], "cancelled": True,
                                                 "requestId": "req_9"}),
                         ("speech_ended", {"isSpeaking": False, "chatProcessing": False, "cancelled": True,
                                           "requestId": "req_9"}),
                         ("status_updated", {"connected": True, "isSpeaking": False, "chatProcessing": False})]
