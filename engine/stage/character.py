"""Characters: ``characters/<name>/character.yaml`` and its sprite sheets.

The YAML names each sheet's file, frame size and grid (frames are numbered row
by row from 0) and, per emotion, which frame is the body, the open and closed
eyes, and each mouth shape; an optional ``presence:`` section tunes blinking,
breathing, bounce and cross-fades (engine.stage.presence). The stage draws body, then eyes, then mouth, so a
new character needs only new files, no code.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from engine.settings.config import SPEECH_ENGINES
from engine.settings.validate import (
    ConfigError,
    Invalid,
    build,
    int_pair,
    integer,
    optional,
    setting,
    string_list,
    text,
)
from engine.stage.presence import PresenceConfig
from engine.vocabulary import EMOTIONS, EYE_STATES, MOUTH_FALLBACKS, REQUIRED_MOUTHS

SHEETS = ("body", "eyes", "mouths")
# Optional viseme shapes, and the required shape each falls back to.


@dataclass(frozen=True)
class SheetSpec:
    file: Path
    frame_size: tuple[int, int]
    grid: tuple[int, int]      # columns, rows
    position: tuple[int, int]  # top-left of a frame inside the character frame

    @property
    def frame_count(self) -> int:
        return self.grid[0] * self.grid[1]

    def frame_rect(self, index: int) -> tuple[int, int, int, int]:
        column, row = index % self.grid[0], index // self.grid[0]
        width, height = self.frame_size
        return (column * width, row * height, width, height)


@dataclass(frozen=True)
class EmotionFrames:
    body: int
    eyes: dict[str, int]
    mouth: dict[str, int]

    def mouth_frame(self, shape: str) -> int:
        if shape not in self.mouth:
            shape = MOUTH_FALLBACKS.get(shape, "closed")
        return self.mouth[shape]


@dataclass(frozen=True)
class CharacterVoice:
    """A character's own voice (character.yaml's optional ``voice:``), plain
    data for the app to hand to the speech package; unset keys leave
    config.yaml's ``voice`` as it is. ``voice`` names the engine's voice: an
    espeak-ng voice, a piper model path, a Kokoro voice, a VOICEVOX speaker
    id or an OpenAI-compatible voice."""

    engine: str | None = setting(None, text(("auto", *SPEECH_ENGINES), optional=True))
    voice: str | None = setting(None, text(optional=True, meaning="the engine's voice name"))
    fallback: tuple[str, ...] | None = setting(None, optional(string_list(
        "engine names (" + ", ".join(SPEECH_ENGINES) + ")", "|".join(SPEECH_ENGINES))))


@dataclass(frozen=True)
class CharacterSpec:
    name: str
    folder: Path
    frame_size: tuple[int, int]
    sheets: dict[str, SheetSpec]
    emotions: dict[str, EmotionFrames]
    presence: PresenceConfig = PresenceConfig()
    voice: CharacterVoice = CharacterVoice()


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's header, without decoding it."""
    with path.open("rb") as handle:
        head = handle.read(24)
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise Invalid("a PNG file")
    width, height = struct.unpack(">II", head[16:24])
    return width, height


class _Reader:
    """Pulls checked values out of the YAML, naming file and key on failure."""

    def __init__(self, file: Path) -> None:
        self.file = str(file)

    def mapping(self, value: Any, key: str) -> dict:
        if not isinstance(value, dict):
            raise ConfigError(self.file, key or "(top level)", "a mapping of keys to values", value)
        return value

    def get(self, data: dict, key: str, where: str, check: Any, default: Any = ...) -> Any:
        if key not in data:
            if default is not ...:
                return default
            raise ConfigError(self.file, where + key, "a value (the key is missing)")
        try:
            return check(data[key])
        except Invalid as bad:
            raise ConfigError(self.file, where + key, bad.expected, data[key]) from None


