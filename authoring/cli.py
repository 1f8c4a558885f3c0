"""main.py's ``--new-character`` / ``--check-character`` / ``--out``."""
from __future__ import annotations

import sys
from pathlib import Path

import pygame

from authoring.checks import check_character
from authoring.folders import CHARACTERS_DIR, ToolError
from authoring.scaffold import new_character
from engine.settings.validate import ConfigError
from engine.vocabulary import EYE_STATES, MOUTH_SHAPES


def run_cli(new: str | None, check: str | None, out: Path | None,
            characters_dir: Path = CHARACTERS_DIR) -> int:
    """Run one authoring command; returns the exit code. Refusals are one line on stderr."""
    try:
        if out is not None and check is None:
            raise ToolError("--out: only with --check-character NAME")
        if new is not None:
            folder = new_character(new, characters_dir)
            print(f"created {folder} (character.yaml, body.png, eyes.png, mouths.png); "
                  f"next: make check-character NAME={new}")
            return 0
        assert check is not None
        spec, path, warnings = check_character(check, out, characters_dir)
    except (ToolError, ConfigError) as err:
        print(f"kuchipaku: {err}", file=sys.stderr)
        return 2
    except (OSError, pygame.error) as err:
        print(f"kuchipaku: cannot write the contact sheet: {err}", file=sys.stderr)
        return 1
    for warning in warnings:
        print(f"kuchipaku: warning: {warning}", file=sys.stderr)
    print(f"{spec.name} ({spec.folder}): OK, {len(spec.emotions)} emotions x {len(MOUTH_SHAPES)} mouth shapes "
          f"x {len(EYE_STATES)} eye states" + (f", {len(warnings)} warning(s)" if warnings else ""))
    print(path)
    return 0
