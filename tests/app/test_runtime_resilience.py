"""A bug met while handling one message is logged and shown to the streamer;
the frame loop carries on with the next message."""
from __future__ import annotations

from pathlib import Path

from engine.app.build import Devices, build
from engine.link.inbox import Received
from engine.link.messages import Block, ChatMessage
from engine.settings.config import Config
from engine.stage.character import load_character_spec
from engine.vocabulary import Role

ROOT = Path(__file__).resolve().parents[2]


def test_one_message_that_trips_a_bug_does_not_stop_the_next(caplog):
    runtime = build(Config(), load_character_spec(ROOT / "characters" / "default"),
                    devices=Devices(link=False, inline_voice=True, now=lambda: 0.0))
    original = runtime.streamer.seen
    calls = []

    def trips_once(item, now):
        calls.append(item)
        if len(calls) == 1:
            raise KeyError("a bug")
        original(item, now)

    runtime.streamer.seen = trips_once
    for text in ("First.", "Second."):
        runtime.inbox.put(Received(1, ChatMessage(text, "assistant", Role.SPEECH, "neutral", Block.APPEND)))
    runtime.advance_speech(0.0)
    assert len(calls) == 2
    assert "internal error while handling Received" in caplog.text
    assert any("Internal error" in toast.text for toast in runtime.toasts.toasts)
    assert runtime.speech.busy  # the second message was taken
