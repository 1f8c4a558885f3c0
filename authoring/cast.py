"""The characters kuchipaku ships, as designs for the generator.

Kotone (characters/default/): pink twin tails tied with ribbons, a star clip,
violet eyes, a navy sailor blouse. Hibiki (characters/hibiki/): an indigo bob
with a swept fringe, headphones, amber eyes, a cream hoodie with orange
drawstrings. Same faces and expressions, so a duo reads as one show.
"""
from __future__ import annotations

import dataclasses

from authoring.design import Design, Palette

KOTONE_PALETTE = Palette(
    # Pinks, violets and navy only.
    outline=(62, 34, 58),
    hair_light=(255, 200, 226), hair_crown=(240, 150, 196), hair=(248, 164, 204), hair_tip=(206, 150, 238),
    hair_shade=(218, 118, 176), hair_back=(196, 104, 164), hair_back_tip=(160, 108, 206),
    hair_hi=(255, 234, 246), hair_line=(150, 64, 118),
    skin=(255, 236, 226), skin_shade=(247, 200, 196), nose=(222, 150, 150),
    cloth=(58, 62, 124), cloth_shade=(40, 42, 90), cloth_hi=(92, 96, 166),
    collar=(252, 250, 255), collar_shade=(214, 208, 238),
    accent=(236, 64, 108), accent_shade=(180, 34, 82), accent_hi=(255, 150, 180),
    gadget=(255, 214, 104), gadget_shade=(246, 168, 72), gadget_hi=(255, 248, 228),
    brow=(112, 46, 88), brow_rim=(255, 214, 232), lash=(56, 28, 54),
    sclera=(255, 255, 255), sclera_line=(206, 150, 162),
    iris_top=(64, 38, 132), iris_mid=(118, 84, 214), iris_bottom=(214, 150, 255), iris_ring=(46, 24, 96),
    iris_glow=(236, 196, 255, 150), lid_shadow=(150, 120, 200, 120), pupil=(34, 18, 66),
    mouth_line=(116, 40, 60), mouth_in=(112, 30, 56), mouth_deep=(78, 16, 40),
    tongue=(242, 126, 150), tongue_shade=(222, 100, 128), teeth=(255, 253, 255),
    blush=(255, 104, 146), hatch=(236, 96, 132),
    tear=(176, 214, 255), tear_line=(84, 112, 196), anger=(232, 40, 76),
)

KOTONE = Design("Kotone", KOTONE_PALETTE, hair="twin_tails", accessories="bows_and_star", outfit="sailor")

HIBIKI_PALETTE = dataclasses.replace(
    KOTONE_PALETTE,
    # Indigo and cream with orange accents: far from Kotone's pink and navy,
    # and blue leans away from the key just as pink does.
    outline=(38, 36, 72),
    hair_light=(150, 168, 244), hair_crown=(92, 108, 206), hair=(106, 126, 220), hair_tip=(126, 104, 214),
    hair_shade=(74, 86, 172), hair_back=(64, 72, 150), hair_back_tip=(84, 64, 150),
    hair_hi=(204, 218, 255), hair_line=(42, 48, 116),
    skin=(255, 234, 220), skin_shade=(240, 198, 190), nose=(218, 150, 140),
    cloth=(246, 238, 230), cloth_shade=(214, 202, 204), cloth_hi=(255, 252, 250),
    collar=(228, 216, 216), collar_shade=(194, 180, 190),
    accent=(255, 142, 60), accent_shade=(212, 98, 34), accent_hi=(255, 200, 140),
    gadget=(64, 62, 84), gadget_shade=(40, 38, 56), gadget_hi=(128, 126, 156),
    brow=(48, 50, 110), brow_rim=(216, 224, 255), lash=(34, 30, 62),
    sclera_line=(186, 150, 170),
    iris_top=(118, 56, 22), iris_mid=(224, 136, 40), iris_bottom=(255, 214, 124), iris_ring=(82, 38, 18),
    iris_glow=(255, 230, 170, 150), lid_shadow=(170, 130, 120, 120), pupil=(58, 26, 14),
)

HIBIKI = Design("Hibiki", HIBIKI_PALETTE, hair="bob", accessories="headphones", outfit="hoodie",
                ahoge=False, bang_sweep=14.0)

# Folder under characters/ -> design. "default" is the character used when
# config.yaml names none.
SHIPPED = {"default": KOTONE, "hibiki": HIBIKI}
