"""Draw kuchipaku's default character ("Kotone") and write her sprite sheets.

Run from the repository root:

    python authoring/draw_default_character.py

Everything is drawn with pygame primitives at 4x the final size and shrunk with
``smoothscale``, which gives clean anti-aliased edges without an AA polygon
routine. The output (body.png, eyes.png, mouths.png, character.yaml in
characters/default/) is deterministic: no randomness is used at all.

Coordinates in this file are in final character-frame pixels (512x640, origin
top-left); the Canvas class does the 4x scaling and the offset of the smaller
eye and mouth frames, so every feature is placed in one shared space and the
separate sheets line up with the face by construction.
"""
from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

# Headless: the generator must run on CI and over SSH without a display.
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np  # noqa: E402
import pygame  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere
from engine.stage.sheets import assemble_sheet  # noqa: E402
from engine.vocabulary import EMOTIONS, MOUTH_SHAPES  # noqa: E402

Point = tuple[float, float]
Color = tuple[int, int, int]

S = 4                      # supersampling factor
FRAME_W, FRAME_H = 512, 640
CX = 256                   # the face's vertical axis of symmetry

NAME = "Kotone"

EYES_POS = (140, 188)
EYES_SIZE = (232, 124)
MOUTH_POS = (208, 296)
MOUTH_SIZE = (96, 64)
MOUTH_CENTER = (256.0, 325.0)
MOUTH_SCALE = 1.15
EYE_CENTER_Y = 258.0
EYE_DX = 64.0              # distance of each eye's centre from the face axis

# --- palette -----------------------------------------------------------------
# Pinks, violets and navy only: the stream is chroma-keyed on #00FF00, so no
# colour may lean green (checked pixel by pixel before saving).
OUTLINE: Color = (62, 34, 58)
HAIR_LIGHT: Color = (255, 200, 226)
HAIR: Color = (248, 164, 204)
HAIR_TIP: Color = (206, 150, 238)
HAIR_SHADE: Color = (218, 118, 176)
HAIR_BACK: Color = (196, 104, 164)
HAIR_BACK_TIP: Color = (160, 108, 206)
HAIR_HI: Color = (255, 234, 246)
HAIR_LINE: Color = (150, 64, 118)
SKIN: Color = (255, 236, 226)
SKIN_SHADE: Color = (247, 200, 196)
SKIN_LINE: Color = (150, 78, 84)
NOSE: Color = (222, 150, 150)
NAVY: Color = (58, 62, 124)
NAVY_SHADE: Color = (40, 42, 90)
NAVY_HI: Color = (92, 96, 166)
WHITE: Color = (252, 250, 255)
WHITE_SHADE: Color = (214, 208, 238)
RIBBON: Color = (236, 64, 108)
RIBBON_SHADE: Color = (180, 34, 82)
RIBBON_HI: Color = (255, 150, 180)
STAR: Color = (255, 214, 104)
STAR_SHADE: Color = (246, 168, 72)
BROW: Color = (112, 46, 88)
LASH: Color = (56, 28, 54)
SCLERA: Color = (255, 255, 255)
SCLERA_SHADE: Color = (218, 208, 242)
SCLERA_LINE: Color = (206, 150, 162)
IRIS_TOP: Color = (64, 38, 132)
IRIS_MID: Color = (118, 84, 214)
IRIS_BOTTOM: Color = (214, 150, 255)
IRIS_RING: Color = (46, 24, 96)
PUPIL: Color = (34, 18, 66)
MOUTH_LINE: Color = (116, 40, 60)
MOUTH_IN: Color = (112, 30, 56)
MOUTH_DEEP: Color = (78, 16, 40)
TONGUE: Color = (242, 126, 150)
TEETH: Color = (255, 253, 255)
BLUSH: Color = (255, 104, 146)
TEAR: Color = (176, 214, 255)
TEAR_LINE: Color = (84, 112, 196)
ANGER: Color = (232, 40, 76)


# --- geometry ----------------------------------------------------------------

def catmull(points: Sequence[Point], closed: bool = False, step: float = 1.5) -> list[Point]:
    """Centripetal Catmull-Rom spline through ``points``, sampled every ~step px.

    Centripetal parametrisation because it never overshoots into loops when
    hand-placed points are unevenly spaced.
    """
    pts = [np.asarray(p, dtype=float) for p in points]
    if len(pts) < 2:
        return [tuple(p) for p in pts]
    if closed:
        ext = [pts[-1], *pts, pts[0], pts[1]]
        nseg = len(pts)
    else:
        ext = [2 * pts[0] - pts[1], *pts, 2 * pts[-1] - pts[-2]]
        nseg = len(pts) - 1
    out: list[Point] = []
    for i in range(nseg):
        p0, p1, p2, p3 = ext[i], ext[i + 1], ext[i + 2], ext[i + 3]
        t0 = 0.0
        t1 = t0 + max(np.linalg.norm(p1 - p0), 1e-3) ** 0.5
        t2 = t1 + max(np.linalg.norm(p2 - p1), 1e-3) ** 0.5
        t3 = t2 + max(np.linalg.norm(p3 - p2), 1e-3) ** 0.5
        n = max(2, int(np.linalg.norm(p2 - p1) / step))
        for t in np.linspace(t1, t2, n, endpoint=False):
            a1 = (t1 - t) / (t1 - t0) * p0 + (t - t0) / (t1 - t0) * p1
            a2 = (t2 - t) / (t2 - t1) * p1 + (t - t1) / (t2 - t1) * p2
            a3 = (t3 - t) / (t3 - t2) * p2 + (t - t2) / (t3 - t2) * p3
            b1 = (t2 - t) / (t2 - t0) * a1 + (t - t0) / (t2 - t0) * a2
            b2 = (t3 - t) / (t3 - t1) * a2 + (t - t1) / (t3 - t1) * a3
            c = (t2 - t) / (t2 - t1) * b1 + (t - t1) / (t2 - t1) * b2
            out.append((float(c[0]), float(c[1])))
    if not closed:
        out.append((float(pts[-1][0]), float(pts[-1][1])))
    return out


