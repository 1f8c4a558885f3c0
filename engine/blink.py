"""Blinking: eyes close for a moment at random intervals, sometimes twice."""
from __future__ import annotations

import random


class Blinker:
    def __init__(self, rng: random.Random, interval_s: tuple[float, float] = (3.0, 7.0),
                 duration_s: float = 0.15, double_chance: float = 0.2) -> None:
        self._rng = rng
        self.interval_s = interval_s
        self.duration_s = duration_s
        self.double_chance = double_chance
        self._next = rng.uniform(*interval_s)

    def eyes_closed(self, now: float) -> bool:
        if now >= self._next + self.duration_s:
            if self._rng.random() < self.double_chance:
                self._next = now + self.duration_s * 1.2  # a quick second blink
            else:
                self._next = now + self._rng.uniform(*self.interval_s)
        return self._next <= now < self._next + self.duration_s
