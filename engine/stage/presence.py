"""Looking alive between lines: blinks, breathing, a bounce as each sentence
starts, a jump of surprise, and expressions that cross-fade instead of cutting.

An explicit state machine over time: every method takes ``now`` (seconds), so
the live window, record mode and tests with a fake clock all agree. Settings
come from the character's ``presence:`` section, with good defaults.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass

from engine.settings.validate import Invalid, number, setting


def _interval(value: object) -> tuple[float, float]:
    if (not isinstance(value, (list, tuple)) or len(value) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
            or not 0.2 <= value[0] <= value[1] <= 120):
        raise Invalid("[shortest, longest] seconds, from 0.2 to 120")
    return (float(value[0]), float(value[1]))


@dataclass(frozen=True)
class PresenceConfig:
    blink_interval_s: tuple[float, float] = setting((3.0, 7.0), _interval)
    blink_s: float = setting(0.15, number(0.03, 2.0))
    double_blink_chance: float = setting(0.2, number(0.0, 1.0))
    breath_px: float = setting(3.0, number(0.0, 100.0))
    breath_period_s: float = setting(3.6, number(0.5, 60.0))
    bounce_px: float = setting(8.0, number(0.0, 200.0))
    bounce_s: float = setting(0.22, number(0.05, 2.0))
    surprise_jump_px: float = setting(22.0, number(0.0, 400.0))
    surprise_jump_s: float = setting(0.35, number(0.05, 3.0))
    crossfade_s: float = setting(0.15, number(0.0, 2.0))


class Blinker:
    """Eyes close for ``blink_s`` at random intervals, sometimes twice."""

    def __init__(self, config: PresenceConfig, rng: random.Random) -> None:
        self.config = config
        self._rng = rng
        self._next = rng.uniform(*config.blink_interval_s)

    def eyes_closed(self, now: float) -> bool:
        config = self.config
        if now >= self._next + config.blink_s:
            if self._rng.random() < config.double_blink_chance:
                self._next = now + config.blink_s * 1.2  # a quick second blink
            else:
                self._next = now + self._rng.uniform(*config.blink_interval_s)
        return self._next <= now < self._next + config.blink_s


class Presence:
    def __init__(self, config: PresenceConfig, rng: random.Random) -> None:
        self.config = config
        self.blinker = Blinker(config, rng)
        self._bounce_at: float | None = None
        self._jump_at: float | None = None
        self.emotion = "neutral"
        self._previous = "neutral"
        self._changed_at = -1e9

    # ---- events ---------------------------------------------------------------------

    def sentence_started(self, now: float) -> None:
        """Once per sentence, never per syllable: constant bouncing tires viewers."""
        self._bounce_at = now

    def set_emotion(self, emotion: str, now: float) -> None:
        if emotion == self.emotion:
            return
        self._previous = self.emotion
        self.emotion = emotion
        self._changed_at = now
        if emotion == "surprised":
            self._jump_at = now

    # ---- state at a moment ----------------------------------------------------------

    def eyes_closed(self, now: float) -> bool:
        return self.blinker.eyes_closed(now)

    def offset(self, now: float) -> tuple[int, int]:
        """How far the character is moved from her place: up is negative."""
        config = self.config
        # Breathing: she sinks a few pixels and comes back, slowly.
        y = config.breath_px * (0.5 - 0.5 * math.cos(2 * math.pi * now / config.breath_period_s))
        y -= self._arc(now, self._bounce_at, config.bounce_s) * config.bounce_px
        y -= self._arc(now, self._jump_at, config.surprise_jump_s) * config.surprise_jump_px
        return 0, round(y)

    def crossfade(self, now: float) -> tuple[str, str, float]:
        """(emotion shown, emotion fading out, how far the fade is: 0..1)."""
        if self.config.crossfade_s <= 0:
            return self.emotion, self.emotion, 1.0
        progress = (now - self._changed_at) / self.config.crossfade_s
        if progress >= 1.0:
            return self.emotion, self.emotion, 1.0
        return self.emotion, self._previous, max(0.0, progress)

    @staticmethod
    def _arc(now: float, started: float | None, duration: float) -> float:
        """0 → 1 → 0 over ``duration``, a hop's height."""
        if started is None or not 0 <= now - started < duration:
            return 0.0
        return math.sin(math.pi * (now - started) / duration)