def path(*segments: Sequence[Point]) -> list[Point]:
    """Join smooth segments end to end; the joins become sharp corners (hair tips, chin)."""
    out: list[Point] = []
    for seg in segments:
        pts = catmull(seg)
        out.extend(pts[1:] if out else pts)
    return out


def mirror(points: Sequence[Point]) -> list[Point]:
    return [(2 * CX - x, y) for x, y in points]


def symmetric(right_half: Sequence[Point]) -> list[Point]:
    """Closed outline from its right half (top centre -> bottom centre)."""
    return list(right_half) + mirror(list(reversed(right_half)))[1:-1]


def ellipse_pts(cx: float, cy: float, rx: float, ry: float, angle: float = 0.0, n: int = 96) -> list[Point]:
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    x, y = rx * np.cos(t), ry * np.sin(t)
    ca, sa = np.cos(np.radians(angle)), np.sin(np.radians(angle))
    return [(float(cx + a * ca - b * sa), float(cy + a * sa + b * ca)) for a, b in zip(x, y)]


def taper_poly(points: Sequence[Point], widths: Sequence[float], smooth: bool = True) -> list[Point]:
    """Outline of a brush stroke along ``points`` whose width follows ``widths``.

    Widths are spread evenly along the stroke's length; ending in 0 gives the
    pointed tips that hair locks, lashes and brows need.
    """
    pts = np.asarray(catmull(points, step=0.75) if smooth else points, dtype=float)
    seglen = np.linalg.norm(np.diff(pts, axis=0), axis=1)
    keep = np.concatenate([[True], seglen > 1e-6])
    pts = pts[keep]
    if len(pts) < 2:
        return []
    cum = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(pts, axis=0), axis=1))])
    t = cum / cum[-1]
    w = np.interp(t, np.linspace(0, 1, len(widths)), widths) / 2
    tang = np.gradient(pts, axis=0)
    tang /= np.linalg.norm(tang, axis=1, keepdims=True) + 1e-9
    normal = np.stack([-tang[:, 1], tang[:, 0]], axis=1)
    left = pts + normal * w[:, None]
    right = pts - normal * w[:, None]
    poly = np.concatenate([left, right[::-1]])
    return [(float(x), float(y)) for x, y in poly]


def rotate(points: Sequence[Point], angle: float, origin: Point = (0.0, 0.0)) -> list[Point]:
    ca, sa = np.cos(np.radians(angle)), np.sin(np.radians(angle))
    ox, oy = origin
    return [(ox + (x - ox) * ca - (y - oy) * sa, oy + (x - ox) * sa + (y - oy) * ca) for x, y in points]


def translate(points: Sequence[Point], dx: float, dy: float) -> list[Point]:
    return [(x + dx, y + dy) for x, y in points]


# --- drawing -----------------------------------------------------------------

