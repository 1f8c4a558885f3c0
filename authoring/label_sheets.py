"""Regenerate the pictures in docs/ from the default character.

Run from the repository root:

    python authoring/label_sheets.py

Writes docs/default_sheet_labelled.png (the default body, eyes and mouths
sheets with each frame's index and use drawn over it, and how the layers sit
in the character frame) and docs/emotion_<name>.png (one composed frame per
emotion, by authoring/stage_view.py, the code --check-character uses).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # no window, works over SSH and on CI
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pygame  # noqa: E402

from authoring.stage_view import compose, emotion_screenshots, offscreen_display  # noqa: E402
from engine.stage.character import CharacterSpec, load_character_spec  # noqa: E402
from engine.stage.sprites import CharacterSprites  # noqa: E402

MARGIN = 16
HEADER = 44  # two lines of title
INK = (30, 24, 40)
LINE = (230, 30, 120)  # frame borders: magenta shows on both the sheets and the green
PLATE = (30, 24, 40)
PLATE_TEXT = (255, 246, 200)


def uses(spec: CharacterSpec, sheet: str) -> dict[int, list[str]]:
    """Frame index -> what uses it, read back from character.yaml's emotions."""
    found: dict[int, list[str]] = {}
    for emotion, frames in spec.emotions.items():
        table = {"body": {"": frames.body}, "eyes": frames.eyes, "mouths": frames.mouth}[sheet]
        for name, index in table.items():
            found.setdefault(index, []).append(f"{emotion} {name}".strip())
    return found


def checkerboard(size: tuple[int, int]) -> pygame.Surface:
    """The usual picture of 'transparent', so the sheets' alpha shows."""
    board = pygame.Surface(size)
    board.fill((236, 236, 240))
    for y in range(0, size[1], 16):
        for x in range(16 * ((y // 16) % 2), size[0], 32):
            board.fill((208, 208, 216), (x, y, 16, 16))
    return board


def plate(target: pygame.Surface, lines: list[str], topleft: tuple[int, int], size: int) -> None:
    font = pygame.font.Font(None, size)
    images = [font.render(line, True, PLATE_TEXT) for line in lines]
    box = pygame.Rect(topleft, (max(i.get_width() for i in images) + 6, sum(i.get_height() for i in images) + 4))
    target.fill(PLATE, box)
    for n, image in enumerate(images):
        target.blit(image, (box.x + 3, box.y + 2 + n * image.get_height()))


def sheet_panel(spec: CharacterSpec, sheet: str, zoom: float) -> tuple[str, pygame.Surface]:
    info = spec.sheets[sheet]
    image = pygame.image.load(str(info.file)).convert_alpha()
    size = (round(image.get_width() * zoom), round(image.get_height() * zoom))
    panel = checkerboard(size)
    panel.blit(pygame.transform.smoothscale(image, size), (0, 0))
    used = uses(spec, sheet)
    for index in range(info.frame_count):
        x, y, w, h = (round(v * zoom) for v in info.frame_rect(index))
        pygame.draw.rect(panel, LINE, (x, y, w + 1, h + 1), 1)
        names = used.get(index, ["(unused)"])
        plate(panel, [f"#{index}"] + names, (x + 3, y + 3), 20 if sheet == "body" else 16)
    where = "" if sheet == "body" else f"position {list(info.position)}, "
    title = (f"{info.file.name}: frames {info.frame_size[0]}x{info.frame_size[1]}, grid {info.grid[0]}x"
             f"{info.grid[1]} (0-{info.frame_count - 1}); {where}shown at {zoom:g}x")
    return title, panel


def layers_panel(spec: CharacterSpec) -> tuple[str, pygame.Surface]:
    """Where the eyes and mouth frames land on the body: the stage's own drawing."""
    sprites = CharacterSprites(spec, 0.75)
    panel = compose(sprites, "neutral", False, "half")
    for sheet in ("eyes", "mouths"):
        info = spec.sheets[sheet]
        rect = pygame.Rect([round(v * 0.75) for v in (*info.position, *info.frame_size)])
        pygame.draw.rect(panel, LINE, rect, 2)
        # Eyes label above its box, mouth label below: the two boxes nearly touch.
        plate(panel, [f"{sheet} frame at {list(info.position)}"],
              (rect.x, rect.y - 18 if sheet == "eyes" else rect.bottom + 2), 18)
    return "Layers: body, then eyes, then mouth (neutral, half); shown at 0.75x", panel


def labelled_sheets(spec: CharacterSpec) -> pygame.Surface:
    rows = [[sheet_panel(spec, "body", 0.5), layers_panel(spec)],
            [sheet_panel(spec, "eyes", 1), sheet_panel(spec, "mouths", 2)]]
    width = max(sum(p.get_width() + MARGIN for _, p in row) for row in rows) + MARGIN
    height = sum(max(p.get_height() for _, p in row) + HEADER + MARGIN for row in rows) + MARGIN
    out = pygame.Surface((width, height))
    out.fill((250, 250, 252))
    font = pygame.font.Font(None, 22)
    y = MARGIN
    for row in rows:
        x = MARGIN
        for title, panel in row:
            for n, line in enumerate(title.split("; ")):
                out.blit(font.render(line, True, INK), (x, y + 4 + 18 * n))
            out.blit(panel, (x, y + HEADER))
            x += panel.get_width() + MARGIN
        y += max(p.get_height() for _, p in row) + HEADER + MARGIN
    return out


def main() -> int:
    spec = load_character_spec(ROOT / "characters" / "default")
    docs = ROOT / "docs"
    with offscreen_display():
        pygame.image.save(labelled_sheets(spec), str(docs / "default_sheet_labelled.png"))
    written = emotion_screenshots(spec, docs)
    print("wrote", docs / "default_sheet_labelled.png", "and", ", ".join(p.name for p in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
