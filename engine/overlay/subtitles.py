"""The subtitle box, revealed word by word (karaoke) without moving a word.

The text is laid out in full; the newest ``subtitle_lines`` lines are shown,
older ones scroll off the top. As words are spoken only the line being spoken
is repainted, by showing more of that line's finished rendering: a reveal costs
a fill and one clipped blit, not a re-render, so it never shows in frame time.
"""
from __future__ import annotations

import pygame

from engine.overlay.fonts import TextFont
from engine.overlay.text_layout import wrap
from engine.settings.config import OverlayConfig

PADDING = 20
KEY = (255, 0, 255)  # the corners outside the rounded rectangle; never drawn
MAX_CACHED_LINES = 256


def outlined(font: TextFont | pygame.font.Font, text: str, colour: tuple[int, int, int], width: int,
             outline: tuple[int, int, int]) -> pygame.Surface:
    """Text with an outline, readable over any background (emoji, in colour, get none)."""
    inner = font.render(text, True, colour)
    edge = font.render(text, True, outline, None, False) if isinstance(font, TextFont) else \
        font.render(text, True, outline)
    surface = pygame.Surface((inner.get_width() + 2 * width, inner.get_height() + 2 * width), pygame.SRCALPHA)
    # A rounded ring of copies (not the full square): half the blits for the same look.
    for dx in range(-width, width + 1):
        for dy in range(-width, width + 1):
            if (dx or dy) and dx * dx + dy * dy <= width * width + 1:
                surface.blit(edge, (width + dx, width + dy))
    surface.blit(inner, (width, width))
    return surface


class SubtitleBox:
    def __init__(self, font: TextFont | pygame.font.Font, style: OverlayConfig, width: int) -> None:
        self.font = font
        self.style = style
        self.width = width
        self._rendered_lines: dict[str, pygame.Surface] = {}
        self._layouts: dict[tuple[str, int], tuple[list[str], list[int]]] = {}
        self._box_for: tuple | None = None
        self._box: pygame.Surface | None = None
        self._line_tops: list[int] = []

    def render(self, text: str, shown: int) -> pygame.Surface | None:
        """The box for ``text`` with its first ``shown`` characters spoken; None when nothing is to be shown."""
        if not text or shown <= 0:
            return None
        lines, starts = self._layout(text)
        current = max(i for i, start in enumerate(starts) if start < shown or i == 0)
        first = max(0, current - self.style.subtitle_lines + 1)
        if self._box_for != (text, first, current):
            self._build(lines[first:current + 1])
            self._box_for = (text, first, current)
        self._reveal(lines[current], shown - starts[current])
        return self._box

    def prepare(self, text: str) -> None:
        """Lay out and render ``text`` ahead of time, in the frame loop's idle
        time, so the frame in which it appears only copies it."""
        lines, _ = self._layout(text)
        for line in lines[-self.style.subtitle_lines:]:
            self._line(line or " ")

    def _layout(self, text: str) -> tuple[list[str], list[int]]:
        key = (text, self.width)
        if key not in self._layouts:
            lines = wrap(text, self.width - 2 * PADDING, lambda s: self.font.size(s)[0])
            starts, position = [], 0
            for line in lines:  # where each laid-out line starts in the text
                position = text.find(line, position) if line else position
                starts.append(position)
                position += len(line)
            if len(self._layouts) > 8:  # the text now and the one being prepared
                self._layouts.clear()
            self._layouts[key] = (lines, starts)
        return self._layouts[key]

    def _line(self, text: str) -> pygame.Surface:
        surface = self._rendered_lines.get(text)
        if surface is None:
            if len(self._rendered_lines) > MAX_CACHED_LINES:
                self._rendered_lines.clear()
            style = self.style
            surface = self._rendered_lines[text] = outlined(self.font, text or " ", style.text_colour,
                                                            style.outline_px, style.outline_colour)
        return surface

    def _build(self, lines: list[str]) -> None:
        """The box with every line but the last fully drawn (the last is revealed by ``_reveal``)."""
        style = self.style
        heights = [self._line(line).get_height() for line in lines]
        height = sum(heights) + 2 * PADDING
        radius = 14
        if style.box_opacity < 1.0:  # see-through: a per-pixel alpha box, the text on it solid
            box = pygame.Surface((self.width, height), pygame.SRCALPHA)
            self._fill = (*style.box_colour, round(255 * style.box_opacity))
            pygame.draw.rect(box, self._fill, box.get_rect(), border_radius=radius)
        else:  # opaque with a colour key: blitting it each frame is a copy, not a blend
            box = pygame.Surface((self.width, height))
            box.fill(KEY)
            self._fill = style.box_colour
            pygame.draw.rect(box, self._fill, box.get_rect(), border_radius=radius)
            # No RLE: the box is drawn into at every word, and an RLE surface
            # would be decoded and encoded again each time.
            box.set_colorkey(KEY)
        self._line_tops = []
        y = PADDING
        for line, line_height in zip(lines, heights):
            self._line_tops.append(y)
            if len(self._line_tops) < len(lines):
                box.blit(self._line(line), (PADDING, y))
            y += line_height
        if pygame.display.get_surface() is not None:
            box = box.convert_alpha() if style.box_opacity < 1.0 else box.convert()
        self._box = box
        self._revealed = -1

    def _reveal(self, line: str, characters: int) -> None:
        characters = max(0, min(characters, len(line)))
        if characters == self._revealed:
            return
        self._revealed = characters
        rendered = self._line(line)
        top = self._line_tops[-1]
        assert self._box is not None
        self._box.fill(self._fill, pygame.Rect(PADDING, top, rendered.get_width(), rendered.get_height()))
        if characters:
            width = self.font.size(line[:characters])[0] + 2 * self.style.outline_px
            self._box.blit(rendered, (PADDING, top), pygame.Rect(0, 0, width, rendered.get_height()))
