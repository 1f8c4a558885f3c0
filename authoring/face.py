"""The face on the body frame: its skin and shading, and the emotion marks
drawn under the hair (blush) and over it (brows, tears, anger, shock lines).
Eyes and mouths are separate sheets (authoring/eyes.py, authoring/mouths.py).
"""
from __future__ import annotations

import pygame

from authoring.design import Design
from authoring.drawing import Canvas, Part, S, tint
from authoring.geometry import Point, ellipse_pts, mirror, path, rotate, taper_poly, translate


def face_outline() -> list[Point]:
    right = [(256, 108), (318, 114), (364, 140), (386, 192), (388, 246), (380, 290)]
    jaw = [(380, 290), (360, 326), (318, 354), (256, 368)]
    r = path(right, jaw)
    return r + mirror(list(reversed(r)))[1:-1]


def draw_face(cv: Canvas, d: Design, front_hair: pygame.Surface, out: pygame.Surface) -> None:
    p = d.palette
    part = Part(cv, outline=2.5, color=p.outline)
    part.add(face_outline(), p.skin)

    def face_shade(layer: pygame.Surface) -> None:
        # The fringe casts a shadow a little below and behind itself.
        shadow = tint(front_hair, p.skin_shade)
        layer.blit(shadow, (2 * S, 9 * S))
        # Nose: a small shaded wedge reads as anime nose at stream size.
        cv.taper(layer, [(258, 288), (261, 296), (257, 302)], [0, 2.6, 0.8], p.nose)
    part.shade(face_shade)
    out.blit(part.render(), (0, 0))


BROWS: dict[str, tuple[Point, Point, Point, tuple[float, float, float]]] = {
    # inner, middle, outer point of the viewer-right brow; stroke widths
    "neutral": ((290, 206), (320, 198), (350, 203), (6.0, 6.0, 2.0)),
    "happy": ((290, 196), (320, 186), (350, 193), (6.0, 6.0, 2.0)),
    "sad": ((288, 188), (318, 197), (348, 211), (6.5, 5.5, 2.0)),
    "angry": ((286, 222), (318, 207), (352, 194), (8.0, 6.5, 2.2)),
    "relaxed": ((290, 208), (320, 203), (350, 207), (5.2, 5.2, 1.6)),
    "surprised": ((292, 180), (320, 168), (350, 176), (5.6, 6.0, 1.8)),
}

BLUSH = {"happy": 150, "relaxed": 105, "neutral": 55, "angry": 70, "sad": 0, "surprised": 40}


def draw_face_under_hair(cv: Canvas, d: Design, emotion: str) -> pygame.Surface:
    """Emotion marks that sit on the skin and may be hidden by side locks (blush)."""
    out = cv.new()
    strength = BLUSH[emotion]
    if strength:
        for x in (180, 332):
            cv.soft_ellipse(out, x, 304, 28, 13, d.palette.blush, strength)
    if emotion in ("happy", "relaxed"):
        # Hatching: the anime shorthand for a rosy, happy face.
        for x0 in (166, 318):
            for k in range(3 if emotion == "happy" else 2):
                x = x0 + k * 10 + (5 if emotion == "relaxed" else 0)
                cv.taper(out, [(x + 4, 298), (x - 1, 310)], [1.6, 1.6, 0.6], d.palette.hatch)
    return out


def draw_face_over_hair(cv: Canvas, d: Design, emotion: str) -> pygame.Surface:
    """Brows, tears and anger marks: drawn over the fringe so they always read."""
    p = d.palette
    out = cv.new()
    inner, mid, outer, w = BROWS[emotion]
    for pts in ([inner, mid, outer], mirror([inner, mid, outer])):
        # A thin pale rim keeps the dark brow legible where it crosses dark hair lines.
        cv.taper(out, pts, [w[0] + 2.0, w[1] + 2.0, w[2] + 1.6], p.brow_rim)
        cv.taper(out, pts, list(w), p.brow)
    if emotion == "sad":
        # A tear welling at the outer corner of the viewer-left eye and running down.
        part = Part(cv, outline=1.4, color=p.tear_line)
        part.add(taper_poly([(163, 288), (166, 300), (165, 312)], [0, 5, 6]), p.tear)
        part.add(ellipse_pts(164.5, 317, 7.5, 9), p.tear)
        part.shade(lambda layer: cv.ellipse(layer, 162, 314, 2.4, 3.2, (255, 255, 255)))
        out.blit(part.render(), (0, 0))
    if emotion == "angry":
        # Popping-vein mark on the hair, top right: four bracket strokes.
        for width, color in (((4, 9, 4), p.outline), ((2.2, 6, 2.2), p.anger)):
            for ang in (0, 90, 180, 270):
                arc = rotate([(8, -26), (8, -10), (24, -8)], ang)
                cv.taper(out, translate(arc, 334, 62), list(width), color)
    if emotion == "surprised":
        # Little shock lines beside the head.
        for a, b in (((430, 46), (444, 26)), ((446, 66), (470, 56)), ((84, 46), (70, 26)), ((66, 66), (42, 56))):
            cv.taper(out, [a, b], [4, 1.5], p.outline)
    return out
