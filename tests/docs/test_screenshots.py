"""The README's and the docs' images are what the current code draws:
`make screenshots` regenerates them, and this fails when they are stale in
size or layout (a moved subtitle box, a new panel section, another port)."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pygame
import pytest

from support.program import ROOT
from support.timing import scaled

IMAGES = {"speaking.png": (0, 255, 0), "control_window.png": (24, 26, 34)}  # each with its background


def drawn(path) -> np.ndarray:
    """Where something is drawn: pixels not of the image's background."""
    pixels = pygame.surfarray.array3d(pygame.image.load(str(path))).astype(int)
    return np.abs(pixels - IMAGES[path.name]).sum(axis=2) > 24


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    out = tmp_path_factory.mktemp("screenshots")
    subprocess.run([sys.executable, str(ROOT / "tools" / "screenshots.py"), "--out", str(out)], check=True,
                   timeout=scaled(300), capture_output=True)
    return out


@pytest.mark.parametrize("name", sorted(IMAGES))
def test_committed_image_is_what_the_code_draws(fresh, name):
    committed, now = drawn(ROOT / "docs" / name), drawn(fresh / name)
    assert committed.shape == now.shape, f"docs/{name} is stale in size: run `make screenshots`"
    overlap = (committed & now).sum() / max(1, (committed | now).sum())
    assert overlap > 0.97, f"docs/{name} is stale in layout ({overlap:.1%} alike): run `make screenshots`"


def test_readme_shows_the_images():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](docs/speaking.png)" in readme and "](docs/control_window.png)" in readme
