"""The import rules of docs/ARCHITECTURE.md, checked on every import in engine/.

Data flows link -> speech -> stage/overlay, wired only by engine/app/. Each
package may import only the packages listed for it here; engine.vocabulary
and engine.markup are the shared low modules that all may use. pygame is named like a package.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[2] / "engine"

ALLOWED = {
    "vocabulary": set(),
    "markup": set(),
    "settings": set(),
    "link": {"settings"},
    "speech": {"settings", "link", "pygame"},
    "stage": {"settings", "pygame"},
    "overlay": {"settings", "pygame"},
    "app": {"settings", "link", "speech", "stage", "overlay", "pygame"},
}
# Shared low modules: they import nothing from the engine, and every package may use them.
LOW_MODULES = {"vocabulary", "markup"}
# Only the audio output of the speech package touches pygame.
PYGAME_IN_SPEECH = {"playback.py"}


def _package_of(path: Path) -> str:
    relative = path.relative_to(ENGINE)
    return relative.parts[0].removesuffix(".py") if relative.parts else ""


def _imported_engine_roots(tree: ast.AST) -> set[tuple[str, int]]:
    found: set[tuple[str, int]] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "engine" and len(parts) > 1:
                found.add((parts[1], node.lineno))
            elif parts[0] == "pygame":
                found.add(("pygame", node.lineno))
    return found


def _modules() -> list[Path]:
    return sorted(p for p in ENGINE.rglob("*.py") if p.name != "__init__.py" or p.stat().st_size)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ENGINE)))
def test_imports_follow_the_data_path(path: Path) -> None:
    package = _package_of(path)
    if package == "__init__":
        return
    assert package in ALLOWED, f"{path}: a package the layering rules do not know; add it to ALLOWED and the docs"
    allowed = ALLOWED[package] | {package} | LOW_MODULES
    if package == "speech" and path.name not in PYGAME_IN_SPEECH:
        allowed = allowed - {"pygame"}
    bad = [(root, line) for root, line in _imported_engine_roots(ast.parse(path.read_text())) if root not in allowed]
    assert not bad, f"{path.relative_to(ENGINE)} imports {bad} but {package}/ may only import {sorted(allowed)}"


def test_the_rule_catches_a_wrong_import() -> None:
    tree = ast.parse("from engine.overlay.captions import Captions\nimport pygame\n")
    assert _imported_engine_roots(tree) == {("overlay", 1), ("pygame", 2)}
