"""Hair: the front hair (crown, fringe, side locks, ahoge) over the face, and
what hangs behind the head (twin tails or a bob's back).

Light comes from the upper left throughout: right flanks are shaded.
"""
from __future__ import annotations

import numpy as np
import pygame

from authoring.design import Design
from authoring.drawing import Canvas, Part, crescent, recolor_vertical
from authoring.geometry import CX, Point, ellipse_pts, mirror, path, taper_poly, translate

Lock = tuple[list[Point], list[float]]  # centre line and widths along it


def bang_locks(sweep: float = 0.0) -> list[Lock]:
    """Centre lines and widths of the fringe locks; the first seven are the big ones.
    ``sweep`` swings the tips sideways (the roots stay put): a side-swept fringe."""
    locks = [
        ([(150, 118), (134, 170), (140, 224)], [48, 34, 0]),
        ([(190, 104), (182, 158), (188, 208)], [56, 40, 0]),
        ([(232, 98), (238, 148), (226, 196)], [50, 34, 0]),
        ([(268, 98), (276, 146), (286, 190)], [46, 32, 0]),
        ([(304, 100), (314, 158), (306, 210)], [54, 38, 0]),
        ([(344, 108), (358, 166), (364, 218)], [50, 36, 0]),
        ([(374, 124), (386, 166), (376, 206)], [36, 26, 0]),
        # thin accent strands break up the regular rhythm of the big locks
        ([(254, 110), (256, 150), (250, 172)], [16, 10, 0]),
        ([(334, 120), (338, 160), (334, 182)], [16, 10, 0]),
    ]
    if not sweep:
        return locks
    return [([c[0], (c[1][0] + sweep * 0.5, c[1][1]), (c[2][0] + sweep, c[2][1] - abs(sweep) * 0.3)], w)
            for c, w in locks]


def side_locks() -> list[Lock]:
    right = [
        ([(378, 124), (398, 196), (402, 276), (390, 358)], [56, 50, 34, 0]),
        ([(398, 170), (418, 250), (416, 326)], [26, 18, 0]),
    ]
    left = [(mirror(c), w) for c, w in right]
    return right + left


def crown() -> list[Point]:
    top = [(104, 230), (104, 160), (132, 92), (190, 50), (256, 38), (322, 50), (380, 92), (408, 160), (408, 230)]
    bottom = [(408, 230), (380, 150), (330, 118), (256, 108), (182, 118), (132, 150), (104, 230)]
    return path(top, bottom)


def ahoge() -> list[Lock]:
    return [
        ([(252, 50), (258, 22), (286, 8), (306, 16)], [14, 10, 6, 0]),
        ([(258, 48), (248, 26), (232, 20)], [10, 6, 0]),
    ]


def tail(side: int) -> tuple[list[Point], list[Lock]]:
    """One twin tail (side=+1 right, -1 left): main mass plus extra tip locks."""
    outer = [(388, 96), (442, 108), (486, 168), (504, 258), (498, 360), (486, 452), (488, 540), (480, 622)]
    inner = [(480, 622), (462, 560), (446, 470), (442, 380), (434, 292), (416, 212), (390, 150), (388, 96)]
    main = path(outer, inner)
    locks = [
        ([(456, 420), (450, 520), (444, 604)], [34, 24, 0]),
        ([(480, 440), (496, 520), (500, 584)], [22, 16, 0]),
    ]
    if side < 0:
        return mirror(main), [(mirror(c), w) for c, w in locks]
    return main, locks


def back_hair() -> list[Point]:
    """Long hair behind the neck, ending in a zig-zag of tips."""
    # Kept just inside the crown at the top so no sliver peeks over it.
    right = [(256, 50), (336, 62), (394, 112), (416, 196), (420, 300), (414, 380)]
    tips_r = [(414, 380), (404, 440)]
    zig_r = [(404, 440), (382, 412), (368, 452), (346, 414), (326, 440)]
    r = path(right, tips_r) + zig_r[1:] + [(300, 420)]
    return r + mirror(list(reversed(r)))


