"""A bot's own voice (the ``audio`` extension) as a clip the speech queue
plays like a synthesised one: never sent to the TTS worker.

The mouth follows the bot's ``visemes`` when it sent them; otherwise the
audio-only vowel estimator (engine/speech/vowels.py) reads the shapes from
the sound itself.
"""
from __future__ import annotations

from engine.link.bot_audio import BotAudio
from engine.speech.clip import AudioClip, clip_from_samples
from engine.speech.visemes import VisemeTrack
from engine.speech.vowels import clip_with_estimated_visemes
from engine.vocabulary import AUDIO_RATE


def own_voice_clip(audio: BotAudio) -> AudioClip:
    if not audio.visemes:
        return clip_with_estimated_visemes(audio.samples, AUDIO_RATE)
    track = VisemeTrack(tuple(start for start, _ in audio.visemes), tuple(shape for _, shape in audio.visemes))
    return clip_from_samples(audio.samples, AUDIO_RATE, track)
