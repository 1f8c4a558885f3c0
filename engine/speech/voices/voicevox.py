"""VOICEVOX and AivisSpeech, over their shared HTTP API (what Japanese
AITubers already run: VOICEVOX on localhost:50021, AivisSpeech on 10101).

    POST /audio_query?text=...&speaker=N   -> an AudioQuery (JSON)
    POST /synthesis?speaker=N  (the query) -> audio/wav

The AudioQuery lists every mora with its consonant and vowel lengths, and a
pause mora after an accent phrase when there is one: exact timing for the
mouth. Vowels a i u e o give the shapes; N, the glottal stop cl and pauses
close it; devoiced vowels (A I U E O) barely open it.
"""
from __future__ import annotations

import json
import logging
import time
import urllib.parse
from typing import Any

from engine.settings.config import VoiceConfig
from engine.speech.clip import AudioClip, clip_from_samples
from engine.speech.visemes import VisemeTrack
from engine.speech.voices import http
from engine.speech.voices.base import SynthesisError
from engine.speech.voices.dsp import decode_wav
from engine.vocabulary import AUDIO_RATE

log = logging.getLogger("kuchipaku.tts")

_VOWEL_SHAPES = {"a": "open", "i": "wide", "u": "round", "e": "wide", "o": "round",
                 "A": "half", "I": "half", "U": "half", "E": "half", "O": "half",
                 "N": "closed", "cl": "closed", "pau": "closed"}
_BILABIAL = {"m", "my", "b", "by", "p", "py"}


def mora_events(query: dict[str, Any]) -> tuple[list[tuple[float, str, str]], float]:
    """(start s, phoneme, shape) for every consonant and vowel in an AudioQuery,
    and the total length, as the engine lays them out: the leading silence,
    each accent phrase's moras and pause mora, the trailing silence, all
    divided by speedScale."""
    speed = float(query.get("speedScale") or 1.0)
    pause_length = query.get("pauseLength")
    pause_scale = float(query.get("pauseLengthScale") or 1.0)
    events: list[tuple[float, str, str]] = [(0.0, "pau", "closed")]
    position = float(query.get("prePhonemeLength") or 0.0) / speed
    for phrase in query.get("accent_phrases") or []:
        moras = list(phrase.get("moras") or [])
        if phrase.get("pause_mora"):
            moras.append(phrase["pause_mora"])
        for mora in moras:
            consonant = mora.get("consonant")
            if consonant and mora.get("consonant_length"):
                shape = "closed" if consonant in _BILABIAL else "half"
                events.append((position, consonant, shape))
                position += float(mora["consonant_length"]) / speed
            vowel = str(mora.get("vowel") or "pau")
            length = float(mora.get("vowel_length") or 0.0)
            if vowel == "pau":
                length = (float(pause_length) if pause_length is not None else length) * pause_scale
            events.append((position, vowel, _VOWEL_SHAPES.get(vowel, "half")))
            position += length / speed
    events.append((position, "pau", "closed"))
    return events, position + float(query.get("postPhonemeLength") or 0.0) / speed


def track_for(query: dict[str, Any], duration_s: float) -> VisemeTrack:
    """The mouth track, stretched onto the audio's real length: the engine
    rounds each phoneme to its frames, so the sum drifts a little."""
    events, total = mora_events(query)
    factor = duration_s / total if total > 0 else 1.0
    return VisemeTrack.from_shapes([(start * factor, phoneme, shape) for start, phoneme, shape in events])


class VoicevoxSynthesizer:
    """voice.engine: voicevox. ``voice.voicevox.url`` picks the server (AivisSpeech: port 10101)."""

    name = "voicevox"

    def __init__(self, voice: VoiceConfig) -> None:
        self._settings = voice.voicevox
        self._volume = voice.volume
        self._base = voice.voicevox.url.rstrip("/")

    def speakers(self) -> list[dict[str, Any]]:
        """GET /speakers: the server's characters and their styles (ids)."""
        return _json(http.get(self._base + "/speakers", self._settings.timeout_s), "/speakers")

    def synthesize(self, text: str) -> AudioClip:
        deadline = time.monotonic() + self._settings.timeout_s
        speaker = self._settings.speaker
        query_url = f"{self._base}/audio_query?" + urllib.parse.urlencode({"text": text, "speaker": speaker})
        query = _json(http.post(query_url, b"", {}, _left(deadline, self._base), self._settings.timeout_s),
                      "/audio_query")
        if not isinstance(query, dict) or not isinstance(query.get("accent_phrases"), list):
            raise SynthesisError(f"{self._base}/audio_query did not return an AudioQuery")
        query.update(speedScale=self._settings.speed_scale, pitchScale=self._settings.pitch_scale,
                     intonationScale=self._settings.intonation_scale, outputStereo=False)
        wav = http.post(f"{self._base}/synthesis?speaker={speaker}", json.dumps(query).encode("utf-8"),
                        {"Content-Type": "application/json", "Accept": "audio/wav"}, _left(deadline, self._base),
                        self._settings.timeout_s)
        samples = decode_wav(wav, self._volume, AUDIO_RATE)
        duration = len(samples) / AUDIO_RATE
        return clip_from_samples(samples, AUDIO_RATE, track_for(query, duration))


def _json(data: bytes, path: str) -> Any:
    try:
        return json.loads(data)
    except ValueError as err:
        raise SynthesisError(f"{path} did not return JSON: {err}") from err


def _left(deadline: float, where: str) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise SynthesisError(f"{where} did not answer in time")  # /audio_query used it all
    return left
