"""Status toasts: short notices that fade after a few seconds.

A repeated notice is merged into the one showing (with a count) instead of
stacking, so a misbehaving bot cannot fill the screen.
"""
from __future__ import annotations

import collections
from dataclasses import dataclass

MAX_SHOWN = 5
HISTORY = 50  # kept for the control window's list of problems


@dataclass
class Toast:
    text: str
    level: str
    expires: float
    count: int = 1

    @property
    def label(self) -> str:
        return self.text if self.count == 1 else f"{self.text} (x{self.count})"


class ToastBoard:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.toasts: list[Toast] = []
        self.version = 0
        self.history: collections.deque[tuple[float, str, str]] = collections.deque(maxlen=HISTORY)

    def push(self, text: str, level: str, now: float) -> None:
        self.history.append((now, level, text))
        for toast in self.toasts:
            if toast.text == text:
                toast.count += 1
                toast.expires = now + self.seconds
                self.version += 1
                return
        self.toasts.append(Toast(text, level, now + self.seconds))
        del self.toasts[:-MAX_SHOWN]
        self.version += 1

    def expire(self, now: float) -> None:
        kept = [t for t in self.toasts if t.expires > now]
        if len(kept) != len(self.toasts):
            self.toasts = kept
            self.version += 1
