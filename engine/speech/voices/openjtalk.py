"""Open JTalk: Japanese, from pyopenjtalk-plus (an optional extra, about
340 MB installed with its dependencies: ``make run JA=1``). Its wheel carries
Open JTalk's dictionary and the HTS voice "mei", so nothing is fetched at run
time and it works offline like espeak-ng. It gives no phoneme timing, so the
mouth's shapes are estimated from the audio (engine.speech.vowels).
"""
from __future__ import annotations

import contextlib
import io
import logging
from types import ModuleType

import numpy as np

from engine.settings.config import VoiceConfig
from engine.speech.clip import AudioClip
from engine.speech.voices.base import SynthesisError
from engine.speech.voices.dsp import resample, to_int16, trim_silence
from engine.speech.vowels import clip_with_estimated_visemes
from engine.vocabulary import AUDIO_RATE

log = logging.getLogger("kuchipaku.tts")

NOT_INSTALLED = "pyopenjtalk-plus is not installed: make run JA=1"
# voice.rate is in espeak-ng's words per minute; 175 is its normal pace, which
# we map to Open JTalk's speed 1.0 so one setting paces both voices alike.
NORMAL_RATE_WPM = 175
SPEED_LIMITS = (0.5, 2.0)  # beyond these the HTS voice turns to mush or a drawl


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
    """Japanese speech with pyopenjtalk-plus, as AUDIO_RATE int16 mono clips.

    pyopenjtalk returns float64 samples at 48 kHz, already on the int16 scale
    (peaks around 25000); they are resampled to the mixer's rate, rounded, and
    the long silences Open JTalk puts around each sentence are cut short.
    Open JTalk does not report phoneme times through pyopenjtalk, so the
    clip's shapes are estimated from its audio.
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
        samples = trim_silence(to_int16(resample(wave, int(rate), AUDIO_RATE), self._volume), AUDIO_RATE)
        return clip_with_estimated_visemes(samples, AUDIO_RATE)


