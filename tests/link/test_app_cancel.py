"""Esc and a typed line in the running app (this process, dummy video and
audio), against tegnike/aituber-server's slow_echo backend: the server is
sent control.cancel for the request in progress, and what it still sends of
the cancelled answer is not spoken."""
from __future__ import annotations

import dataclasses

import pygame

from engine.app.build import build
from engine.app.runtime import Runtime
from engine.settings.config import Config, LinkConfig
from engine.stage.character import load_character_spec
from support.program import ROOT, run_app
from support.timing import wait_for
from support.zoo import AituberServerV2, scaled

LONG = "please tell me a very long story about a cat who learned to sing at night"


def type_line(text: str) -> None:
    for event in (pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN),
                  pygame.event.Event(pygame.TEXTINPUT, text=text),
                  pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN)):
        pygame.event.post(event)


def client_app(url: str) -> Runtime:
    config = dataclasses.replace(Config(), link=LinkConfig(mode="client", url=url))
    return build(config, load_character_spec(ROOT / "characters" / "default"))


def received(server: AituberServerV2, event_type: str) -> list[dict]:
    return [f for f in list(server.received) if isinstance(f, dict) and f.get("type") == event_type]


def test_esc_cancels_locally_and_on_the_server():
    server = AituberServerV2(backend="slow_echo")
    seen: dict = {}

    def drive(app: Runtime) -> None:
        wait_for(lambda: received(server, "session.hello"), scaled(10), what="session.hello")
        type_line(LONG)
        wait_for(lambda: app.speech.busy, scaled(20), what="the answer to be spoken")
        assert not received(server, "control.cancel")  # nothing was in progress when the line was typed
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE))
        wait_for(lambda: received(server, "control.cancel"), scaled(10), what="control.cancel")
        wait_for(lambda: server.cancelled.is_set(), scaled(10), what="the server to cancel")
        wait_for(lambda: not app.speech.busy and not app.link._stream.muted, scaled(10),
                 what="silence, and the cancelled chat.done taken")
        seen["chat"] = received(server, "chat.message")[0]
        seen["cancel"] = received(server, "control.cancel")[0]

    try:
        run_app(client_app(server.url), drive)
    finally:
        server.stop()
    assert seen["cancel"]["requestId"] == seen["chat"]["id"] and seen["cancel"]["payload"] == {}
    assert server.invalid_replies == 0


def test_a_typed_line_cancels_the_answer_in_progress():
    server = AituberServerV2(backend="slow_echo")
    seen: dict = {}

    def drive(app: Runtime) -> None:
        wait_for(lambda: received(server, "session.hello"), scaled(10), what="session.hello")
        type_line(LONG)
        wait_for(lambda: app.speech.busy, scaled(20), what="the first answer to be spoken")
        type_line("stop, another question")
        wait_for(lambda: len(received(server, "chat.message")) == 2, scaled(10), what="the second line")
        types = [f.get("type") for f in list(server.received)]
        seen["order"] = [t for t in types if t in ("chat.message", "control.cancel")]
        wait_for(lambda: "another question" in (app.captions.subtitle or ""), scaled(20),
                 what="the second answer on the subtitle")
        seen["subtitle"] = app.captions.subtitle

    try:
        run_app(client_app(server.url), drive)
    finally:
        server.stop()
    assert seen["order"] == ["chat.message", "control.cancel", "chat.message"]
    assert LONG not in seen["subtitle"]
    assert server.invalid_replies == 0
