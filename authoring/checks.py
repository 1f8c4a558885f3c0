"""``--check-character``: validate a character the way the program does at
start-up, warn about what loads fine but will look wrong on stream, and write
its contact sheet."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pygame

from authoring.contact_sheet import render_contact_sheet
from authoring.drawing import leaning_green
from authoring.folders import CHARACTERS_DIR, check_name
from authoring.stage_view import offscreen_display, save_png
from engine.stage.character import CharacterSpec, load_character_spec


def sheet_warnings(spec: CharacterSpec) -> list[str]:
    """Things that load fine but will look wrong on stream. Needs a display."""
    warnings = []
    for sheet_name, sheet in spec.sheets.items():
        image = pygame.image.load(str(sheet.file)).convert_alpha()
        alpha = pygame.surfarray.array_alpha(image)
        green = leaning_green(pygame.surfarray.array3d(image), alpha)
        if green.any():
            x, y = (int(v[0]) for v in np.nonzero(green))
            edge = int((green & (alpha < 255)).sum())
            warnings.append(f"{sheet.file.name}: {int(green.sum())} visible pixels lean green ({edge} on soft edges; "
                            f"first at x={x}, y={y}): the chroma key will eat or fringe them; see docs/CHARACTERS.md")
        used: dict[int, list[str]] = {}
        for emotion, frames in spec.emotions.items():
            names = {"body": {"body": frames.body}, "eyes": frames.eyes, "mouths": frames.mouth}[sheet_name]
            for name, index in names.items():
                used.setdefault(index, []).append(f"{emotion} {name}")
        for index, uses in sorted(used.items()):
            x, y, w, h = sheet.frame_rect(index)
            if not alpha[x:x + w, y:y + h].any():
                warnings.append(f"{sheet.file.name}: frame {index} ({', '.join(uses)}) is empty (fully transparent)")
    return warnings


def check_character(name: str, out: Path | None = None,
                    characters_dir: Path = CHARACTERS_DIR) -> tuple[CharacterSpec, Path, list[str]]:
    """Validate ``characters_dir/name`` and write its contact sheet.

    Raises ToolError for a bad name and ConfigError (one line) for a bad character.
    """
    check_name(name, "--check-character")
    spec = load_character_spec(characters_dir / name)
    out = out if out is not None else spec.folder / "contact_sheet.png"
    with offscreen_display():
        warnings = sheet_warnings(spec)
        save_png(render_contact_sheet(spec), out)
    return spec, out, warnings
