"""What viewers read: the display form of a line, a subtitle's life, colour
emoji with no empty boxes, and nothing running off the window at any size."""
from __future__ import annotations

import dataclasses

import emoji
import numpy as np
import pygame
import pytest

from engine.overlay.captions import Captions
from engine.overlay.display_text import display_form
from engine.overlay.fonts import emoji_font_file, load_font, runs
from engine.overlay.input_box import InputBox
from engine.overlay.overlays import Overlays
from engine.overlay.toasts import ToastBoard
from engine.settings.config import OverlayConfig
from engine.vocabulary import Role


@pytest.mark.parametrize("sent, shown", [
    ("**Great question!**", "Great question!"),
    ("## Summary\nIt works.", "Summary It works."),
    ("See https://www.example.com/search?q=a&b=c#x.", "See example.com."),
    ("Read [the docs](https://docs.python.org/3/) first", "Read the docs first"),
    ("- one\n- *two*\n> quoted", "one two quoted"),
    ("Use `make test` now", "Use make test now"),
    ("```python\nprint(1)\n```", "print(1)"),
    ("I love this game 😂🎮❤️", "I love this game 😂🎮❤️"),
    ("こんにちは**世界**！", "こんにちは世界！"),
    ("2*3*4 = 24 and snake_case_name stay", "2*3*4 = 24 and snake_case_name stay"),
    ("**Great question! ** See it", "Great question! See it"),  # a sentence cut between the marks
])
def test_display_form(sent, shown):
    assert display_form(sent) == shown


def test_a_subtitle_lingers_then_fades_and_a_new_message_or_cancel_clears_it():
    captions = Captions(linger_s=3.0)
    captions.spoken("**Hello** there.")
    assert captions.subtitle == "Hello there."
    captions.settle(10.0, speaking=True)
    captions.settle(11.0, speaking=False)  # the speech ended at 11
    captions.settle(13.0, speaking=False)
    assert captions.subtitle and captions.opacity == 1.0
    captions.settle(13.75, speaking=False)
    assert captions.subtitle and 0 < captions.opacity < 1  # fading
    captions.settle(14.0, speaking=False)
    assert captions.subtitle == ""
    captions.spoken("One.")
    captions.new_block()
    assert captions.subtitle == ""
    captions.spoken("Two.")
    captions.clear()
    assert captions.subtitle == ""


def test_lines_that_are_not_spoken_never_reach_the_subtitle():
    captions = Captions()
    captions.spoken("Spoken.")
    captions.show(Role.PLAIN, "system", "secret prompt")
    captions.show(Role.QUESTION, "user", "a question")
    captions.show(Role.PANEL, "code", "print(1)")
    assert captions.subtitle == "Spoken."
    assert list(captions.offstage) == ["(system) secret prompt", "(user) a question", "(code) print(1)"]


@pytest.fixture(scope="module")
def screen():
    pygame.display.init()
    pygame.font.init()
    yield pygame.display.set_mode((64, 64))
    pygame.display.quit()


def test_every_emoji_up_to_unicode_15_is_a_glyph_not_the_missing_box(screen):
    font = pygame.font.Font(str(emoji_font_file()), 24)
    notdef = pygame.surfarray.array_alpha(font.render("\U000F0000", True, (255, 255, 255)))
    qualified = emoji.STATUS["fully_qualified"]
    every = [e for e, data in emoji.EMOJI_DATA.items() if data["E"] <= 15 and data["status"] == qualified]
    assert len(every) > 3600
    boxes = []
    for sequence in every:
        assert runs(sequence) == ((sequence, True),), f"{sequence!r} is not drawn with the emoji font"
        glyph = pygame.surfarray.array_alpha(font.render(sequence, True, (255, 255, 255)))
        if glyph.max() == 0 or (glyph.shape == notdef.shape and (glyph == notdef).all()):
            boxes.append(sequence)
    assert not boxes, f"{len(boxes)} emoji drawn as the missing-glyph box: {''.join(boxes[:40])}"


def test_emoji_in_a_line_are_drawn_in_colour_and_text_stays_text(screen):
    font = load_font("noto-sans-cjk-jp", 30)
    line = font.render("Hi 😂 日本 ❤️", True, (255, 255, 255))
    rgb = pygame.surfarray.array3d(line).astype(int)
    alpha = pygame.surfarray.array_alpha(line)
    saturated = ((rgb.max(axis=2) - rgb.min(axis=2)) > 100) & (alpha > 200)
    assert saturated.sum() > 100  # the laughing face's yellow and the heart's red
    assert font.size("Hi 😂")[0] > font.size("Hi ")[0] + 20  # the emoji takes its room in the layout


SIZES = [(640, 360), (960, 540), (1280, 720), (1920, 1080), (3840, 2160)]
LONG_WORD = "Supercalifragilisticexpialidocious" * 8
LONG_NOTICE = "Refused a connection from a very long origin name " + "x" * 300


@pytest.mark.parametrize("size", SIZES)
def test_nothing_runs_off_the_window_and_the_subtitle_leaves_the_help_alone(screen, size):
    style = dataclasses.replace(OverlayConfig(), toasts_on_stage=True)
    font = load_font(style.font, style.size)
    small = load_font(style.font, max(10, round(style.size * 0.62)))
    overlays = Overlays(size, font, small, small, style)
    captions = Captions()
    captions.spoken(f"{LONG_WORD} and then 😂 some ordinary words to fill a second and a third line of text.")
    toasts = ToastBoard(5.0)
    toasts.push(LONG_NOTICE, "warning", 0.0)
    target = pygame.Surface(size)
    target.fill((0, 255, 0))
    from engine.app.hotkeys import HELP_LINES
    typing = InputBox()
    typing.active, typing.text = True, "a line typed by the streamer that goes on " * 20
    overlays.draw(target, captions, toasts, typing, HELP_LINES)
    pixels = pygame.surfarray.array3d(target).swapaxes(0, 1).astype(int)

    def rows_and_columns(colour, tolerance=4):
        hit = np.abs(pixels - colour).sum(axis=2) <= tolerance
        return np.flatnonzero(hit.any(axis=1)), np.flatnonzero(hit.any(axis=0))

    box_rows, box_columns = rows_and_columns(style.box_colour)
    assert len(box_rows), "no subtitle box"
    assert box_columns[0] > 0 and box_columns[-1] < size[0] - 1, "the subtitle box runs off the side"
    assert box_rows[-1] < size[1] - 1
    help_rows, help_columns = rows_and_columns((20, 20, 40))
    assert len(help_rows), "no help"
    assert help_rows[-1] < box_rows[0], "the subtitle box covers the help"
    assert help_columns[0] > 0 and help_columns[-1] < size[0] - 1
    toast_rows, toast_columns = rows_and_columns((120, 80, 10))
    assert len(toast_columns) and toast_columns[-1] < size[0] - 1, "the notice runs off the right edge"
    input_rows, input_columns = rows_and_columns((30, 30, 60))
    assert len(input_columns) and input_columns[0] > 0 and input_columns[-1] < size[0] - 1, "the typed line overflows"
