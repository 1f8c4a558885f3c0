"""The eyes sheet: open eyes per emotion (lids, a gradient iris, highlights,
lashes) and closed lids for blinks, both eyes in one frame."""
from __future__ import annotations

from collections.abc import Sequence

import pygame

from authoring.design import EYE_CENTER_Y, EYE_DX, EYES_POS, EYES_SIZE, Design
from authoring.drawing import Canvas, alpha_clip, recolor_vertical
from authoring.geometry import CX, Point, catmull, star_pts, taper_poly

# Per emotion, in eye-local coordinates (u points away from the nose, v down):
# upper lid, lower lid (outer corner -> inner corner), iris (cu, cv, ru, rv),
# pupil (cu, cv, ru, rv), highlight scale.
EYE_SHAPES: dict[str, dict] = {
    "neutral": dict(
        upper=[(-31, -4), (-18, -28), (4, -36), (26, -30), (37, -12)],
        lower=[(36, -8), (31, 16), (16, 31), (-6, 33), (-24, 22), (-31, -4)],
        iris=(2, 4, 24, 31), pupil=(2, 7, 10, 14), hi=1.0, lash=(2.5, 6.0, 7.0, 6.0, 0.0)),
    "happy": dict(
        upper=[(-31, -8), (-18, -33), (4, -40), (26, -34), (38, -14)],
        lower=[(37, -6), (28, 8), (14, 14), (-6, 14), (-22, 8), (-31, -8)],
        iris=(2, 0, 24, 31), pupil=(2, 3, 10, 14), hi=1.25, lash=(2.5, 6.0, 7.0, 6.0, 0.0),
        smile_line=True),
    "sad": dict(
        upper=[(-31, -20), (-14, -32), (8, -28), (26, -14), (36, 6)],
        lower=[(35, 8), (30, 20), (16, 31), (-6, 33), (-24, 22), (-31, -20)],
        iris=(0, 8, 23, 30), pupil=(0, 11, 10, 13), hi=1.1, lash=(2.5, 5.5, 6.5, 5.5, 0.0),
        wet=True),
    "angry": dict(
        upper=[(-31, 2), (-16, -12), (6, -22), (26, -26), (38, -16)],
        lower=[(37, -10), (31, 10), (16, 22), (-6, 24), (-24, 16), (-31, 2)],
        iris=(0, 2, 22, 29), pupil=(0, 4, 6, 9), hi=0.75, lash=(4.0, 7.0, 7.5, 6.0, 0.0)),
    "relaxed": dict(
        upper=[(-31, 0), (-16, -10), (4, -13), (24, -11), (37, -4)],
        lower=[(36, -4), (31, 16), (16, 30), (-6, 32), (-24, 21), (-31, 0)],
        iris=(0, 8, 24, 30), pupil=(0, 11, 10, 13), hi=0.9, lash=(2.5, 6.0, 6.5, 5.5, 0.0),
        crease=True),
    "surprised": dict(
        upper=[(-32, -10), (-18, -38), (4, -46), (28, -38), (38, -16)],
        lower=[(37, -12), (34, 18), (18, 37), (-4, 40), (-24, 29), (-32, -10)],
        iris=(0, 2, 18, 22), pupil=(0, 2, 4, 5), hi=0.7, lash=(2.5, 6.0, 7.0, 6.0, 0.0),
        lift=True),
}

# Closed lids: centre line in eye-local coordinates and stroke widths.
CLOSED_EYES: dict[str, tuple[list[Point], list[float]]] = {
    "neutral": ([(-31, 6), (-12, 15), (10, 17), (30, 12), (40, 4)], [1.5, 5, 6, 5, 1]),
    "happy": ([(-32, 14), (-16, -2), (4, -8), (24, -2), (38, 14)], [1.5, 5.5, 6.5, 5.5, 1.5]),
    "sad": ([(-31, 0), (-12, 12), (10, 18), (28, 20), (38, 18)], [1.5, 5, 6, 5, 1]),
    "angry": ([(-31, 14), (-12, 12), (10, 6), (28, -2), (40, -8)], [2, 6, 6.5, 5.5, 1.5]),
    "relaxed": ([(-30, 8), (-12, 15), (10, 16), (30, 11), (39, 6)], [1.2, 4.2, 5, 4, 1]),
    "surprised": ([(-32, 0), (-12, 10), (10, 12), (30, 6), (40, -2)], [1.5, 5, 6, 5, 1]),
}


def eye_to_frame(points: Sequence[Point], side: int) -> list[Point]:
    """Eye-local (u outward, v down) -> frame space for the given eye (+1 right)."""
    cx = CX + side * EYE_DX
    return [(cx + side * u, EYE_CENTER_Y + v) for u, v in points]


