"""The streamer's control window, drawn from a plain-data snapshot.

Nothing here is captured by OBS: it is drawn into a window of its own. It
shows the link, the bots, the queue, the voice, problems and the messages
received, with buttons for what the keys do. ``draw`` returns where each
button is, so the app can map a click to the same action as the key.
"""
from __future__ import annotations

from dataclasses import dataclass

import pygame

from engine.overlay.fonts import TextFont
from engine.overlay.text_layout import ellipsised

BACKGROUND = (24, 26, 34)
HEADING = (150, 200, 255)
TEXT = (230, 230, 235)
DIM = (150, 150, 165)
BUTTON = (52, 58, 80)
BUTTON_ON = (40, 110, 70)
PROBLEM = (255, 150, 140)
PAD = 12


@dataclass(frozen=True)
class Button:
    label: str
    action: str  # the same names as the hotkeys' actions
    on: bool = False


@dataclass(frozen=True)
class PanelSnapshot:
    title: str
    link_status: str
    link_detail: str
    bots: tuple[str, ...]
    speaking: str
    waiting: tuple[str, ...]  # oldest first
    voice: str
    problems: tuple[str, ...]  # newest first
    messages: tuple[str, ...]  # newest first
    notices: tuple[str, ...]   # the toasts showing now
    buttons: tuple[Button, ...]
    message_offset: int = 0    # how far the list of messages is scrolled (the mouse wheel)
    typing: str | None = None  # the line being typed (Enter), while the input box is open
    help: tuple[str, ...] = ()  # the keys (F1), while asked for


class ControlPanel:
    def __init__(self, font: TextFont, small: TextFont) -> None:
        self.font = font
        self.small = small

    def draw(self, target: pygame.Surface, snapshot: PanelSnapshot) -> list[tuple[pygame.Rect, str]]:
        """Draw ``snapshot``; returns each button's rectangle and action."""
        target.fill(BACKGROUND)
        width, height = target.get_size()
        y = PAD
        y = self._line(target, snapshot.title, y, HEADING, self.font)
        hits, y = self._buttons(target, snapshot.buttons, y + 4)
        y += 6
        if snapshot.typing is not None:
            y = self._section(target, "Typing a line (Enter sends, Esc cancels)", [f"> {snapshot.typing}|"], y,
                              HEADING, keep_end=True)
        if snapshot.help:
            y = self._section(target, "Keys (F1 hides)", list(snapshot.help), y)
        y = self._section(target, "Link", [f"{snapshot.link_status} — {snapshot.link_detail}"], y)
        y = self._section(target, "Bots", list(snapshot.bots) or ["(none connected)"], y)
        queue = [f"speaking: {snapshot.speaking}" if snapshot.speaking else "speaking: (nothing)",
                 f"waiting: {len(snapshot.waiting)} message{'s' if len(snapshot.waiting) != 1 else ''}"]
        queue += [f"  next: {text}" for text in snapshot.waiting[:3]]
        y = self._section(target, "Queue", queue, y)
        y = self._section(target, "Voice", [snapshot.voice], y)
        if snapshot.notices:
            y = self._section(target, "Notices", list(snapshot.notices), y)
        y = self._section(target, "Problems", list(snapshot.problems[:4]) or ["(none)"], y,
                          PROBLEM if snapshot.problems else DIM)
        room = max(0, (height - y - PAD) // self.small.get_linesize() - 1)
        first = min(snapshot.message_offset, max(0, len(snapshot.messages) - 1))
        shown = snapshot.messages[first:first + room]
        more = " — the wheel scrolls" if len(snapshot.messages) > room else ""
        self._section(target, f"Messages received ({first + 1 if shown else 0}–{first + len(shown)} of the last "
                              f"{len(snapshot.messages)}, newest first{more})", list(shown) or ["(none yet)"], y)
        return hits

    def _line(self, target: pygame.Surface, text: str, y: int, colour: tuple[int, int, int],
              font: TextFont | None = None, keep_end: bool = False) -> int:
        font = font or self.small
        if y + font.get_linesize() > target.get_height():
            return y
        room = target.get_width() - 2 * PAD
        if keep_end:  # what is being typed: its end stays in view
            while font.size(text)[0] > room and len(text) > 1:
                text = "…" + text[max(2, len(text) // 8):]
        shown = ellipsised(text, room, lambda s: font.size(s)[0])
        if shown:
            target.blit(font.render(shown, True, colour), (PAD, y))
        return y + font.get_linesize()

    def _section(self, target: pygame.Surface, title: str, lines: list[str], y: int,
                 colour: tuple[int, int, int] = TEXT, keep_end: bool = False) -> int:
        y = self._line(target, title, y + 4, HEADING)
        for line in lines:
            y = self._line(target, "  " + line, y, colour, keep_end=keep_end)
        return y

    def _buttons(self, target: pygame.Surface, buttons: tuple[Button, ...], y: int
                 ) -> tuple[list[tuple[pygame.Rect, str]], int]:
        """Buttons in rows, wrapped to the window's width."""
        hits: list[tuple[pygame.Rect, str]] = []
        x, row_height = PAD, self.small.get_linesize() + 10
        for button in buttons:
            label = self.small.render(button.label, True, TEXT)
            rect = pygame.Rect(x, y, label.get_width() + 16, row_height)
            if rect.right > target.get_width() - PAD and x > PAD:
                x, y = PAD, y + row_height + 6
                rect.topleft = (x, y)
            pygame.draw.rect(target, BUTTON_ON if button.on else BUTTON, rect, border_radius=6)
            target.blit(label, (rect.x + 8, rect.y + 5))
            hits.append((rect, button.action))
            x = rect.right + 6
        return hits, y + row_height
