"""The one writer of character.yaml, for the generated characters and for the
``--new-character`` template alike.

Both lay their sheets out the same way: the body one frame per emotion, the
eyes one row per emotion (open, closed), the mouths one row per emotion (every
shape in engine/vocabulary.py's order). ``explained=True`` adds the comments a
new artist needs (the template); the generated characters get the bare file.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

import yaml

from engine.stage.presence import PresenceConfig
from engine.vocabulary import EMOTIONS, EYE_STATES, MOUTH_SHAPES

NOTE_COLUMN = 28  # where an end-of-line comment starts


@dataclass(frozen=True)
class SheetLayout:
    file: str
    frame_size: tuple[int, int]
    grid: tuple[int, int]                   # columns, rows
    position: tuple[int, int] | None = None  # top-left inside the character frame; None for the body


@dataclass(frozen=True)
class CharacterLayout:
    frame_size: tuple[int, int]
    body: SheetLayout
    eyes: SheetLayout
    mouths: SheetLayout


# Comments for the template's commented-out presence: section; its keys and
# values come from PresenceConfig itself, so the example cannot drift from it.
PRESENCE_NOTES = {
    "blink_interval_s": "seconds between blinks: random, from the first to the second",
    "blink_s": "how long the eyes stay closed",
    "double_blink_chance": "0 to 1: how often a blink comes twice",
    "breath_px": "breathing: a slow bob this many pixels high",
    "breath_period_s": "one breath, in seconds",
    "bounce_px": "a small hop as each sentence starts",
    "surprise_jump_px": "a bigger jump on turning surprised",
    "crossfade_s": "expressions cross-fade over this long; 0 switches at once",
}

SHEET_NOTES = {
    "body": "everything but eyes and mouth; one frame per emotion",
    "eyes": "drawn over the body",
    "mouths": "drawn over body and eyes",
}


def _pair(values: tuple[int, int]) -> str:
    return f"[{values[0]}, {values[1]}]"


def _scalar(text: str) -> str:
    """Plain when YAML reads it back as the same string; quoted when it would
    not (a name like 123, true or null)."""
    return text if yaml.safe_load(text) == text else json.dumps(text)


def presence_example() -> str:
    lines = []
    for field in dataclasses.fields(PresenceConfig):
        value = field.default
        shown = f"[{value[0]}, {value[1]}]" if isinstance(value, tuple) else str(value)
        note = PRESENCE_NOTES.get(field.name, "")
        lines.append(f"#   {field.name}: {shown}".ljust(34) + (f"# {note}" if note else "").rstrip())
    return "\n".join(line.rstrip() for line in lines) + "\n"


def character_yaml(name: str, layout: CharacterLayout, header: list[str], explained: bool = False) -> str:
    """The text of character.yaml. ``header`` lines become comments at the top."""
    out = [f"# {line}".rstrip() for line in header]

    def add(text: str, note: str = "") -> None:
        out.append(f"{text.ljust(NOTE_COLUMN)}# {note}" if explained and note else text)

    def explain(*lines: str) -> None:
        if explained:
            out.extend(lines)

    explain("")
    add(f"name: {_scalar(name)}", f'shown in the window title: "kuchipaku - {name}"')
    add(f"frame_size: {_pair(layout.frame_size)}",
        "the whole character, in pixels; drawn at the bottom centre of the window")
    explain("")
    out.append("sheets:")
    explain("  # Each sheet is a PNG with alpha holding a grid of equal frames, numbered",
            "  # row by row from 0: left to right along the top row, then the next row.")
    for key, sheet in (("body", layout.body), ("eyes", layout.eyes), ("mouths", layout.mouths)):
        count = sheet.grid[0] * sheet.grid[1]
        add(f"  {key}:", SHEET_NOTES[key])
        add(f"    file: {sheet.file}")
        add(f"    frame_size: {_pair(sheet.frame_size)}")
        add(f"    grid: {_pair(sheet.grid)}", f"[columns, rows]: frames 0-{count - 1}"
            + ("" if key == "body" else ", one row per emotion"))
        if sheet.position is not None:
            add(f"    position: {_pair(sheet.position)}", "[x, y] of a frame's top-left inside the character frame")
    explain("")
    out.append("emotions:")
    explain("  # Which frame of each sheet an emotion uses. All six emotions are required,",
            "  # each with a body, eyes open and closed (blinks), and mouths closed, half",
            "  # and open. wide (e, i) and round (o, u, w) are optional: leave one out and",
            "  # half is drawn instead. Frames may be shared between emotions.")
    eyes, mouths = len(EYE_STATES), len(MOUTH_SHAPES)
    for i, emotion in enumerate(EMOTIONS):
        eye_frames = ", ".join(f"{state}: {eyes * i + k}" for k, state in enumerate(EYE_STATES))
        mouth_frames = ", ".join(f"{shape}: {mouths * i + k}" for k, shape in enumerate(MOUTH_SHAPES))
        out += [f"  {emotion}:", f"    body: {i}", f"    eyes: {{{eye_frames}}}", f"    mouth: {{{mouth_frames}}}"]
    text = "\n".join(out) + "\n"
    if explained:
        text += ("\n# Optional: how the character looks alive between lines. Uncomment and change\n"
                 "# what you like; these are the defaults.\n# presence:\n" + presence_example())
    return text
