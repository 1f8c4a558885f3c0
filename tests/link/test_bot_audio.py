"""A bot's own voice: decoding, resampling and every refusal (pure)."""
from __future__ import annotations

import base64
import io
import json
import wave

import numpy as np
import pytest

from engine.link.bot_audio import AudioProblem, decode_audio
from engine.link.protocol import ErrorCode, ProtocolError, parse_frame
from engine.vocabulary import AUDIO_RATE

MB = 1 << 20


def wav_bytes(samples: np.ndarray, rate: int, channels: int = 1, width: int = 2) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(width)
        wav.setframerate(rate)
        wav.writeframes(samples.tobytes())
    return out.getvalue()


def tone(seconds: float, rate: int) -> np.ndarray:
    return (np.sin(np.arange(int(seconds * rate)) * 2 * np.pi * 440 / rate) * 10000).astype("<i2")


def test_wav_in_base64_is_resampled_to_the_mixer_rate():
    audio = decode_audio(base64.b64encode(wav_bytes(tone(1.0, 16000), 16000)).decode(), None, 60, MB)
    assert audio.samples.dtype == np.int16
    assert abs(len(audio.samples) - AUDIO_RATE) <= 1
    assert 9000 < np.abs(audio.samples).max() <= 10001
    assert audio.visemes == ()


def test_wav_as_a_data_uri_and_stereo_is_mixed_down():
    stereo = np.repeat(tone(0.5, AUDIO_RATE), 2)
    uri = "data:audio/wav;base64," + base64.b64encode(wav_bytes(stereo, AUDIO_RATE, channels=2)).decode()
    audio = decode_audio(uri, None, 60, MB)
    assert len(audio.samples) == len(tone(0.5, AUDIO_RATE))
    assert np.array_equal(audio.samples, tone(0.5, AUDIO_RATE))


def test_raw_pcm_with_its_rate_and_visemes_sorted():
    pcm = base64.b64encode(tone(0.5, 24000).tobytes()).decode()
    audio = decode_audio({"data": pcm, "sampleRate": 24000}, [{"shape": "open", "start": 0.2},
                                                               {"shape": "closed", "start": 0}], 60, MB)
    assert abs(audio.duration_s - 0.5) < 0.001
    assert audio.visemes == ((0.0, "closed"), (0.2, "open"))


@pytest.mark.parametrize("value, visemes, words", [
    ("not base64!!", None, "not valid base64"),
    (base64.b64encode(b"hello there, not a wav").decode(), None, "not a WAV"),
    (base64.b64encode(b"RIFF\x00\x00\x00\x00WAVEjunk").decode(), None, "not a readable WAV"),
    (base64.b64encode(wav_bytes(np.zeros(100, np.uint8), 8000, width=1)).decode(), None, "8-bit"),
    (base64.b64encode(wav_bytes(np.zeros(0, "<i2"), 8000)).decode(), None, "no samples"),
    ("data:audio/wav,abc", None, "without ';base64,'"),
    (12, None, "must be a base64 WAV string or an object"),
    ({"data": "AAAA"}, None, "sampleRate"),
    ({"data": "AAAA", "sampleRate": 8000}, None, "whole 16-bit samples"),
    ({"data": "AAAAAA==", "sampleRate": 8000, "channels": 3}, None, "channels"),
    ({"data": "AAAAAA==", "sampleRate": 8000}, [{"shape": "pout", "start": 0}], "shape must be one of"),
    ({"data": "AAAAAA==", "sampleRate": 8000}, [{"shape": "open", "start": 5}], "start must be seconds"),
    ({"data": "AAAAAA==", "sampleRate": 8000}, {"shape": "open"}, "must be a list"),
])
def test_bad_audio_is_refused_with_a_reason(value, visemes, words):
    with pytest.raises(AudioProblem, match=words):
        decode_audio(value, visemes, 60, MB)


def test_too_long_or_too_big_is_refused_for_its_size():
    pcm = base64.b64encode(tone(3.0, 8000).tobytes()).decode()
    with pytest.raises(AudioProblem) as long:
        decode_audio({"data": pcm, "sampleRate": 8000}, None, 2.0, MB)
    assert long.value.too_large
    with pytest.raises(AudioProblem) as big:
        decode_audio({"data": pcm, "sampleRate": 8000}, None, 60, 1000)
    assert big.value.too_large


def test_over_websocket_bad_audio_is_a_coded_error_and_good_audio_rides_the_message():
    with pytest.raises(ProtocolError) as refused:
        parse_frame(json.dumps({"text": "Hi", "role": "assistant", "audio": "%%%"}))
    assert refused.value.code == ErrorCode.BAD_AUDIO
    with pytest.raises(ProtocolError) as lone:
        parse_frame(json.dumps({"text": "Hi", "role": "assistant", "visemes": []}))
    assert lone.value.code == ErrorCode.BAD_FIELD
    good = base64.b64encode(wav_bytes(tone(0.2, AUDIO_RATE), AUDIO_RATE)).decode()
    v1 = parse_frame(json.dumps({"text": "Hi", "role": "assistant", "audio": good})).message
    v2 = parse_frame(json.dumps({"version": "2", "type": "chat.delta", "id": "e1",
                                 "payload": {"text": "Hi", "audio": good, "priority": "high"}})).message
    assert v1.audio is not None and len(v1.audio.samples) == len(tone(0.2, AUDIO_RATE))
    assert v2.audio is not None and v2.priority
