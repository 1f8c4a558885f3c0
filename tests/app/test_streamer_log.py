"""What the control window is told: the link's state in AITuberKit's words,
the messages received, what waits, the reply latency; and its drawing at any
size, long lines cut inside the window."""
from __future__ import annotations

import pygame
import pytest

from engine.app.streamer_log import CLOSED, CONNECTED, CONNECTING, ERROR, LISTENING, StreamerLog, link_status
from engine.link.client import CLOSED as CLIENT_CLOSED
from engine.link.client import CONNECTED as CLIENT_CONNECTED
from engine.link.client import CONNECTING as CLIENT_CONNECTING
from engine.link.client import ERROR as CLIENT_ERROR
from engine.link.inbox import Command, LinkNotice, Received
from engine.link.messages import ChatError
from engine.link.protocol import parse_frame
from engine.overlay.control_panel import BACKGROUND, Button, ControlPanel, PanelSnapshot
from engine.overlay.fonts import load_font


def test_the_four_notices_of_client_mode_and_listening():
    assert [link_status(text) for text in (CLIENT_CONNECTING, CLIENT_CONNECTED, CLIENT_ERROR, CLIENT_CLOSED)] == \
        [CONNECTING, CONNECTED, ERROR, CLOSED]
    assert link_status("Listening on ws://127.0.0.1:8000/ws") == LISTENING
    assert link_status("Client connected (1 connected)") is None


def test_messages_waiting_and_latency():
    log = StreamerLog()
    first = parse_frame('{"text": "One.", "role": "assistant", "emotion": "happy"}').message
    second = parse_frame('{"text": "Two.", "role": "assistant"}').message
    system = parse_frame('{"text": "Be nice.", "role": "system"}').message
    log.seen(Received(1, first), 10.0)
    log.seen(Received(2, second), 10.5)
    log.seen(Received(2, system), 10.6)
    log.seen(Command(2, ChatError("model timed out", None)), 10.7)
    log.seen(LinkNotice("Listening on ws://127.0.0.1:8000/ws"), 10.8)
    assert [m.line for m in log.messages] == ["assistant [happy]: One.", "assistant: Two.", "system: Be nice.",
                                              "chat.error: model timed out"]
    assert log.status == LISTENING
    assert log.waiting == ["One.", "Two."]  # the system line is shown at once, it waits for no voice
    log.speaking(1, 10.25)
    assert log.last_latency_s == pytest.approx(0.25) and log.waiting == ["Two."]
    log.done(1)
    log.done(2)
    log.done(2)
    assert not log.pending


@pytest.mark.parametrize("size", [(320, 240), (760, 720), (1920, 1080)])
def test_the_panel_keeps_everything_inside_its_window(size):
    pygame.display.init()
    pygame.font.init()
    long = "a very long line that will never fit " * 20
    snapshot = PanelSnapshot(title=long, link_status="Listening", link_detail=long, bots=(long,) * 3, speaking=long,
                             waiting=(long,) * 5, voice=long, problems=(long,) * 5, messages=(long,) * 50,
                             notices=(long,), buttons=tuple(Button(f"Button {n}", f"action{n}") for n in range(11)))
    surface = pygame.Surface(size)
    hits = ControlPanel(load_font("noto-sans-cjk-jp", 20), load_font("noto-sans-cjk-jp", 15)).draw(surface, snapshot)
    right_edge = pygame.surfarray.array3d(surface)[-8:]  # the panel's padding: a line that ran on would show here
    assert (right_edge == BACKGROUND).all()
    assert len(hits) == 11 and all(rect.right <= size[0] - 8 for rect, _ in hits)
    pygame.display.quit()
