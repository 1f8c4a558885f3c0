"""Neck, torso and what she wears on it: a sailor blouse or a hoodie."""
from __future__ import annotations

import pygame

from authoring.accessories import draw_bow
from authoring.design import Design
from authoring.drawing import Canvas, Part
from authoring.face import face_outline
from authoring.geometry import Point, catmull, ellipse_pts, mirror, path, taper_poly, translate


def neck() -> list[Point]:
    return [(230, 320), (282, 320), (284, 384), (296, 410), (256, 494), (216, 410), (228, 384)]


def torso() -> list[Point]:
    right = [(256, 476), (268, 446), (288, 404)]
    shoulder = [(288, 404), (330, 418), (384, 430), (420, 458), (438, 512), (446, 580), (452, 700)]
    r = path(right, shoulder) + [(256, 700)]
    return r + mirror(list(reversed(r)))[1:-1]


def lapel(side: int) -> list[Point]:
    outer = [(288, 402), (322, 412), (356, 422)]
    down = [(356, 422), (336, 452), (302, 486), (256, 516)]
    inner = [(256, 516), (262, 480), (276, 440), (288, 402)]
    pts = path(outer, down, inner)
    return pts if side > 0 else mirror(pts)


def hood() -> list[Point]:
    """The hood lying round the neck: a thick roll from shoulder to shoulder,
    dipping into the V of the neckline."""
    right = [(256, 490), (274, 452), (288, 420), (298, 392), (340, 390), (384, 406), (396, 426), (362, 434),
             (326, 430), (306, 442), (284, 480), (256, 520)]
    return catmull(right + mirror(list(reversed(right)))[1:-1], closed=True)


def draw_neck(cv: Canvas, d: Design, out: pygame.Surface) -> None:
    p = d.palette
    part = Part(cv, outline=2.5, color=p.outline)
    part.add(neck(), p.skin)

    def neck_shade(layer: pygame.Surface) -> None:
        # Shadow cast by the chin, and a soft one where the collarbones dip.
        cv.poly(layer, translate(face_outline(), 0, 20), p.skin_shade)
        cv.taper(layer, [(244, 452), (256, 470), (268, 452)], [0, 4, 0], p.skin_shade)
    part.shade(neck_shade)
    out.blit(part.render(), (0, 0))


def draw_torso(cv: Canvas, d: Design, out: pygame.Surface) -> None:
    p = d.palette
    part = Part(cv, outline=3.0, color=p.outline)
    part.add(torso(), p.cloth)

    def torso_shade(layer: pygame.Surface) -> None:
        # Sides of the torso and the arms turn away; folds under the arms and the bow.
        for s in (1, -1):
            def m(q: list[Point], s: int = s) -> list[Point]:
                return q if s > 0 else mirror(q)
            cv.poly(layer, m(path([(404, 440), (424, 500), (428, 640), (470, 640), (470, 430)])), p.cloth_shade)
            cv.taper(layer, m([(396, 470), (410, 540), (412, 640)]), [0, 5, 3], p.cloth_shade)
            cv.taper(layer, m([(330, 560), (342, 600), (344, 640)]), [0, 4, 2], p.cloth_shade)
            cv.taper(layer, m([(300, 420), (350, 426), (392, 440)]), [0, 5, 0], p.cloth_hi)
            cv.taper(layer, m([(360, 520), (376, 580), (380, 630)]), [0, 3, 0], p.cloth_hi)
            # Where the arm meets the body: keeps the torso from reading as one blob.
            cv.taper(layer, m([(414, 468), (398, 520), (394, 580), (396, 650)]), [0, 3.2, 3.2, 3.2], p.outline)
        cv.taper(layer, [(262, 560), (266, 600), (268, 640)], [0, 4, 2], p.cloth_shade)
        if d.outfit == "hoodie":
            # The front pocket's opening.
            cv.taper(layer, [(176, 630), (200, 604), (256, 598), (312, 604), (336, 630)], [0, 4, 4, 4, 0],
                     p.cloth_shade)
    part.shade(torso_shade)
    out.blit(part.render(), (0, 0))


def draw_sailor_collar(cv: Canvas, d: Design, out: pygame.Surface) -> None:
    """Sailor collar lapels with a stripe, and the chest bow."""
    p = d.palette
    part = Part(cv, outline=2.5, color=p.outline)
    for s in (1, -1):
        part.add(lapel(s), p.collar)

    def lapel_shade(layer: pygame.Surface) -> None:
        for s in (1, -1):
            def m(q: list[Point], s: int = s) -> list[Point]:
                return q if s > 0 else mirror(q)
            cv.stroke(layer, m(catmull([(340, 424), (324, 448), (296, 476), (264, 498)])), 4.0, p.cloth,
                      closed=False)
            cv.taper(layer, m([(290, 410), (280, 444), (268, 480)]), [6, 8, 0], p.collar_shade)
    part.shade(lapel_shade)
    out.blit(part.render(), (0, 0))
    draw_bow(cv, p, out, 256, 502, 1.0, 0)


def draw_hood(cv: Canvas, d: Design, out: pygame.Surface) -> None:
    """The hood round the neck and two drawstrings with metal tips."""
    p = d.palette
    part = Part(cv, outline=2.5, color=p.outline)
    part.add(hood(), p.collar)
    part.shade(lambda layer: [cv.taper(layer, m, [0, 6, 8, 0], p.collar_shade)
                              for m in ([(300, 404), (290, 430), (276, 462), (262, 492)],
                                        [(212, 404), (222, 430), (236, 462), (250, 492)])])
    out.blit(part.render(), (0, 0))
    part = Part(cv, outline=1.6, color=p.outline)
    for string in ([(240, 486), (236, 530), (232, 580)], [(272, 486), (278, 532), (284, 586)]):
        part.add(taper_poly(string, [5, 5, 5]), p.accent)
        tip = string[-1]
        part.add(ellipse_pts(tip[0], tip[1] + 8, 4.5, 9), p.gadget_hi)
    out.blit(part.render(), (0, 0))


def draw_outfit(cv: Canvas, d: Design, out: pygame.Surface) -> None:
    draw_neck(cv, d, out)
    draw_torso(cv, d, out)
    if d.outfit == "sailor":
        draw_sailor_collar(cv, d, out)
    else:
        draw_hood(cv, d, out)
