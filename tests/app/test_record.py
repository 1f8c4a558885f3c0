"""Record mode: frames, audio and timeline agree, and show what the window shows."""
from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
import wave

import numpy as np
import pygame
import pytest

from engine.stage.character import load_character_spec
from engine.stage.sprites import CharacterSprites, fit_scale
from support.program import ROOT


def run_record(out, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--record", str(out), *args], capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)


def test_record_writes_consistent_frames_audio_and_timeline(tmp_path):
    out = tmp_path / "rec"
    done = run_record(out, "--say", "Mama bought a blue boat.", "--emotion", "happy", "--fps", "30")
    assert done.returncode == 0, done.stderr
    frames = sorted((out / "frames").glob("frame_*.png"))
    rows = list(csv.DictReader((out / "timeline.csv").open(encoding="utf-8")))
    with wave.open(str(out / "audio.wav")) as wav:
        rate, samples = wav.getframerate(), np.frombuffer(wav.readframes(wav.getnframes()), "<i2")
    assert len(frames) == len(rows) > 30
    assert abs(len(samples) / rate - len(frames) / 30) < 1 / 30  # the frame count matches the duration
    assert [float(r["time_s"]) for r in rows[:3]] == [0.0, round(1 / 30, 4), round(2 / 30, 4)]
    assert 20 * np.log10(np.abs(samples).max() / 32768) > -12  # real speech, not silence
    assert {r["expression"] for r in rows} == {"happy"}
    assert {"closed", "open"} <= {r["mouth_shape"] for r in rows}
    assert f"recorded {len(frames)} frames" in done.stdout

    # The mouth region of every frame is exactly the mouth sprite the timeline names.
    pygame.display.init()
    pygame.display.set_mode((1, 1))
    spec = load_character_spec(ROOT / "characters" / "default")
    first = pygame.image.load(str(frames[0]))
    window = first.get_size()
    sprites = CharacterSprites(spec, fit_scale(spec.frame_size, window))
    mouths = spec.sheets["mouths"]
    checked = 0
    for path, row in zip(frames, rows):
        if float(row["crossfade"]) < 1:
            continue  # two faces blended: checked in the presence tests
        x, y = int(row["x"]), int(row["y"])
        expected = pygame.Surface(window)
        expected.fill((0, 255, 0))
        sprites.draw(expected, (x, y), row["expression"], False, row["mouth_shape"])
        rect = pygame.Rect(x + mouths.position[0], y + mouths.position[1], *mouths.frame_size)
        actual = pygame.image.load(str(path))
        assert (pygame.surfarray.array3d(actual.subsurface(rect)) ==
                pygame.surfarray.array3d(expected.subsurface(rect))).all(), f"{path.name}: {row}"
        checked += 1
    assert checked >= len(frames) - 6  # all but the few frames of the first cross-fade


def test_record_makes_an_mp4_when_ffmpeg_is_there(tmp_path):
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed (make test installs it when run as root)")
    out = tmp_path / "rec"
    done = run_record(out, "--say", "Hi.", "--fps", "24")
    assert done.returncode == 0, done.stderr
    assert (out / "out.mp4").stat().st_size > 1000
    probe = subprocess.run(["ffmpeg", "-i", str(out / "out.mp4")], capture_output=True, text=True)
    assert "Video: h264" in probe.stderr and "Audio: aac" in probe.stderr


def test_record_needs_a_line(tmp_path):
    done = run_record(tmp_path / "rec")
    assert done.returncode == 2 and "--record needs at least one --say" in done.stderr


def test_a_character_with_only_three_mouths_loads_and_speaks(tmp_path):
    folder = tmp_path / "three"
    shutil.copytree(ROOT / "characters" / "default", folder)
    yaml_path = folder / "character.yaml"
    yaml_path.write_text(re.sub(r", wide: \d+, round: \d+", "", yaml_path.read_text(encoding="utf-8")),
                         encoding="utf-8")
    from engine.app.build import Line
    from engine.app.recorder import record
    from engine.settings.config import Config

    recording = record(Config(), load_character_spec(folder), [Line("Who knew blue boots?")],
                       tmp_path / "rec", fps=20)
    rows = list(csv.DictReader((tmp_path / "rec" / "timeline.csv").open(encoding="utf-8")))
    assert recording.frames == len(rows) > 10
    assert "round" in {r["mouth_shape"] for r in rows}  # the viseme asked for it; the sheet falls back to half