class Canvas:
    """A 4x supersampled drawing area whose top-left sits at (ox, oy) in frame space."""

    def __init__(self, ox: float, oy: float, w: int, h: int) -> None:
        self.ox, self.oy, self.w, self.h = ox, oy, w, h

    def new(self) -> pygame.Surface:
        return pygame.Surface((self.w * S, self.h * S), pygame.SRCALPHA)

    def tr(self, points: Sequence[Point]) -> list[tuple[float, float]]:
        return [((x - self.ox) * S, (y - self.oy) * S) for x, y in points]

    def poly(self, surf: pygame.Surface, points: Sequence[Point], color: Color | tuple[int, int, int, int]) -> None:
        if len(points) >= 3:
            pygame.draw.polygon(surf, color, self.tr(points))

    def stroke(self, surf: pygame.Surface, points: Sequence[Point], width: float, color: Color,
               closed: bool = True) -> None:
        """Uniform round-capped stroke: dense discs give smooth joins at any angle."""
        pts = np.asarray(self.tr(points), dtype=float)
        if closed:
            pts = np.concatenate([pts, pts[:1]])
        r = width * S / 2
        spacing = max(1.0, r * 0.4)
        for a, b in zip(pts[:-1], pts[1:]):
            d = float(np.linalg.norm(b - a))
            n = max(1, int(d / spacing))
            for k in range(n):
                p = a + (b - a) * (k / n)
                pygame.draw.circle(surf, color, (p[0], p[1]), r)
        pygame.draw.circle(surf, color, (pts[-1][0], pts[-1][1]), r)

    def taper(self, surf: pygame.Surface, points: Sequence[Point], widths: Sequence[float], color: Color) -> None:
        self.poly(surf, taper_poly(points, widths), color)

    def ellipse(self, surf: pygame.Surface, cx: float, cy: float, rx: float, ry: float, color: Color,
                angle: float = 0.0) -> None:
        self.poly(surf, ellipse_pts(cx, cy, rx, ry, angle), color)

    def soft_ellipse(self, surf: pygame.Surface, cx: float, cy: float, rx: float, ry: float,
                     color: Color, alpha: int) -> None:
        """Blush-like blob with a soft falloff: drawn tiny, then blown up bilinearly."""
        pad = max(rx, ry) * 0.6
        bw, bh = 2 * (rx + pad), 2 * (ry + pad)
        k = 0.25  # quarter resolution -> a wide, smooth ramp after upscaling
        small = pygame.Surface((max(2, int(bw * k)), max(2, int(bh * k))), pygame.SRCALPHA)
        steps = 6
        for i in range(steps):
            f = 1.0 - i / steps * 0.7
            rect = pygame.Rect(0, 0, int(2 * rx * f * k), int(2 * ry * f * k))
            rect.center = (small.get_width() // 2, small.get_height() // 2)
            layer = pygame.Surface(small.get_size(), pygame.SRCALPHA)
            pygame.draw.ellipse(layer, (*color, int(alpha / steps * 1.6)), rect)
            small.blit(layer, (0, 0))
        big = pygame.transform.smoothscale(small, (int(bw * S), int(bh * S)))
        surf.blit(big, ((cx - bw / 2 - self.ox) * S, (cy - bh / 2 - self.oy) * S))


def alpha_clip(surf: pygame.Surface, mask: pygame.Surface) -> None:
    """Keep ``surf`` only where ``mask`` is opaque: shading must not spill off its part."""
    a = pygame.surfarray.pixels_alpha(surf)
    m = pygame.surfarray.pixels_alpha(mask)
    a[...] = (a.astype(np.uint16) * m // 255).astype(np.uint8)
    del a, m


def recolor_vertical(surf: pygame.Surface, cv: Canvas, stops: Sequence[tuple[float, Color]]) -> None:
    """Replace every pixel's colour by a top-to-bottom gradient, keeping its alpha."""
    ys = (np.arange(surf.get_height()) + 0.5) / S + cv.oy
    sy = [s[0] for s in stops]
    grad = np.stack([np.interp(ys, sy, [s[1][c] for s in stops]) for c in range(3)], axis=1)
    px = pygame.surfarray.pixels3d(surf)
    px[...] = grad[None, :, :].astype(np.uint8)
    del px


def tint(surf: pygame.Surface, color: Color) -> pygame.Surface:
    """Silhouette of ``surf`` in one colour (cast shadows, outlines)."""
    out = surf.copy()
    px = pygame.surfarray.pixels3d(out)
    px[...] = color
    del px
    return out


def crescent(cv: Canvas, layer: pygame.Surface, shape: Sequence[Point], dx: float, dy: float,
             color: Color) -> None:
    """Shade the rim of ``shape`` facing away from a light at (-dx, -dy): the shape
    minus a copy of itself nudged toward the light."""
    cv.poly(layer, shape, color)
    # pygame.draw writes pixels verbatim, so a transparent fill erases.
    cv.poly(layer, translate(shape, -dx, -dy), (0, 0, 0, 0))


class Part:
    """Shapes that share one outer outline: every outline is drawn first, then every
    fill, so only the silhouette of the union is outlined, not each piece."""

    def __init__(self, cv: Canvas, outline: float = 2.5, color: Color = OUTLINE) -> None:
        self.cv, self.outline_w, self.outline_color = cv, outline, color
        self.line = cv.new()
        self.fill = cv.new()

    def add(self, points: Sequence[Point], color: Color, outline: float | None = None) -> None:
        w = self.outline_w if outline is None else outline
        if w > 0:
            # Stroke is centred on the edge and half of it is hidden by the fill.
            self.cv.stroke(self.line, points, 2 * w, self.outline_color)
        self.cv.poly(self.fill, points, color)

    def shade(self, draw: Callable[[pygame.Surface], None]) -> None:
        """Draw shading/highlights clipped to this part's fill."""
        layer = self.cv.new()
        draw(layer)
        alpha_clip(layer, self.fill)
        self.fill.blit(layer, (0, 0))

    def render(self) -> pygame.Surface:
        out = self.line.copy()
        out.blit(self.fill, (0, 0))
        return out


# --- the character: shared geometry ------------------------------------------

def face_outline() -> list[Point]:
    right = [(256, 108), (318, 114), (364, 140), (386, 192), (388, 246), (380, 290)]
    jaw = [(380, 290), (360, 326), (318, 354), (256, 368)]
    r = path(right, jaw)
    return r + mirror(list(reversed(r)))[1:-1]


def bang_locks() -> list[tuple[list[Point], list[float]]]:
    """Centre lines and widths of the fringe locks; the first seven are the big ones."""
    return [
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


def side_locks() -> list[tuple[list[Point], list[float]]]:
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


def ahoge() -> list[tuple[list[Point], list[float]]]:
    return [
        ([(252, 50), (258, 22), (286, 8), (306, 16)], [14, 10, 6, 0]),
        ([(258, 48), (248, 26), (232, 20)], [10, 6, 0]),
    ]


def tail(side: int) -> tuple[list[Point], list[tuple[list[Point], list[float]]]]:
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
    # Kept just inside the crown at the top so no sliver peeks over it.
    right = [(256, 50), (336, 62), (394, 112), (416, 196), (420, 300), (414, 380)]
    tips_r = [(414, 380), (404, 440)]
    zig_r = [(404, 440), (382, 412), (368, 452), (346, 414), (326, 440)]
    r = path(right, tips_r) + zig_r[1:] + [(300, 420)]
    return r + mirror(list(reversed(r)))


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


def bow_shapes(cx: float, cy: float, scale: float, angle: float) -> list[tuple[list[Point], Color]]:
    """A ribbon bow: two loops, two V-cut tails and a knot, with fold shading."""
    loop = [(0, 0), (-8, -12), (-24, -20), (-37, -14), (-39, 0), (-34, 12), (-20, 14), (0, 4)]
    tail_l = [(-3, 4), (-11, 20), (-18, 38), (-10, 33), (-5, 40), (4, 8)]

    def place(pts: Sequence[Point]) -> list[Point]:
        pts = [(x * scale, y * scale) for x, y in pts]
        return translate(rotate(pts, angle), cx, cy)

    def flip(pts: Sequence[Point]) -> list[Point]:
        return [(-x, y) for x, y in pts]

    out: list[tuple[list[Point], Color]] = [
        (place(tail_l), RIBBON_SHADE),
        (place(flip([(x * 0.9, y * 1.05) for x, y in tail_l])), RIBBON_SHADE),
    ]
    for pts in (loop, flip(loop)):
        out.append((place(catmull(pts, closed=True)), RIBBON))
    out.append((place(ellipse_pts(0, 2, 8.5, 10)), RIBBON))
    return out


def bow_folds(cv: Canvas, layer: pygame.Surface, cx: float, cy: float, scale: float, angle: float) -> None:
    """Pinched folds next to the knot and a gloss on each loop."""
    def place(pts: Sequence[Point]) -> list[Point]:
        return translate(rotate([(x * scale, y * scale) for x, y in pts], angle), cx, cy)
    for s in (1, -1):
        cv.poly(layer, place([(0, 2), (s * 22, -6), (s * 26, 2), (s * 22, 10)]), RIBBON_SHADE)
        cv.poly(layer, place(ellipse_pts(s * 26, -11, 7, 3.2, angle=s * 18)), RIBBON_HI)


def star_pts(cx: float, cy: float, r_out: float, r_in: float, angle: float) -> list[Point]:
    pts = []
    for i in range(10):
        r = r_out if i % 2 == 0 else r_in
        a = np.radians(angle - 90 + i * 36)
        pts.append((cx + r * np.cos(a), cy + r * np.sin(a)))
    return pts


# --- body frames ---------------------------------------------------------------

def draw_back_layer(cv: Canvas, front_hair: pygame.Surface) -> pygame.Surface:
    """Everything behind the fringe that never changes with emotion."""
    out = cv.new()

    # Twin tails: behind the head and shoulders, so the silhouette is read first.
    for side in (1, -1):
        main, locks = tail(side)
        part = Part(cv, outline=3.0)
        part.add(main, HAIR)
        for c, w in locks:
            part.add(taper_poly(c, w), HAIR)
        recolor_vertical(part.fill, cv, [(90, HAIR_LIGHT), (260, HAIR), (420, HAIR), (620, HAIR_TIP)])

        def tail_shade(layer: pygame.Surface, side: int = side) -> None:
            def m(p: list[Point]) -> list[Point]:
                return p if side > 0 else mirror(p)
            # Inner half of the tail turns away from the light.
            cv.taper(layer, m([(404, 130), (440, 230), (452, 340), (458, 460), (466, 560), (476, 616)]),
                     [10, 34, 34, 30, 20, 0], HAIR_SHADE)
            cv.taper(layer, m([(456, 430), (450, 520), (446, 600)]), [16, 12, 0], HAIR_SHADE)
            # Glossy streaks on the outer curve.
            cv.taper(layer, m([(452, 140), (478, 196), (490, 262)]), [0, 10, 0], HAIR_HI)
            cv.taper(layer, m([(470, 176), (484, 232), (486, 290)]), [0, 6, 0], HAIR_HI)
            for c in ([(430, 170), (462, 260), (470, 380), (462, 470)],
                      [(456, 140), (486, 240), (484, 360), (472, 440), (474, 520)],
                      [(472, 450), (484, 520), (482, 590)]):
                cv.taper(layer, m(c), [0, 2.2, 2.2, 0] if len(c) == 4 else [0, 2.2, 2.0, 1.8, 0], HAIR_LINE)
        part.shade(tail_shade)
        out.blit(part.render(), (0, 0))

    # Back hair: the darker inside of the hair, visible beside the neck.
    part = Part(cv, outline=3.0)
    part.add(back_hair(), HAIR_BACK)
    recolor_vertical(part.fill, cv, [(200, HAIR_BACK), (460, HAIR_BACK_TIP)])
    part.shade(lambda layer: [cv.taper(layer, c, [0, 2, 0], HAIR_LINE) for c in (
        [(330, 360), (340, 400), (346, 414)], [(182, 360), (172, 400), (166, 414)],
        [(392, 330), (400, 400), (404, 436)], [(120, 330), (112, 400), (108, 436)])])
    out.blit(part.render(), (0, 0))

    # Neck and torso.
    part = Part(cv, outline=2.5)
    part.add(neck(), SKIN)

    def neck_shade(layer: pygame.Surface) -> None:
        # Shadow cast by the chin, and a soft one where the collarbones dip.
        cv.poly(layer, translate(face_outline(), 0, 20), SKIN_SHADE)
        cv.taper(layer, [(244, 452), (256, 470), (268, 452)], [0, 4, 0], SKIN_SHADE)
    part.shade(neck_shade)
    out.blit(part.render(), (0, 0))

    part = Part(cv, outline=3.0)
    part.add(torso(), NAVY)

    def torso_shade(layer: pygame.Surface) -> None:
        # Sides of the torso and the arms turn away; folds under the arms and the bow.
        for s in (1, -1):
            def m(p: list[Point], s: int = s) -> list[Point]:
                return p if s > 0 else mirror(p)
            cv.poly(layer, m(path([(404, 440), (424, 500), (428, 640), (470, 640), (470, 430)])), NAVY_SHADE)
            cv.taper(layer, m([(396, 470), (410, 540), (412, 640)]), [0, 5, 3], NAVY_SHADE)
            cv.taper(layer, m([(330, 560), (342, 600), (344, 640)]), [0, 4, 2], NAVY_SHADE)
            cv.taper(layer, m([(300, 420), (350, 426), (392, 440)]), [0, 5, 0], NAVY_HI)
            cv.taper(layer, m([(360, 520), (376, 580), (380, 630)]), [0, 3, 0], NAVY_HI)
            # Where the arm meets the body: keeps the torso from reading as one blob.
            cv.taper(layer, m([(414, 468), (398, 520), (394, 580), (396, 650)]), [0, 3.2, 3.2, 3.2], OUTLINE)
        cv.taper(layer, [(262, 560), (266, 600), (268, 640)], [0, 4, 2], NAVY_SHADE)
    part.shade(torso_shade)
    out.blit(part.render(), (0, 0))

    # Sailor collar lapels with a navy stripe.
    part = Part(cv, outline=2.5)
    for s in (1, -1):
        part.add(lapel(s), WHITE)

    def lapel_shade(layer: pygame.Surface) -> None:
        for s in (1, -1):
            def m(p: list[Point], s: int = s) -> list[Point]:
                return p if s > 0 else mirror(p)
            cv.stroke(layer, m(catmull([(340, 424), (324, 448), (296, 476), (264, 498)])), 4.0, NAVY, closed=False)
            cv.taper(layer, m([(290, 410), (280, 444), (268, 480)]), [6, 8, 0], WHITE_SHADE)
    part.shade(lapel_shade)
    out.blit(part.render(), (0, 0))

    # Chest bow.
    part = Part(cv, outline=2.5)
    for pts, col in bow_shapes(256, 502, 1.0, 0):
        part.add(pts, col)

    def chest_bow_shade(layer: pygame.Surface) -> None:
        bow_folds(cv, layer, 256, 502, 1.0, 0)
    part.shade(chest_bow_shade)
    out.blit(part.render(), (0, 0))

    # Face.
    part = Part(cv, outline=2.5)
    part.add(face_outline(), SKIN)

    def face_shade(layer: pygame.Surface) -> None:
        # The fringe casts a shadow a little below and behind itself.
        shadow = tint(front_hair, SKIN_SHADE)
        layer.blit(shadow, (2 * S, 9 * S))
        # Nose: a small shaded wedge reads as anime nose at stream size.
        cv.taper(layer, [(258, 288), (261, 296), (257, 302)], [0, 2.6, 0.8], NOSE)
    part.shade(face_shade)
    out.blit(part.render(), (0, 0))
    return out


def draw_front_hair(cv: Canvas) -> pygame.Surface:
    part = Part(cv, outline=3.0)
    part.add(crown(), HAIR)
    for c, w in side_locks():
        part.add(taper_poly(c, w), HAIR)
    for c, w in bang_locks():
        part.add(taper_poly(c, w), HAIR)
    for c, w in ahoge():
        part.add(taper_poly(c, w), HAIR)
    recolor_vertical(part.fill, cv, [(30, (240, 150, 196)), (150, HAIR), (230, HAIR), (360, HAIR_TIP)])

    def hair_shade(layer: pygame.Surface) -> None:
        # Light comes from the upper left: the crown's right flank and the right
        # side of every lock turn away from it.
        crescent(cv, layer, ellipse_pts(256, 196, 154, 160), 18, 8, HAIR_SHADE)
        for c, w in bang_locks()[:7]:
            cv.taper(layer, translate(c, w[0] * 0.26, 4), [0, w[0] * 0.42, w[1] * 0.42, 0], HAIR_SHADE)
        for c, w in side_locks():
            side = 1 if c[0][0] > CX else -1
            cv.taper(layer, translate(c, side * w[0] * 0.2, 6), [x * 0.5 for x in w], HAIR_SHADE)
        # Angel ring: a glossy band that follows the skull, with ragged spikes
        # (longer below than above). A fixed length pattern keeps it looking hand
        # drawn yet deterministic.
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
        cv.poly(layer, upper + lower[::-1], HAIR_HI)
        # Strand lines.
        for c, w in bang_locks()[:7]:
            a, b, tip = c
            cv.taper(layer, [(a[0] - w[0] * 0.1, a[1] + 14), (b[0] - w[1] * 0.12, b[1]),
                             ((b[0] + tip[0]) / 2 - 2, (b[1] + tip[1]) / 2 + 4)], [0, 2.4, 0], HAIR_LINE)
        for c, w in side_locks()[:1] + side_locks()[2:3]:
            side = 1 if c[0][0] > CX else -1
            cv.taper(layer, translate(c[:3], -side * 4, 24), [0, 2.4, 0], HAIR_LINE)
        cv.taper(layer, [(150, 74), (190, 56), (230, 52)], [0, 2.2, 0], HAIR_LINE)
        cv.taper(layer, [(296, 54), (344, 62), (380, 92)], [0, 2.2, 0], HAIR_LINE)
    part.shade(hair_shade)
    return part.render()


def draw_accessories(cv: Canvas) -> pygame.Surface:
    out = cv.new()
    # Ribbons tying the twin tails.
    for side in (1, -1):
        part = Part(cv, outline=2.5)
        x = 392 if side > 0 else 120
        for pts, col in bow_shapes(x, 104, 1.05, 28 * side):
            part.add(pts, col)

        def bow_shade(layer: pygame.Surface, x: float = x, side: int = side) -> None:
            bow_folds(cv, layer, x, 104, 1.05, 28 * side)
        part.shade(bow_shade)
        out.blit(part.render(), (0, 0))
    # Star hair clip on the fringe.
    part = Part(cv, outline=2.2)
    part.add(catmull(star_pts(170, 130, 19, 9, -12), closed=True, step=0.5)[::1], STAR)
    part.shade(lambda layer: crescent(cv, layer, star_pts(170, 130, 19, 9, -12), 3, 3, STAR_SHADE))
    part.shade(lambda layer: cv.ellipse(layer, 164, 124, 4, 2.8, (255, 248, 228), angle=-30))
    out.blit(part.render(), (0, 0))
    return out


BROWS: dict[str, tuple[Point, Point, Point, tuple[float, float, float]]] = {
    # inner, middle, outer point of the viewer-right brow; stroke widths
    "neutral": ((290, 206), (320, 198), (350, 203), (6.0, 6.0, 2.0)),
    "happy": ((290, 196), (320, 186), (350, 193), (6.0, 6.0, 2.0)),
    "sad": ((288, 188), (318, 197), (348, 211), (6.5, 5.5, 2.0)),
    "angry": ((286, 222), (318, 207), (352, 194), (8.0, 6.5, 2.2)),
    "relaxed": ((290, 208), (320, 203), (350, 207), (5.2, 5.2, 1.6)),
    "surprised": ((292, 180), (320, 168), (350, 176), (5.6, 6.0, 1.8)),
}


def draw_face_under_hair(cv: Canvas, emotion: str) -> pygame.Surface:
    """Emotion marks that sit on the skin and may be hidden by side locks (blush)."""
    out = cv.new()
    strength = {"happy": 150, "relaxed": 105, "neutral": 55, "angry": 70, "sad": 0, "surprised": 40}[emotion]
    if strength:
        for x in (180, 332):
            cv.soft_ellipse(out, x, 304, 28, 13, BLUSH, strength)
    if emotion in ("happy", "relaxed"):
        # Hatching: the anime shorthand for a rosy, happy face.
        for x0 in (166, 318):
            for k in range(3 if emotion == "happy" else 2):
                x = x0 + k * 10 + (5 if emotion == "relaxed" else 0)
                cv.taper(out, [(x + 4, 298), (x - 1, 310)], [1.6, 1.6, 0.6], (236, 96, 132))
    return out


def draw_face_over_hair(cv: Canvas, emotion: str) -> pygame.Surface:
    """Brows, tears and anger marks: drawn over the fringe so they always read."""
    out = cv.new()
    inner, mid, outer, w = BROWS[emotion]
    for pts in ([inner, mid, outer], mirror([inner, mid, outer])):
        # A thin pale rim keeps the dark brow legible where it crosses dark hair lines.
        cv.taper(out, pts, [w[0] + 2.0, w[1] + 2.0, w[2] + 1.6], (255, 214, 232))
        cv.taper(out, pts, list(w), BROW)
    if emotion == "sad":
        # A tear welling at the outer corner of the viewer-left eye and running down.
        part = Part(cv, outline=1.4, color=TEAR_LINE)
        part.add(taper_poly([(163, 288), (166, 300), (165, 312)], [0, 5, 6]), TEAR)
        part.add(ellipse_pts(164.5, 317, 7.5, 9), TEAR)
        part.shade(lambda layer: cv.ellipse(layer, 162, 314, 2.4, 3.2, (255, 255, 255)))
        out.blit(part.render(), (0, 0))
    if emotion == "angry":
        # Popping-vein mark on the hair, top right: four bracket strokes.
        for width, color in (((4, 9, 4), OUTLINE), ((2.2, 6, 2.2), ANGER)):
            for ang in (0, 90, 180, 270):
                arc = rotate([(8, -26), (8, -10), (24, -8)], ang)
                cv.taper(out, translate(arc, 334, 62), list(width), color)
    if emotion == "surprised":
        # Little shock lines beside the head.
        for a, b in (((430, 46), (444, 26)), ((446, 66), (470, 56)), ((84, 46), (70, 26)), ((66, 66), (42, 56))):
            cv.taper(out, [a, b], [4, 1.5], OUTLINE)
    return out


# --- eyes ------------------------------------------------------------------------

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


def draw_eyes(emotion: str, closed: bool) -> pygame.Surface:
    cv = Canvas(EYES_POS[0], EYES_POS[1], *EYES_SIZE)
    out = cv.new()
    if closed:
        centre, widths = CLOSED_EYES[emotion]
        for side in (1, -1):
            cv.taper(out, eye_to_frame(centre, side), widths, LASH)
            end = centre[-1]
            before = centre[-2]
            if emotion != "happy":
                # Lashes hanging from the closed lid's outer end.
                for du, dv, lu, lv in ((-4, 2, 8, 9), (-12, 4, 4, 11)):
                    base = (end[0] + du, end[1] + dv) if du > -10 else (before[0] + 2, before[1] + 3)
                    tip = (base[0] + lu, base[1] + lv)
                    cv.taper(out, eye_to_frame([base, tip], side), [3.5, 0], LASH)
            else:
                cv.taper(out, eye_to_frame([(end[0] - 2, end[1] - 2), (end[0] + 8, end[1] + 2)], side), [3.5, 0], LASH)
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
        cv.poly(sclera, f(upper + lower[1:-1]), SCLERA)

        iu, iv, iru, irv = spec["iris"]
        # Iris: dark top, bright bottom is the classic anime eye gradient.
        iris_layer = cv.new()
        cv.ellipse(iris_layer, *f([(iu, iv)])[0], iru + 1.5, irv + 1.5, IRIS_RING)
        inner_iris = cv.new()
        cv.ellipse(inner_iris, *f([(iu, iv)])[0], iru - 1.0, irv - 1.0, IRIS_MID)
        top_y = EYE_CENTER_Y + iv - irv
        recolor_vertical(inner_iris, cv, [(top_y, IRIS_TOP), (top_y + irv * 0.9, IRIS_MID),
                                          (top_y + irv * 2, IRIS_BOTTOM)])
        iris_layer.blit(inner_iris, (0, 0))
        pu, pv, pru, prv = spec["pupil"]
        cv.ellipse(iris_layer, *f([(pu, pv)])[0], pru, prv, PUPIL)
        # Ring of light around the pupil's lower half.
        glow = cv.new()
        cv.ellipse(glow, *f([(iu, iv + irv * 0.45)])[0], iru * 0.62, irv * 0.35, (236, 196, 255, 150))
        iris_layer.blit(glow, (0, 0))
        iris.blit(iris_layer, (0, 0))

        # Shadow of the upper lid over sclera and iris.
        lid_shadow = taper_poly([(u, v + 4) for u, v in spec["upper"]], [10, 12, 12, 12, 10])
        cv.poly(iris, f(lid_shadow), (150, 120, 200, 120))

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
        cv.taper(out, f(lo[1:]), [1.2, 1.4, 1.4, 1.2, 0.8], SCLERA_LINE)
        # Heavy upper lash line, thickest toward the outer corner, with a flick.
        flick = (up[-1][0] + 8, up[-1][1] - 6)
        cv.taper(out, f([(up[0][0] - 2, up[0][1] + 1)] + up[1:] + [flick]), list(spec["lash"]) + [0], LASH)
        cv.taper(out, f([(up[-1][0] - 4, up[-1][1] + 2), (up[-1][0] + 6, up[-1][1] + 2),
                         (up[-1][0] + 12, up[-1][1] + 6)]), [4, 3, 0], LASH)
        lift = 6 if spec.get("lift") else 0
        cv.taper(out, f([(up[-2][0] + 4, up[-2][1] - 2), (up[-2][0] + 12, up[-2][1] - 8 - lift),
                         (up[-2][0] + 18, up[-2][1] - 10 - lift)]), [4, 2.5, 0], LASH)
        # Lower lashes: a short tapered stroke at the outer corner.
        cv.taper(out, f([lo[0], lo[1], (lo[2][0] + 4, lo[2][1])]), [0.5, 3.0, 0], LASH)
        if spec.get("smile_line"):
            cv.taper(out, f([(-22, 14), (-4, 20), (16, 20), (30, 12)]), [0, 2.2, 2.2, 0], SCLERA_LINE)
        if spec.get("crease"):
            cv.taper(out, f([(-20, -20), (4, -26), (28, -18)]), [0, 2.0, 0], SCLERA_LINE)
        if emotion == "surprised":
            cv.taper(out, f([(-18, -50), (4, -56), (28, -48)]), [0, 2.0, 0], SCLERA_LINE)
    return out


# --- mouths -----------------------------------------------------------------------

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


def draw_mouth(emotion: str, shape: str) -> pygame.Surface:
    cv = Canvas(MOUTH_POS[0], MOUTH_POS[1], *MOUTH_SIZE)
    out = cv.new()
    lift, sx = MOUTH_MOOD[emotion]
    opening, line = mouth_opening(emotion, shape)
    if opening is None:
        assert line is not None
        pts = bend(line, lift * 0.8, sx)
        cv.taper(out, pts, [1.0, 3.2, 3.2, 1.0] if len(line) == 4 else [1.8, 3.0, 1.8], MOUTH_LINE)
        if emotion == "happy":
            # Little upturned flicks at the ends of the smile.
            for end, s in ((pts[-1], 1), (pts[0], -1)):
                cv.taper(out, [(end[0] - s * 1, end[1] + 1), (end[0] + s * 3, end[1] - 3)], [2.2, 0.5], MOUTH_LINE)
        return out

    rounded = emotion == "surprised" or shape == "round"
    # Vertical offsets below use the unbent thickness: bending shifts every x
    # column by a constant, so the teeth/shadow bands follow the curve exactly.
    thick = (max(p[1] for p in opening) - min(p[1] for p in opening)) * MOUTH_SCALE
    opening = bend(opening, 0 if rounded else lift, 1.0 if rounded else sx)
    part = Part(cv, outline=1.6, color=MOUTH_LINE)
    part.add(opening, MOUTH_IN)
    xs = [p[0] for p in opening]
    x0, x1 = min(xs), max(xs)
    mx, w = (x0 + x1) / 2, x1 - x0
    h = thick
    yb = max(p[1] for p in opening if abs(p[0] - mx) < 4)  # bottom at the centre

    def inside(layer: pygame.Surface) -> None:
        # Shadow under the upper lip, tongue at the bottom, teeth at the top.
        cv.poly(layer, translate(opening, 0, -h * 0.55), MOUTH_DEEP)
        if shape in ("open", "half", "round") or (shape == "wide" and emotion == "angry"):
            cv.ellipse(layer, mx, yb - h * 0.08, w * 0.36, h * 0.36, TONGUE)
            cv.ellipse(layer, mx, yb - h * 0.2, w * 0.06, h * 0.14, (222, 100, 128))
        if shape == "open" and emotion != "surprised":
            cv.poly(layer, translate(opening, 0, -h * 0.84), TEETH)
        if shape == "wide":
            # e/i: teeth are the point of this shape, so show both rows.
            cv.poly(layer, translate(opening, 0, -h * 0.55), TEETH)
            cv.poly(layer, translate(opening, 0, h * (0.72 if emotion == "angry" else 0.8)), TEETH)
        if shape == "open" and emotion == "angry":
            cv.poly(layer, translate(opening, 0, h * 0.86), TEETH)
    part.shade(inside)
    out.blit(part.render(), (0, 0))
    if line is not None and not rounded:
        # A heavier upper edge reads as the upper lip.
        cv.taper(out, bend(line, lift, sx), [1.0, 2.8, 2.8, 1.0], MOUTH_LINE)
    return out


# --- output -------------------------------------------------------------------------

def downscale(surf: pygame.Surface) -> pygame.Surface:
    """4x -> 1x. Fully transparent pixels first take the outline colour, so the
    averaged edge pixels shade toward the outline instead of toward black or a
    stray fill colour (a halo would show against the chroma-key green)."""
    src = surf.copy()
    a = pygame.surfarray.pixels_alpha(src)
    px = pygame.surfarray.pixels3d(src)
    px[a == 0] = OUTLINE
    del a, px
    w, h = surf.get_size()
    small = pygame.transform.smoothscale(src, (w // S, h // S))
    a = pygame.surfarray.pixels_alpha(small)
    px = pygame.surfarray.pixels3d(small)
    px[a == 0] = OUTLINE
    del a, px
    return small


def check_no_green(surf: pygame.Surface, label: str) -> None:
    """Fail loudly if any visible pixel leans green: the chroma key would eat it."""
    rgb = pygame.surfarray.array3d(surf).astype(np.int32)
    a = pygame.surfarray.array_alpha(surf)
    bad = (a > 0) & (rgb[..., 1] > np.maximum(rgb[..., 0], rgb[..., 2]) + 8)
    if bad.any():
        xs, ys = np.nonzero(bad)
        sample = ", ".join(f"({x},{y})={tuple(rgb[x, y])}" for x, y in list(zip(xs, ys))[:5])
        raise AssertionError(f"{label}: {int(bad.sum())} greenish pixels would be keyed out: {sample}")


def yaml_text() -> str:
    ex, ey = EYES_POS
    ew, eh = EYES_SIZE
    mx, my = MOUTH_POS
    mw, mh = MOUTH_SIZE
    lines = [
        "# Generated by authoring/draw_default_character.py -- edit the script, not this file.",
        f"name: {NAME}",
        f"frame_size: [{FRAME_W}, {FRAME_H}]",
        "sheets:",
        "  body:",
        "    file: body.png",
        f"    frame_size: [{FRAME_W}, {FRAME_H}]",
        "    grid: [3, 2]",
        "  eyes:",
        "    file: eyes.png",
        f"    frame_size: [{ew}, {eh}]",
        "    grid: [2, 6]",
        f"    position: [{ex}, {ey}]",
        "  mouths:",
        "    file: mouths.png",
        f"    frame_size: [{mw}, {mh}]",
        "    grid: [5, 6]",
        f"    position: [{mx}, {my}]",
        "emotions:",
    ]
    for i, emotion in enumerate(EMOTIONS):
        m = ", ".join(f"{shape}: {i * 5 + k}" for k, shape in enumerate(MOUTH_SHAPES))
        lines += [
            f"  {emotion}:",
            f"    body: {i}",
            f"    eyes: {{open: {2 * i}, closed: {2 * i + 1}}}",
            f"    mouth: {{{m}}}",
        ]
    return "\n".join(lines) + "\n"


def check_inside_frame(frames: Sequence[pygame.Surface], label: str) -> None:
    """A feature touching its frame's border has been cut off: frames must grow."""
    for i, frame in enumerate(frames):
        a = pygame.surfarray.array_alpha(frame)
        if a[0].any() or a[-1].any() or a[:, 0].any() or a[:, -1].any():
            raise AssertionError(f"{label} frame {i} touches its border: enlarge the frame")


def build() -> dict[str, pygame.Surface]:
    """Draw all three sheets; returns them by file name (already checked)."""
    cv = Canvas(0, 0, FRAME_W, FRAME_H)
    front = draw_front_hair(cv)
    back = draw_back_layer(cv, front)
    accessories = draw_accessories(cv)

    bodies = []
    for emotion in EMOTIONS:
        frame = back.copy()
        frame.blit(draw_face_under_hair(cv, emotion), (0, 0))
        frame.blit(front, (0, 0))
        frame.blit(accessories, (0, 0))
        frame.blit(draw_face_over_hair(cv, emotion), (0, 0))
        bodies.append(downscale(frame))

    eyes = [downscale(draw_eyes(e, closed)) for e in EMOTIONS for closed in (False, True)]
    mouths = [downscale(draw_mouth(e, s)) for e in EMOTIONS for s in MOUTH_SHAPES]
    check_inside_frame(eyes, "eyes")
    check_inside_frame(mouths, "mouths")

    sheets = {
        "body.png": assemble_sheet(bodies, 3, OUTLINE),
        "eyes.png": assemble_sheet(eyes, 2, OUTLINE),
        "mouths.png": assemble_sheet(mouths, 5, OUTLINE),
    }
    for name, surf in sheets.items():
        check_no_green(surf, name)
    return sheets


def main() -> int:
    start = time.perf_counter()
    root = Path(__file__).resolve().parent.parent
    out_dir = root / "characters" / "default"
    out_dir.mkdir(parents=True, exist_ok=True)
    sheets = build()
    for name, surf in sheets.items():
        pygame.image.save(surf, str(out_dir / name))
    (out_dir / "character.yaml").write_text(yaml_text(), encoding="utf-8")
    print(f"wrote {', '.join(sheets)} and character.yaml to {out_dir} in {time.perf_counter() - start:.1f}s")
    pygame.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
