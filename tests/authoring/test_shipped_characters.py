"""The characters kuchipaku ships (Kotone in characters/default/, Hibiki in
characters/hibiki/): drawn by one generator, committed as drawn, clean for the
key, and clearly two different people."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pygame
import pytest

from authoring.art import LAYOUT
from authoring.cast import SHIPPED
from authoring.draw_default_character import write_character
from engine.stage.character import load_character_spec
from support.program import ROOT, Program


def region(folder: str, sheet: str, frame: int, rect: tuple[int, int, int, int]) -> np.ndarray:
    """Mean colour of the opaque pixels of ``rect`` (frame pixels) in one frame."""
    spec = load_character_spec(ROOT / "characters" / folder)
    info = spec.sheets[sheet]
    image = pygame.image.load(str(info.file))
    fx, fy, _, _ = info.frame_rect(frame)
    x, y, w, h = rect
    rgb = pygame.surfarray.array3d(image)[fx + x:fx + x + w, fy + y:fy + y + h].reshape(-1, 3)
    alpha = pygame.surfarray.array_alpha(image)[fx + x:fx + x + w, fy + y:fy + y + h].reshape(-1)
    assert (alpha == 255).sum() > 0.9 * alpha.size, (folder, sheet, rect)  # the region is all drawn
    return rgb[alpha == 255].mean(axis=0)


@pytest.mark.parametrize("folder", SHIPPED)
def test_the_committed_files_are_what_the_generator_draws(tmp_path, folder):
    written = write_character(SHIPPED[folder], tmp_path)
    assert sorted(written) == ["body.png", "character.yaml", "eyes.png", "mouths.png"]
    for name in written:
        assert (tmp_path / name).read_bytes() == (ROOT / "characters" / folder / name).read_bytes(), (
            f"characters/{folder}/{name} is stale: run python authoring/draw_default_character.py")


@pytest.mark.parametrize("folder", SHIPPED)
def test_shipped_characters_pass_the_check(tmp_path, folder):
    out = tmp_path / "sheet.png"
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--check-character", folder, "--out", str(out)],
                          cwd=str(tmp_path), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no green pixels, no empty frames
    assert f"{SHIPPED[folder].name} (" in done.stdout and out.is_file()
    spec = load_character_spec(ROOT / "characters" / folder)
    assert spec.name == SHIPPED[folder].name
    # The same sheets layout for every generated character: one contact-sheet
    # layout and one place for eyes and mouth fit them all.
    assert spec.frame_size == LAYOUT.frame_size
    assert (spec.sheets["eyes"].position, spec.sheets["mouths"].position) == (LAYOUT.eyes.position,
                                                                              LAYOUT.mouths.position)


def test_the_two_characters_look_different():
    def distance(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.linalg.norm(a - b))

    crown = ("body", 0, (200, 60, 112, 40))         # top of the head, under any headband
    iris = ("eyes", 0, (172, 92, 20, 8))            # the bright lower half of the right iris
    top = ("body", 0, (330, 560, 50, 60))           # the shirt below the right shoulder
    kotone = {name: region("default", *where) for name, where in (("hair", crown), ("iris", iris), ("top", top))}
    hibiki = {name: region("hibiki", *where) for name, where in (("hair", crown), ("iris", iris), ("top", top))}
    for part in ("hair", "iris", "top"):
        assert distance(kotone[part], hibiki[part]) > 80, (part, kotone[part], hibiki[part])
    # Pink against blue hair; violet against amber eyes.
    assert kotone["hair"][0] > kotone["hair"][2] and hibiki["hair"][2] > hibiki["hair"][0] + 40
    assert kotone["iris"][2] > kotone["iris"][1] and hibiki["iris"][1] > hibiki["iris"][2] + 40

    # Different silhouettes: Kotone's twin tails hang beside her arms, Hibiki's bob stops at her chin.
    def tail_pixels(folder: str) -> int:
        image = pygame.image.load(str(ROOT / "characters" / folder / "body.png"))
        return int((pygame.surfarray.array_alpha(image)[470:512, 400:600] > 0).sum())
    assert tail_pixels("default") > 2000 and tail_pixels("hibiki") == 0


def test_hibiki_goes_live(tmp_path):
    """As a streamer would: ``--character hibiki`` puts her, not Kotone, on the stage."""
    snapshots = tmp_path / "snap"
    live = Program(tmp_path, "--character", "hibiki", "--say", "Hello, I am Hibiki.", "--snapshot-dir", str(snapshots))
    try:
        live.wait_for_log(r"saved speaking frame", timeout=30)
        assert live.stop() == 0
    finally:
        live.kill()
    rgb = pygame.surfarray.array3d(pygame.image.load(str(snapshots / "speaking.png"))).astype(np.int32)

    def near(color: tuple[int, int, int]) -> int:
        return int((np.abs(rgb - np.array(color)).sum(axis=-1) < 30).sum())
    hibiki, kotone = SHIPPED["hibiki"].palette, SHIPPED["default"].palette
    assert near(hibiki.hair) > 2000 and near(hibiki.accent) > 200
    assert near(kotone.hair) == 0
