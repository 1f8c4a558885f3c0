"""The audio-only vowel estimator against piper's own alignments, on sentences
it was not calibrated on (bench/vowel_sentences.txt holds those)."""
from __future__ import annotations

import numpy as np

from engine.settings.config import VoiceConfig
from engine.speech import vowels
from engine.speech.voices import make_synthesizer

HELD_OUT = [
    "The quick brown fox jumps over the lazy dog.",
    "She sells sea shells by the sea shore.",
    "I think we should go to the park this afternoon.",
    "Good morning everyone, welcome back to the stream!",
    "It was a bright cold day in April, and the clocks were striking thirteen.",
    "My favourite food is pizza with extra cheese and olives.",
    "Could you tell me the way to the nearest library?",
    "The moon was full and the stars were shining brightly.",
    "Thank you so much for watching, see you next time!",
    "Blue whales are the largest animals that have ever lived.",
    "A cup of hot tea is perfect on a cold winter evening.",
    "Every summer we travel to the beach with our family.",
]


def test_held_out_sentences_are_not_in_the_calibration_set():
    calibration = (vowels.PROFILES.parents[2] / "bench" / "vowel_sentences.txt").read_text(encoding="utf-8")
    assert not any(sentence in calibration for sentence in HELD_OUT)


def test_it_agrees_with_piper_alignments_on_at_least_70_percent_of_voiced_frames(voice_thread):
    piper = voice_thread(make_synthesizer, VoiceConfig(engine="piper", fallback=()))
    agree = compared = 0
    for sentence in HELD_OUT:
        clip = voice_thread(piper.synthesize, sentence)
        estimated = vowels.estimate_track(clip.samples)
        a, c = vowels.agreement(estimated, clip.visemes, vowels.frame_features(clip.samples)[1])
        agree, compared = agree + a, compared + c
    assert compared > 1000
    assert agree / compared >= 0.70, f"{agree / compared:.1%}"


def test_it_tells_vowels_apart_at_the_same_loudness(voice_thread):
    """Not loudness alone: a held "ah" and a held "ee", both normalised to the
    same peak, get different shapes."""
    piper = voice_thread(make_synthesizer, VoiceConfig(engine="piper", fallback=()))
    shapes = {}
    for word, ipa in (("ah", "ɑːɑːɑː"), ("ee", "iːiːiː"), ("oo", "uːuːuː")):
        clip = voice_thread(piper.synthesize, f"[[ {ipa} ]]")
        found = vowels.estimate_shapes(clip.samples)
        voiced = [shape for shape in found if shape != "closed"]
        shapes[word] = max(set(voiced), key=voiced.count)
    assert shapes == {"ah": "open", "ee": "wide", "oo": "round"}


def test_silence_is_closed_and_an_empty_clip_has_no_frames():
    quiet = np.zeros(22050, dtype=np.int16)
    assert set(vowels.estimate_shapes(quiet)) == {"closed"}
    assert vowels.estimate_shapes(np.zeros(0, dtype=np.int16)) == []
