"""Whole sentences out of a streamed response.

A v2 bot streams its answer as chat.delta pieces under one requestId, often a
few words or a single token each. Speaking each piece as it comes would chop
speech into fragments, so the unfinished end of the text is held back until
the sentence completes, the response ends (chat.done), or the stream pauses for
``hold_s``. An emotion set by a tag or by a piece's ``emotion`` lasts for the
rest of the response, as it does within one text.
"""
from __future__ import annotations

import collections
from collections.abc import Hashable
from dataclasses import dataclass

from engine.speech.text import Sentence, ends_sentence, final_emotion, sentences_of

MAX_TRACKED = 256  # responses whose running emotion is remembered; the oldest are forgotten


@dataclass
class _Tail:
    text: str
    emotion: str
    due: float


class StreamAssembler:
    def __init__(self, hold_s: float) -> None:
        self.hold_s = hold_s
        self._tails: dict[Hashable, _Tail] = {}
        self._running: collections.OrderedDict[Hashable, str] = collections.OrderedDict()

    def take(self, key: Hashable, text: str, emotion: str, explicit: bool, final: bool,
             now: float) -> list[Sentence]:
        """The sentences that are complete once ``text`` is added to response ``key``."""
        tail = self._tails.pop(key, None)
        start = tail.emotion if tail else self._running.get(key, emotion)
        if explicit and emotion != start:
            text = f"[{emotion}]{text}"
        joined = (tail.text if tail else "") + text
        sentences = sentences_of(joined, start)
        if final:
            self._running.pop(key, None)
            return sentences
        self._running[key] = final_emotion(joined, start)
        self._running.move_to_end(key)
        while len(self._running) > MAX_TRACKED:
            self._running.popitem(last=False)
        if sentences and not ends_sentence(joined):
            last = sentences.pop()
            spacing = " " if joined[-1:].isspace() else ""
            self._tails[key] = _Tail(last.text + spacing, last.emotion, now + self.hold_s)
        return sentences

    def flush(self, key: Hashable) -> list[Sentence]:
        tail = self._tails.pop(key, None)
        return sentences_of(tail.text, tail.emotion) if tail else []

    def due(self, now: float) -> list[Hashable]:
        """Responses that paused long enough: their held text is to be spoken now."""
        return [key for key, tail in self._tails.items() if tail.due <= now]

    def drop(self, matches) -> None:
        """Forget held text of the responses for which ``matches(key)`` is true."""
        for key in [key for key in self._tails if matches(key)]:
            del self._tails[key]
