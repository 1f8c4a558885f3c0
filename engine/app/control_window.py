"""The control window: a second window of the same process, for the streamer.

OBS captures the stage window; this one is another window, so it is never
on stream whatever it shows. It opens with the stage (``control_window.enabled``),
can be closed without stopping anything, and keeps drawing while the stage
is fullscreen. Its buttons do what the hotkeys do (``Controls.hotkey``).
"""
from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import pygame

from engine.app.hotkeys import HELP_LINES
from engine.link.client import LinkClient
from engine.link.server import LinkServer
from engine.overlay.control_panel import Button, ControlPanel, PanelSnapshot
from engine.overlay.fonts import load_font
from engine.vocabulary import EMOTIONS

if TYPE_CHECKING:
    from engine.app.runtime import Runtime

log = logging.getLogger("kuchipaku")

TITLE = "kuchipaku control"
REDRAW_S = 0.1  # ten times a second is plenty for a status window


class ControlWindow:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.window: pygame.Window | None = None
        self.panel: ControlPanel | None = None
        self._hits: list[tuple[pygame.Rect, str]] = []
        self._drawn: PanelSnapshot | None = None
        self._next_draw = 0.0
        self.message_offset = 0

    def open(self) -> None:
        settings = self.runtime.config.control_window
        if not settings.enabled or self.window is not None:
            return
        position = settings.position if settings.position is not None else pygame.WINDOWPOS_UNDEFINED
        self.window = pygame.Window(TITLE, settings.size, position, resizable=True)
        font_name = self.runtime.config.overlays.font
        self.panel = ControlPanel(load_font(font_name, 20), load_font(font_name, 15))
        self._drawn = None
        log.info("control window open (%dx%d): not for capture", *settings.size)

    def close(self) -> None:
        if self.window is not None:
            self.window.destroy()
            self.window = None
            log.info("control window closed; the stage goes on")

    def owns(self, window: object) -> bool:
        return self.window is not None and window == self.window

    def action_at(self, position: tuple[int, int]) -> str | None:
        for rect, action in self._hits:
            if rect.collidepoint(position):
                return action
        return None

    def scroll(self, lines: int) -> None:
        """The mouse wheel over the window: older messages (positive) or newer."""
        self.message_offset = max(0, min(self.message_offset + lines, len(self.runtime.streamer.messages) - 1))
        self._next_draw = 0.0

    def present(self) -> None:
        """Redraw (at most ten times a second, and only when something changed)."""
        if self.window is None or self.panel is None:
            return
        now = time.perf_counter()
        if now < self._next_draw:
            return
        self._next_draw = now + REDRAW_S
        snapshot = self.snapshot()
        surface = self.window.get_surface()
        if snapshot == self._drawn and surface.get_size() == self._size:
            return
        self._drawn, self._size = snapshot, surface.get_size()
        self._hits = self.panel.draw(surface, snapshot)
        self.window.flip()
        folder = self.runtime.snapshots.folder
        if folder is not None:  # --snapshot-dir: what the streamer sees, for tests and set-up checks
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "control.txt").write_text(describe(snapshot), encoding="utf-8")

    _size = (0, 0)

    def snapshot(self) -> PanelSnapshot:
        runtime = self.runtime
        streamer, link = runtime.streamer, runtime.link
        bots: list[str] = []
        detail = "no link (record mode)"
        if isinstance(link, LinkServer):
            detail = f"listening on {link.url}"
            for peer in reversed(link.peers()):
                state = "connected" if peer.connected else "left"
                bots.append(f"#{peer.conn_id} {peer.address}  Origin: {peer.origin or '(none: a program)'}  {state}")
        elif isinstance(link, LinkClient):
            detail = link.url
            bots.append(f"server {link.url}: {streamer.status.lower()}")
        if streamer.status_detail and streamer.status not in (streamer.status_detail, "Listening"):
            detail += f" ({streamer.status_detail})"
        latency = streamer.last_latency_s
        voice = runtime.config.voice.engine + (f", last reply latency {latency:.2f} s" if latency is not None
                                               else ", no reply yet")
        problems = tuple(f"{time.strftime('%H:%M:%S', time.localtime(time.time() - (runtime.now() - at)))} "
                         f"{level}: {text}" for at, level, text in reversed(runtime.toasts.history)
                         if level != "info")
        messages = tuple(f"{time.strftime('%H:%M:%S', time.localtime(m.at))} #{m.connection} {m.line}"
                         for m in reversed(streamer.messages))
        overlays = runtime.window.overlays
        buttons = (Button("Cancel (Esc)", "cancel"), Button("Test line (T)", "test_line"),
                   *(Button(emotion, f"emotion:{emotion}", runtime.expression.emotion == emotion)
                     for emotion in EMOTIONS),
                   Button("Hide subtitles (H)", "overlays", overlays is not None and not overlays.visible),
                   Button("Reload (R)", "reload"),
                   Button("Stage fullscreen (F11)", "fullscreen", runtime.window.fullscreen))
        return PanelSnapshot(
            title=f"kuchipaku — {runtime.character.name} — the stage is what OBS captures; this window is not",
            link_status=streamer.status, link_detail=detail, bots=tuple(bots),
            speaking=_who(runtime) + runtime.captions.subtitle if runtime.speech_idle is False else "",
            waiting=tuple(streamer.waiting),
            voice=voice, problems=problems, messages=messages,
            notices=tuple(toast.label for toast in runtime.toasts.toasts), buttons=buttons,
            message_offset=self.message_offset,
            typing=runtime.input_box.text if runtime.input_box.active else None,
            help=tuple(HELP_LINES) if runtime.help_visible else ())


def describe(snapshot: PanelSnapshot) -> str:
    """The control window's content as text."""
    lines = [snapshot.title, f"link: {snapshot.link_status} — {snapshot.link_detail}"]
    lines += [f"bot: {bot}" for bot in snapshot.bots]
    lines += [f"speaking: {snapshot.speaking}", *(f"waiting: {text}" for text in snapshot.waiting),
              f"voice: {snapshot.voice}"]
    lines += [f"problem: {problem}" for problem in snapshot.problems]
    lines += [f"message: {message}" for message in snapshot.messages]
    lines += [f"button: {button.label} -> {button.action}" for button in snapshot.buttons]
    if snapshot.typing is not None:
        lines.append(f"typing: {snapshot.typing}")
    lines += [f"key: {line}" for line in snapshot.help]
    return "\n".join(lines) + "\n"


def _who(runtime) -> str:
    """On a duo stage, the speaker's name before her line."""
    speaker = runtime.cast.speaker or runtime.cast.last_speaker
    return f"{speaker.name}: " if runtime.cast.several else ""
