"""What the viewers see of the speech events: the captions.

The speech side reports and draws nothing; here a new block clears the
subtitle, a sentence joins it as it starts, and a line that is not spoken goes
where its role is shown (the question, the panel, a note).
"""
from __future__ import annotations

from engine.overlay.captions import Captions
from engine.speech.events import BlockStarted, LineShown, SentenceStarted, SpeechEvent


def show_in_captions(captions: Captions, event: SpeechEvent) -> None:
    if isinstance(event, BlockStarted):
        captions.new_block()
    elif isinstance(event, SentenceStarted):
        captions.spoken(event.text)
    elif isinstance(event, LineShown):
        captions.show(event.presentation, event.role, event.text)
