"""Which face the character wears: the emotion of the sentence being spoken,
back to neutral a while after the last speech (as AITuberKit does)."""
from __future__ import annotations


class ExpressionState:
    def __init__(self, neutral_after_s: float) -> None:
        self.neutral_after_s = neutral_after_s
        self.emotion = "neutral"
        self._quiet_since: float | None = None

    def speaking(self, emotion: str) -> None:
        self.emotion = emotion
        self._quiet_since = None

    def update(self, now: float, busy: bool) -> str:
        """``busy``: speech is playing or waiting to play."""
        if busy:
            self._quiet_since = None
        elif self._quiet_since is None:
            self._quiet_since = now
        elif self.emotion != "neutral" and now - self._quiet_since >= self.neutral_after_s:
            self.emotion = "neutral"
        return self.emotion
