"""Draw a Design's three sprite sheets: the body (one frame per emotion), the
eyes (open and closed per emotion) and the mouths (five shapes per emotion).

Deterministic: no randomness, so a shipped character regenerates byte-identical.
"""
from __future__ import annotations

import pygame

from authoring.accessories import draw_accessories
from authoring.design import EYES_POS, EYES_SIZE, FRAME, MOUTH_POS, MOUTH_SIZE, Design
from authoring.drawing import Canvas, check_inside_frame, check_no_green, downscale
from authoring.eyes import draw_eyes
from authoring.face import draw_face, draw_face_over_hair, draw_face_under_hair
from authoring.hair import draw_back_hair, draw_front_hair
from authoring.mouths import draw_mouth
from authoring.outfit import draw_outfit
from authoring.yaml_writer import CharacterLayout, SheetLayout
from engine.stage.sheets import assemble_sheet
from engine.vocabulary import EMOTIONS, EYE_STATES, MOUTH_SHAPES

# The sheets every generated character has; character.yaml is written from this.
LAYOUT = CharacterLayout(
    frame_size=FRAME,
    body=SheetLayout("body.png", FRAME, (3, 2)),
    eyes=SheetLayout("eyes.png", EYES_SIZE, (2, 6), EYES_POS),
    mouths=SheetLayout("mouths.png", MOUTH_SIZE, (5, 6), MOUTH_POS),
)


def draw_back_layer(cv: Canvas, d: Design, front_hair: pygame.Surface) -> pygame.Surface:
    """Everything behind the fringe that never changes with emotion."""
    out = cv.new()
    draw_back_hair(cv, d, out)
    draw_outfit(cv, d, out)
    draw_face(cv, d, front_hair, out)
    return out


def build(d: Design) -> dict[str, pygame.Surface]:
    """Draw all three sheets; returns them by file name (already checked)."""
    outline = d.palette.outline
    cv = Canvas(0, 0, *FRAME)
    front = draw_front_hair(cv, d)
    back = draw_back_layer(cv, d, front)
    accessories = draw_accessories(cv, d)

    bodies = []
    for emotion in EMOTIONS:
        frame = back.copy()
        frame.blit(draw_face_under_hair(cv, d, emotion), (0, 0))
        frame.blit(front, (0, 0))
        frame.blit(accessories, (0, 0))
        frame.blit(draw_face_over_hair(cv, d, emotion), (0, 0))
        bodies.append(downscale(frame, outline))

    eyes = [downscale(draw_eyes(d, e, state == "closed"), outline) for e in EMOTIONS for state in EYE_STATES]
    mouths = [downscale(draw_mouth(d, e, s), outline) for e in EMOTIONS for s in MOUTH_SHAPES]
    check_inside_frame(eyes, "eyes")
    check_inside_frame(mouths, "mouths")

    sheets = {
        LAYOUT.body.file: assemble_sheet(bodies, LAYOUT.body.grid[0], outline),
        LAYOUT.eyes.file: assemble_sheet(eyes, LAYOUT.eyes.grid[0], outline),
        LAYOUT.mouths.file: assemble_sheet(mouths, LAYOUT.mouths.grid[0], outline),
    }
    for name, surf in sheets.items():
        check_no_green(surf, f"{d.name} {name}")
    return sheets