def bob_back_hair() -> list[Point]:
    """A full bob behind the head: wider than the crown at the cheeks, cut
    between chin and shoulders with the ends flicked outwards."""
    right = [(256, 50), (338, 62), (402, 112), (430, 200), (440, 292), (450, 378)]
    flick = [(450, 378), (424, 372), (404, 390), (380, 374), (354, 392), (326, 378), (296, 388)]
    r = path(right) + flick[1:]
    return r + mirror(list(reversed(r)))


def draw_back_hair(cv: Canvas, d: Design, out: pygame.Surface) -> None:
    """Everything of the hair behind the head and shoulders, onto ``out``."""
    p = d.palette
    if d.hair == "twin_tails":
        # Twin tails: behind the head and shoulders, so the silhouette is read first.
        for side in (1, -1):
            main, locks = tail(side)
            part = Part(cv, outline=3.0, color=p.outline)
            part.add(main, p.hair)
            for c, w in locks:
                part.add(taper_poly(c, w), p.hair)
            recolor_vertical(part.fill, cv, [(90, p.hair_light), (260, p.hair), (420, p.hair), (620, p.hair_tip)])

            def tail_shade(layer: pygame.Surface, side: int = side) -> None:
                def m(q: list[Point]) -> list[Point]:
                    return q if side > 0 else mirror(q)
                # Inner half of the tail turns away from the light.
                cv.taper(layer, m([(404, 130), (440, 230), (452, 340), (458, 460), (466, 560), (476, 616)]),
                         [10, 34, 34, 30, 20, 0], p.hair_shade)
                cv.taper(layer, m([(456, 430), (450, 520), (446, 600)]), [16, 12, 0], p.hair_shade)
                # Glossy streaks on the outer curve.
                cv.taper(layer, m([(452, 140), (478, 196), (490, 262)]), [0, 10, 0], p.hair_hi)
                cv.taper(layer, m([(470, 176), (484, 232), (486, 290)]), [0, 6, 0], p.hair_hi)
                for c in ([(430, 170), (462, 260), (470, 380), (462, 470)],
                          [(456, 140), (486, 240), (484, 360), (472, 440), (474, 520)],
                          [(472, 450), (484, 520), (482, 590)]):
                    cv.taper(layer, m(c), [0, 2.2, 2.2, 0] if len(c) == 4 else [0, 2.2, 2.0, 1.8, 0], p.hair_line)
            part.shade(tail_shade)
            out.blit(part.render(), (0, 0))

    # Back hair: the darker inside of the hair, visible beside the neck.
    part = Part(cv, outline=3.0, color=p.outline)
    if d.hair == "bob":
        part.add(bob_back_hair(), p.hair_back)
        recolor_vertical(part.fill, cv, [(160, p.hair), (300, p.hair_back), (392, p.hair_back_tip)])
        strands = ([(404, 240), (428, 320), (440, 372)], [(108, 240), (84, 320), (72, 372)],
                   [(352, 330), (362, 370), (366, 386)], [(160, 330), (150, 370), (146, 386)])
    else:
        part.add(back_hair(), p.hair_back)
        recolor_vertical(part.fill, cv, [(200, p.hair_back), (460, p.hair_back_tip)])
        strands = ([(330, 360), (340, 400), (346, 414)], [(182, 360), (172, 400), (166, 414)],
                   [(392, 330), (400, 400), (404, 436)], [(120, 330), (112, 400), (108, 436)])
    part.shade(lambda layer: [cv.taper(layer, c, [0, 2, 0], p.hair_line) for c in strands])
    out.blit(part.render(), (0, 0))