def load_character_spec(folder: Path) -> CharacterSpec:
    """Read and validate a character folder; raises ConfigError (one line)."""
    file = folder / "character.yaml"
    reader = _Reader(file)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(str(file), "(file)", "a readable character.yaml", err.strerror) from None
    except yaml.YAMLError as err:
        raise ConfigError(str(file), "(file)", "valid YAML", str(getattr(err, "problem", err))) from None
    data = reader.mapping(data, "")
    name = reader.get(data, "name", "", text(meaning="the character's display name"))
    frame_size = reader.get(data, "frame_size", "", int_pair(16, 8192))
    sheets_data = reader.mapping(reader.get(data, "sheets", "", lambda v: v), "sheets")
    sheets = {sheet: _read_sheet(reader, folder, sheet, sheets_data) for sheet in SHEETS}
    emotions_data = reader.mapping(reader.get(data, "emotions", "", lambda v: v), "emotions")
    for key in emotions_data:
        if key not in EMOTIONS:
            raise ConfigError(reader.file, f"emotions.{key}", "one of " + ", ".join(EMOTIONS))
    emotions = {emotion: _read_emotion(reader, emotion, emotions_data, sheets) for emotion in EMOTIONS}
    presence = build(PresenceConfig, data.get("presence"), reader.file, "presence.")
    voice = build(CharacterVoice, data.get("voice"), reader.file, "voice.")
    return CharacterSpec(name, folder, frame_size, sheets, emotions, presence, voice)


def _read_sheet(reader: _Reader, folder: Path, sheet: str, sheets_data: dict) -> SheetSpec:
    where = f"sheets.{sheet}."
    data = reader.mapping(reader.get(sheets_data, sheet, "sheets.", lambda v: v), where[:-1])
    file_name = reader.get(data, "file", where, text(pattern=r"[A-Za-z0-9_.-]+\.png",
                                                     meaning="a PNG file name inside the character folder"))
    frame_size = reader.get(data, "frame_size", where, int_pair(1, 8192))
    grid = reader.get(data, "grid", where, int_pair(1, 64, "[columns, rows]"))
    position = reader.get(data, "position", where, int_pair(-8192, 8192, "[x, y]"), (0, 0))
    path = folder / file_name
    if not path.is_file():
        raise ConfigError(reader.file, where + "file", "an existing file", str(path))
    try:
        size = png_size(path)
    except Invalid as bad:
        raise ConfigError(reader.file, where + "file", bad.expected, str(path)) from None
    need = (frame_size[0] * grid[0], frame_size[1] * grid[1])
    if size[0] < need[0] or size[1] < need[1]:
        raise ConfigError(reader.file, where + "grid",
                          f"a grid that fits {file_name} ({size[0]}x{size[1]}; this grid needs {need[0]}x{need[1]})")
    return SheetSpec(path, frame_size, grid, position)


def _read_emotion(reader: _Reader, emotion: str, emotions_data: dict,
                  sheets: dict[str, SheetSpec]) -> EmotionFrames:
    where = f"emotions.{emotion}."
    data = reader.mapping(reader.get(emotions_data, emotion, "emotions.", lambda v: v), where[:-1])
    body = reader.get(data, "body", where, integer(0, sheets["body"].frame_count - 1))

    def frames(key: str, sheet: str, required: tuple[str, ...], optional: tuple[str, ...]) -> dict[str, int]:
        table = reader.mapping(reader.get(data, key, where, lambda v: v), where + key)
        check = integer(0, sheets[sheet].frame_count - 1)
        for name in table:
            if name not in required + optional:
                raise ConfigError(reader.file, f"{where}{key}.{name}", "one of " + ", ".join(required + optional))
        return {name: reader.get(table, name, f"{where}{key}.", check)
                for name in required + optional if name in table or name in required}

    return EmotionFrames(body, frames("eyes", "eyes", EYE_STATES, ()),
                         frames("mouth", "mouths", REQUIRED_MOUTHS, tuple(MOUTH_FALLBACKS)))
