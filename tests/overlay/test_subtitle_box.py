"""The subtitle box on its own: karaoke reveal in place, the newest lines kept."""
from __future__ import annotations

import dataclasses

import numpy as np
import pygame
import pytest

from engine.overlay.fonts import load_font
from engine.overlay.subtitles import PADDING, SubtitleBox
from engine.settings.config import OverlayConfig

STYLE = dataclasses.replace(OverlayConfig(), box_opacity=1.0, subtitle_lines=2)
TEXT = "The quick brown fox jumps over the lazy dog and keeps on running far away from here."


@pytest.fixture(scope="module")
def font():
    pygame.font.init()
    return load_font(STYLE.font, STYLE.size)


def text_pixels(surface: pygame.Surface) -> int:
    """How many pixels are drawn in the text colour (white)."""
    rgb = pygame.surfarray.array3d(surface)
    return int((rgb.min(axis=2) > 230).sum())


def test_nothing_to_show_is_no_box(font):
    box = SubtitleBox(font, STYLE, 600)
    assert box.render("", 0) is None
    assert box.render(TEXT, 0) is None


def test_revealing_more_words_only_adds_ink_and_keeps_the_box_size(font):
    box = SubtitleBox(font, STYLE, 600)
    sizes, inks = [], []
    for shown in (3, 9, 15, 19):  # within the first line
        surface = box.render(TEXT, shown)
        sizes.append(surface.get_size())
        inks.append(text_pixels(surface))
    assert len(set(sizes)) == 1
    assert inks == sorted(inks) and inks[0] < inks[-1]


def test_words_do_not_move_as_they_are_revealed(font):
    box = SubtitleBox(font, STYLE, 600)
    early = pygame.surfarray.array3d(box.render(TEXT, 4).copy())
    later = pygame.surfarray.array3d(box.render(TEXT, 19).copy())
    shown_width = font.size(TEXT[:4])[0]
    region = (slice(PADDING, PADDING + shown_width), slice(0, early.shape[1]))
    assert np.array_equal(early[region], later[region]), "the first word was redrawn elsewhere"


def test_only_the_newest_lines_are_kept(font):
    box = SubtitleBox(font, STYLE, 300)
    one_line = box.render(TEXT, 5).get_height()
    full = box.render(TEXT, len(TEXT))
    line_height = font.get_linesize()
    assert full.get_height() <= 2 * PADDING + STYLE.subtitle_lines * (line_height + 2 * STYLE.outline_px) + 2
    assert full.get_height() > one_line
