"""The voice engines for real: piper and espeak-ng, and the HTTP engines
against local servers that implement VOICEVOX's and OpenAI's published APIs
with real audio. Failures of a server must fall back within a bounded time."""
from __future__ import annotations

import dataclasses
import time

import numpy as np
import pytest

from engine.settings.config import OpenAIVoiceConfig, VoiceConfig, VoicevoxConfig
from engine.speech.voices import VoiceProblem, make_synthesizer, with_character_voice
from engine.speech.voices.base import SynthesisError
from engine.speech.voices.voicevox import mora_events
from engine.speech.worker import SynthResult, TtsWorker, VoiceLoading, VoiceReady
from engine.vocabulary import AUDIO_RATE
from support.fake_openai_tts import OpenAITtsServer
from support.fake_voicevox import VoicevoxServer
from support.timing import scaled


def audible(clip) -> None:
    assert clip.samples is not None and clip.samples.dtype == np.int16 and clip.sample_rate == AUDIO_RATE
    assert clip.peak_dbfs() > -20 and clip.envelope.max() > 0.5


def test_piper_speaks_english_with_visemes_from_its_alignments(voice_thread):
    chain = voice_thread(make_synthesizer, VoiceConfig(engine="piper", fallback=()))
    clip = voice_thread(chain.synthesize, "Maybe we should bake a pie.")
    assert chain.last_engine == "piper"
    audible(clip)
    track = clip.visemes
    assert track is not None and set(track.shapes) >= {"closed", "open", "wide", "half"}
    assert abs(track.starts[-1] - clip.duration_s) < 0.3  # the track spans the audio, no drift
    # m, b, p each close the lips, then part
    bilabials = [s for s, p in zip(track.starts, track.phonemes) if p in ("m", "b", "p")]
    assert len(bilabials) >= 4
    assert all(clip.viseme_at(start + 0.01) == "closed" for start in bilabials)
    # the sound is loud where the track says a vowel sounds
    vowels = [s for s, shape in zip(track.starts, track.shapes) if shape in ("open", "wide")]
    assert np.mean([clip.level_at(s + 0.03) for s in vowels]) > 0.5


def test_piper_is_loaded_once_and_paced_by_voice_rate(voice_thread):
    slow = voice_thread(make_synthesizer, VoiceConfig(engine="piper", fallback=(), rate=120))
    fast = voice_thread(make_synthesizer, VoiceConfig(engine="piper", fallback=(), rate=300))
    text = "The rate setting paces every voice alike."
    assert voice_thread(fast.synthesize, text).duration_s < 0.7 * voice_thread(slow.synthesize, text).duration_s
    from engine.speech.voices import piper
    assert len(piper._CACHE) == 1  # one model in memory, however many chains


def test_espeak_ng_still_speaks_with_its_phoneme_events(voice_thread):
    chain = voice_thread(make_synthesizer, VoiceConfig(engine="espeak-ng"))
    clip = voice_thread(chain.synthesize, "Hello! How are you?")
    assert chain.last_engine == "espeak-ng" and clip.visemes is not None
    audible(clip)


def test_speakable_text_is_what_the_engine_is_given(voice_thread):
    chain = voice_thread(make_synthesizer, VoiceConfig(engine="piper"))
    voice_thread(chain.synthesize, "**Look** at https://example.com/x_y 🥰 `now`")
    assert chain.last_spoken == "Look at a link now"
    host = voice_thread(make_synthesizer, VoiceConfig(engine="piper", links="host"))
    voice_thread(host.synthesize, "See https://www.example.com/page.")
    assert host.last_spoken == "See example dot com."
    clip = voice_thread(chain.synthesize, "🥰🥰 **")
    assert chain.last_engine is None and clip.audible and clip.envelope.max() == 0  # a pause, nothing read


# ---- VOICEVOX / AivisSpeech ------------------------------------------------------------

@pytest.fixture
def voicevox():
    server = VoicevoxServer()
    yield server
    server.stop()


def voicevox_voice(url: str, **changes) -> VoiceConfig:
    settings = dataclasses.replace(VoicevoxConfig(url=url), **{k: v for k, v in changes.items() if k != "fallback"})
    return VoiceConfig(engine="voicevox", voicevox=settings, fallback=changes.get("fallback", ("espeak-ng",)))


