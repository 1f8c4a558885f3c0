"""Voice engines: which Synthesizer speaks, chosen by ``voice.engine``.

- ``espeak-ng``: the default, every language, small.
- ``openjtalk``: Japanese, from pyopenjtalk-plus (an optional extra, about
  340 MB installed with its dependencies: ``make run JA=1``). Its wheel carries
  Open JTalk's dictionary and the HTS voice "mei", so nothing is fetched at run
  time and it works offline like espeak-ng.
- ``auto``: per sentence, openjtalk for text that is mostly kana/kanji and
  espeak-ng for the rest, so a streamer who mixes languages needs no setting.

Everything here is built by the TTS worker's factory, on the worker thread,
because espeak-ng must stay on the thread that initialised it.
"""
from __future__ import annotations

import contextlib
import io
import logging
import math
from types import ModuleType

import numpy as np

from engine.speech.clip import AudioClip, clip_from_samples
from engine.settings.config import VoiceConfig
from engine.speech.playback import MIXER_RATE
from engine.speech.worker import EspeakSynthesizer, SynthesisError, Synthesizer

log = logging.getLogger("kuchipaku.tts")

NOT_INSTALLED = "pyopenjtalk-plus is not installed: make run JA=1"
# voice.rate is in espeak-ng's words per minute; 175 is its normal pace, which
# we map to Open JTalk's speed 1.0 so one setting paces both voices alike.
NORMAL_RATE_WPM = 175
SPEED_LIMITS = (0.5, 2.0)  # beyond these the HTS voice turns to mush or a drawl


# ---- which text is Japanese ---------------------------------------------------------

def is_kana_or_kanji(char: str) -> bool:
    """Hiragana, katakana (full and half width, with ー) and CJK ideographs."""
    code = ord(char)
    return (0x3040 <= code <= 0x30FF          # hiragana, katakana, ー
            or 0x31F0 <= code <= 0x31FF       # katakana phonetic extensions (small ㇰ...)
            or 0xFF66 <= code <= 0xFF9F       # half-width katakana
            or 0x3400 <= code <= 0x4DBF       # CJK extension A
            or 0x4E00 <= code <= 0x9FFF       # CJK unified ideographs
            or 0xF900 <= code <= 0xFAFF       # CJK compatibility ideographs
            or 0x20000 <= code <= 0x3FFFF     # CJK extensions B and on
            or char in "々〆〇")


def mostly_japanese(text: str) -> bool:
    """True when more than half of the letters in ``text`` are kana or kanji.

    Only letters count, so punctuation, digits and emoji do not dilute a short
    Japanese line, and a Latin word or two ("今日はAIの話です") leaves it
    Japanese. Exactly half is not "mostly": "OK です" goes to espeak-ng. Han
    characters alone cannot tell Chinese from Japanese; Chinese counts as
    Japanese here, which is the better guess for this program's users.
    """
    letters = [char for char in text if char.isalpha()]
    if not letters:
        return False
    japanese = sum(1 for char in letters if is_kana_or_kanji(char))
    return japanese / len(letters) > 0.5


# ---- resampling ---------------------------------------------------------------------

_RESAMPLE_CHUNK = 8192  # output samples per step: bounds the gathered taps to a few MB


def resample(samples: np.ndarray, from_rate: int, to_rate: int, zero_crossings: int = 12) -> np.ndarray:
    """Band-limited resampling (Kaiser-windowed sinc), numpy only.

    The mixer plays buffers as if they were at its own rate (``AudioOutput.play``
    hands the bytes straight to ``pygame.mixer.Sound``), so Open JTalk's 48 kHz
    must become 22050 Hz here. Plain linear interpolation would fold the voice's
    11-24 kHz part (its s, sh, ts) back into the audible band as hiss; the
    sinc's low-pass, just under the lower Nyquist frequency, keeps it out.
    The rates are integers, so output samples fall on only ``to_rate / gcd``
    distinct fractions of an input sample (147 for 48000 -> 22050): the taps
    are computed once per fraction, which keeps a sentence to a few ms.
    Returns float64 at the same scale as the input.
    """
    x = np.asarray(samples, dtype=np.float64).ravel()
    if from_rate == to_rate or not len(x):
        return x.copy()
    common = math.gcd(from_rate, to_rate)
    up, down = to_rate // common, from_rate // common            # output n sits at input n * down / up
    cutoff = 0.5 * min(1.0, up / down) * 0.95                    # cycles per input sample
    half = int(np.ceil(zero_crossings / (2 * cutoff)))           # taps each side, in input samples
    offsets = np.arange(-half + 1, half + 1)
    distance = (np.arange(up) / up)[:, None] - offsets[None, :]  # per fraction, within (-half, half)
    beta = 8.6                                                   # Kaiser: about 90 dB stop-band
    window = np.i0(beta * np.sqrt(np.clip(1.0 - (distance / half) ** 2, 0.0, 1.0))) / np.i0(beta)
    table = 2 * cutoff * np.sinc(2 * cutoff * distance) * window
    padded = np.concatenate([np.zeros(half), x, np.zeros(half + 1)])
    count = len(x) * up // down
    out = np.empty(count)
    for start in range(0, count, _RESAMPLE_CHUNK):
        step = np.arange(start, min(start + _RESAMPLE_CHUNK, count), dtype=np.int64) * down
        base, fraction = step // up, step % up
        out[start:start + len(step)] = np.einsum("ij,ij->i", padded[base[:, None] + offsets[None, :] + half],
                                                 table[fraction])
    return out


