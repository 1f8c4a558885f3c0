"""Voice engines behind one interface (``Synthesizer``: text in, AudioClip at
AUDIO_RATE out), chosen by ``voice.engine`` and a character's own voice.

One module per engine: espeak (espeak-ng), piper, openjtalk, kokoro
(kokoro-ja), voicevox (VOICEVOX and AivisSpeech), openai_compatible; chain
routes each sentence and falls back; dsp holds the sound helpers; which text is
Japanese is engine/speech/language.py (shared with speakable).

Everything here is built by the TTS worker's factory, on the worker thread:
espeak-ng must stay on the thread that initialised it, and the neural voices
take seconds to load.
"""
from __future__ import annotations

import dataclasses

from engine.settings.config import VoiceConfig
from engine.speech.language import is_kana_or_kanji, mostly_japanese
from engine.speech.voices.base import SynthesisError, Synthesizer, VoiceProblem
from engine.speech.voices.chain import ESPEAK, KOKORO, OPENJTALK, PIPER, EngineMakers, VoiceChain
from engine.speech.voices.dsp import decode_wav, resample, to_int16, trim_silence
from engine.speech.voices.espeak import EspeakSynthesizer
from engine.speech.voices.kokoro import KokoroJaSynthesizer
from engine.speech.voices.openai_compatible import OpenAICompatibleSynthesizer
from engine.speech.voices.openjtalk import OpenJTalkSynthesizer
from engine.speech.voices.piper import PiperSynthesizer
from engine.speech.voices.voicevox import VoicevoxSynthesizer

ENGINES: EngineMakers = {
    ESPEAK: EspeakSynthesizer,
    PIPER: PiperSynthesizer,
    OPENJTALK: OpenJTalkSynthesizer,
    KOKORO: KokoroJaSynthesizer,
    "voicevox": VoicevoxSynthesizer,
    "openai-compatible": OpenAICompatibleSynthesizer,
}

__all__ = ["ENGINES", "AutoSynthesizer", "SynthesisError", "Synthesizer", "VoiceChain", "VoiceProblem",
           "decode_wav", "is_kana_or_kanji", "make_synthesizer", "mostly_japanese", "resample", "to_int16",
           "trim_silence", "with_character_voice"]


def AutoSynthesizer(voice: VoiceConfig) -> VoiceChain:  # noqa: N802 - the old class's name, kept for callers
    """The ``auto`` chain, whatever ``voice.engine`` says."""
    return VoiceChain(dataclasses.replace(voice, engine="auto"), ENGINES)


def make_synthesizer(voice: VoiceConfig) -> Synthesizer:
    """The Synthesizer for ``voice``; call it on the TTS worker thread.

    Raises SynthesisError (the worker then mimes everything and says why) when
    no engine of the chain can be loaded.
    """
    if voice.engine == "silent":
        raise SynthesisError("voice.engine is 'silent'")
    try:
        return VoiceChain(voice, ENGINES)
    except SynthesisError as err:
        raise SynthesisError(f"voice.engine is {voice.engine} but {err}") from err


def with_character_voice(voice: VoiceConfig, engine: str | None, name: str | None,
                         fallback: tuple[str, ...] | None) -> VoiceConfig:
    """``voice`` with a character's own choices (character.yaml's ``voice:``):
    its engine, that engine's voice (an espeak-ng voice, a piper model path, a
    Kokoro voice, a VOICEVOX speaker id, an OpenAI-compatible voice) and its
    fallback list. Plain values in, so the stage package stays free of speech.
    """
    if engine:
        voice = dataclasses.replace(voice, engine=engine)
    if fallback is not None:
        voice = dataclasses.replace(voice, fallback=tuple(fallback))
    if name:
        target = voice.engine
        if target == "espeak-ng":
            voice = dataclasses.replace(voice, voice_id=name)
        elif target == "piper":
            voice = dataclasses.replace(voice, piper=dataclasses.replace(voice.piper, model=name))
        elif target == "kokoro-ja":
            voice = dataclasses.replace(voice, kokoro=dataclasses.replace(voice.kokoro, voice=name))
        elif target == "voicevox" and name.isdigit():
            voice = dataclasses.replace(voice, voicevox=dataclasses.replace(voice.voicevox, speaker=int(name)))
        elif target == "openai-compatible":
            voice = dataclasses.replace(voice, openai=dataclasses.replace(voice.openai, voice=name))
    return voice
