"""engine/app/lifecycle.py: each typed speech event becomes the reply a sender
is owed (the v2 character.* lifecycle events, legacy tts_complete), or none."""
from __future__ import annotations

import json

import pytest

from engine.app.lifecycle import LifecycleReporter
from engine.link.replies import Replies
from engine.speech.events import (
    BlockStarted,
    LineShown,
    MessageDone,
    MessageRef,
    Rendered,
    ResponseDone,
    SentenceFinished,
    SentenceStarted,
    SpeechDone,
    SpeechError,
    SpeechStarted,
    VoiceProblem,
)
from engine.vocabulary import Role

V2 = MessageRef(3, "req_1", "2")
V1 = MessageRef(4, None, "1")
V1_WITH_ID = MessageRef(5, "m1", "1")
LOCAL = MessageRef(0, "said", "1")


def reporter(tts_complete: bool = True) -> tuple[LifecycleReporter, list[tuple[int, dict]]]:
    sent: list[tuple[int, dict]] = []
    return LifecycleReporter(lambda connection, frame: sent.append((connection, json.loads(frame))), Replies(),
                             tts_complete), sent


@pytest.mark.parametrize("event, event_type, details", [
    (Rendered(V2), "character.message.rendered", {}),
    (SpeechStarted(V2), "character.speech.start", {}),
    (SpeechError(V2, "Hello.", "broken"), "character.speech.error",
     {"code": "tts_failed", "message": "broken", "text": "Hello.", "fallback": "silent"}),
    (SpeechDone(V2), "character.speech.done", {"cancelled": False}),
    (SpeechDone(V2, cancelled=True), "character.speech.done", {"cancelled": True}),
    (ResponseDone(V2), "character.response.done", {}),
])
def test_each_lifecycle_event_goes_to_its_sender(event, event_type, details):
    report, sent = reporter()
    report.report(event)
    assert len(sent) == 1
    connection, frame = sent[0]
    assert connection == 3 and frame["type"] == event_type and frame["version"] == "2"
    assert frame["requestId"] == "req_1"
    assert frame["payload"] == {"requestId": "req_1", **details}


def test_legacy_senders_get_tts_complete_once_a_message_is_done_and_only_if_configured():
    report, sent = reporter()
    report.report(MessageDone(V1))
    report.report(MessageDone(V1_WITH_ID, cancelled=True))
    assert sent == [(4, {"type": "tts_complete"}), (5, {"type": "tts_complete"})]
    quiet, none_sent = reporter(tts_complete=False)
    quiet.report(MessageDone(V1))
    assert none_sent == []


def test_v2_message_done_and_legacy_messages_without_id_send_no_lifecycle_event():
    report, sent = reporter(tts_complete=False)
    for event in (MessageDone(V2), Rendered(V1), SpeechDone(V1)):
        report.report(event)
    assert sent == []


def test_local_lines_and_what_is_only_shown_answer_nobody():
    report, sent = reporter()
    for event in (Rendered(LOCAL), SpeechDone(LOCAL), MessageDone(LOCAL), BlockStarted(),
                  LineShown(V2, Role.QUESTION, "user", "hi"), VoiceProblem("Speaking silently: x"),
                  SentenceStarted(V2, "Hi.", "happy", True, None, 0.5, -3.0), SentenceFinished(V2, "Hi.", "happy")):
        report.report(event)
    assert sent == []
