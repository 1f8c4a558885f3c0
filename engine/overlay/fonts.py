"""Fonts: the bundled Noto Sans CJK JP (installed from PyPI with the project,
so Japanese never renders as boxes on any OS), or a file the user names."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import pygame

BUNDLED = "noto-sans-cjk-jp"
MONOSPACE_CANDIDATES = "dejavusansmono,liberationmono,notosansmono,consolas,menlo,couriernew"


def font_file(name: str) -> Path:
    """The font file for a config value; raises FileNotFoundError."""
    if name == BUNDLED:
        path = Path(str(resources.files("noto_cjk_sans_jp_regular") / "NotoSansCJKjp-Regular.otf"))
    else:
        path = Path(name).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"font file not found: {path}")
    return path


def load_font(name: str, size: int) -> pygame.font.Font:
    return pygame.font.Font(str(font_file(name)), size)


def load_monospace(size: int, fallback: pygame.font.Font) -> pygame.font.Font:
    """A monospace system font for code, or the text font if none is installed."""
    path = pygame.font.match_font(MONOSPACE_CANDIDATES)
    return pygame.font.Font(path, size) if path else fallback
