"""config.yaml and character.yaml: valid files load, bad ones fail with one exact line."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from engine.settings.config import Config, load_config, with_overrides
from engine.settings.validate import ConfigError
from engine.stage.character import load_character_spec
from support.program import ROOT


def write(tmp_path, text: str, name: str = "config.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_shipped_config_is_valid_and_matches_the_defaults():
    config = load_config(ROOT / "config.yaml")
    assert config == Config()
    assert config.link.listen_url == "ws://127.0.0.1:8000/ws"
    assert config.window.background == (0, 255, 0)
    assert config.voice.neutral_after_s == 1.5


def test_values_are_read(tmp_path):
    config = load_config(write(tmp_path, """
        character: other
        link: {host: 127.0.0.2, port: 9000, path: /bot}
        window: {size: [800, 600], fullscreen: true, fps: 30, background: [0, 0, 255]}
        voice: {engine: silent, rate: 120, volume: 0.5, voice_id: gmw/en-US}
        overlays: {enabled: false, font: /x.ttf, size: 40}
    """))
    assert config.character == "other"
    assert config.link.listen_url == "ws://127.0.0.2:9000/bot"
    assert config.window.size == (800, 600) and config.window.fullscreen and config.window.fps == 30
    assert config.window.background == (0, 0, 255)
    assert (config.voice.engine, config.voice.rate, config.voice.volume, config.voice.voice_id) == (
        "silent", 120, 0.5, "gmw/en-US")
    assert not config.overlays.enabled and config.overlays.size == 40


def test_empty_file_gives_defaults(tmp_path):
    assert load_config(write(tmp_path, "")) == Config()


@pytest.mark.parametrize("text, message", [
    ("link: {port: 70000}", "link.port: expected an integer from 0 to 65535, got 70000"),
    ("link: {port: '8000'}", "link.port: expected an integer from 0 to 65535, got '8000'"),
    ("link: {mode: relay}", "link.mode: expected one of server, client, got 'relay'"),
    ("link: {url: http://x}", "link.url: expected a ws:// or wss:// URL, got 'http://x'"),
    ("link: {path: ws}", "link.path: expected a URL path starting with /, got 'ws'"),
    ("link: {prot: 1}", "link.prot: expected one of the known keys: mode, host, port, path"),
    ("window: {fps: 0}", "window.fps: expected an integer from 1 to 480, got 0"),
    ("window: {fullscreen: 'yes'}", "window.fullscreen: expected true or false, got 'yes'"),
    ("window: {size: [10]}", "window.size: expected [width, height], two integers from 64 to 16384, got [10]"),
    ("window: {background: green}", 'window.background: expected a colour as "#RRGGBB" (quoted) or [r, g, b]'),
    ("voice: {engine: say}", "voice.engine: expected one of auto, espeak-ng, piper, openjtalk, kokoro-ja, voicevox, "
                            "openai-compatible, silent, got 'say'"),
    ("voice: {volume: 2}", "voice.volume: expected a number from 0.0 to 1.0, got 2"),
    ("overlays: {size: big}", "overlays.size: expected an integer from 8 to 200, got 'big'"),
    ("character: ../etc", "character: expected a character folder name, got '../etc'"),
    ("link: 5", "link: expected a mapping of keys to values, got 5"),
    ("- a list", "(top level): expected a mapping of keys to values"),
    ("link: {port: [}", "expected valid YAML"),
])
def test_bad_values_name_file_key_and_expectation(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as bad:
        load_config(path)
    line = str(bad.value)
    assert line.startswith(f"{path}: ") and message in line
    assert "\n" not in line


def test_overrides():
    config = with_overrides(Config(), host="0.0.0.0", port=1234, fullscreen=True, character="x")
    assert (config.link.host, config.link.port, config.window.fullscreen, config.character) == (
        "0.0.0.0", 1234, True, "x")
    assert with_overrides(Config(), host=None, port=None, fullscreen=None, character=None) == Config()


def test_bad_config_exits_non_zero_with_one_line(tmp_path):
    path = write(tmp_path, "window: {fps: fast}")
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--config", str(path)],
                          capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert done.stderr.strip() == f"kuchipaku: {path}: window.fps: expected an integer from 1 to 480, got 'fast'"


def test_bad_cli_value_exits_non_zero(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--emotion", "furious", "--say", "x"],
                          capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert "command line: --emotion: expected one of neutral, happy, sad, angry, relaxed, surprised" in done.stderr


# ---- character.yaml ------------------------------------------------------------------

def test_default_character_is_valid():
    spec = load_character_spec(ROOT / "characters" / "default")
    assert set(spec.emotions) == {"neutral", "happy", "sad", "angry", "relaxed", "surprised"}
    for frames in spec.emotions.values():
        assert set(frames.eyes) == {"open", "closed"}
        assert {"closed", "half", "open"} <= set(frames.mouth)
        assert len(set(frames.mouth.values())) == len(frames.mouth)


def copy_default(tmp_path):
    import shutil

    folder = tmp_path / "character"
    shutil.copytree(ROOT / "characters" / "default", folder)
    return folder


@pytest.mark.parametrize("old, new, message", [
    ("frame_size: [512, 640]", "frame_size: [512]", "frame_size: expected [width, height]"),
    ("file: body.png", "file: ../body.png", "sheets.body.file: expected a PNG file name inside the character folder"),
    ("file: eyes.png", "file: nothere.png", "sheets.eyes.file: expected an existing file"),
    ("grid: [3, 2]", "grid: [4, 2]", "sheets.body.grid: expected a grid that fits body.png"),
    ("    body: 0\n", "    body: 99\n", "emotions.neutral.body: expected an integer from 0 to 5, got 99"),
    ("  sad:", "  gloomy:", "emotions.gloomy: expected one of neutral, happy"),
    ("open: 0,", "opened: 0,", "emotions.neutral.eyes.opened: expected one of open, closed"),
])
def test_bad_character_files(tmp_path, old, new, message):
    folder = copy_default(tmp_path)
    path = folder / "character.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture edit {old!r} no longer applies"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as bad:
        load_character_spec(folder)
    assert str(bad.value).startswith(f"{path}: ") and message in str(bad.value)


def test_character_with_only_three_mouths_falls_back(tmp_path):
    folder = copy_default(tmp_path)
    path = folder / "character.yaml"
    import re

    path.write_text(re.sub(r", wide: \d+, round: \d+", "", path.read_text(encoding="utf-8")), encoding="utf-8")
    spec = load_character_spec(folder)
    frames = spec.emotions["happy"]
    assert set(frames.mouth) == {"closed", "half", "open"}
    assert frames.mouth_frame("wide") == frames.mouth["half"]
    assert frames.mouth_frame("round") == frames.mouth["half"]