def draw_eyes(d: Design, emotion: str, closed: bool) -> pygame.Surface:
    p = d.palette
    cv = Canvas(EYES_POS[0], EYES_POS[1], *EYES_SIZE)
    out = cv.new()
    if closed:
        centre, widths = CLOSED_EYES[emotion]
        for side in (1, -1):
            cv.taper(out, eye_to_frame(centre, side), widths, p.lash)
            end = centre[-1]
            before = centre[-2]
            if emotion != "happy":
                # Lashes hanging from the closed lid's outer end.
                for du, dv, lu, lv in ((-4, 2, 8, 9), (-12, 4, 4, 11)):
                    base = (end[0] + du, end[1] + dv) if du > -10 else (before[0] + 2, before[1] + 3)
                    tip = (base[0] + lu, base[1] + lv)
                    cv.taper(out, eye_to_frame([base, tip], side), [3.5, 0], p.lash)
            else:
                flick = [(end[0] - 2, end[1] - 2), (end[0] + 8, end[1] + 2)]
                cv.taper(out, eye_to_frame(flick, side), [3.5, 0], p.lash)
        return out

    spec = EYE_SHAPES[emotion]
    sclera = cv.new()
    iris = cv.new()
    on_top = cv.new()
    for side in (1, -1):
        def f(pts: Sequence[Point], side: int = side) -> list[Point]:
            return eye_to_frame(pts, side)
        upper = catmull(spec["upper"])
        lower = catmull(spec["lower"])
        cv.poly(sclera, f(upper + lower[1:-1]), p.sclera)

        iu, iv, iru, irv = spec["iris"]
        # Iris: dark top, bright bottom is the classic anime eye gradient.
        iris_layer = cv.new()
        cv.ellipse(iris_layer, *f([(iu, iv)])[0], iru + 1.5, irv + 1.5, p.iris_ring)
        inner_iris = cv.new()
        cv.ellipse(inner_iris, *f([(iu, iv)])[0], iru - 1.0, irv - 1.0, p.iris_mid)
        top_y = EYE_CENTER_Y + iv - irv
        recolor_vertical(inner_iris, cv, [(top_y, p.iris_top), (top_y + irv * 0.9, p.iris_mid),
                                          (top_y + irv * 2, p.iris_bottom)])
        iris_layer.blit(inner_iris, (0, 0))
        pu, pv, pru, prv = spec["pupil"]
        cv.ellipse(iris_layer, *f([(pu, pv)])[0], pru, prv, p.pupil)
        # Ring of light around the pupil's lower half.
        glow = cv.new()
        cv.ellipse(glow, *f([(iu, iv + irv * 0.45)])[0], iru * 0.62, irv * 0.35, p.iris_glow)
        iris_layer.blit(glow, (0, 0))
        iris.blit(iris_layer, (0, 0))

        # Shadow of the upper lid over sclera and iris.
        lid_shadow = taper_poly([(u, v + 4) for u, v in spec["upper"]], [10, 12, 12, 12, 10])
        cv.poly(iris, f(lid_shadow), p.lid_shadow)

        # Highlights are not mirrored: one light source for both eyes.
        k = spec["hi"]
        hx, hy = eye_to_frame([(iu, iv)], side)[0]
        cv.ellipse(on_top, hx - 9 * k, hy - 12 * k, 7.5 * k, 9 * k, (255, 255, 255), angle=-20)
        cv.ellipse(on_top, hx + 10 * k, hy + 13 * k, 3.6 * k, 3.6 * k, (255, 255, 255))
        if emotion == "happy":
            cv.poly(on_top, star_pts(hx + 12, hy - 6, 6, 2.4, 0), (255, 255, 255))
        if spec.get("wet"):
            cv.ellipse(on_top, hx + 2, hy + 18, 10, 3, (255, 255, 255, 220))
            cv.ellipse(on_top, hx - 12, hy + 6, 2.5, 2.5, (255, 255, 255))

    alpha_clip(iris, sclera)
    sclera.blit(iris, (0, 0))
    alpha_clip(on_top, sclera)
    sclera.blit(on_top, (0, 0))
    out.blit(sclera, (0, 0))

    for side in (1, -1):
        def f(pts: Sequence[Point], side: int = side) -> list[Point]:
            return eye_to_frame(pts, side)
        up = spec["upper"]
        lo = spec["lower"]
        # Thin line along the lower lid so the white does not bleed into the skin.
        cv.taper(out, f(lo[1:]), [1.2, 1.4, 1.4, 1.2, 0.8], p.sclera_line)
        # Heavy upper lash line, thickest toward the outer corner, with a flick.
        flick = (up[-1][0] + 8, up[-1][1] - 6)
        cv.taper(out, f([(up[0][0] - 2, up[0][1] + 1)] + up[1:] + [flick]), list(spec["lash"]) + [0], p.lash)
        cv.taper(out, f([(up[-1][0] - 4, up[-1][1] + 2), (up[-1][0] + 6, up[-1][1] + 2),
                         (up[-1][0] + 12, up[-1][1] + 6)]), [4, 3, 0], p.lash)
        lift = 6 if spec.get("lift") else 0
        cv.taper(out, f([(up[-2][0] + 4, up[-2][1] - 2), (up[-2][0] + 12, up[-2][1] - 8 - lift),
                         (up[-2][0] + 18, up[-2][1] - 10 - lift)]), [4, 2.5, 0], p.lash)
        # Lower lashes: a short tapered stroke at the outer corner.
        cv.taper(out, f([lo[0], lo[1], (lo[2][0] + 4, lo[2][1])]), [0.5, 3.0, 0], p.lash)
        if spec.get("smile_line"):
            cv.taper(out, f([(-22, 14), (-4, 20), (16, 20), (30, 12)]), [0, 2.2, 2.2, 0], p.sclera_line)
        if spec.get("crease"):
            cv.taper(out, f([(-20, -20), (4, -26), (28, -18)]), [0, 2.0, 0], p.sclera_line)
        if emotion == "surprised":
            cv.taper(out, f([(-18, -50), (4, -56), (28, -48)]), [0, 2.0, 0], p.sclera_line)
    return out
