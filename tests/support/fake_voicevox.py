"""A VOICEVOX-compatible engine for the tests, written from the published API
of VOICEVOX ENGINE (github.com/VOICEVOX/voicevox_engine; AivisSpeech Engine
serves the same): ``GET /speakers``, ``POST /audio_query?text=&speaker=``
(an AudioQuery: accent_phrases of moras with consonant/vowel lengths in
seconds, pause_mora after a phrase that ends at 、 or 。, speedScale,
pitchScale, intonationScale, volumeScale, prePhonemeLength,
postPhonemeLength, pauseLength, pauseLengthScale, outputSamplingRate,
outputStereo, kana) and ``POST /synthesis?speaker=`` (that query as JSON ->
audio/wav, 24 kHz mono by default). Like the real engine it answers 422 with
{"detail": [...]} for a bad request and 404 for an unknown path.

The audio is real speech: each accent phrase's moras are spoken by piper from
their IPA (``[[ ... ]]`` phoneme input, noise off so it is repeatable), and
the mora lengths in the query are piper's own alignments of that audio, so
moras and sound agree as they do in VOICEVOX. Only hiragana and katakana are
read (enough for the tests); anything else is skipped.

Misbehaviour for the fallback tests, set on the server object: ``delay_s``
(answer late), ``fail_status`` (answer every request with that HTTP status),
``broken_wav`` (200 with bytes that are not a WAV).
"""
from __future__ import annotations

import json
import time
import unicodedata
import urllib.parse

import numpy as np

from engine.speech.voices.piper import SYNTHESIS_LOCK
from support.fake_http import FakeHttpServer, QuietHandler
from support.piper_voice import joe_voice
from support.wav import mono_wav

RATE = 24000

# consonant (VOICEVOX's names) per kana row; vowel by column
_ROWS = {
    "あいうえお": "", "かきくけこ": "k", "がぎぐげご": "g", "さしすせそ": "s", "ざじずぜぞ": "z",
    "たちつてと": "t", "だぢづでど": "d", "なにぬねの": "n", "はひふへほ": "h", "ばびぶべぼ": "b",
    "ぱぴぷぺぽ": "p", "まみむめも": "m", "らりるれろ": "r",
}
_SPECIAL = {"し": ("sh", "i"), "ち": ("ch", "i"), "つ": ("ts", "u"), "ふ": ("f", "u"), "じ": ("j", "i"),
            "ぢ": ("j", "i"), "づ": ("z", "u"), "や": ("y", "a"), "ゆ": ("y", "u"), "よ": ("y", "o"),
            "わ": ("w", "a"), "を": ("", "o"), "ん": ("", "N"), "っ": ("", "cl")}
_SMALL = {"ゃ": "a", "ゅ": "u", "ょ": "o"}
_IPA_CONSONANT = {"k": "k", "g": "ɡ", "s": "s", "z": "z", "t": "t", "d": "d", "n": "n", "h": "h", "b": "b",
                  "p": "p", "m": "m", "r": "ɾ", "sh": "ɕ", "ch": "tɕ", "ts": "ts", "f": "ɸ", "j": "dʑ", "y": "j",
                  "w": "w", "ky": "kj", "gy": "ɡj", "ny": "ɲ", "hy": "ç", "by": "bj", "py": "pj", "my": "mj",
                  "ry": "ɾj"}
_IPA_VOWEL = {"a": "a", "i": "i", "u": "ɯ", "e": "e", "o": "o", "N": "ɴ", "cl": ""}
PHRASE_END = "、。！？!?,."

SPEAKERS = [{"name": "テスト", "speaker_uuid": "00000000-0000-0000-0000-000000000001", "version": "0.0.1",
             "styles": [{"name": "ノーマル", "id": 1, "type": "talk"}, {"name": "あまあま", "id": 2, "type": "talk"}]}]


def moras_of(text: str) -> list[list[tuple[str, str, str]]]:
    """Accent phrases of (kana, consonant, vowel), split at punctuation."""
    phrases: list[list[tuple[str, str, str]]] = [[]]
    for char in unicodedata.normalize("NFKC", text):
        if "ァ" <= char <= "ヶ":
            char = chr(ord(char) - 0x60)  # katakana to hiragana
        if char in PHRASE_END:
            if phrases[-1]:
                phrases.append([])
            continue
        if char in _SMALL and phrases[-1]:
            kana, consonant, _ = phrases[-1][-1]
            palatal = (consonant or "") + "y" if consonant not in ("sh", "ch", "j") else consonant
            phrases[-1][-1] = (kana + char, palatal, _SMALL[char])
            continue
        if char == "ー" and phrases[-1]:
            phrases[-1].append(("ー", "", phrases[-1][-1][2]))
            continue
        if char in _SPECIAL:
            phrases[-1].append((char, *_SPECIAL[char]))
            continue
        for row, consonant in _ROWS.items():
            if char in row:
                phrases[-1].append((char, consonant, "aiueo"[row.index(char)]))
                break
    return [phrase for phrase in phrases if phrase]


