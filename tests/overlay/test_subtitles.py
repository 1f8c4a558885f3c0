"""Subtitles: styling, karaoke reveal, Japanese glyphs, their own window."""
from __future__ import annotations

import dataclasses
import time

import numpy as np
import pygame
import pytest

from engine.overlay.captions import Captions
from engine.overlay.fonts import load_font
from engine.overlay.overlays import Overlays
from engine.settings.config import Config, HttpApiConfig, LinkConfig, OverlayConfig
from engine.speech.clip import clip_from_samples
from support.program import ROOT, run_app
from support.timing import wait_for


@pytest.fixture(scope="module")
def display():
    pygame.display.init()
    pygame.font.init()
    yield pygame.display.set_mode((1280, 720))
    pygame.display.quit()


def overlays(style: OverlayConfig) -> Overlays:
    font = load_font(style.font, style.size)
    return Overlays((1280, 720), font, font, font, style)


def ink(surface: pygame.Surface, colour: tuple[int, int, int]) -> int:
    """How many pixels are (nearly) ``colour``."""
    pixels = pygame.surfarray.array3d(surface).reshape(-1, 3).astype(int)
    return int((np.abs(pixels - colour).sum(axis=1) < 30).sum())


def test_japanese_renders_as_glyphs_not_boxes(display):
    font = load_font("noto-sans-cjk-jp", 40)
    notdef = pygame.surfarray.array_alpha(font.render("\U000F0000", True, (255, 255, 255)))  # no font has it
    for char in "こんにちは、世界。カタカナ漢字":
        glyph = pygame.surfarray.array_alpha(font.render(char, True, (255, 255, 255)))
        same_size = glyph.shape == notdef.shape
        assert not (same_size and (glyph == notdef).all()), f"{char!r} rendered as the missing-glyph box"
        assert glyph.max() > 0


def test_karaoke_reveals_in_place(display):
    clip = clip_from_samples(np.zeros(22050, np.int16), 22050, words=((0.0, 5), (0.4, 11), (0.7, 17)))
    text = "Hello there friend"
    assert [clip.revealed(t, len(text)) for t in (0.0, 0.5, 0.8, 1.5)] == [5, 11, 17, 18]
    mimed = clip_from_samples(np.zeros(22050, np.int16), 22050)
    assert mimed.revealed(0.5, 10) == 5  # no word positions: in proportion to time

    captions = Captions()
    captions.spoken("First sentence.")
    captions.spoken("Hello there friend")
    captions.reveal(5)
    assert captions.subtitle == "First sentence. Hello there friend"
    assert captions.shown_length == len("First sentence. Hello")
    style = OverlayConfig()
    painter = overlays(style)
    full = painter.subtitle_box.render(captions.subtitle, len(captions.subtitle)).copy()
    part = painter.subtitle_box.render(captions.subtitle, captions.shown_length).copy()
    assert full.get_size() == part.get_size()  # the layout does not move as words appear
    assert 0 < ink(part, style.text_colour) < ink(full, style.text_colour)


def test_styles_and_older_lines_scrolling_off(display):
    text = " ".join(f"Sentence number {n} is here." for n in range(12))
    plain = overlays(OverlayConfig()).subtitle_box.render(text, len(text))
    two_lines = overlays(OverlayConfig(subtitle_lines=2)).subtitle_box.render(text, len(text))
    assert two_lines.get_height() < plain.get_height()
    gold = overlays(OverlayConfig(text_colour=(255, 200, 0))).subtitle_box.render("Gold text.", 10)
    assert ink(gold, (255, 200, 0)) > 50
    see_through = overlays(OverlayConfig(box_opacity=0.5)).subtitle_box.render("Half.", 5)
    alpha = pygame.surfarray.array_alpha(see_through)
    assert 100 < alpha[alpha.shape[0] // 2, 2] < 160  # the box, half opaque
    wide = overlays(OverlayConfig(subtitle_width=0.5)).subtitle_box.render("x", 1)
    assert wide.get_width() == 640


@pytest.mark.parametrize("mode", ["window", "hidden"])
def test_subtitles_in_their_own_window_or_hidden(mode):
    config = dataclasses.replace(Config(), link=LinkConfig(port=0), http_api=HttpApiConfig(port=0),
                                 overlays=OverlayConfig(subtitles=mode, subtitle_window_size=(800, 160)))
    from engine.app.build import Line, build
    from engine.stage.character import load_character_spec

    app = build(config, load_character_spec(ROOT / "characters" / "default"), say=[Line("Subtitles elsewhere.")])
    seen: dict = {}

    def drive(app) -> None:
        wait_for(lambda: app.captions.subtitle == "Subtitles elsewhere.", what="the line")
        wait_for(lambda: app.speech.state.value == "idle" and app.captions.shown_length == 20,
                 what="the line spoken")
        time.sleep(0.1)
        stage = app.window.screen.copy()
        seen["stage_band"] = pygame.surfarray.array3d(stage)[320:960, 620:690]
        if app.window.subtitle_window is not None:
            seen["window"] = app.window.subtitle_window.get_surface().copy()
            seen["title"] = app.window.subtitle_window.title

    run_app(app, drive)
    band = seen["stage_band"]
    assert not (np.abs(band.astype(int) - (16, 16, 28)).sum(axis=2) < 6).mean() > 0.5, "a box on the stage"
    if mode == "window":
        assert seen["title"] == "kuchipaku subtitles"
        assert seen["window"].get_size() == (800, 160)
        assert ink(seen["window"], (255, 255, 255)) > 200  # the text is there
    else:
        assert "window" not in seen
