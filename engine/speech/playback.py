"""Audio output and the playback clock that the mouth reads.

The clock starts when a clip is handed to the mixer and is read once per
frame; the mouth is indexed by it, never by a guess of how long words take.
When there is no audio device the same clock runs over a silent clip.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable

import pygame

from engine.speech.clip import AudioClip
from engine.vocabulary import AUDIO_RATE

log = logging.getLogger("kuchipaku.audio")

MIXER_RATE = AUDIO_RATE  # espeak-ng's own rate: no resampling on the way out
MIXER_BUFFER = 512      # frames; small, so the clock and the sound stay close
# How long after a clip's end we wait for the device to drain before moving on.
DRAIN_GRACE_S = 0.5


class AudioOutput:
    """pygame.mixer, or nothing when no device can be opened."""

    def __init__(self, enabled: bool = True, av_offset_s: float = 0.0) -> None:
        self.problem: str | None = None
        self.av_offset_s = av_offset_s
        self._channel: pygame.mixer.Channel | None = None
        self._number: int | None = None  # a lane's own mixer channel (stage.overlap); None: any free one
        self._owns_mixer = True          # only one output of a mixer shared by lanes quits it
        if not enabled:
            self.problem = "voice engine is 'silent'"
            return
        try:
            # allowedchanges=0: SDL converts to whatever the device wants, so
            # our buffers are always in this exact format.
            pygame.mixer.init(MIXER_RATE, -16, 1, MIXER_BUFFER, allowedchanges=0)
        except pygame.error as err:
            self.problem = f"no audio device ({err})"
            log.warning("%s: speaking silently, the mouth follows the text", self.problem)

    @property
    def available(self) -> bool:
        return self.problem is None

    @property
    def latency_s(self) -> float:
        """How long after play() a sample is heard: the mixer's buffer, less
        the lead the user set for a display that lags the sound."""
        return MIXER_BUFFER / MIXER_RATE - self.av_offset_s if self.available else 0.0

    def play(self, clip: AudioClip) -> bool:
        """Start a clip; False when it cannot be heard (it is then mimed)."""
        if not self.available or clip.samples is None:
            return False
        try:
            sound = pygame.mixer.Sound(buffer=clip.samples.tobytes())
            if self._number is None:
                self._channel = sound.play()
            else:  # a lane: always her own channel, so her clip never cuts off another's
                self._channel = pygame.mixer.Channel(self._number)
                self._channel.play(sound)
        except pygame.error as err:
            log.warning("playback failed: %s", err)
            return False
        return self._channel is not None

    def busy(self) -> bool:
        return self._channel is not None and self._channel.get_busy()

    def stop(self) -> None:
        if self._channel is not None:
            self._channel.stop()
            self._channel = None

    def close(self) -> None:
        if self.available:
            self.stop()
            if self._owns_mixer:
                pygame.mixer.quit()

    def lanes(self, count: int) -> list[AudioOutput]:
        """``count`` outputs on this one mixer, each on a channel of its own, for
        characters who speak at once (stage.overlap). This output is the first
        and the one that quits the mixer: close it last."""
        outputs = [self]
        for number in range(1, count):
            lane = AudioOutput.__new__(AudioOutput)
            lane.problem, lane.av_offset_s, lane._channel = self.problem, self.av_offset_s, None
            lane._number, lane._owns_mixer = number, False
            outputs.append(lane)
        self._number = 0
        if self.available and pygame.mixer.get_num_channels() < count:
            pygame.mixer.set_num_channels(count)
        return outputs


class PlaybackClock:
    """Position in the clip now playing; silent clips run on the same clock."""

    def __init__(self, now: Callable[[], float] = time.perf_counter) -> None:
        self._now = now
        self._started = 0.0
        self._offset = 0.0
        self.clip: AudioClip | None = None

    def start(self, clip: AudioClip, output_latency_s: float = 0.0) -> None:
        """``output_latency_s``: how much later than now the first sample is
        heard, less any lead the user asks for (voice.av_offset_ms)."""
        self.clip = clip
        self._started = self._now()
        self._offset = output_latency_s

    def stop(self) -> None:
        self.clip = None

    def position(self) -> float:
        return self._now() - self._started - self._offset

    def level(self, lead_s: float = 0.0) -> float:
        """The clip's loudness envelope at the current position plus ``lead_s``."""
        return self.clip.level_at(self.position() + lead_s) if self.clip else 0.0

    def viseme(self, lead_s: float = 0.0) -> str | None:
        """The mouth shape of the phoneme sounding then, if the voice told us."""
        return self.clip.viseme_at(self.position() + lead_s) if self.clip else None

    def finished(self, device_busy: bool) -> bool:
        if self.clip is None:
            return True
        past_end = self.position() - self.clip.duration_s
        return past_end >= 0 and (not device_busy or past_end >= DRAIN_GRACE_S)