def angel_ring() -> list[Point]:
    """A glossy band that follows the skull, with ragged spikes (longer below
    than above). A fixed length pattern keeps it looking hand drawn yet
    deterministic."""
    down = [8, 14, 10, 18, 12, 16, 9, 15, 11, 19, 10, 14, 8, 17, 12, 15, 9, 13]
    up = [4, 6, 3, 7, 5, 4, 6, 3, 5, 7, 4, 6, 3, 5, 6, 4, 5, 3]
    angles = np.linspace(222, 318, len(down))
    upper: list[Point] = []
    lower: list[Point] = []
    for i, a in enumerate(angles):
        ra = np.radians(a)
        px, py = 256 + 130 * np.cos(ra), 186 + 116 * np.sin(ra)
        taper_k = np.sin(np.pi * (i + 0.5) / len(down))  # thinner toward the ends
        # Outward normal of the ellipse, so spikes point along the hair flow.
        nx, ny = np.cos(ra) / 130, np.sin(ra) / 116
        n = float(np.hypot(nx, ny))
        nx, ny = nx / n, ny / n
        half = 3 + 3 * taper_k
        upper.append((px + nx * (half + up[i] * taper_k), py + ny * (half + up[i] * taper_k)))
        lower.append((px - nx * (half + down[i] * taper_k), py - ny * (half + down[i] * taper_k)))
        if i + 1 < len(angles):
            rb = np.radians((a + angles[i + 1]) / 2)
            qx, qy = 256 + 130 * np.cos(rb), 186 + 116 * np.sin(rb)
            upper.append((qx + nx * half * 0.7, qy + ny * half * 0.7))
            lower.append((qx - nx * half * 0.7, qy - ny * half * 0.7))
    return upper + lower[::-1]


def draw_front_hair(cv: Canvas, d: Design) -> pygame.Surface:
    p = d.palette
    bangs = bang_locks(d.bang_sweep)
    part = Part(cv, outline=3.0, color=p.outline)
    part.add(crown(), p.hair)
    for c, w in side_locks():
        part.add(taper_poly(c, w), p.hair)
    for c, w in bangs:
        part.add(taper_poly(c, w), p.hair)
    if d.ahoge:
        for c, w in ahoge():
            part.add(taper_poly(c, w), p.hair)
    recolor_vertical(part.fill, cv, [(30, p.hair_crown), (150, p.hair), (230, p.hair), (360, p.hair_tip)])

    def hair_shade(layer: pygame.Surface) -> None:
        # The crown's right flank and the right side of every lock turn away from the light.
        crescent(cv, layer, ellipse_pts(256, 196, 154, 160), 18, 8, p.hair_shade)
        for c, w in bangs[:7]:
            cv.taper(layer, translate(c, w[0] * 0.26, 4), [0, w[0] * 0.42, w[1] * 0.42, 0], p.hair_shade)
        for c, w in side_locks():
            side = 1 if c[0][0] > CX else -1
            cv.taper(layer, translate(c, side * w[0] * 0.2, 6), [x * 0.5 for x in w], p.hair_shade)
        cv.poly(layer, angel_ring(), p.hair_hi)
        # Strand lines.
        for c, w in bangs[:7]:
            a, b, tip = c
            cv.taper(layer, [(a[0] - w[0] * 0.1, a[1] + 14), (b[0] - w[1] * 0.12, b[1]),
                             ((b[0] + tip[0]) / 2 - 2, (b[1] + tip[1]) / 2 + 4)], [0, 2.4, 0], p.hair_line)
        for c, _ in side_locks()[:1] + side_locks()[2:3]:
            side = 1 if c[0][0] > CX else -1
            cv.taper(layer, translate(c[:3], -side * 4, 24), [0, 2.4, 0], p.hair_line)
        cv.taper(layer, [(150, 74), (190, 56), (230, 52)], [0, 2.2, 0], p.hair_line)
        cv.taper(layer, [(296, 54), (344, 62), (380, 92)], [0, 2.2, 0], p.hair_line)
    part.shade(hair_shade)
    return part.render()