def test_voicevox_speaks_and_its_moras_drive_the_mouth(voicevox, voice_thread):
    chain = voice_thread(make_synthesizer, voicevox_voice(voicevox.url, speaker=2))
    text = "こんにちは、ぱぱ。"
    clip = voice_thread(chain.synthesize, text)
    assert chain.last_engine == "voicevox" and chain.take_problem() is None
    audible(clip)
    assert voicevox.requests[0].startswith("/audio_query?") and "speaker=2" in voicevox.requests[0]
    assert voicevox.requests[1] == "/synthesis?speaker=2"
    events, total = mora_events(voicevox.queries[0])
    assert abs(total - clip.duration_s) < 0.05
    vowels = [(start, end, phoneme, shape) for (start, phoneme, shape), (end, _, _) in zip(events, events[1:])
              if phoneme in "aiueo"]
    assert [p for _, _, p, _ in vowels] == ["o", "i", "i", "a", "a", "a"]
    for start, end, phoneme, _ in vowels:  # each vowel's own shape, in the middle of it
        assert clip.viseme_at((start + end) / 2) == {"a": "open", "i": "wide", "o": "round"}[phoneme]
    n_start = next(start for start, phoneme, _ in events if phoneme == "N")
    assert clip.viseme_at(n_start + 0.01) == "closed"  # ん: lips together
    p_start = next(start for start, phoneme, _ in events if phoneme == "p")
    assert clip.viseme_at(p_start + 0.01) == "closed"  # ぱ: bilabial
    pause = next(start for start, phoneme, _ in events[1:-1] if phoneme == "pau")
    assert clip.viseme_at(pause + 0.1) == "closed"  # the pause after 、


def test_voicevox_settings_reach_the_query(voicevox, voice_thread):
    chain = voice_thread(make_synthesizer, voicevox_voice(voicevox.url, speed_scale=1.5, pitch_scale=0.05,
                                                          intonation_scale=1.2))
    slow = voice_thread(make_synthesizer, voicevox_voice(voicevox.url))
    fast_clip = voice_thread(chain.synthesize, "こんにちは")
    query = voicevox.queries[-1]
    assert (query["speedScale"], query["pitchScale"], query["intonationScale"]) == (1.5, 0.05, 1.2)
    assert fast_clip.duration_s < 0.8 * voice_thread(slow.synthesize, "こんにちは").duration_s
    assert chain._loaded["voicevox"].speakers()[0]["styles"][0]["id"] == 1  # GET /speakers


@pytest.mark.parametrize("fault", ["down", "slow", "error", "broken wav"])
def test_voicevox_failing_falls_back_within_its_timeout(voicevox, voice_thread, fault):
    # The fake synthesises with piper, slow on a busy machine: only "slow" needs the short timeout.
    timeout = scaled(0.5) if fault == "slow" else scaled(5.0)
    url = voicevox.url
    if fault == "down":
        voicevox.stop()
    elif fault == "slow":
        voicevox.delay_s = timeout * 3
    elif fault == "error":
        voicevox.fail_status = 500
    else:
        voicevox.broken_wav = True
    chain = voice_thread(make_synthesizer, voicevox_voice(url, timeout_s=timeout))
    started = time.monotonic()
    clip = voice_thread(chain.synthesize, "こんにちは")
    took = time.monotonic() - started
    assert chain.last_engine == "espeak-ng" and clip.audible
    assert took < timeout + scaled(1.0), took  # the timeout, plus espeak-ng's own few ms
    problem = chain.take_problem()
    assert isinstance(problem, VoiceProblem) and problem.engine == "voicevox" and problem.fallback == "espeak-ng"
    expected = {"down": "not running", "slow": "did not answer", "error": "HTTP 500",
                "broken wav": "WAV"}[fault]
    assert expected in problem.reason
    # a server that just failed is not waited for again at once
    asked = len(voicevox.requests)
    started = time.monotonic()
    voice_thread(chain.synthesize, "もう一度")
    assert chain.last_engine == "espeak-ng" and len(voicevox.requests) == asked
    assert time.monotonic() - started < scaled(1.0)


def test_voicevox_is_tried_again_after_retry_after_s(voicevox, voice_thread):
    voicevox.fail_status = 503
    chain = voice_thread(make_synthesizer, dataclasses.replace(voicevox_voice(voicevox.url), retry_after_s=0.0))
    voice_thread(chain.synthesize, "あ")
    assert chain.last_engine == "espeak-ng"
    voicevox.fail_status = None
    voice_thread(chain.synthesize, "あい")
    assert chain.last_engine == "voicevox"


def worker_answer(voice, text: str) -> SynthResult:
    """A TtsWorker with ``voice`` asked for one sentence: its answer (after it
    says its voice is loading, then ready)."""
    worker = TtsWorker(lambda: make_synthesizer(voice))
    worker.start()
    try:
        worker.submit(1, text)
        answers = [worker.results.get(timeout=scaled(10)) for _ in range(3)]
    finally:
        worker.stop()
    assert [type(answer) for answer in answers[:2]] == [VoiceLoading, VoiceReady]
    return answers[2]


def test_with_no_fallback_a_failing_server_is_a_synthesis_error_that_the_worker_mimes(voice_thread):
    voice = voicevox_voice("http://127.0.0.1:9", fallback=())  # port 9 (discard): nothing listens
    result = worker_answer(voice, "こんにちは")
    assert result.clip is None and "not running" in result.error
    assert result.notice is not None and result.notice.engine == "voicevox" and result.notice.fallback is None


