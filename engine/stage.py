"""Drawing the character: body, eyes and mouth frames for the current state.

Sheets are decoded once; frames are subsurfaces of them, scaled once to fit the
window. Drawing a frame is three blits, nothing is allocated per frame.
"""
from __future__ import annotations

import pygame

from engine.character import CharacterSpec, SheetSpec

ANCHORS = ("bottom-center", "bottom-left", "bottom-right", "center", "top-left", "top-right")


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
        # For cross-fades: the incoming expression is composed here, then blended.
        self._scratch = pygame.Surface(self.size, pygame.SRCALPHA)

    @staticmethod
    def _cut(sheet: SheetSpec, scale: float) -> list[pygame.Surface]:
        image = pygame.image.load(str(sheet.file)).convert_alpha()
        frames = [image.subsurface(sheet.frame_rect(i)) for i in range(sheet.frame_count)]
        if scale == 1.0:
            return frames
        size = (max(1, round(sheet.frame_size[0] * scale)), max(1, round(sheet.frame_size[1] * scale)))
        return [pygame.transform.smoothscale(frame, size) for frame in frames]

    def draw(self, target: pygame.Surface, topleft: tuple[int, int], emotion: str,
             eyes_closed: bool, mouth_shape: str, fading_from: str | None = None, fade: float = 1.0) -> None:
        """Body, eyes, mouth; during a cross-fade, ``fading_from``'s face under
        ``emotion``'s at opacity ``fade``."""
        if fading_from is None or fading_from == emotion or fade >= 1.0:
            self._compose(target, topleft, emotion, eyes_closed, mouth_shape)
            return
        self._compose(target, topleft, fading_from, eyes_closed, mouth_shape)
        self._scratch.fill((0, 0, 0, 0))
        self._compose(self._scratch, (0, 0), emotion, eyes_closed, mouth_shape)
        self._scratch.set_alpha(round(255 * fade))
        target.blit(self._scratch, topleft)

    def _compose(self, target: pygame.Surface, topleft: tuple[int, int], emotion: str, eyes_closed: bool,
                 mouth_shape: str) -> None:
        frames = self.spec.emotions[emotion]
        x, y = topleft
        target.blit(self._frames["body"][frames.body], (x, y))
        ex, ey = self._offsets["eyes"]
        target.blit(self._frames["eyes"][frames.eyes["closed" if eyes_closed else "open"]], (x + ex, y + ey))
        mx, my = self._offsets["mouths"]
        target.blit(self._frames["mouths"][frames.mouth_frame(mouth_shape)], (x + mx, y + my))


def fit_scale(frame_size: tuple[int, int], window_size: tuple[int, int], wanted: float = 1.0) -> float:
    """``wanted`` (stage.scale), shrunk if the character would not fit the window."""
    return min(wanted, window_size[0] / frame_size[0], window_size[1] * 0.98 / frame_size[1])


def character_topleft(sprite_size: tuple[int, int], window_size: tuple[int, int], anchor: str = "bottom-center",
                      margin: tuple[int, int] = (0, 0)) -> tuple[int, int]:
    """Where the character stands: at ``anchor`` of the window, ``margin``
    pixels in from its edges (for example bottom-right over gameplay)."""
    width, height = window_size
    w, h = sprite_size
    mx, my = margin
    vertical, _, horizontal = anchor.partition("-")
    if anchor == "center":
        vertical, horizontal = "center", "center"
    x = {"left": mx, "right": width - w - mx}.get(horizontal, (width - w) // 2)
    y = {"top": my, "bottom": height - h - my}.get(vertical, (height - h) // 2)
    return x, y
