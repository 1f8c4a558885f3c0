"""Character authoring: --new-character, --check-character, and sprites that key cleanly.

GREEN_MARGIN (authoring/drawing.py) is the rule both the generator and
--check-character apply: green no more than red or blue plus 8."""
from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pygame
import pytest
import yaml

from authoring.cast import SHIPPED
from authoring.checks import check_character, sheet_warnings
from authoring.cli import run_cli
from authoring.contact_sheet import ContactSheetLayout
from authoring.drawing import GREEN_MARGIN
from authoring.folders import ToolError
from authoring.scaffold import new_character
from authoring.stage_view import compose, offscreen_display
from engine.settings.validate import ConfigError
from engine.stage.character import load_character_spec
from engine.stage.sprites import CharacterSprites
from engine.vocabulary import EMOTIONS, MOUTH_SHAPES
from support.program import ROOT, Program

DEFAULT = ROOT / "characters" / "default"


def run_main(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=str(cwd), capture_output=True,
                          text=True, timeout=60)


def pixels(surface: pygame.Surface) -> np.ndarray:
    return pygame.surfarray.array3d(surface)


# --- --check-character ----------------------------------------------------------------

def test_contact_sheet_of_the_default_character(tmp_path):
    out = tmp_path / "sheet.png"
    done = run_main("--check-character", "default", "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == str(out)  # the path is printed
    assert done.stderr == ""  # the default character has nothing to warn about

    spec = load_character_spec(DEFAULT)
    layout = ContactSheetLayout.for_spec(spec)
    # 6 emotions down, 5 mouth shapes x 2 eye states across, cells the size of a
    # frame at the sheet's scale (512x640 shrunk to 320 high).
    assert (layout.rows, layout.columns, layout.scale, layout.cell) == (6, 10, 0.5, (256, 320))
    sheet = pygame.image.load(str(out))
    assert sheet.get_size() == layout.size

    def cell(emotion: str, eyes: str, mouth: str) -> np.ndarray:
        return pixels(sheet.subsurface(layout.cell_of(emotion, eyes, mouth)))

    for emotion in EMOTIONS:
        shapes = [cell(emotion, "open", mouth) for mouth in MOUTH_SHAPES]
        for i in range(len(shapes)):
            for j in range(i + 1, len(shapes)):
                assert not np.array_equal(shapes[i], shapes[j]), (emotion, MOUTH_SHAPES[i], MOUTH_SHAPES[j])
        assert not np.array_equal(cell(emotion, "open", "half"), cell(emotion, "closed", "half"))
    # Each cell is exactly what the stage draws: same class, same scale, green behind.
    with offscreen_display():
        staged = compose(CharacterSprites(spec, layout.scale), "happy", True, "wide")
    assert np.array_equal(cell("happy", "closed", "wide"), pixels(staged))


def test_check_reports_a_broken_character_in_one_line(tmp_path, capsys):
    folder = new_character("broken", tmp_path)
    data = yaml.safe_load((folder / "character.yaml").read_text(encoding="utf-8"))
    data["emotions"]["sad"]["eyes"]["open"] = 99
    (folder / "character.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"emotions\.sad\.eyes\.open"):
        check_character("broken", characters_dir=tmp_path)

    assert run_cli(None, "broken", None, tmp_path) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "emotions.sad.eyes.open: expected an integer from 0 to 11" in err
    assert not (folder / "contact_sheet.png").exists()


def test_check_falls_back_like_the_stage_for_missing_optional_mouths(tmp_path):
    folder = new_character("nowide", tmp_path)
    data = yaml.safe_load((folder / "character.yaml").read_text(encoding="utf-8"))
    for frames in data["emotions"].values():
        del frames["mouth"]["wide"], frames["mouth"]["round"]
    (folder / "character.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    spec, path, warnings = check_character("nowide", tmp_path / "out.png", tmp_path)
    layout = ContactSheetLayout.for_spec(spec)
    sheet = pygame.image.load(str(path))
    half, wide = (pixels(sheet.subsurface(layout.cell_of("neutral", "open", m))) for m in ("half", "wide"))
    assert np.array_equal(half, wide)


# --- --new-character -------------------------------------------------------------------

def test_scaffold_round_trips(tmp_path):
    folder = new_character("hero-2", tmp_path)
    assert folder == tmp_path / "hero-2"
    assert sorted(p.name for p in folder.iterdir()) == ["body.png", "character.yaml", "eyes.png", "mouths.png"]
    text = (folder / "character.yaml").read_text(encoding="utf-8")
    assert text.startswith("#") and "make check-character NAME=hero-2" in text  # commented, says what to do next

    spec = load_character_spec(folder)
    assert spec.name == "hero-2"
    assert set(spec.emotions) == set(EMOTIONS)
    for frames in spec.emotions.values():
        assert set(frames.mouth) == set(MOUTH_SHAPES) and set(frames.eyes) == {"open", "closed"}
    for sheet in spec.sheets.values():
        image = pygame.image.load(str(sheet.file))
        # Exactly the grid, with alpha.
        assert image.get_size() == (sheet.frame_size[0] * sheet.grid[0], sheet.frame_size[1] * sheet.grid[1])
        assert image.get_flags() & pygame.SRCALPHA

    spec, path, warnings = check_character("hero-2", characters_dir=tmp_path)
    assert path == folder / "contact_sheet.png" and path.is_file()
    assert warnings == []  # placeholders are chroma-key clean and no frame is empty
    sheet = pygame.image.load(str(path))
    layout = ContactSheetLayout.for_spec(spec)
    cells = [pixels(sheet.subsurface(layout.cell_of("happy", "open", m))) for m in MOUTH_SHAPES]
    assert all(not np.array_equal(a, b) for a, b in zip(cells, cells[1:]))


def test_the_templates_presence_example_loads_when_uncommented(tmp_path):
    folder = new_character("lively", tmp_path)
    text = (folder / "character.yaml").read_text(encoding="utf-8")
    block = text[text.index("# presence:"):]
    assert block.count("\n#   ") >= 5
    uncommented = block.replace("# presence:", "presence:").replace("\n#   ", "\n  ").replace("crossfade_s: 0.15",
                                                                                            "crossfade_s: 0.4")
    (folder / "character.yaml").write_text(text.replace(block, uncommented), encoding="utf-8")
    presence = load_character_spec(folder).presence
    assert presence == dataclasses.replace(type(presence)(), crossfade_s=0.4)


@pytest.mark.parametrize("name", ["", "a b", "../x", "x/y", "é", ".hidden", "a.b"])
def test_scaffold_refuses_bad_names(tmp_path, name):
    with pytest.raises(ToolError, match="not a character folder name"):
        new_character(name, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_scaffold_never_overwrites(tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "mine.txt").write_text("artist's work")
    with pytest.raises(ToolError, match="already exists"):
        new_character("taken", tmp_path)
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["mine.txt"]


def test_cli_refusals_are_one_line(tmp_path):
    for args in (["--new-character", "default"], ["--new-character", "no way"], ["--check-character", "../default"],
                 ["--check-character", "no-such-character-here"], ["--out", "x.png"]):
        done = run_main(*args, cwd=tmp_path)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert done.stderr.count("\n") == 1 and done.stderr.startswith("kuchipaku: "), (args, done.stderr)
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def checkout(tmp_path) -> Path:
    """A stand-in for the repository whose characters/ is a scratch folder.

    main.py finds characters/ next to itself, so it is copied; everything else
    is linked. The real characters/ is never written: a test character there
    could be picked up by a concurrent ``git add``, and a crashed test would
    leave it behind.
    """
    root = tmp_path / "checkout"
    root.mkdir()
    for entry in ROOT.iterdir():
        if entry.name not in ("main.py", "characters", ".git", ".venv"):
            (root / entry.name).symlink_to(entry)
    shutil.copy(ROOT / "main.py", root / "main.py")
    (root / "characters").mkdir()
    (root / "characters" / "default").symlink_to(DEFAULT)
    return root


def test_cli_scaffold_loads_and_speaks(tmp_path, checkout):
    """As an artist would: scaffold, check, and go live with the new character."""
    main = str(checkout / "main.py")
    folder = checkout / "characters" / "mika"
    done = subprocess.run([sys.executable, main, "--new-character", "mika"], cwd=str(tmp_path),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert str(folder) in done.stdout
    done = subprocess.run([sys.executable, main, "--check-character", "mika"], cwd=str(tmp_path),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == str(folder / "contact_sheet.png")

    snapshots = tmp_path / "snap"
    live = Program(tmp_path, "--character", "mika", "--say", "Hello from the template.", "--emotion", "happy",
                   "--snapshot-dir", str(snapshots), main=checkout / "main.py")
    try:
        live.wait_for_log(r"saved speaking frame", timeout=30)
        assert live.stop() == 0
    finally:
        live.kill()
    assert pygame.image.load(str(snapshots / "speaking.png")).get_size() == (1280, 720)


# --- clean edges for the chroma key ---------------------------------------------------------

# OBS's Chroma Key filter with key colour type Green and its default similarity
# (400) and smoothness (80), both out of 1000 (see docs/OBS.md).
SIMILARITY, SMOOTHNESS = 0.400, 0.080
CAST_TOLERANCE = 12       # levels of green cast, out of 255, beyond the sprite's own


def green_cast(rgb: np.ndarray) -> np.ndarray:
    rgb = rgb.astype(np.int32)
    return rgb[..., 1] - np.maximum(rgb[..., 0], rgb[..., 2])


def chroma_distance_from_green(rgb: np.ndarray) -> np.ndarray:
    """How far a colour is from #00FF00, measured as OBS's Chroma Key does: the
    distance between their (Cr, Cb) chroma, limited-range BT.709, 0-1."""
    c = rgb.astype(np.float64) / 255
    cr = c @ np.array([0.439216, -0.398942, -0.040274]) + 0.501961
    cb = c @ np.array([-0.100644, -0.338572, 0.439216]) + 0.501961
    return np.hypot(cr - (0.501961 - 0.398942), cb - (0.501961 - 0.338572))


@pytest.mark.parametrize("folder", SHIPPED)
def test_default_sheets_have_no_green_in_soft_edges(folder):
    spec = load_character_spec(ROOT / "characters" / folder)
    for sheet in spec.sheets.values():
        image = pygame.image.load(str(sheet.file))
        alpha = pygame.surfarray.array_alpha(image)
        soft = (alpha > 0) & (alpha < 255)
        assert soft.sum() > 1000, sheet.file.name  # anti-aliased, so the rule has something to check
        cast = green_cast(pygame.surfarray.array3d(image))
        bad = soft & (cast > GREEN_MARGIN)
        assert not bad.any(), f"{sheet.file.name}: {int(bad.sum())} green edge pixels, e.g. {np.argwhere(bad)[:3]}"


@pytest.mark.parametrize("folder", SHIPPED)
def test_default_character_keys_without_a_green_fringe(folder):
    """Compose each face over #00FF00 as the stage does, key it roughly as OBS
    does, and look at what is left.

    The model, kept simple: OBS makes a pixel (partly) transparent when its
    chroma is within similarity + smoothness of the key's, and also
    desaturates those pixels (spill reduction). We treat all of them as keyed
    and ignore them. Every other pixel is shown exactly as captured, so it must
    not be visibly greener than the sprite's own opaque colours: a soft edge
    whose colour was mixed with green (transparent pixels filled with green
    before scaling, or anti-aliased against a green canvas) is what shows up
    here as a fringe. OBS's 3x3 averaging of the distance is left out.
    """
    spec = load_character_spec(ROOT / "characters" / folder)
    own = max(int(green_cast(pygame.surfarray.array3d(img))[pygame.surfarray.array_alpha(img) == 255].max())
              for img in (pygame.image.load(str(s.file)) for s in spec.sheets.values()))
    with offscreen_display():
        sprites = CharacterSprites(spec, 1.0)  # the default window shows her at full size
        for emotion in EMOTIONS:
            for eyes_closed in (False, True):
                rgb = pixels(compose(sprites, emotion, eyes_closed, "open"))
                kept = chroma_distance_from_green(rgb) >= SIMILARITY + SMOOTHNESS
                assert kept.sum() > 100_000  # most of her survives the key
                worst = int(green_cast(rgb)[kept].max())
                assert worst <= own + CAST_TOLERANCE, (emotion, eyes_closed, worst, own)


def test_the_fringe_check_catches_edges_mixed_with_green():
    """The check above has teeth: the body sheet with its soft edges mixed 10%
    toward green (a mild bleed that the key does not remove) fails it. Heavier
    bleeds are mostly keyed away, eating the outline instead; the soft-edge
    rule above catches those."""
    image = pygame.image.load(str(DEFAULT / "body.png"))
    alpha = pygame.surfarray.array_alpha(image)[..., None].astype(np.float64) / 255
    rgb = pygame.surfarray.array3d(image).astype(np.float64)
    soft = (alpha > 0) & (alpha < 1)
    bled = np.where(soft, 0.9 * rgb + 0.1 * np.array([0, 255, 0]), rgb)
    composed = np.rint(alpha * bled + (1 - alpha) * np.array([0, 255, 0])).astype(np.uint8)
    kept = chroma_distance_from_green(composed) >= SIMILARITY + SMOOTHNESS
    assert green_cast(composed)[kept].max() > CAST_TOLERANCE


def test_check_warns_about_green_pixels(tmp_path):
    folder = new_character("greenish", tmp_path)
    with offscreen_display():
        image = pygame.image.load(str(folder / "mouths.png")).convert_alpha()
        image.fill((40, 200, 40, 255), (10, 10, 4, 4))
        pygame.image.save(image, str(folder / "mouths.png"))
        warnings = sheet_warnings(load_character_spec(folder))
    assert len(warnings) == 1 and warnings[0].startswith("mouths.png: 16 visible pixels lean green")
