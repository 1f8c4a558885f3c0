"""Presence on a fake clock: blinks, breathing, one bounce per sentence, the
surprise jump and cross-fades; and the settings in character.yaml."""
from __future__ import annotations

import random
import shutil

import pytest

from engine.settings.validate import ConfigError
from engine.stage.character import load_character_spec
from engine.stage.presence import Presence, PresenceConfig
from support.program import ROOT

STEP = 0.01


def runs(flags: list[bool]) -> list[tuple[int, int]]:
    """(start index, length) of each run of True."""
    out, start = [], None
    for i, flag in enumerate(flags + [False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            out.append((start, i - start))
            start = None
    return out


def test_blinks_last_about_150_ms_every_3_to_7_seconds():
    presence = Presence(PresenceConfig(double_blink_chance=0.0), random.Random(3))
    blinks = runs([presence.eyes_closed(i * STEP) for i in range(12000)])  # two minutes
    assert 17 <= len(blinks) <= 40
    assert all(14 <= length <= 16 for _, length in blinks)
    gaps = [(b[0] - a[0]) * STEP for a, b in zip(blinks, blinks[1:])]
    assert all(3.0 <= gap <= 7.0 + 0.16 for gap in gaps)


def test_double_blinks_happen_sometimes():
    presence = Presence(PresenceConfig(double_blink_chance=0.5), random.Random(5))
    blinks = runs([presence.eyes_closed(i * STEP) for i in range(12000)])
    gaps = [(b[0] - a[0]) * STEP for a, b in zip(blinks, blinks[1:])]
    assert any(gap < 0.5 for gap in gaps) and any(gap >= 3.0 for gap in gaps)


def test_breathing_is_a_slow_bob_of_a_few_pixels():
    presence = Presence(PresenceConfig(breath_px=3, breath_period_s=4), random.Random(0))
    ys = [presence.offset(i * STEP)[1] for i in range(800)]
    assert min(ys) == 0 and max(ys) == 3
    assert ys[0] == 0 and ys[100] in (1, 2) and ys[200] == 3 and ys[400] == 0


def test_one_bounce_per_sentence_start_and_none_between():
    config = PresenceConfig(breath_px=0, bounce_px=8, bounce_s=0.2)
    presence = Presence(config, random.Random(0))
    presence.sentence_started(1.0)
    ys = [presence.offset(1.0 + i * STEP)[1] for i in range(100)]  # a second of speech
    assert min(ys) == -8 and ys[10] == -8  # the top of the hop, a tenth of a second in
    assert all(y == 0 for y in ys[20:])  # once, not per syllable
    assert len(runs([y < 0 for y in ys])) == 1


def test_surprise_jumps_and_expressions_cross_fade():
    config = PresenceConfig(breath_px=0, surprise_jump_px=20, surprise_jump_s=0.3, crossfade_s=0.15)
    presence = Presence(config, random.Random(0))
    presence.set_emotion("happy", 0.0)
    assert presence.crossfade(0.0) == ("happy", "neutral", 0.0)
    assert presence.crossfade(0.075)[2] == pytest.approx(0.5)
    assert presence.crossfade(0.2) == ("happy", "happy", 1.0)
    assert presence.offset(0.1)[1] == 0  # happy does not jump
    presence.set_emotion("surprised", 1.0)
    assert presence.offset(1.15)[1] == -20 and presence.offset(1.4)[1] == 0


def test_presence_is_set_per_character(tmp_path):
    folder = tmp_path / "c"
    shutil.copytree(ROOT / "characters" / "default", folder)
    path = folder / "character.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "presence:\n  blink_interval_s: [2, 4]\n  bounce_px: 0\n",
                    encoding="utf-8")
    spec = load_character_spec(folder)
    assert spec.presence.blink_interval_s == (2.0, 4.0) and spec.presence.bounce_px == 0.0
    path.write_text(path.read_text(encoding="utf-8").replace("[2, 4]", "[5, 1]"), encoding="utf-8")
    with pytest.raises(ConfigError) as bad:
        load_character_spec(folder)
    assert "presence.blink_interval_s: expected [shortest, longest] seconds" in str(bad.value)
    assert load_character_spec(ROOT / "characters" / "default").presence == PresenceConfig()


def test_placement_anchors_margins_and_scale():
    from engine.stage.sprites import character_topleft, fit_scale

    window, sprite = (1920, 1080), (512, 640)
    assert character_topleft(sprite, window) == (704, 440)
    assert character_topleft(sprite, window, "bottom-right", (40, 20)) == (1920 - 512 - 40, 1080 - 640 - 20)
    assert character_topleft(sprite, window, "bottom-left", (40, 0)) == (40, 440)
    assert character_topleft(sprite, window, "top-left", (10, 10)) == (10, 10)
    assert character_topleft(sprite, window, "center") == (704, 220)
    assert fit_scale((512, 640), (1920, 1080)) == 1.0
    assert fit_scale((512, 640), (1920, 1080), 0.5) == 0.5
    assert fit_scale((512, 640), (1920, 1080), 2.0) == pytest.approx(1080 * 0.98 / 640)  # shrunk to fit
    assert fit_scale((512, 640), (1280, 600)) == pytest.approx(600 * 0.98 / 640)
