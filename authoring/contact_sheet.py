"""The contact sheet ``--check-character`` renders: every emotion x mouth shape
x eyes open/closed, each cell composed as on stream, with captions that say
which frames it used."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import pygame

from authoring.stage_view import compose
from engine.stage.character import CharacterSpec
from engine.stage.sprites import CharacterSprites
from engine.vocabulary import EMOTIONS, EYE_STATES, MOUTH_FALLBACKS, MOUTH_SHAPES

CELL_MAX_HEIGHT = 320   # cells are shrunk to this height (never enlarged): 60 full frames would be huge
GAP = 6                 # between cells
CAPTION_HEIGHT = 34     # two lines under each cell
TITLE_HEIGHT = 34
SHEET_BACKGROUND = (36, 34, 44)  # dark grey around the cells, so the green cell edges show
TEXT = (238, 236, 244)
TEXT_DIM = (170, 166, 186)


@dataclass(frozen=True)
class ContactSheetLayout:
    """Rows are emotions; columns are the mouth shapes with eyes open, then with eyes closed."""
    scale: float
    cell: tuple[int, int]

    columns: ClassVar[int] = len(EYE_STATES) * len(MOUTH_SHAPES)
    rows: ClassVar[int] = len(EMOTIONS)

    @staticmethod
    def for_spec(spec: CharacterSpec, scale: float | None = None) -> ContactSheetLayout:
        if scale is None:
            scale = min(1.0, CELL_MAX_HEIGHT / spec.frame_size[1])
        # The same rounding as CharacterSprites.size, so a cell fits the sprite exactly.
        return ContactSheetLayout(scale, (round(spec.frame_size[0] * scale), round(spec.frame_size[1] * scale)))

    @property
    def size(self) -> tuple[int, int]:
        width, height = self.cell
        return (GAP + self.columns * (width + GAP),
                TITLE_HEIGHT + self.rows * (height + CAPTION_HEIGHT + GAP) + GAP)

    def cell_rect(self, row: int, column: int) -> pygame.Rect:
        width, height = self.cell
        return pygame.Rect(GAP + column * (width + GAP), TITLE_HEIGHT + row * (height + CAPTION_HEIGHT + GAP),
                           width, height)

    def cell_of(self, emotion: str, eyes: str, mouth: str) -> pygame.Rect:
        return self.cell_rect(EMOTIONS.index(emotion),
                              EYE_STATES.index(eyes) * len(MOUTH_SHAPES) + MOUTH_SHAPES.index(mouth))


def _text(surface: pygame.Surface, text: str, topleft: tuple[int, int], size: int, color: tuple[int, int, int],
          max_width: int) -> None:
    """Draw one line with pygame's default font, shrinking it until it fits
    (and cutting it off at ``max_width`` if even the smallest size does not)."""
    while True:
        image = pygame.font.Font(None, size).render(text, True, color)
        if image.get_width() <= max_width or size <= 10:
            break
        size -= 1
    surface.blit(image, topleft, pygame.Rect(0, 0, max_width, image.get_height()))


def render_contact_sheet(spec: CharacterSpec, scale: float | None = None) -> pygame.Surface:
    """Every emotion x mouth shape x eyes state, each composed as on stream.

    Needs a display surface (see authoring.stage_view.offscreen_display)."""
    layout = ContactSheetLayout.for_spec(spec, scale)
    sprites = CharacterSprites(spec, layout.scale)
    sheet = pygame.Surface(layout.size)
    sheet.fill(SHEET_BACKGROUND)
    _text(sheet, f"{spec.name} ({spec.folder.name}): rows are emotions; columns are mouth shapes, eyes open then "
                 f"eyes closed. Frames shown at {layout.scale:.2f}x on #00FF00.",
          (GAP, 10), 22, TEXT, layout.size[0] - 2 * GAP)
    width = layout.cell[0]
    for emotion in EMOTIONS:
        frames = spec.emotions[emotion]
        for eyes in EYE_STATES:
            for mouth in MOUTH_SHAPES:
                rect = layout.cell_of(emotion, eyes, mouth)
                sheet.blit(compose(sprites, emotion, eyes == "closed", mouth), rect)
                # A missing optional shape is drawn with its fallback; say so, the
                # artist may not have meant it.
                shown = mouth if mouth in frames.mouth else f"{mouth}->{MOUTH_FALLBACKS.get(mouth, 'closed')}"
                _text(sheet, f"{emotion} / mouth {shown} / eyes {eyes}", (rect.x, rect.bottom + 3), 18, TEXT, width)
                _text(sheet, f"frames: body {frames.body}, eyes {frames.eyes[eyes]}, "
                             f"mouth {frames.mouth_frame(mouth)}",
                      (rect.x, rect.bottom + 18), 16, TEXT_DIM, width)
    return sheet