def to_int16(samples: np.ndarray, volume: float = 1.0) -> np.ndarray:
    """float samples on the int16 scale to int16, scaled by ``volume``.

    Open JTalk sometimes renders a sentence louder than full scale (peaks of
    34314 for "こんにちは。今日はいい天気ですね。", 40705 at speed 2); clipping
    would crackle and a plain cast would wrap into loud clicks, so such a
    sentence is turned down as a whole to peak at -0.5 dBFS. Others are left
    as they are, so sentences keep their loudness.
    """
    scaled = np.asarray(samples, dtype=np.float64) * volume
    peak = float(np.max(np.abs(scaled))) if len(scaled) else 0.0
    if peak > 32767:
        scaled *= 32767 * 10 ** (-0.5 / 20) / peak
    return np.clip(np.round(scaled), -32768, 32767).astype(np.int16)


def trim_silence(samples: np.ndarray, rate: int, lead_s: float = 0.03, tail_s: float = 0.3,
                 threshold_dbfs: float = -45.0) -> np.ndarray:
    """``samples`` without the silence at either end beyond ``lead_s`` and ``tail_s``.

    Open JTalk pads every sentence with about 0.3-0.4 s of silence at each end.
    Left in, each sentence would start that much after its subtitle and the
    mouth would wait for it, and two sentences would sit 0.7 s apart. espeak-ng
    starts sounding within 30 ms and ends with a 0.3 s pause: trimmed to
    the same, both voices keep the same rhythm. The cut falls where the signal
    is below ``threshold_dbfs``, so it makes no click.
    """
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > 32768 * 10 ** (threshold_dbfs / 20))
    if not len(loud):
        return samples
    start = max(0, int(loud[0]) - round(lead_s * rate))
    stop = min(len(samples), int(loud[-1]) + 1 + round(tail_s * rate))
    return samples[start:stop]


# ---- Open JTalk ---------------------------------------------------------------------

def import_pyopenjtalk() -> ModuleType:
    """Import pyopenjtalk-plus, or raise SynthesisError saying how to install it.

    On import it prints two lines to stdout when onnxruntime is missing (only
    its guess of how to read 何, なに or なん, needs it). We do not install the
    large onnxruntime for that, and keep stdout clean: the lines go to the
    debug log instead.
    """
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            import pyopenjtalk
    except ImportError as err:
        if err.name == "pyopenjtalk":
            raise SynthesisError(NOT_INSTALLED) from err
        raise SynthesisError(f"pyopenjtalk-plus could not be loaded: {err}") from err  # a dependency is missing
    except Exception as err:  # a broken install (a missing shared library, say)
        raise SynthesisError(f"pyopenjtalk-plus could not be loaded: {type(err).__name__}: {err}") from err
    finally:
        if printed.getvalue().strip():
            log.debug("pyopenjtalk on import: %s", " ".join(printed.getvalue().split()))
    return pyopenjtalk


def speed_for(words_per_minute: int) -> float:
    """Open JTalk's speed factor for espeak-ng's voice.rate (175 wpm -> 1.0)."""
    low, high = SPEED_LIMITS
    return min(high, max(low, words_per_minute / NORMAL_RATE_WPM))


