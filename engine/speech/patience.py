"""How long the head sentence waits for its audio before it is mimed.

A sentence waits ``synth_timeout_s`` for the worker; while the worker is still
loading its voice (between VoiceLoading and VoiceReady), the load's
allowance comes on top, so a line sent at start-up is spoken, not mimed; the
timeout then runs again from the load. Once a sentence has timed out the
worker counts as stalled: the next sentences are mimed at once instead of each
waiting the timeout, until the worker answers again. Pure: the caller passes
the time.
"""
from __future__ import annotations

from engine.speech.steps import Speak

# How long a sentence may wait for a voice that is still loading (kokoro takes
# tens of seconds on a slow machine) before it is mimed; a hung load still ends.
VOICE_LOAD_S = 60.0


class Patience:
    def __init__(self, synth_timeout_s: float) -> None:
        self.synth_timeout_s = synth_timeout_s
        self._stalled = False
        self._loading = False
        self._loading_changed = False  # the head's deadline is to be set again

    def voice_loading(self, loading: bool) -> None:
        """The worker said VoiceLoading (True), or VoiceReady / VoiceUnavailable (False)."""
        self._loading, self._loading_changed = loading, True

    def answered(self) -> None:
        """The worker answered a sentence: it is not stalled."""
        self._stalled = False

    def overdue(self, step: Speak, now: float) -> bool:
        """Whether ``step``, at the head without audio, has waited long enough."""
        if step.deadline is None or self._loading_changed:
            self._loading_changed = False
            step.deadline = now + self.synth_timeout_s + (VOICE_LOAD_S if self._loading else 0.0)
        if now < step.deadline and not self._stalled:
            return False
        self._stalled = True
        return True