def test_the_worker_passes_on_the_notice_when_a_fallback_spoke():
    result = worker_answer(voicevox_voice("http://127.0.0.1:9"), "こんにちは")
    assert result.clip is not None and result.notice.fallback == "espeak-ng"
    assert "voicevox" in str(result.notice) and "espeak-ng spoke instead" in str(result.notice)


# ---- OpenAI-compatible ---------------------------------------------------------------------

@pytest.fixture
def openai_server():
    server = OpenAITtsServer(api_key="sk-test-123")
    yield server
    server.stop()


def openai_voice(url: str, **changes) -> VoiceConfig:
    settings = dataclasses.replace(OpenAIVoiceConfig(url=url, api_key_env="KUCHIPAKU_TEST_KEY"), **changes)
    return VoiceConfig(engine="openai-compatible", openai=settings)


@pytest.mark.parametrize("float_wav", [False, True])
def test_openai_compatible_speaks_with_the_key_from_the_environment(openai_server, voice_thread, monkeypatch,
                                                                    float_wav):
    monkeypatch.setenv("KUCHIPAKU_TEST_KEY", "sk-test-123")
    openai_server.float_wav = float_wav
    chain = voice_thread(make_synthesizer, openai_voice(openai_server.url, model="kokoro", voice="af_sky"))
    clip = voice_thread(chain.synthesize, "Hello from a local server, *friend*!")
    assert chain.last_engine == "openai-compatible"
    audible(clip)
    body = openai_server.bodies[-1]
    assert (body["model"], body["voice"], body["input"], body["response_format"]) == (
        "kokoro", "af_sky", "Hello from a local server, friend!", "wav")
    assert clip.visemes is not None  # estimated from the audio: the server gives no timing


def test_openai_compatible_with_a_wrong_key_falls_back(openai_server, voice_thread, monkeypatch):
    monkeypatch.setenv("KUCHIPAKU_TEST_KEY", "wrong")
    chain = voice_thread(make_synthesizer, openai_voice(openai_server.url, timeout_s=scaled(2.0)))
    voice_thread(chain.synthesize, "Hello.")
    assert chain.last_engine == "espeak-ng"
    assert "HTTP 401" in chain.take_problem().reason


def test_openai_compatible_without_its_key_variable_is_unavailable_and_says_so(voice_thread, monkeypatch):
    monkeypatch.delenv("KUCHIPAKU_TEST_KEY", raising=False)
    chain = voice_thread(make_synthesizer, openai_voice("http://127.0.0.1:9"))
    assert chain.engines == ("espeak-ng",)
    assert "KUCHIPAKU_TEST_KEY, which is not set" in chain.load_problems["openai-compatible"]


@pytest.mark.parametrize("fault", ["slow", "error", "broken wav"])
def test_openai_compatible_failing_falls_back_in_bounded_time(openai_server, voice_thread, monkeypatch, fault):
    monkeypatch.setenv("KUCHIPAKU_TEST_KEY", "sk-test-123")
    timeout = scaled(0.5) if fault == "slow" else scaled(5.0)
    openai_server.delay_s = timeout * 3 if fault == "slow" else 0.0
    openai_server.fail_status = 500 if fault == "error" else None
    openai_server.broken_wav = fault == "broken wav"
    chain = voice_thread(make_synthesizer, openai_voice(openai_server.url, timeout_s=timeout))
    started = time.monotonic()
    clip = voice_thread(chain.synthesize, "Hello.")
    assert time.monotonic() - started < timeout + scaled(1.0)
    assert chain.last_engine == "espeak-ng" and clip.audible


# ---- a character's own voice -----------------------------------------------------------------

def test_a_character_names_its_engine_voice_and_fallback(voicevox, voice_thread):
    voice = with_character_voice(VoiceConfig(voicevox=VoicevoxConfig(url=voicevox.url)), "voicevox", "2",
                                 ("piper", "espeak-ng"))
    assert (voice.engine, voice.voicevox.speaker, voice.fallback) == ("voicevox", 2, ("piper", "espeak-ng"))
    chain = voice_thread(make_synthesizer, voice)
    assert chain.engines == ("voicevox", "piper", "espeak-ng")
    voicevox.fail_status = 500
    voice_thread(chain.synthesize, "Hello!")
    assert chain.last_engine == "piper"  # the character's first fallback
    assert with_character_voice(VoiceConfig(), None, None, None) == VoiceConfig()
    assert with_character_voice(VoiceConfig(), "espeak-ng", "gmw/en-US", None).voice_id == "gmw/en-US"


def test_an_engine_that_cannot_load_is_reported(voice_thread):
    with pytest.raises(SynthesisError, match="voice.engine is piper but no piper model at /nonexistent.onnx"):
        make_synthesizer(VoiceConfig(engine="piper", fallback=(), piper=dataclasses.replace(
            VoiceConfig().piper, model="/nonexistent.onnx")))
