"""``--new-character``: a new characters/NAME/ folder with a commented
character.yaml and placeholder sheets (authoring/placeholder.py)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pygame

from authoring.folders import CHARACTERS_DIR, ToolError, check_name
from authoring.placeholder import LAYOUT, placeholder_sheets
from authoring.yaml_writer import character_yaml


def template_header(name: str) -> list[str]:
    return [f"{name}: a kuchipaku character, scaffolded by `make new-character NAME={name}`.",
            "docs/CHARACTERS.md explains every key. Replace body.png, eyes.png and",
            "mouths.png with your own drawings (keep these sizes, or change the numbers",
            "below to match), then look at the result on the chroma-key green:",
            f"    make check-character NAME={name}",
            "and go live with:",
            f"    make run ARGS='--character {name}'"]


def new_character(name: str, characters_dir: Path = CHARACTERS_DIR) -> Path:
    """Create ``characters_dir/name`` with the template; returns the folder.

    Refuses (ToolError) a bad name or an existing folder: it never overwrites
    an artist's work.
    """
    check_name(name, "--new-character")
    folder = characters_dir / name
    if folder.exists():
        raise ToolError(f"--new-character: {folder} already exists; choose another name")
    pygame.font.init()
    sheets = placeholder_sheets()
    try:
        # mkdir without exist_ok: if another process made the folder since the
        # check above, we stop here rather than write into it.
        folder.mkdir(parents=False)
    except FileExistsError:
        raise ToolError(f"--new-character: {folder} already exists; choose another name") from None
    except OSError as err:
        raise ToolError(f"--new-character: cannot create {folder}: {err.strerror or err}") from None
    try:
        text = character_yaml(name, LAYOUT, template_header(name), explained=True)
        (folder / "character.yaml").write_text(text, encoding="utf-8")
        for file_name, surface in sheets.items():
            pygame.image.save(surface, str(folder / file_name))
    except (OSError, pygame.error) as err:
        shutil.rmtree(folder, ignore_errors=True)  # no half-made character left behind
        raise ToolError(f"--new-character: cannot write {folder}: {err}") from None
    return folder
