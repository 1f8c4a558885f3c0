"""What the overlays show of the conversation.

The subtitle is for the viewers: the sentences of one message (or one
start…end block) as they are spoken, in the form a viewer reads
(``display_text``): ``subtitle_sentences`` are as spoken, ``subtitle`` as
shown. It fades out ``linger_s`` after its speech ends, and a
new message starts a new one. Lines that are shown but never spoken (a
viewer's question, code and its output, system lines, a bot's error) are for
the streamer: they are kept here for the control window and never reach the
captured window.
"""
from __future__ import annotations

import collections

from engine.overlay.display_text import display_form
from engine.vocabulary import Role, is_wide

PANEL_LINES = 12
OFFSTAGE_LINES = 50
FADE_S = 0.5  # the last part of the linger, in which the subtitle fades out


def join_sentences(sentences: list[str]) -> str:
    """Join with spaces, except between CJK sentences, which use none."""
    text = ""
    for sentence in sentences:
        if not sentence:
            continue
        if text and not (is_wide(text[-1]) and is_wide(sentence[0])):
            text += " "
        text += sentence
    return text


class Captions:
    def __init__(self, linger_s: float = 3.0) -> None:
        self.linger_s = linger_s
        self.question = ""
        self.subtitle_sentences: list[str] = []
        self.panel: collections.deque[str] = collections.deque(maxlen=PANEL_LINES)
        self.offstage: collections.deque[str] = collections.deque(maxlen=OFFSTAGE_LINES)  # for the streamer
        self.version = 0  # bumped on every change, so renderers can cache
        self.text_version = 0  # bumped when the text itself changes, not the karaoke reveal
        self.revealed: int | None = None  # karaoke: characters of the last sentence shown so far
        self.opacity = 1.0  # 1 while spoken and lingering, down to 0 as it fades
        self._silent_since: float | None = None
        self._shown_for = -1
        self._raw = self._shown = ""
        self.speaker: str | None = None  # on a duo stage: who speaks the subtitle, named above it
        self.speaker_colour: tuple[int, int, int] = (255, 255, 255)

    def speaking_now(self, name: str | None, colour: tuple[int, int, int]) -> None:
        """``name`` speaks the next sentence: another speaker starts a subtitle of her own."""
        if name != self.speaker:
            if self.speaker is not None and self.subtitle_sentences:
                self.new_block()
            self.speaker, self.speaker_colour = name, colour
            self.version += 1

    @property
    def subtitle(self) -> str:
        """The message's spoken text so far, in full, as shown (display form of
        the whole, so markdown cut across sentences is still removed)."""
        if self._shown_for != self.text_version:
            self._shown_for = self.text_version
            self._raw = join_sentences(self.subtitle_sentences)
            self._shown = display_form(self._raw)
        return self._shown

    @property
    def shown_length(self) -> int:
        """Karaoke: how many characters of ``subtitle`` have been spoken so far."""
        shown = self.subtitle
        if self.revealed is None or not self.subtitle_sentences:
            return len(shown)
        last = self.subtitle_sentences[-1]
        spoken = len(self._raw) - len(last) + min(self.revealed, len(last))
        return min(len(shown), len(display_form(self._raw[:spoken])))

    def reveal(self, characters: int | None) -> None:
        if characters != self.revealed:
            self.revealed = characters
            self.version += 1

    def new_block(self) -> None:
        """A new message (or block) begins, or the speech was cancelled: the subtitle starts afresh."""
        self.clear()

    def clear(self) -> None:
        self.subtitle_sentences = []
        self.revealed = None
        self.opacity = 1.0
        self._silent_since = None
        self.text_version += 1
        self.version += 1

    def spoken(self, sentence: str) -> None:
        self.subtitle_sentences.append(sentence)
        self.revealed = None
        self.opacity = 1.0
        self._silent_since = None
        self.text_version += 1
        self.version += 1

    def settle(self, now: float, speaking: bool) -> None:
        """Once per frame: fade the subtitle out ``linger_s`` after the speech ends."""
        if speaking or not self.subtitle_sentences:
            self._silent_since = None
            if self.opacity != 1.0:
                self.opacity = 1.0
                self.version += 1
            return
        if self._silent_since is None:
            self._silent_since = now
        left = self._silent_since + self.linger_s - now
        if left <= 0:
            self.clear()
            return
        opacity = min(1.0, left / FADE_S)
        if abs(opacity - self.opacity) > 0.02:
            self.opacity = opacity
            self.version += 1

    def show(self, presentation: Role, role: str, text: str) -> None:
        """A line that is not spoken: kept for the streamer's control window only."""
        if presentation is Role.QUESTION:
            self.question = text
        elif presentation is Role.PANEL:
            for line in text.splitlines() or [""]:
                self.panel.append(f"{role}> {line}" if role != "code" else line)
        self.offstage.append(f"({role}) {text}")
