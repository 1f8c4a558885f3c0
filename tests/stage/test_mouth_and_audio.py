from __future__ import annotations

import numpy as np

from engine.speech.clip import clip_from_samples, clip_from_text
from engine.speech.playback import PlaybackClock
from engine.stage.expression import ExpressionState
from engine.stage.mouth import MouthAnimator


def tone(seconds: float, amplitude: float, rate: int = 22050) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amplitude * 32767 * np.sin(2 * np.pi * 220 * t)).astype(np.int16)


def test_envelope_follows_loudness():
    rate = 22050
    samples = np.concatenate([np.zeros(int(0.2 * rate), np.int16), tone(0.3, 0.5), np.zeros(int(0.2 * rate), np.int16)])
    clip = clip_from_samples(samples, rate)
    assert abs(clip.duration_s - 0.7) < 0.001
    assert len(clip.envelope) == 70
    assert clip.level_at(0.1) == 0.0
    assert clip.level_at(0.35) > 0.8
    assert clip.level_at(0.6) == 0.0
    assert clip.level_at(-0.1) == 0.0 and clip.level_at(5.0) == 0.0
    assert -7 < clip.peak_dbfs() < -5


def test_text_timed_clip_opens_on_vowels_and_closes_on_spaces():
    clip = clip_from_text("ma ma", 175)
    assert clip.samples is None and not clip.audible
    values = clip.envelope
    assert values.max() >= 0.9 and values[0] == 0.0 and values[-1] == 0.0
    assert (values == 0).sum() > 5  # the gap between words and the ends
    assert clip.duration_s > 0.2
    assert clip_from_text("こんにちは", 175).duration_s > clip_from_text("hello", 175).duration_s


def drive(animator: MouthAnimator, levels: list[float], dt: float = 1 / 60) -> list[str]:
    return [animator.update(level, dt) for level in levels]


def test_mouth_opens_at_once_holds_and_decays_between_syllables():
    mouth = MouthAnimator(hold_s=0.04, close_per_s=10.0)
    shapes = drive(mouth, [1.0] + [0.05] * 30)  # quieter, but not silent
    assert shapes[0] == "open"
    assert shapes[1] == "open" and shapes[2] == "open"  # the hold
    assert "half" in shapes and shapes[-1] == "closed"
    assert shapes.index("closed") > 5  # it does not snap shut between syllables


def test_mouth_shuts_within_a_frame_or_two_in_true_silence():
    mouth = MouthAnimator()
    shapes = drive(mouth, [1.0, 0.0, 0.0, 0.0])
    assert shapes[0] == "open" and shapes[2] == "closed"


def test_mouth_does_not_chatter_at_a_threshold():
    mouth = MouthAnimator()
    shapes = drive(mouth, [0.5, 0.47, 0.52, 0.45, 0.5, 0.46] * 10)
    assert set(shapes) == {"open"}


def test_playback_clock_reads_the_envelope_at_its_position():
    now = [100.0]
    clock = PlaybackClock(lambda: now[0])
    clip = clip_from_samples(np.concatenate([tone(0.1, 0.5), np.zeros(2205, np.int16)]), 22050)
    clock.start(clip, output_latency_s=0.02)
    now[0] += 0.05
    assert clock.level() > 0.8
    now[0] += 0.1
    assert clock.level() == 0.0
    assert not clock.finished(device_busy=False)
    now[0] += 0.1
    assert clock.finished(device_busy=False)
    assert not clock.finished(device_busy=True)  # waits for the device to drain...
    now[0] += 1.0
    assert clock.finished(device_busy=True)  # ...but not for ever


def test_expression_returns_to_neutral_after_the_delay():
    state = ExpressionState(neutral_after_s=1.5)
    state.speaking("happy")
    assert state.update(10.0, busy=True) == "happy"
    assert state.update(11.0, busy=False) == "happy"
    assert state.update(12.4, busy=False) == "happy"
    assert state.update(12.6, busy=False) == "neutral"


def test_phonemes_map_to_five_mouth_shapes():
    from engine.speech.visemes import shape_of

    table = {"m": "closed", "b": "closed", "p": "closed", "_:": "closed", "_": "closed",
             "a": "open", "aI": "open", "V": "open", "@": "open", "'a:": "open",
             "i": "wide", "i:": "wide", "I": "wide", "E": "wide", "eI": "wide",
             "u:": "round", "oU": "round", "O:": "round", "w": "round", "U": "round",
             "h": "half", "l": "half", "s": "half", "t": "half", "k": "half"}
    assert {p: shape_of(p) for p in table} == table


def test_viseme_track_lookup():
    from engine.speech.visemes import VisemeTrack, is_bilabial

    track = VisemeTrack.from_events([(0.2, "aI"), (0.0, "m"), (0.35, "_")])
    assert track.at(-0.1) is None
    assert track.at(0.0) == "closed" and track.at(0.03) == "closed"
    assert track.at(0.1) == "half"  # the lips part after the first 40 ms of a long m
    assert track.at(0.25) == "open" and track.at(0.5) == "closed"
    assert track.spans(is_bilabial) == [(0.0, 0.2, "m")]


def test_real_espeak_gives_visemes_in_time_with_the_audio():
    import threading

    from engine.settings.config import VoiceConfig
    from engine.speech.voices.espeak import EspeakSynthesizer

    out = {}
    thread = threading.Thread(target=lambda: out.update(clip=EspeakSynthesizer(VoiceConfig()).synthesize(
        "Mama bought a big blue boat.")))
    thread.start()
    thread.join(30)
    clip = out["clip"]
    track = clip.visemes
    assert track is not None and len(track.starts) > 10
    assert all(0 <= t <= clip.duration_s for t in track.starts)
    assert {"closed", "open", "round"} <= set(track.shapes)
    bilabials = track.spans(lambda p: p in ("m", "b", "p"))
    assert len(bilabials) >= 5  # m, m, b, b, b(lue), b(oat)


def test_mouth_shape_follows_the_viseme_and_closes_for_bilabials():
    mouth = MouthAnimator()
    assert mouth.update(0.9, 1 / 60, "round") == "round"
    assert mouth.update(0.9, 1 / 60, "wide") == "wide"
    assert mouth.update(0.9, 1 / 60, "open") == "open"
    assert mouth.update(0.9, 1 / 60, "closed") == "closed"  # lips meet however loud
    assert mouth.update(0.05, 1 / 60, "round") == "closed"  # too quiet to open
    assert mouth.update(0.9, 1 / 60, None) == "open"  # no visemes: loudness alone
