"""Sprite sheets from frames: the one way both the default character's
generator and ``--new-character`` lay frames out in a grid."""
from __future__ import annotations

from collections.abc import Sequence

import pygame


def assemble_sheet(frames: Sequence[pygame.Surface], columns: int,
                   transparent_rgb: tuple[int, int, int]) -> pygame.Surface:
    """Frames into a grid, numbered row by row. A raw pixel copy, not a blit:
    blending onto a transparent sheet would change the edge pixels' colour.
    Fully transparent pixels carry ``transparent_rgb`` (an outline colour), so
    a later smoothscale blends edges towards it, never towards black."""
    width, height = frames[0].get_size()
    rows = -(-len(frames) // columns)
    sheet = pygame.Surface((width * columns, height * rows), pygame.SRCALPHA)
    rgb, alpha = pygame.surfarray.pixels3d(sheet), pygame.surfarray.pixels_alpha(sheet)
    rgb[...] = transparent_rgb
    for i, frame in enumerate(frames):
        x, y = (i % columns) * width, (i // columns) * height
        rgb[x:x + width, y:y + height] = pygame.surfarray.array3d(frame)
        alpha[x:x + width, y:y + height] = pygame.surfarray.array_alpha(frame)
    del rgb, alpha  # release the surface's pixel lock
    return sheet
