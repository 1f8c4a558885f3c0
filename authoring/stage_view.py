"""A character as the stream will show it: frames composed on the chroma-key
green by the stage's own CharacterSprites, off-screen."""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pygame

from engine.stage.character import CharacterSpec
from engine.stage.sprites import CharacterSprites
from engine.vocabulary import EMOTIONS

KEY_GREEN = (0, 255, 0)


@contextmanager
def offscreen_display() -> Iterator[None]:
    """CharacterSprites calls convert_alpha(), which needs a display surface.

    Off-screen by default (dummy driver) so the tools work over SSH and never
    flash a window; an already open display (the app, a test) is reused and
    left open.
    """
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    opened = pygame.display.get_surface() is None
    if opened:
        pygame.display.init()
        pygame.display.set_mode((1, 1))
    pygame.font.init()
    try:
        yield
    finally:
        if opened:
            pygame.display.quit()


def save_png(surface: pygame.Surface, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pygame.image.save(surface, str(path))
    return path


def compose(sprites: CharacterSprites, emotion: str, eyes_closed: bool, mouth: str) -> pygame.Surface:
    """One character frame on the chroma-key green, drawn by the stage's own code."""
    surface = pygame.Surface(sprites.size)
    surface.fill(KEY_GREEN)
    sprites.draw(surface, (0, 0), emotion, eyes_closed, mouth)
    return surface


def emotion_screenshots(spec: CharacterSpec, out_dir: Path, scale: float = 1.0) -> list[Path]:
    """``emotion_<name>.png`` per emotion: mouth half open, eyes open."""
    with offscreen_display():
        sprites = CharacterSprites(spec, scale)
        return [save_png(compose(sprites, emotion, False, "half"), out_dir / f"emotion_{emotion}.png")
                for emotion in EMOTIONS]
