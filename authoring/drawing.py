"""The one drawing library for character art: a 4x canvas, shapes that share
an outline, shading clipped to a part, the downscale to 1x, and the checks
every finished frame must pass (no green for the chroma key, nothing cut off).

Everything is drawn with pygame primitives at S times the final size and
shrunk with ``smoothscale``: clean anti-aliased edges without an AA polygon
routine. Coordinates are always character-frame pixels; a Canvas knows where
its (smaller) frame sits in the character, so eyes and mouth frames line up
with the face by construction.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pygame

from authoring.geometry import Color, Point, ellipse_pts, taper_poly, translate

S = 4  # supersampling factor

# OBS keys #00FF00: a visible pixel whose green beats red and blue by more than
# this is eaten or fringed by the key. The generator refuses such pixels and
# --check-character warns about them.
GREEN_MARGIN = 8


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

    def ellipse(self, surf: pygame.Surface, cx: float, cy: float, rx: float, ry: float,
                color: Color | tuple[int, int, int, int], angle: float = 0.0) -> None:
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

    def __init__(self, cv: Canvas, outline: float, color: Color) -> None:
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


# --- to 1x, and the checks a finished frame must pass ---------------------------

def downscale(surf: pygame.Surface, outline: Color) -> pygame.Surface:
    """4x -> 1x. Fully transparent pixels first take the outline colour, so the
    averaged edge pixels shade toward the outline instead of toward black or a
    stray fill colour (a halo would show against the chroma-key green)."""
    src = surf.copy()
    a = pygame.surfarray.pixels_alpha(src)
    px = pygame.surfarray.pixels3d(src)
    px[a == 0] = outline
    del a, px
    w, h = surf.get_size()
    small = pygame.transform.smoothscale(src, (w // S, h // S))
    a = pygame.surfarray.pixels_alpha(small)
    px = pygame.surfarray.pixels3d(small)
    px[a == 0] = outline
    del a, px
    return small


def leaning_green(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Mask of the visible pixels the chroma key would eat or fringe."""
    rgb = rgb.astype(np.int32)
    return (alpha > 0) & (rgb[..., 1] > np.maximum(rgb[..., 0], rgb[..., 2]) + GREEN_MARGIN)


def check_no_green(surf: pygame.Surface, label: str) -> None:
    """Fail loudly if any visible pixel leans green: the chroma key would eat it."""
    rgb = pygame.surfarray.array3d(surf).astype(np.int32)
    bad = leaning_green(rgb, pygame.surfarray.array_alpha(surf))
    if bad.any():
        xs, ys = np.nonzero(bad)
        sample = ", ".join(f"({x},{y})={tuple(rgb[x, y])}" for x, y in list(zip(xs, ys))[:5])
        raise AssertionError(f"{label}: {int(bad.sum())} greenish pixels would be keyed out: {sample}")


def check_inside_frame(frames: Sequence[pygame.Surface], label: str) -> None:
    """A feature touching its frame's border has been cut off: frames must grow."""
    for i, frame in enumerate(frames):
        a = pygame.surfarray.array_alpha(frame)
        if a[0].any() or a[-1].any() or a[:, 0].any() or a[:, -1].any():
            raise AssertionError(f"{label} frame {i} touches its border: enlarge the frame")
