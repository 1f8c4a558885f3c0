"""Shapes as lists of points, in character-frame pixels (origin top-left).

Pure numpy: splines through hand-placed points, brush strokes that taper to a
tip, ellipses, stars, and the moves (mirror, rotate, translate) the art needs.
Nothing here draws; authoring/drawing.py turns the points into pixels.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Point = tuple[float, float]
Color = tuple[int, int, int]

CX = 256  # the face's vertical axis of symmetry in a 512-pixel-wide frame


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
    """Reflect across the face's axis: the other side of a symmetric character."""
    return [(2 * CX - x, y) for x, y in points]


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


def star_pts(cx: float, cy: float, r_out: float, r_in: float, angle: float) -> list[Point]:
    pts = []
    for i in range(10):
        r = r_out if i % 2 == 0 else r_in
        a = np.radians(angle - 90 + i * 36)
        pts.append((cx + r * np.cos(a), cy + r * np.sin(a)))
    return pts
