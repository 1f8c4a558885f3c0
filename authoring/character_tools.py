"""Tools for character artists: ``--new-character`` and ``--check-character``.

``new_character`` scaffolds ``characters/NAME/``: a commented character.yaml
with the default character's schema and placeholder sheets whose every frame
says which sheet, emotion and frame it is, so a half-finished character shows
at a glance which frames are still placeholders.

``check_character`` validates a character the way the program does at start-up
and renders a contact sheet: every emotion x mouth shape x eyes open/closed,
each cell drawn by the stage's own ``CharacterSprites`` on the chroma-key
green, so the artist sees the layers exactly as the stream will.

``emotion_screenshots`` writes one composed frame per emotion (for docs/).
Every function takes ``characters_dir`` so tests can work in a temporary folder.
"""
from __future__ import annotations

import dataclasses
import math
import os
import re
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np
import pygame

from engine.stage.character import CharacterSpec, load_character_spec
from engine.stage.presence import PresenceConfig
from engine.vocabulary import EMOTIONS, EYE_STATES, MOUTH_FALLBACKS, MOUTH_SHAPES
from engine.stage.sheets import assemble_sheet
from engine.stage.sprites import CharacterSprites
from engine.settings.validate import ConfigError

CHARACTERS_DIR = Path(__file__).resolve().parent.parent / "characters"
NAME_PATTERN = r"[A-Za-z0-9_-]+"
KEY_GREEN = (0, 255, 0)

# The same test draw_default_character.py applies before saving: a visible
# pixel whose green beats red and blue by more than this is at risk from the key.
GREEN_MARGIN = 8


class ToolError(Exception):
    """A refusal; ``str()`` is the one line shown to the user."""


def check_name(name: str, flag: str) -> str:
    # The name becomes a path: only a plain folder name may pass, never "../x".
    if not re.fullmatch(NAME_PATTERN, name):
        raise ToolError(f"{flag}: {name!r} is not a character folder name (use letters, digits, _ and - only)")
    return name


@contextmanager
def offscreen_display() -> Iterator[None]:
    """CharacterSprites calls convert_alpha(), which needs a display surface.

    Off-screen by default (dummy driver) so the tools work over SSH and never
    flash a window; an already open display (the app, a test) is reused and
    left open.
    """
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    opened = pygame.display.get_surface() is None
    if opened:
        pygame.display.init()
        pygame.display.set_mode((1, 1))
    pygame.font.init()
    try:
        yield
    finally:
        if opened:
            pygame.display.quit()


