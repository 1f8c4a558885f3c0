"""The mouth: how far it opens from the loudness envelope, what shape it
takes from the phoneme (viseme), with hold and decay so it does not flicker.

Raw envelope values jump every 10 ms; drawn directly the mouth would flicker.
The mouth opens at once, holds briefly, then closes at a limited speed, and
the openness level changes with hysteresis so it does not chatter at a
threshold. Lips meet for m/b/p and pauses whatever the loudness says.
"""
from __future__ import annotations

# (enter, leave) thresholds on openness for the half and open levels.
_HALF = (0.16, 0.10)
_OPEN = (0.50, 0.40)
SILENCE = 0.02  # envelope values at or below this are silence


class MouthAnimator:
    def __init__(self, hold_s: float = 0.04, close_per_s: float = 10.0, silent_close_per_s: float = 60.0) -> None:
        self.hold_s = hold_s
        self.close_per_s = close_per_s
        self.silent_close_per_s = silent_close_per_s
        self.openness = 0.0
        self.level = "closed"  # closed, half or open: from loudness alone
        self.shape = "closed"  # what is drawn: the level refined by the viseme
        self._held_for = 0.0

    def update(self, target: float, dt: float, viseme: str | None = None) -> str:
        """Advance by ``dt`` seconds towards ``target`` (0..1) with the phoneme
        shape ``viseme`` (None: loudness alone); returns the shape to draw."""
        if viseme == "closed":
            # m/b/p or a pause: the lips meet now, not after the decay.
            self.openness = 0.0
            self._held_for = self.hold_s
        elif target >= self.openness:
            self.openness = target
            self._held_for = 0.0
        elif target <= SILENCE:
            # True silence (a pause, a stop consonant): no hold, the lips shut
            # within a frame or so; the hold is only against flicker between syllables.
            self.openness = max(0.0, self.openness - self.silent_close_per_s * dt)
        elif self._held_for < self.hold_s:
            self._held_for += dt
        else:
            self.openness = max(target, self.openness - self.close_per_s * dt)
        self.level = self._level_for(self.openness)
        if viseme == "closed":
            self.shape = "closed"
        elif self.level != "closed" and viseme in ("wide", "round"):
            self.shape = viseme
        else:
            self.shape = self.level
        return self.shape

    def reset(self) -> None:
        self.openness = 0.0
        self.level = self.shape = "closed"

    def _level_for(self, value: float) -> str:
        current = self.level
        if value >= _OPEN[0] or (current == "open" and value >= _OPEN[1]):
            return "open"
        if value >= _HALF[0] or (current in ("half", "open") and value >= _HALF[1]):
            return "half"
        return "closed"