def speak_phrase(moras: list[tuple[str, str, str]], speed: float) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """Piper's audio (float, RATE) for one phrase, and each mora's
    (consonant_length, vowel_length) in seconds, from its alignments."""
    from piper import SynthesisConfig

    voice = joe_voice()
    ipa = "".join(_IPA_CONSONANT.get(c, c) + _IPA_VOWEL[v] for _, c, v in moras)
    config = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0, length_scale=1.0 / speed, normalize_audio=True)
    with SYNTHESIS_LOCK:
        chunks = list(voice.synthesize(f"[[ {ipa} ]]", syn_config=config, include_alignments=True))
    audio = np.concatenate([c.audio_float_array for c in chunks]).astype(np.float64)
    alignments = [(a.phoneme, int(a.num_samples)) for c in chunks for a in c.phoneme_alignments]
    source_rate = voice.config.sample_rate
    # Walk the alignments mora by mora: its consonant's phonemes, then its vowel's.
    queue = [p for p in alignments if p[0] not in ("^", "$", " ")]
    lead = sum(n for p, n in alignments[:1] if p == "^") / source_rate
    lengths: list[tuple[float, float]] = []
    for _, consonant, vowel in moras:
        c_ipa, v_ipa = _IPA_CONSONANT.get(consonant, consonant), _IPA_VOWEL[vowel]
        c_len = _take(queue, len(c_ipa)) / source_rate
        v_len = _take(queue, len(v_ipa)) / source_rate if v_ipa else 0.05
        lengths.append((c_len, v_len))
    if lengths:  # piper's leading silence belongs to the first mora's consonant (or vowel)
        c_len, v_len = lengths[0]
        lengths[0] = (c_len + lead, v_len) if moras[0][1] else (c_len, v_len + lead)
    trailing = sum(n for p, n in queue) / source_rate + sum(n for p, n in alignments[-1:] if p == "$") / source_rate
    if lengths:
        c_len, v_len = lengths[-1]
        lengths[-1] = (c_len, v_len + trailing)
    resampled = np.interp(np.arange(0, len(audio) * RATE / source_rate) * source_rate / RATE,
                          np.arange(len(audio)), audio)
    return resampled, lengths


def _take(queue: list[tuple[str, int]], symbols: int) -> int:
    total, taken = 0, 0
    while queue and taken < symbols:
        phoneme, samples = queue.pop(0)
        total += samples
        taken += len(phoneme)
    return total


def audio_query(text: str, speed: float = 1.0) -> dict:
    phrases = []
    for moras in moras_of(text):
        _, lengths = speak_phrase(moras, speed)
        phrases.append({
            "moras": [{"text": kana, "consonant": consonant or None,
                       "consonant_length": (c_len * speed) if consonant else None,
                       "vowel": vowel, "vowel_length": v_len * speed, "pitch": 5.5 if vowel not in ("N", "cl") else 0.0}
                      for (kana, consonant, vowel), (c_len, v_len) in zip(moras, lengths)],
            "accent": 1, "pause_mora": None, "is_interrogative": False})
    for phrase in phrases[:-1]:
        phrase["pause_mora"] = {"text": "、", "consonant": None, "consonant_length": None, "vowel": "pau",
                                "vowel_length": 0.3, "pitch": 0.0}
    return {"accent_phrases": phrases, "speedScale": 1.0, "pitchScale": 0.0, "intonationScale": 1.0,
            "volumeScale": 1.0, "prePhonemeLength": 0.1, "postPhonemeLength": 0.1, "pauseLength": None,
            "pauseLengthScale": 1.0, "outputSamplingRate": RATE, "outputStereo": False, "kana": text}


def synthesis(query: dict) -> bytes:
    """The WAV for an AudioQuery: silence, each phrase, its pause, silence."""
    speed = float(query.get("speedScale", 1.0))
    parts = [np.zeros(round(query["prePhonemeLength"] / speed * RATE))]
    for phrase in query["accent_phrases"]:
        moras = [(m["text"], m["consonant"] or "", m["vowel"]) for m in phrase["moras"]]
        audio, _ = speak_phrase(moras, speed)
        parts.append(audio * float(query.get("volumeScale", 1.0)))
        if phrase.get("pause_mora"):
            pause = (query["pauseLength"] if query.get("pauseLength") is not None
                     else phrase["pause_mora"]["vowel_length"])
            parts.append(np.zeros(round(pause * query.get("pauseLengthScale", 1.0) / speed * RATE)))
    parts.append(np.zeros(round(query["postPhonemeLength"] / speed * RATE)))
    return mono_wav(np.concatenate(parts), RATE)


class VoicevoxServer(FakeHttpServer):
    def __init__(self) -> None:
        super().__init__(_Handler)
        self.requests: list[str] = []
        self.queries: list[dict] = []


class _Handler(QuietHandler):
    server: VoicevoxServer

    def _misbehave(self) -> bool:
        self.server.requests.append(self.path)
        if self.server.delay_s:
            time.sleep(self.server.delay_s)
        if self.server.fail_status:
            self._json(self.server.fail_status, {"detail": "テスト: internal error"})
            return True
        return False

    def do_GET(self) -> None:
        if self._misbehave():
            return
        if urllib.parse.urlsplit(self.path).path == "/speakers":
            self._json(200, SPEAKERS)
        else:
            self._json(404, {"detail": "Not Found"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self._misbehave():
            return
        parts = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(parts.query)
        speaker = params.get("speaker", [""])[0]
        if not speaker.isdigit() or int(speaker) not in {s["id"] for sp in SPEAKERS for s in sp["styles"]}:
            detail = [{"loc": ["query", "speaker"], "msg": "bad speaker", "type": "value_error"}]
            self._json(422 if not speaker.isdigit() else 404, {"detail": detail})
            return
        if parts.path == "/audio_query":
            if "text" not in params:
                self._json(422, {"detail": [{"loc": ["query", "text"], "msg": "field required",
                                             "type": "value_error.missing"}]})
                return
            self._json(200, audio_query(params["text"][0]))
        elif parts.path == "/synthesis":
            try:
                query = json.loads(body)
                self.server.queries.append(query)
                wav = synthesis(query)
            except (ValueError, KeyError, TypeError) as err:
                self._json(422, {"detail": [{"loc": ["body"], "msg": str(err), "type": "value_error"}]})
                return
            self._reply(200, b"RIFF\x00\x00garbage" if self.server.broken_wav else wav, "audio/wav")
        else:
            self._json(404, {"detail": "Not Found"})