def _save_png(surface: pygame.Surface, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pygame.image.save(surface, str(path))
    return path


# --- composing frames as the stage does ---------------------------------------

def compose(sprites: CharacterSprites, emotion: str, eyes_closed: bool, mouth: str) -> pygame.Surface:
    """One character frame on the chroma-key green, drawn by the stage's own code."""
    surface = pygame.Surface(sprites.size)
    surface.fill(KEY_GREEN)
    sprites.draw(surface, (0, 0), emotion, eyes_closed, mouth)
    return surface


def emotion_screenshots(spec: CharacterSpec, out_dir: Path, scale: float = 1.0) -> list[Path]:
    """``emotion_<name>.png`` per emotion: mouth half open, eyes open."""
    with offscreen_display():
        sprites = CharacterSprites(spec, scale)
        return [_save_png(compose(sprites, emotion, False, "half"), out_dir / f"emotion_{emotion}.png")
                for emotion in EMOTIONS]


# --- the contact sheet ----------------------------------------------------------------

CELL_MAX_HEIGHT = 320   # cells are shrunk to this height (never enlarged): 60 full frames would be huge
GAP = 6                 # between cells
CAPTION_HEIGHT = 34     # two lines under each cell
TITLE_HEIGHT = 34
SHEET_BACKGROUND = (36, 34, 44)  # dark grey around the cells, so the green cell edges show
TEXT = (238, 236, 244)
TEXT_DIM = (170, 166, 186)


@dataclass(frozen=True)
class ContactSheetLayout:
    """Rows are emotions; columns are the mouth shapes with eyes open, then with eyes closed."""
    scale: float
    cell: tuple[int, int]

    columns: ClassVar[int] = len(EYE_STATES) * len(MOUTH_SHAPES)
    rows: ClassVar[int] = len(EMOTIONS)

    @staticmethod
    def for_spec(spec: CharacterSpec, scale: float | None = None) -> ContactSheetLayout:
        if scale is None:
            scale = min(1.0, CELL_MAX_HEIGHT / spec.frame_size[1])
        # The same rounding as CharacterSprites.size, so a cell fits the sprite exactly.
        return ContactSheetLayout(scale, (round(spec.frame_size[0] * scale), round(spec.frame_size[1] * scale)))

    @property
    def size(self) -> tuple[int, int]:
        width, height = self.cell
        return (GAP + self.columns * (width + GAP),
                TITLE_HEIGHT + self.rows * (height + CAPTION_HEIGHT + GAP) + GAP)

    def cell_rect(self, row: int, column: int) -> pygame.Rect:
        width, height = self.cell
        return pygame.Rect(GAP + column * (width + GAP), TITLE_HEIGHT + row * (height + CAPTION_HEIGHT + GAP),
                           width, height)

    def cell_of(self, emotion: str, eyes: str, mouth: str) -> pygame.Rect:
        return self.cell_rect(EMOTIONS.index(emotion),
                              EYE_STATES.index(eyes) * len(MOUTH_SHAPES) + MOUTH_SHAPES.index(mouth))


def _text(surface: pygame.Surface, text: str, topleft: tuple[int, int], size: int, color: tuple[int, int, int],
          max_width: int) -> None:
    """Draw one line with pygame's default font, shrinking it until it fits
    (and cutting it off at ``max_width`` if even the smallest size does not)."""
    while True:
        image = pygame.font.Font(None, size).render(text, True, color)
        if image.get_width() <= max_width or size <= 10:
            break
        size -= 1
    surface.blit(image, topleft, pygame.Rect(0, 0, max_width, image.get_height()))


def render_contact_sheet(spec: CharacterSpec, scale: float | None = None) -> pygame.Surface:
    """Every emotion x mouth shape x eyes state, each composed as on stream.

    Needs a display surface (see offscreen_display)."""
    layout = ContactSheetLayout.for_spec(spec, scale)
    sprites = CharacterSprites(spec, layout.scale)
    sheet = pygame.Surface(layout.size)
    sheet.fill(SHEET_BACKGROUND)
    _text(sheet, f"{spec.name} ({spec.folder.name}): rows are emotions; columns are mouth shapes, eyes open then "
                 f"eyes closed. Frames shown at {layout.scale:.2f}x on #00FF00.",
          (GAP, 10), 22, TEXT, layout.size[0] - 2 * GAP)
    width = layout.cell[0]
    for emotion in EMOTIONS:
        frames = spec.emotions[emotion]
        for eyes in EYE_STATES:
            for mouth in MOUTH_SHAPES:
                rect = layout.cell_of(emotion, eyes, mouth)
                sheet.blit(compose(sprites, emotion, eyes == "closed", mouth), rect)
                # A missing optional shape is drawn with its fallback; say so, the
                # artist may not have meant it.
                shown = mouth if mouth in frames.mouth else f"{mouth}->{MOUTH_FALLBACKS.get(mouth, 'closed')}"
                _text(sheet, f"{emotion} / mouth {shown} / eyes {eyes}", (rect.x, rect.bottom + 3), 18, TEXT, width)
                _text(sheet, f"frames: body {frames.body}, eyes {frames.eyes[eyes]}, "
                             f"mouth {frames.mouth_frame(mouth)}",
                      (rect.x, rect.bottom + 18), 16, TEXT_DIM, width)
    return sheet


def sheet_warnings(spec: CharacterSpec) -> list[str]:
    """Things that load fine but will look wrong on stream. Needs a display."""
    warnings = []
    for sheet_name, sheet in spec.sheets.items():
        image = pygame.image.load(str(sheet.file)).convert_alpha()
        rgb = pygame.surfarray.array3d(image).astype(np.int16)
        alpha = pygame.surfarray.array_alpha(image)
        green = (alpha > 0) & (rgb[..., 1] > np.maximum(rgb[..., 0], rgb[..., 2]) + GREEN_MARGIN)
        if green.any():
            x, y = (int(v[0]) for v in np.nonzero(green))
            edge = int((green & (alpha < 255)).sum())
            warnings.append(f"{sheet.file.name}: {int(green.sum())} visible pixels lean green ({edge} on soft edges; "
                            f"first at x={x}, y={y}): the chroma key will eat or fringe them; see docs/CHARACTERS.md")
        used: dict[int, list[str]] = {}
        for emotion, frames in spec.emotions.items():
            names = {"body": {"body": frames.body}, "eyes": frames.eyes, "mouths": frames.mouth}[sheet_name]
            for name, index in names.items():
                used.setdefault(index, []).append(f"{emotion} {name}")
        for index, uses in sorted(used.items()):
            x, y, w, h = sheet.frame_rect(index)
            if not alpha[x:x + w, y:y + h].any():
                warnings.append(f"{sheet.file.name}: frame {index} ({', '.join(uses)}) is empty (fully transparent)")
    return warnings


def check_character(name: str, out: Path | None = None,
                    characters_dir: Path = CHARACTERS_DIR) -> tuple[CharacterSpec, Path, list[str]]:
    """Validate ``characters_dir/name`` and write its contact sheet.

    Raises ToolError for a bad name and ConfigError (one line) for a bad character.
    """
    check_name(name, "--check-character")
    spec = load_character_spec(characters_dir / name)
    out = out if out is not None else spec.folder / "contact_sheet.png"
    with offscreen_display():
        warnings = sheet_warnings(spec)
        _save_png(render_contact_sheet(spec), out)
    return spec, out, warnings


# --- the scaffold ------------------------------------------------------------------------

# The template's geometry, in character-frame pixels. The sheets are laid out as
# the default character's: body one frame per emotion, eyes one row per emotion
# (open, closed), mouths one row per emotion (closed, half, open, wide, round).
FRAME = (512, 640)
BODY_GRID = (3, 2)
EYES_FRAME, EYES_GRID, EYES_POS = (256, 116), (2, 6), (128, 244)
MOUTH_FRAME, MOUTH_GRID, MOUTH_POS = (160, 104), (5, 6), (176, 372)
S = 4  # placeholders are drawn at 4x and shrunk: clean anti-aliased edges, as docs/CHARACTERS.md advises

OUTLINE = (52, 36, 64)
HAIR = (120, 84, 150)
SKIN = (255, 226, 214)
SHIRT = (70, 74, 140)
SCLERA = (255, 255, 255)
IRIS = (112, 76, 196)
LIPS = (150, 50, 80)
MOUTH_INSIDE = (110, 28, 56)
TONGUE = (236, 120, 146)
TEETH = (250, 248, 255)
PLATE = (40, 30, 56)
PLATE_TEXT = (255, 246, 200)

# Per emotion: brow tilt (inner end up +, down -), brow lift, mouth-corner lift.
MOOD = {
    "neutral": (0, 0, 0), "happy": (3, 4, 8), "sad": (9, 2, -7),
    "angry": (-10, -2, -5), "relaxed": (0, 0, 4), "surprised": (0, 12, 0),
}


# Comments for the template's commented-out presence: section; its keys and
# values come from PresenceConfig itself, so the example cannot drift from it.
PRESENCE_NOTES = {
    "blink_interval_s": "seconds between blinks: random, from the first to the second",
    "blink_s": "how long the eyes stay closed",
    "double_blink_chance": "0 to 1: how often a blink comes twice",
    "breath_px": "breathing: a slow bob this many pixels high",
    "breath_period_s": "one breath, in seconds",
    "bounce_px": "a small hop as each sentence starts",
    "bounce_s": "",
    "surprise_jump_px": "a bigger jump on turning surprised",
    "surprise_jump_s": "",
    "crossfade_s": "expressions cross-fade over this long; 0 switches at once",
}


def _presence_example() -> str:
    lines = []
    for field in dataclasses.fields(PresenceConfig):
        value = field.default
        shown = f"[{value[0]}, {value[1]}]" if isinstance(value, tuple) else str(value)
        note = PRESENCE_NOTES.get(field.name, "")
        lines.append(f"#   {field.name}: {shown}".ljust(34) + (f"# {note}" if note else "").rstrip())
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _template(name: str) -> str:
    emotions = []
    for i, emotion in enumerate(EMOTIONS):
        mouths = ", ".join(f"{shape}: {5 * i + k}" for k, shape in enumerate(MOUTH_SHAPES))
        emotions.append(f"  {emotion}:\n    body: {i}\n    eyes: {{open: {2 * i}, closed: {2 * i + 1}}}\n"
                        f"    mouth: {{{mouths}}}\n")
    return f"""\
# {name}: a kuchipaku character, scaffolded by `python main.py --new-character {name}`.
# docs/CHARACTERS.md explains every key. Replace body.png, eyes.png and
# mouths.png with your own drawings (keep these sizes, or change the numbers
# below to match), then look at the result on the chroma-key green:
#     python main.py --check-character {name}
# and go live with:
#     python main.py --character {name}

name: "{name}"              # shown in the window title: "kuchipaku - {name}"
frame_size: [{FRAME[0]}, {FRAME[1]}]      # the whole character, in pixels; drawn at the bottom centre of the window

sheets:
  # Each sheet is a PNG with alpha holding a grid of equal frames, numbered
  # row by row from 0: left to right along the top row, then the next row.
  body:                     # everything but eyes and mouth; one frame per emotion
    file: body.png
    frame_size: [{FRAME[0]}, {FRAME[1]}]
    grid: [{BODY_GRID[0]}, {BODY_GRID[1]}]              # [columns, rows]: frames 0-5
  eyes:                     # drawn over the body
    file: eyes.png
    frame_size: [{EYES_FRAME[0]}, {EYES_FRAME[1]}]
    grid: [{EYES_GRID[0]}, {EYES_GRID[1]}]              # frames 0-11: one row per emotion, open then closed
    position: [{EYES_POS[0]}, {EYES_POS[1]}]       # [x, y] of an eyes frame's top-left inside the character frame
  mouths:                   # drawn over body and eyes
    file: mouths.png
    frame_size: [{MOUTH_FRAME[0]}, {MOUTH_FRAME[1]}]
    grid: [{MOUTH_GRID[0]}, {MOUTH_GRID[1]}]              # frames 0-29: one row per emotion
    position: [{MOUTH_POS[0]}, {MOUTH_POS[1]}]

emotions:
  # Which frame of each sheet an emotion uses. All six emotions are required,
  # each with a body, eyes open and closed (blinks), and mouths closed, half
  # and open. wide (e, i) and round (o, u, w) are optional: leave one out and
  # half is drawn instead. Frames may be shared between emotions.
{"".join(emotions)}
# Optional: how the character looks alive between lines. Uncomment and change
# what you like; these are the defaults.
# presence:
{_presence_example()}"""


class _Canvas:
    """A frame drawn at S times its size; coordinates are in final frame pixels."""

    def __init__(self, size: tuple[int, int]) -> None:
        self.surface = pygame.Surface((size[0] * S, size[1] * S), pygame.SRCALPHA)

    def ellipse(self, color: tuple[int, int, int], center: tuple[float, float], radii: tuple[float, float],
                outline: float = 0) -> None:
        (cx, cy), (rx, ry) = center, radii
        if outline:
            rect = pygame.Rect(0, 0, (rx + outline) * 2 * S, (ry + outline) * 2 * S)
            rect.center = (round(cx * S), round(cy * S))
            pygame.draw.ellipse(self.surface, OUTLINE, rect)
        rect = pygame.Rect(0, 0, rx * 2 * S, ry * 2 * S)
        rect.center = (round(cx * S), round(cy * S))
        pygame.draw.ellipse(self.surface, color, rect)

    def line(self, color: tuple[int, int, int], points: list[tuple[float, float]], width: float) -> None:
        scaled = [(x * S, y * S) for x, y in points]
        pygame.draw.lines(self.surface, color, False, scaled, round(width * S))
        for point in (scaled[0], scaled[-1]):  # round caps
            pygame.draw.circle(self.surface, color, point, width * S / 2)

    def polygon(self, color: tuple[int, int, int], points: list[tuple[float, float]]) -> None:
        pygame.draw.polygon(self.surface, color, [(x * S, y * S) for x, y in points])

    def finish(self) -> pygame.Surface:
        """Shrink to 1x. Transparent pixels first take the outline colour, because
        smoothscale averages their colour into the edge pixels too: left black (or
        green) they would leave a dark (or green) fringe on the chroma key."""
        rgb = pygame.surfarray.pixels3d(self.surface)
        rgb[pygame.surfarray.pixels_alpha(self.surface) == 0] = OUTLINE
        del rgb
        w, h = self.surface.get_size()
        return pygame.transform.smoothscale(self.surface, (w // S, h // S))


def _curve(x0: float, x1: float, y: float, lift: float, steps: int = 12) -> list[tuple[float, float]]:
    """A horizontal stroke whose ends rise by ``lift`` (a smile) or fall (a frown)."""
    mid = (x0 + x1) / 2
    return [(x, y - lift * ((x - mid) / ((x1 - x0) / 2)) ** 2)
            for x in (x0 + (x1 - x0) * i / steps for i in range(steps + 1))]


def _label(frame: pygame.Surface, lines: list[str], size: int) -> None:
    """An opaque plate with the frame's name: readable on any colour, and no
    half-transparent pixels for the key to tint."""
    images = [pygame.font.Font(None, size).render(line, True, PLATE_TEXT) for line in lines]
    while max(i.get_width() for i in images) > frame.get_width() - 8 and size > 10:
        size -= 1
        images = [pygame.font.Font(None, size).render(line, True, PLATE_TEXT) for line in lines]
    width = max(i.get_width() for i in images) + 8
    height = sum(i.get_height() for i in images) + 4
    plate = pygame.Rect(0, 0, width, height)
    plate.midbottom = (frame.get_width() // 2, frame.get_height() - 1)
    frame.fill((*PLATE, 255), plate)
    y = plate.y + 2
    for image in images:
        frame.blit(image, (plate.centerx - image.get_width() // 2, y))
        y += image.get_height()


def _fringe() -> list[tuple[float, float]]:
    """Bangs: the top of the hair ellipse down to a zig-zag edge across the forehead."""
    top = [(256 + 178 * math.cos(a), 300 + 200 * math.sin(a))
           for a in (math.radians(194 + 152 * i / 24) for i in range(25))]
    xs = [top[-1][0] - (top[-1][0] - top[0][0]) * i / 12 for i in range(13)]
    edge = [(x, 218 if i % 2 == 0 else 242) for i, x in enumerate(xs)]
    return top + [top[-1]] + edge[1:-1] + [top[0]]  # the ends stay on the hair's outline


def _draw_body(index: int, emotion: str) -> pygame.Surface:
    tilt, lift, _ = MOOD[emotion]
    cv = _Canvas(FRAME)
    cv.ellipse(HAIR, (256, 300), (178, 200), outline=3)                  # hair behind the head
    cv.polygon(OUTLINE, [(84, 640), (124, 548), (388, 548), (428, 640)])  # shoulders
    cv.polygon(SHIRT, [(90, 640), (128, 553), (384, 553), (422, 640)])
    cv.ellipse(SKIN, (256, 520), (40, 50), outline=3)                     # neck
    cv.ellipse(SKIN, (256, 336), (140, 160), outline=3)                   # face
    fringe = _fringe()
    cv.line(OUTLINE, fringe[25:], 6)                                      # outline of the bangs' edge only
    cv.polygon(HAIR, fringe)
    for side in (-1, 1):                                                  # brows say the emotion too
        inner, outer = 256 + side * 26, 256 + side * 92
        y = 254 - lift
        cv.line(OUTLINE, [(outer, y), (inner, y - tilt)], 6)
    cv.ellipse((250, 190, 196), (256 - 96, 400), (22, 12))                # cheeks
    cv.ellipse((250, 190, 196), (256 + 96, 400), (22, 12))
    frame = cv.finish()
    _label(frame, [f"{emotion} / body", f"(body #{index})"], 30)
    return frame


def _draw_eyes(index: int, emotion: str, state: str) -> pygame.Surface:
    cv = _Canvas(EYES_FRAME)
    for cx in (72, EYES_FRAME[0] - 72):
        cy = 46
        if state == "closed":
            cv.line(OUTLINE, _curve(cx - 30, cx + 30, cy + 2, -8 if emotion in ("happy", "relaxed") else 4), 5)
            continue
        ry = 30 if emotion == "surprised" else 18 if emotion == "relaxed" else 24
        cv.ellipse(SCLERA, (cx, cy), (30, ry), outline=3)
        iris = 10 if emotion == "surprised" else 15
        cv.ellipse(IRIS, (cx, cy + 2), (iris, min(iris, ry - 2)))
        cv.ellipse(OUTLINE, (cx, cy + 2), (iris * 0.45, min(iris, ry - 2) * 0.45))
        cv.ellipse(SCLERA, (cx - 4, cy - 4), (4, 4))
    frame = cv.finish()
    _label(frame, [f"{emotion} / eyes {state} (#{index})"], 18)
    return frame


def _draw_mouth(index: int, emotion: str, shape: str) -> pygame.Surface:
    lift = MOOD[emotion][2]
    cv = _Canvas(MOUTH_FRAME)
    cx, cy = MOUTH_FRAME[0] / 2, 34
    if shape == "closed":
        cv.line(LIPS, _curve(cx - 32, cx + 32, cy, lift), 5)
    else:
        radii = {"half": (28, 10), "open": (28, 22), "wide": (42, 12), "round": (17, 19)}[shape]
        cv.ellipse(MOUTH_INSIDE, (cx, cy), radii, outline=3)
        if shape in ("open", "round"):
            cv.ellipse(TONGUE, (cx, cy + radii[1] * 0.55), (radii[0] * 0.6, radii[1] * 0.35))
        if shape in ("open", "wide"):
            cv.ellipse(TEETH, (cx, cy - radii[1] * 0.62), (radii[0] * 0.7, radii[1] * 0.25))
    frame = cv.finish()
    _label(frame, [emotion, f"mouth {shape} (#{index})"], 18)
    return frame


def placeholder_sheets() -> dict[str, pygame.Surface]:
    """body.png, eyes.png and mouths.png for the template. Needs pygame.font."""
    bodies = [_draw_body(i, emotion) for i, emotion in enumerate(EMOTIONS)]
    eyes = [_draw_eyes(2 * i + k, emotion, state)
            for i, emotion in enumerate(EMOTIONS) for k, state in enumerate(EYE_STATES)]
    mouths = [_draw_mouth(5 * i + k, emotion, shape)
              for i, emotion in enumerate(EMOTIONS) for k, shape in enumerate(MOUTH_SHAPES)]
    return {"body.png": assemble_sheet(bodies, BODY_GRID[0], OUTLINE),
            "eyes.png": assemble_sheet(eyes, EYES_GRID[0], OUTLINE),
            "mouths.png": assemble_sheet(mouths, MOUTH_GRID[0], OUTLINE)}


def new_character(name: str, characters_dir: Path = CHARACTERS_DIR) -> Path:
    """Create ``characters_dir/name`` with the template; returns the folder.

    Refuses (ToolError) a bad name or an existing folder: it never overwrites
    an artist's work.
    """
    check_name(name, "--new-character")
    folder = characters_dir / name
    if folder.exists():
        raise ToolError(f"--new-character: {folder} already exists; choose another name")
    pygame.font.init()
    sheets = placeholder_sheets()
    try:
        # mkdir without exist_ok: if another process made the folder since the
        # check above, we stop here rather than write into it.
        folder.mkdir(parents=False)
    except FileExistsError:
        raise ToolError(f"--new-character: {folder} already exists; choose another name") from None
    except OSError as err:
        raise ToolError(f"--new-character: cannot create {folder}: {err.strerror or err}") from None
    try:
        (folder / "character.yaml").write_text(_template(name), encoding="utf-8")
        for file_name, surface in sheets.items():
            pygame.image.save(surface, str(folder / file_name))
    except (OSError, pygame.error) as err:
        shutil.rmtree(folder, ignore_errors=True)  # no half-made character left behind
        raise ToolError(f"--new-character: cannot write {folder}: {err}") from None
    return folder


# --- the command line ------------------------------------------------------------------

def run_cli(new: str | None, check: str | None, out: Path | None,
            characters_dir: Path = CHARACTERS_DIR) -> int:
    """main.py's --new-character / --check-character / --out; returns the exit code."""
    try:
        if out is not None and check is None:
            raise ToolError("--out: only with --check-character NAME")
        if new is not None:
            folder = new_character(new, characters_dir)
            print(f"created {folder} (character.yaml, body.png, eyes.png, mouths.png); "
                  f"next: python main.py --check-character {new}")
            return 0
        assert check is not None
        spec, path, warnings = check_character(check, out, characters_dir)
    except (ToolError, ConfigError) as err:
        print(f"kuchipaku: {err}", file=sys.stderr)
        return 2
    except (OSError, pygame.error) as err:
        print(f"kuchipaku: cannot write the contact sheet: {err}", file=sys.stderr)
        return 1
    for warning in warnings:
        print(f"kuchipaku: warning: {warning}", file=sys.stderr)
    print(f"{spec.name} ({spec.folder}): OK, {len(spec.emotions)} emotions x {len(MOUTH_SHAPES)} mouth shapes "
          f"x {len(EYE_STATES)} eye states" + (f", {len(warnings)} warning(s)" if warnings else ""))
    print(path)
    return 0
