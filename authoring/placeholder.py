"""The ``--new-character`` template's art: a plain head whose every frame says
which sheet, emotion and frame it is, so a half-finished character shows at a
glance which frames are still placeholders.

Drawn with the same 4x canvas and downscale as the shipped characters, so the
placeholders key as cleanly as they do.
"""
from __future__ import annotations

import math

import pygame

from authoring.drawing import Canvas, downscale
from authoring.geometry import Color, Point, ellipse_pts
from authoring.yaml_writer import CharacterLayout, SheetLayout
from engine.stage.sheets import assemble_sheet
from engine.vocabulary import EMOTIONS, EYE_STATES, MOUTH_SHAPES

# Eyes and mouth get roomy frames here: an artist's own drawing may be bigger
# than the placeholder's.
FRAME = (512, 640)
LAYOUT = CharacterLayout(
    frame_size=FRAME,
    body=SheetLayout("body.png", FRAME, (3, 2)),
    eyes=SheetLayout("eyes.png", (256, 116), (2, 6), (128, 244)),
    mouths=SheetLayout("mouths.png", (160, 104), (5, 6), (176, 372)),
)

OUTLINE = (52, 36, 64)
HAIR = (120, 84, 150)
SKIN = (255, 226, 214)
SHIRT = (70, 74, 140)
CHEEK = (250, 190, 196)
SCLERA = (255, 255, 255)
IRIS = (112, 76, 196)
LIPS = (150, 50, 80)
MOUTH_INSIDE = (110, 28, 56)
TONGUE = (236, 120, 146)
TEETH = (250, 248, 255)
PLATE = (40, 30, 56)
PLATE_TEXT = (255, 246, 200)

# Per emotion: brow tilt (inner end up +, down -), brow lift, mouth-corner lift.
MOOD = {
    "neutral": (0, 0, 0), "happy": (3, 4, 8), "sad": (9, 2, -7),
    "angry": (-10, -2, -5), "relaxed": (0, 0, 4), "surprised": (0, 12, 0),
}


def _blob(cv: Canvas, surf: pygame.Surface, color: Color, center: Point, radii: tuple[float, float],
          outline: float = 0) -> None:
    """A filled ellipse, with an outline ring ``outline`` pixels wide."""
    (cx, cy), (rx, ry) = center, radii
    if outline:
        cv.poly(surf, ellipse_pts(cx, cy, rx + outline, ry + outline), OUTLINE)
    cv.poly(surf, ellipse_pts(cx, cy, rx, ry), color)


def _curve(x0: float, x1: float, y: float, lift: float, steps: int = 12) -> list[Point]:
    """A horizontal stroke whose ends rise by ``lift`` (a smile) or fall (a frown)."""
    mid = (x0 + x1) / 2
    return [(x, y - lift * ((x - mid) / ((x1 - x0) / 2)) ** 2)
            for x in (x0 + (x1 - x0) * i / steps for i in range(steps + 1))]