class OpenJTalkSynthesizer:
    """Japanese speech with pyopenjtalk-plus, as 22050 Hz int16 mono clips.

    pyopenjtalk returns float64 samples at 48 kHz, already on the int16 scale
    (peaks around 25000); they are resampled to the mixer's rate, rounded, and
    the long silences Open JTalk puts around each sentence are cut short.
    The clip has no visemes (Open JTalk does not report phoneme times through
    pyopenjtalk), so the mouth follows the loudness envelope alone.
    """

    def __init__(self, voice: VoiceConfig) -> None:
        self._pyopenjtalk = import_pyopenjtalk()
        self._speed = speed_for(voice.rate)
        self._volume = voice.volume
        # Load the dictionary and the HTS voice now, on the worker thread, so
        # the first real sentence is not late and a broken install shows at
        # start-up as "voice unavailable" rather than on every sentence.
        self.synthesize("あ")

    def synthesize(self, text: str) -> AudioClip:
        try:
            wave, rate = self._pyopenjtalk.tts(text, speed=self._speed)
        except Exception as err:  # the native code raises several kinds; the worker wants one
            raise SynthesisError(f"openjtalk failed: {type(err).__name__}: {err}") from err
        wave = np.asarray(wave, dtype=np.float64).ravel()
        if not len(wave):
            raise SynthesisError("openjtalk produced no samples")
        samples = trim_silence(to_int16(resample(wave, int(rate), MIXER_RATE), self._volume), MIXER_RATE)
        return clip_from_samples(samples, MIXER_RATE)


# ---- choosing per sentence ----------------------------------------------------------

ESPEAK = "espeak-ng"
OPENJTALK = "openjtalk"


class AutoSynthesizer:
    """Open JTalk for mostly-Japanese sentences, espeak-ng for the rest.

    The worker hands over one sentence at a time, so a message that switches
    language between sentences is spoken by both voices. Both engines are
    loaded at construction (on the worker thread): espeak-ng exactly once,
    since it may only be initialised once per process, and a missing engine
    is known before the first sentence. Without pyopenjtalk-plus, Japanese
    goes to espeak-ng (which reads it poorly) and the log says why, once.
    """

    def __init__(self, voice: VoiceConfig) -> None:
        self.last_engine: str | None = None  # which engine spoke the last sentence; for the log and tests
        self._warned = False
        self._japanese: OpenJTalkSynthesizer | None = None
        self._japanese_problem = ""
        try:
            self._japanese = OpenJTalkSynthesizer(voice)
        except SynthesisError as err:
            self._japanese_problem = str(err)
        self._espeak: EspeakSynthesizer | None = None
        self._espeak_problem = ""
        try:
            self._espeak = EspeakSynthesizer(voice)
        except Exception as err:  # as for espeak-ng alone, a missing library shows up as any exception
            self._espeak_problem = f"{type(err).__name__}: {err}"
        if self._espeak is None and self._japanese is None:
            raise SynthesisError(f"no voice engine for voice.engine auto: espeak-ng: {self._espeak_problem}; "
                                 f"openjtalk: {self._japanese_problem}")
        if self._espeak is None:
            log.warning("espeak-ng unavailable (%s): only Japanese sentences will be heard", self._espeak_problem)

    @property
    def engines(self) -> tuple[str, ...]:
        """The engines that loaded."""
        return tuple(name for name, engine in ((OPENJTALK, self._japanese), (ESPEAK, self._espeak))
                     if engine is not None)

    def synthesize(self, text: str) -> AudioClip:
        if mostly_japanese(text):
            if self._japanese is not None:
                self.last_engine = OPENJTALK
                log.debug("auto voice: openjtalk for this sentence")
                return self._japanese.synthesize(text)
            self._warn_no_japanese_voice()
        if self._espeak is None:
            raise SynthesisError(f"espeak-ng is unavailable ({self._espeak_problem}), and this sentence is not "
                                 "mostly Japanese")
        self.last_engine = ESPEAK
        log.debug("auto voice: espeak-ng for this sentence")
        return self._espeak.synthesize(text)

    def _warn_no_japanese_voice(self) -> None:
        if not self._warned:
            self._warned = True
            log.warning("Japanese text, but no Japanese voice (%s): speaking it with espeak-ng",
                        self._japanese_problem)


def make_synthesizer(voice: VoiceConfig) -> Synthesizer:
    """The Synthesizer for ``voice.engine``; call it on the TTS worker thread.

    Raises SynthesisError (the worker then mimes everything and says why) when
    the chosen engine cannot be loaded.
    """
    if voice.engine == ESPEAK:
        return EspeakSynthesizer(voice)
    if voice.engine == OPENJTALK:
        try:
            return OpenJTalkSynthesizer(voice)
        except SynthesisError as err:
            raise SynthesisError(f"voice.engine is openjtalk but {err}") from err
    if voice.engine == "auto":
        return AutoSynthesizer(voice)
    raise SynthesisError(f"voice.engine is {voice.engine!r}: no synthesizer")
