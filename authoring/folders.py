"""Where characters live, which folder names the tools accept, and how they refuse."""
from __future__ import annotations

import re
from pathlib import Path

CHARACTERS_DIR = Path(__file__).resolve().parent.parent / "characters"
NAME_PATTERN = r"[A-Za-z0-9_-]+"


class ToolError(Exception):
    """A refusal; ``str()`` is the one line shown to the user."""


def check_name(name: str, flag: str) -> str:
    # The name becomes a path: only a plain folder name may pass, never "../x".
    if not re.fullmatch(NAME_PATTERN, name):
        raise ToolError(f"{flag}: {name!r} is not a character folder name (use letters, digits, _ and - only)")
    return name
