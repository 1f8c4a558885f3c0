"""Drawing the character: body, eyes and mouth frames for the current state.

Sheets are decoded once; frames are subsurfaces of them, scaled once to fit the
window. Drawing a frame is three blits, nothing is allocated per frame.
"""
from __future__ import annotations

import math

import pygame

from engine.character import CharacterSpec, SheetSpec

BREATH_PERIOD_S = 3.6
BREATH_PIXELS = 3.0


class CharacterSprites:
    def __init__(self, spec: CharacterSpec, scale: float) -> None:
        self.spec = spec
        self.scale = scale
        self._frames: dict[str, list[pygame.Surface]] = {}
        self._offsets: dict[str, tuple[int, int]] = {}
        for name, sheet in spec.sheets.items():
            self._frames[name] = self._cut(sheet, scale)
            self._offsets[name] = (round(sheet.position[0] * scale), round(sheet.position[1] * scale))
        self.size = (round(spec.frame_size[0] * scale), round(spec.frame_size[1] * scale))

    @staticmethod
    def _cut(sheet: SheetSpec, scale: float) -> list[pygame.Surface]:
        image = pygame.image.load(str(sheet.file)).convert_alpha()
        frames = [image.subsurface(sheet.frame_rect(i)) for i in range(sheet.frame_count)]
        if scale == 1.0:
            return frames
        size = (max(1, round(sheet.frame_size[0] * scale)), max(1, round(sheet.frame_size[1] * scale)))
        return [pygame.transform.smoothscale(frame, size) for frame in frames]

    def draw(self, target: pygame.Surface, topleft: tuple[int, int], emotion: str,
             eyes_closed: bool, mouth_shape: str) -> None:
        frames = self.spec.emotions[emotion]
        x, y = topleft
        target.blit(self._frames["body"][frames.body], (x, y))
        ex, ey = self._offsets["eyes"]
        target.blit(self._frames["eyes"][frames.eyes["closed" if eyes_closed else "open"]], (x + ex, y + ey))
        mx, my = self._offsets["mouths"]
        target.blit(self._frames["mouths"][frames.mouth_frame(mouth_shape)], (x + mx, y + my))


def fit_scale(frame_size: tuple[int, int], window_size: tuple[int, int]) -> float:
    """Shrink a character that would not fit; never enlarge (it would blur)."""
    return min(1.0, window_size[0] / frame_size[0], window_size[1] * 0.98 / frame_size[1])


def character_topleft(sprite_size: tuple[int, int], window_size: tuple[int, int], now: float) -> tuple[int, int]:
    """Bottom-centre of the window, breathing slowly."""
    bob = BREATH_PIXELS * (0.5 - 0.5 * math.cos(2 * math.pi * now / BREATH_PERIOD_S))
    x = (window_size[0] - sprite_size[0]) // 2
    y = window_size[1] - sprite_size[1] + round(bob)
    return x, y
