"""What a character wears in her hair: ribbon bows and a star clip, or headphones.

Bows are also the sailor blouse's chest bow (authoring/outfit.py).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pygame

from authoring.design import Design, Palette
from authoring.drawing import Canvas, Part, crescent
from authoring.geometry import Color, Point, catmull, ellipse_pts, mirror, rotate, star_pts, taper_poly, translate


def bow_shapes(p: Palette, cx: float, cy: float, scale: float, angle: float) -> list[tuple[list[Point], Color]]:
    """A ribbon bow: two loops, two V-cut tails and a knot, with fold shading."""
    loop = [(0, 0), (-8, -12), (-24, -20), (-37, -14), (-39, 0), (-34, 12), (-20, 14), (0, 4)]
    tail_l = [(-3, 4), (-11, 20), (-18, 38), (-10, 33), (-5, 40), (4, 8)]

    def place(pts: Sequence[Point]) -> list[Point]:
        pts = [(x * scale, y * scale) for x, y in pts]
        return translate(rotate(pts, angle), cx, cy)

    def flip(pts: Sequence[Point]) -> list[Point]:
        return [(-x, y) for x, y in pts]

    out: list[tuple[list[Point], Color]] = [
        (place(tail_l), p.accent_shade),
        (place(flip([(x * 0.9, y * 1.05) for x, y in tail_l])), p.accent_shade),
    ]
    for pts in (loop, flip(loop)):
        out.append((place(catmull(pts, closed=True)), p.accent))
    out.append((place(ellipse_pts(0, 2, 8.5, 10)), p.accent))
    return out


def bow_folds(cv: Canvas, p: Palette, layer: pygame.Surface, cx: float, cy: float, scale: float,
              angle: float) -> None:
    """Pinched folds next to the knot and a gloss on each loop."""
    def place(pts: Sequence[Point]) -> list[Point]:
        return translate(rotate([(x * scale, y * scale) for x, y in pts], angle), cx, cy)
    for s in (1, -1):
        cv.poly(layer, place([(0, 2), (s * 22, -6), (s * 26, 2), (s * 22, 10)]), p.accent_shade)
        cv.poly(layer, place(ellipse_pts(s * 26, -11, 7, 3.2, angle=s * 18)), p.accent_hi)


def draw_bow(cv: Canvas, p: Palette, out: pygame.Surface, cx: float, cy: float, scale: float,
             angle: float) -> None:
    part = Part(cv, outline=2.5, color=p.outline)
    for pts, col in bow_shapes(p, cx, cy, scale, angle):
        part.add(pts, col)
    part.shade(lambda layer: bow_folds(cv, p, layer, cx, cy, scale, angle))
    out.blit(part.render(), (0, 0))


def draw_accessories(cv: Canvas, d: Design) -> pygame.Surface:
    """Drawn over the front hair."""
    out = cv.new()
    if d.accessories == "headphones":
        draw_headphones(cv, d.palette, out)
        return out
    p = d.palette
    # Ribbons tying the twin tails.
    for side in (1, -1):
        draw_bow(cv, p, out, 392 if side > 0 else 120, 104, 1.05, 28 * side)
    # Star hair clip on the fringe.
    part = Part(cv, outline=2.2, color=p.outline)
    part.add(catmull(star_pts(170, 130, 19, 9, -12), closed=True, step=0.5)[::1], p.gadget)
    part.shade(lambda layer: crescent(cv, layer, star_pts(170, 130, 19, 9, -12), 3, 3, p.gadget_shade))
    part.shade(lambda layer: cv.ellipse(layer, 164, 124, 4, 2.8, p.gadget_hi, angle=-30))
    out.blit(part.render(), (0, 0))
    return out


def headband() -> list[Point]:
    """Centre line of the band: an arc hugging the crown from ear to ear."""
    return [(float(256 + 164 * np.cos(a)), float(214 + 184 * np.sin(a)))
            for a in np.radians(np.linspace(188, 352, 24))]


def draw_headphones(cv: Canvas, p: Palette, out: pygame.Surface) -> None:
    """A band over the crown and a cup over each ear, the cups ringed in the accent colour."""
    band = headband()
    part = Part(cv, outline=2.5, color=p.outline)
    part.add(taper_poly(band, [12, 16, 16, 16, 12]), p.gadget)
    part.shade(lambda layer: cv.taper(layer, translate(band[3:-3], -2, 3), [0, 4, 4, 0], p.gadget_hi))
    out.blit(part.render(), (0, 0))
    for side in (1, -1):
        def cup(pts: list[Point], side: int = side) -> list[Point]:
            return pts if side > 0 else mirror(pts)
        part = Part(cv, outline=2.5, color=p.outline)
        part.add(cup(ellipse_pts(416, 236, 26, 44)), p.gadget)
        part.add(cup(ellipse_pts(400, 236, 20, 40)), p.accent)

        def shade(layer: pygame.Surface, cup=cup) -> None:
            cv.poly(layer, cup(ellipse_pts(404, 236, 12, 32)), p.accent_shade)
            cv.poly(layer, cup(ellipse_pts(392, 220, 4, 10, angle=-10)), p.accent_hi)
            cv.poly(layer, cup(ellipse_pts(426, 232, 6, 30)), p.gadget_shade)
        part.shade(shade)
        out.blit(part.render(), (0, 0))
