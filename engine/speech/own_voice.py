"""A bot's own voice (the ``audio`` extension) as a clip the speech queue
plays like a synthesised one: never sent to the TTS worker.

The mouth follows the bot's ``visemes`` when it sent them; otherwise the
loudness envelope opens and closes it. This is the seam for an audio-only
vowel estimator: when one exists, it supplies the VisemeTrack here for audio
that came without timing.
"""
from __future__ import annotations

from engine.link.bot_audio import BotAudio
from engine.speech.clip import AudioClip, clip_from_samples
from engine.speech.visemes import VisemeTrack
from engine.vocabulary import AUDIO_RATE


def own_voice_clip(audio: BotAudio) -> AudioClip:
    track = None
    if audio.visemes:
        track = VisemeTrack(tuple(start for start, _ in audio.visemes), tuple(shape for _, shape in audio.visemes))
    return clip_from_samples(audio.samples, AUDIO_RATE, track)
