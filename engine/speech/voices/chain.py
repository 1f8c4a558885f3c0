"""Which engine speaks a sentence, and what happens when it cannot.

Every sentence first becomes speakable text (engine.speech.speakable: no
markdown, URLs as "a link", no emoji). Then the engines are tried in order:

- ``voice.engine: auto``: Japanese text to the best installed Japanese voice
  (kokoro-ja, else openjtalk), everything else to piper; espeak-ng after them;
- a named engine: that engine;

then the ``fallback`` list (``voice.fallback``, or the character's own). An
engine that fails leaves a VoiceProblem for the streamer's notice and the next
one speaks; when none can, SynthesisError, and the sentence is mimed. A
server engine (VOICEVOX, OpenAI-compatible) that failed is skipped for
``voice.retry_after_s``, so a dead server costs one timeout, not one per
sentence.
"""
from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

import numpy as np

from engine.settings.config import VoiceConfig
from engine.speech.clip import AudioClip, clip_from_samples
from engine.speech.language import mostly_japanese
from engine.speech.speakable import SpeakableOptions, speakable
from engine.speech.voices.base import SynthesisError, Synthesizer, VoiceProblem, engine_work
from engine.vocabulary import AUDIO_RATE

log = logging.getLogger("kuchipaku.tts")

ESPEAK = "espeak-ng"
PIPER = "piper"
OPENJTALK = "openjtalk"
KOKORO = "kokoro-ja"
JAPANESE_VOICES = (KOKORO, OPENJTALK)   # best first
OTHER_VOICES = (PIPER, ESPEAK)
REMOTE = frozenset({"voicevox", "openai-compatible"})
SILENCE_S = 0.25  # what a sentence of only emoji or markup "sounds" like

EngineMakers = dict[str, Callable[[VoiceConfig], Synthesizer]]


def _unique(names) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


class VoiceChain:
    """The Synthesizer the TTS worker runs: speakable text, routing, fallback.

    Built on the worker thread (the engines load there). ``engines`` maps an
    engine's name to its constructor; an engine that fails to load is left
    out, with its reason kept for the log.
    """

    def __init__(self, voice: VoiceConfig, engines: EngineMakers,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._voice = voice
        self._clock = clock
        self._options = SpeakableOptions(voice.links, voice.link_phrase, voice.code_phrase)
        self._loaded: dict[str, Synthesizer] = {}
        self.load_problems: dict[str, str] = {}
        with engine_work():  # the program's exit waits for the models to finish loading
            for name in self._wanted():
                try:
                    self._loaded[name] = engines[name](voice)
                except Exception as err:  # a missing package or library shows up as any exception
                    self.load_problems[name] = (str(err) if isinstance(err, SynthesisError)
                                                else f"{type(err).__name__}: {err}")
        if not self._loaded:
            problems = list(self.load_problems.items())
            raise SynthesisError(problems[0][1] if len(problems) == 1 else
                                 "no engine could be loaded: " + "; ".join(f"{n}: {why}" for n, why in problems))
        log.info("voice engines ready: %s%s", ", ".join(self._loaded), "".join(
            f"; {name} unavailable ({why})" for name, why in self.load_problems.items()))
        self._down_until: dict[str, float] = {}
        self._problem: VoiceProblem | None = None
        self._warned_japanese = False
        self.last_engine: str | None = None   # which engine spoke the last sentence; for the log and tests
        self.last_spoken: str | None = None   # the text it was given

    def _wanted(self) -> tuple[str, ...]:
        if self._voice.engine == "auto":
            return _unique((*JAPANESE_VOICES, *OTHER_VOICES, *self._voice.fallback))
        return _unique((self._voice.engine, *self._voice.fallback))

    @property
    def engines(self) -> tuple[str, ...]:
        """The engines that loaded, in the order they are considered."""
        return tuple(self._loaded)

    def route(self, spoken: str) -> tuple[str, ...]:
        """The engines to try for ``spoken``, in order (loaded or not)."""
        if self._voice.engine != "auto":
            return _unique((self._voice.engine, *self._voice.fallback))
        if mostly_japanese(spoken):
            if not any(name in self._loaded for name in JAPANESE_VOICES):
                self._warn_no_japanese_voice()
            return _unique((*JAPANESE_VOICES, ESPEAK, *self._voice.fallback))
        return _unique((*OTHER_VOICES, *self._voice.fallback))

    def take_problem(self) -> VoiceProblem | None:
        """The notice the last sentence left (an engine failed), once."""
        problem, self._problem = self._problem, None
        return problem

    def synthesize(self, text: str) -> AudioClip:
        with engine_work():
            return self._synthesize(text)

    def _synthesize(self, text: str) -> AudioClip:
        self._problem = None
        spoken = speakable(text, self._options)
        self.last_spoken = spoken
        if not any(char.isalnum() for char in spoken):
            self.last_engine = None
            log.info("nothing to say aloud in %r: a pause", text)
            return clip_from_samples(np.zeros(round(SILENCE_S * AUDIO_RATE), np.int16), AUDIO_RATE)
        failures: list[tuple[str, str]] = []
        for name in self.route(spoken):
            engine = self._loaded.get(name)
            if engine is None:
                continue
            if self._down_until.get(name, float("-inf")) > self._clock():
                continue  # failed a moment ago: not worth another timeout yet
            try:
                clip = engine.synthesize(spoken)
            except Exception as err:  # one engine's fault must not lose the sentence
                reason = str(err) if isinstance(err, SynthesisError) else f"{type(err).__name__}: {err}"
                failures.append((name, reason))
                if name in REMOTE:
                    self._down_until[name] = self._clock() + self._voice.retry_after_s
                log.warning("voice %s failed (%s)", name, reason)
                continue
            if failures:
                self._problem = VoiceProblem(failures[0][0], failures[0][1], name)
            self.last_engine = name
            # JSON quoting: the exact text given, and never mistaken for the log's 'sentence' quotes
            log.info("voice %s synthesised: %s", name, json.dumps(spoken, ensure_ascii=False))
            return clip
        self.last_engine = None
        if failures:
            self._problem = VoiceProblem(failures[0][0], failures[0][1], None)
            raise SynthesisError("; ".join(f"{name}: {why}" for name, why in failures))
        skipped = [name for name in self.route(spoken) if name in self._loaded]
        self._problem = VoiceProblem(skipped[0] if skipped else self._voice.engine,
                                     "failed recently; trying again shortly" if skipped else "not available")
        raise SynthesisError(f"no voice engine could speak this sentence ({self._problem})")

    def _warn_no_japanese_voice(self) -> None:
        if not self._warned_japanese:
            self._warned_japanese = True
            why = "; ".join(f"{name}: {self.load_problems[name]}" for name in JAPANESE_VOICES
                            if name in self.load_problems)
            log.warning("Japanese text, but no Japanese voice (%s): speaking it with espeak-ng", why)
