"""Mouth opening from the loudness envelope, with hold and decay.

Raw envelope values jump every 10 ms; drawn directly the mouth would flicker.
The mouth opens at once, holds briefly, then closes at a limited speed, and the
drawn shape changes with hysteresis so it does not chatter at a threshold.
"""
from __future__ import annotations

MOUTH_SHAPES = ("closed", "half", "open")
# (enter, leave) thresholds on openness for the half and open shapes.
_HALF = (0.16, 0.10)
_OPEN = (0.50, 0.40)


class MouthAnimator:
    def __init__(self, hold_s: float = 0.05, close_per_s: float = 7.0) -> None:
        self.hold_s = hold_s
        self.close_per_s = close_per_s
        self.openness = 0.0
        self.shape = "closed"
        self._held_for = 0.0

    def update(self, target: float, dt: float) -> str:
        """Advance by ``dt`` seconds towards ``target`` (0..1); returns the shape."""
        if target >= self.openness:
            self.openness = target
            self._held_for = 0.0
        elif self._held_for < self.hold_s:
            self._held_for += dt
        else:
            self.openness = max(target, self.openness - self.close_per_s * dt)
        self.shape = self._shape_for(self.openness)
        return self.shape

    def reset(self) -> None:
        self.openness = 0.0
        self.shape = "closed"

    def _shape_for(self, value: float) -> str:
        current = self.shape
        if value >= _OPEN[0] or (current == "open" and value >= _OPEN[1]):
            return "open"
        if value >= _HALF[0] or (current in ("half", "open") and value >= _HALF[1]):
            return "half"
        return "closed"