def _label(frame: pygame.Surface, lines: list[str], size: int) -> None:
    """An opaque plate with the frame's name: readable on any colour, and no
    half-transparent pixels for the key to tint."""
    images = [pygame.font.Font(None, size).render(line, True, PLATE_TEXT) for line in lines]
    while max(i.get_width() for i in images) > frame.get_width() - 8 and size > 10:
        size -= 1
        images = [pygame.font.Font(None, size).render(line, True, PLATE_TEXT) for line in lines]
    width = max(i.get_width() for i in images) + 8
    height = sum(i.get_height() for i in images) + 4
    plate = pygame.Rect(0, 0, width, height)
    plate.midbottom = (frame.get_width() // 2, frame.get_height() - 1)
    frame.fill((*PLATE, 255), plate)
    y = plate.y + 2
    for image in images:
        frame.blit(image, (plate.centerx - image.get_width() // 2, y))
        y += image.get_height()


def _fringe() -> list[Point]:
    """Bangs: the top of the hair ellipse down to a zig-zag edge across the forehead."""
    top = [(256 + 178 * math.cos(a), 300 + 200 * math.sin(a))
           for a in (math.radians(194 + 152 * i / 24) for i in range(25))]
    xs = [top[-1][0] - (top[-1][0] - top[0][0]) * i / 12 for i in range(13)]
    edge = [(x, 218 if i % 2 == 0 else 242) for i, x in enumerate(xs)]
    return top + [top[-1]] + edge[1:-1] + [top[0]]  # the ends stay on the hair's outline


def _draw_body(index: int, emotion: str) -> pygame.Surface:
    tilt, lift, _ = MOOD[emotion]
    cv = Canvas(0, 0, *FRAME)
    out = cv.new()
    _blob(cv, out, HAIR, (256, 300), (178, 200), outline=3)                 # hair behind the head
    cv.poly(out, [(84, 640), (124, 548), (388, 548), (428, 640)], OUTLINE)  # shoulders
    cv.poly(out, [(90, 640), (128, 553), (384, 553), (422, 640)], SHIRT)
    _blob(cv, out, SKIN, (256, 520), (40, 50), outline=3)                   # neck
    _blob(cv, out, SKIN, (256, 336), (140, 160), outline=3)                 # face
    fringe = _fringe()
    cv.stroke(out, fringe[25:], 6, OUTLINE, closed=False)                   # outline of the bangs' edge only
    cv.poly(out, fringe, HAIR)
    for side in (-1, 1):                                                    # brows say the emotion too
        inner, outer = 256 + side * 26, 256 + side * 92
        y = 254 - lift
        cv.stroke(out, [(outer, y), (inner, y - tilt)], 6, OUTLINE, closed=False)
    _blob(cv, out, CHEEK, (256 - 96, 400), (22, 12))                        # cheeks
    _blob(cv, out, CHEEK, (256 + 96, 400), (22, 12))
    frame = downscale(out, OUTLINE)
    _label(frame, [f"{emotion} / body", f"(body #{index})"], 30)
    return frame


def _draw_eyes(index: int, emotion: str, state: str) -> pygame.Surface:
    width, height = LAYOUT.eyes.frame_size
    cv = Canvas(0, 0, width, height)
    out = cv.new()
    for cx in (72, width - 72):
        cy = 46
        if state == "closed":
            lift = -8 if emotion in ("happy", "relaxed") else 4
            cv.stroke(out, _curve(cx - 30, cx + 30, cy + 2, lift), 5, OUTLINE, closed=False)
            continue
        ry = 30 if emotion == "surprised" else 18 if emotion == "relaxed" else 24
        _blob(cv, out, SCLERA, (cx, cy), (30, ry), outline=3)
        iris = 10 if emotion == "surprised" else 15
        _blob(cv, out, IRIS, (cx, cy + 2), (iris, min(iris, ry - 2)))
        _blob(cv, out, OUTLINE, (cx, cy + 2), (iris * 0.45, min(iris, ry - 2) * 0.45))
        _blob(cv, out, SCLERA, (cx - 4, cy - 4), (4, 4))
    frame = downscale(out, OUTLINE)
    _label(frame, [f"{emotion} / eyes {state} (#{index})"], 18)
    return frame


def _draw_mouth(index: int, emotion: str, shape: str) -> pygame.Surface:
    lift = MOOD[emotion][2]
    width, height = LAYOUT.mouths.frame_size
    cv = Canvas(0, 0, width, height)
    out = cv.new()
    cx, cy = width / 2, 34
    if shape == "closed":
        cv.stroke(out, _curve(cx - 32, cx + 32, cy, lift), 5, LIPS, closed=False)
    else:
        radii = {"half": (28, 10), "open": (28, 22), "wide": (42, 12), "round": (17, 19)}[shape]
        _blob(cv, out, MOUTH_INSIDE, (cx, cy), radii, outline=3)
        if shape in ("open", "round"):
            _blob(cv, out, TONGUE, (cx, cy + radii[1] * 0.55), (radii[0] * 0.6, radii[1] * 0.35))
        if shape in ("open", "wide"):
            _blob(cv, out, TEETH, (cx, cy - radii[1] * 0.62), (radii[0] * 0.7, radii[1] * 0.25))
    frame = downscale(out, OUTLINE)
    _label(frame, [emotion, f"mouth {shape} (#{index})"], 18)
    return frame


def placeholder_sheets() -> dict[str, pygame.Surface]:
    """body.png, eyes.png and mouths.png for the template. Needs pygame.font."""
    bodies = [_draw_body(i, emotion) for i, emotion in enumerate(EMOTIONS)]
    eyes = [_draw_eyes(len(EYE_STATES) * i + k, emotion, state)
            for i, emotion in enumerate(EMOTIONS) for k, state in enumerate(EYE_STATES)]
    mouths = [_draw_mouth(len(MOUTH_SHAPES) * i + k, emotion, shape)
              for i, emotion in enumerate(EMOTIONS) for k, shape in enumerate(MOUTH_SHAPES)]
    return {LAYOUT.body.file: assemble_sheet(bodies, LAYOUT.body.grid[0], OUTLINE),
            LAYOUT.eyes.file: assemble_sheet(eyes, LAYOUT.eyes.grid[0], OUTLINE),
            LAYOUT.mouths.file: assemble_sheet(mouths, LAYOUT.mouths.grid[0], OUTLINE)}
