"""The mouths sheet: five shapes per emotion, their corners following the mood."""
from __future__ import annotations

from collections.abc import Sequence

import pygame

from authoring.design import MOUTH_CENTER, MOUTH_POS, MOUTH_SCALE, MOUTH_SIZE, Design
from authoring.drawing import Canvas, Part
from authoring.geometry import Point, ellipse_pts, path, translate

# Per emotion: how much the corners lift (+) or drop (-), and a width factor.
MOUTH_MOOD: dict[str, tuple[float, float]] = {
    "neutral": (2.0, 1.0),
    "happy": (7.0, 1.12),
    "sad": (-6.0, 0.95),
    "angry": (-4.0, 1.05),
    "relaxed": (4.5, 1.0),
    "surprised": (0.0, 0.9),
}


def bend(points: Sequence[Point], lift: float, scale_x: float) -> list[Point]:
    """Curve a mouth shape so its corners follow the mood; x in mouth-local px."""
    out = []
    for x, y in points:
        # Shapes are authored small; the scale makes lip-sync readable on stream.
        x *= scale_x * MOUTH_SCALE
        y *= MOUTH_SCALE
        out.append((MOUTH_CENTER[0] + x, MOUTH_CENTER[1] + y - lift * (x / 18.0) ** 2))
    return out


def mouth_opening(emotion: str, shape: str) -> tuple[list[Point] | None, list[Point] | None]:
    """Mouth-local outline of the opening (None when closed) and the upper-lip line
    (for a closed mouth: the line between the lips)."""
    if emotion == "surprised":
        # Every shape stays rounded so the surprise reads even mid-sentence.
        if shape == "closed":
            return None, [(-8, 1.5), (0, 0.0), (8, 1.5)]
        ellipses = {"half": (0, 3, 6.5, 6), "open": (0, 6, 12, 16), "wide": (0, 4, 17, 10), "round": (0, 4, 8, 10)}
        return ellipse_pts(*ellipses[shape], n=64), None
    if shape == "closed":
        return None, [(-14, 0), (-5, 1.2), (5, 1.2), (14, 0)]
    if shape == "round":
        return ellipse_pts(0, 4, 8, 10, n=48), None
    top, bot = {
        "half": ([(-13, 0), (-6, -0.8), (6, -0.8), (13, 0)],
                 [(13, 0), (7, 6.5), (0, 8), (-7, 6.5), (-13, 0)]),
        "open": ([(-17, -3), (-8, -4), (8, -4), (17, -3)],
                 [(17, -3), (14, 10), (0, 21), (-14, 10), (-17, -3)]),
        "wide": ([(-21, -3), (-10, -4), (10, -4), (21, -3)],
                 [(21, -3), (19, 3), (11, 8), (0, 9), (-11, 8), (-19, 3), (-21, -3)]),
    }[shape]
    return path(top, bot), top


def draw_mouth(d: Design, emotion: str, shape: str) -> pygame.Surface:
    p = d.palette
    cv = Canvas(MOUTH_POS[0], MOUTH_POS[1], *MOUTH_SIZE)
    out = cv.new()
    lift, sx = MOUTH_MOOD[emotion]
    opening, line = mouth_opening(emotion, shape)
    if opening is None:
        assert line is not None
        pts = bend(line, lift * 0.8, sx)
        cv.taper(out, pts, [1.0, 3.2, 3.2, 1.0] if len(line) == 4 else [1.8, 3.0, 1.8], p.mouth_line)
        if emotion == "happy":
            # Little upturned flicks at the ends of the smile.
            for end, s in ((pts[-1], 1), (pts[0], -1)):
                cv.taper(out, [(end[0] - s * 1, end[1] + 1), (end[0] + s * 3, end[1] - 3)], [2.2, 0.5], p.mouth_line)
        return out

    rounded = emotion == "surprised" or shape == "round"
    # Vertical offsets below use the unbent thickness: bending shifts every x
    # column by a constant, so the teeth/shadow bands follow the curve exactly.
    thick = (max(p[1] for p in opening) - min(p[1] for p in opening)) * MOUTH_SCALE
    opening = bend(opening, 0 if rounded else lift, 1.0 if rounded else sx)
    part = Part(cv, outline=1.6, color=p.mouth_line)
    part.add(opening, p.mouth_in)
    xs = [p[0] for p in opening]
    x0, x1 = min(xs), max(xs)
    mx, w = (x0 + x1) / 2, x1 - x0
    h = thick
    yb = max(p[1] for p in opening if abs(p[0] - mx) < 4)  # bottom at the centre

    def inside(layer: pygame.Surface) -> None:
        # Shadow under the upper lip, tongue at the bottom, teeth at the top.
        cv.poly(layer, translate(opening, 0, -h * 0.55), p.mouth_deep)
        if shape in ("open", "half", "round") or (shape == "wide" and emotion == "angry"):
            cv.ellipse(layer, mx, yb - h * 0.08, w * 0.36, h * 0.36, p.tongue)
            cv.ellipse(layer, mx, yb - h * 0.2, w * 0.06, h * 0.14, p.tongue_shade)
        if shape == "open" and emotion != "surprised":
            cv.poly(layer, translate(opening, 0, -h * 0.84), p.teeth)
        if shape == "wide":
            # e/i: teeth are the point of this shape, so show both rows.
            cv.poly(layer, translate(opening, 0, -h * 0.55), p.teeth)
            cv.poly(layer, translate(opening, 0, h * (0.72 if emotion == "angry" else 0.8)), p.teeth)
        if shape == "open" and emotion == "angry":
            cv.poly(layer, translate(opening, 0, h * 0.86), p.teeth)
    part.shade(inside)
    out.blit(part.render(), (0, 0))
    if line is not None and not rounded:
        # A heavier upper edge reads as the upper lip.
        cv.taper(out, bend(line, lift, sx), [1.0, 2.8, 2.8, 1.0], p.mouth_line)
    return out
