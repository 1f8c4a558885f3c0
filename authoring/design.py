"""What a generated character is made of: a palette and a few shape switches.

The art modules (hair, outfit, accessories, face, eyes, mouths) draw any
Design; authoring/cast.py holds the shipped ones. The frame layout is shared:
every generated character has the same sheets, so one yaml writer and one
contact-sheet layout fit them all.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from authoring.geometry import Color

FRAME = (512, 640)
EYES_POS, EYES_SIZE = (140, 188), (232, 124)
MOUTH_POS, MOUTH_SIZE = (208, 296), (96, 64)
MOUTH_CENTER = (256.0, 325.0)
MOUTH_SCALE = 1.15         # mouths are authored small; this makes lip-sync readable on stream
EYE_CENTER_Y = 258.0
EYE_DX = 64.0              # distance of each eye's centre from the face axis

Rgba = tuple[int, int, int, int]


@dataclass(frozen=True)
class Palette:
    """Every colour the art uses. None may lean green: the stream is keyed on
    #00FF00 (the generator checks every pixel before saving)."""
    outline: Color
    hair_light: Color      # top of the tails' gradient
    hair_crown: Color      # top of the front hair's gradient
    hair: Color
    hair_tip: Color
    hair_shade: Color
    hair_back: Color       # the inside of the hair, beside the neck
    hair_back_tip: Color
    hair_hi: Color         # gloss: the angel ring and streaks
    hair_line: Color       # strands
    skin: Color
    skin_shade: Color
    nose: Color
    cloth: Color           # the top: sailor blouse, hoodie
    cloth_shade: Color
    cloth_hi: Color
    collar: Color          # sailor lapels, the hoodie's hood
    collar_shade: Color
    accent: Color          # bows, drawstrings, the headphones' ring
    accent_shade: Color
    accent_hi: Color
    gadget: Color          # hair clip star, headphones' shell
    gadget_shade: Color
    gadget_hi: Color
    brow: Color
    brow_rim: Color        # a thin pale rim keeps the brow legible over hair lines
    lash: Color
    sclera: Color
    sclera_line: Color
    iris_top: Color
    iris_mid: Color
    iris_bottom: Color
    iris_ring: Color
    iris_glow: Rgba
    lid_shadow: Rgba
    pupil: Color
    mouth_line: Color
    mouth_in: Color
    mouth_deep: Color
    tongue: Color
    tongue_shade: Color
    teeth: Color
    blush: Color
    hatch: Color           # the rosy-cheek hatching of happy and relaxed
    tear: Color
    tear_line: Color
    anger: Color


@dataclass(frozen=True)
class Design:
    """One generated character: her name, her colours and which shapes she wears."""
    name: str
    palette: Palette
    hair: Literal["twin_tails", "bob"]
    accessories: Literal["bows_and_star", "headphones"]
    outfit: Literal["sailor", "hoodie"]
    ahoge: bool = True       # the antenna strand on top of the head
    bang_sweep: float = 0.0  # how far the fringe's tips swing to the viewer's right, in pixels
