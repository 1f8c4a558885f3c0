"""What the overlays show of the conversation: the subtitle of the block being
spoken, the viewer's question it answers, and the monospace panel."""
from __future__ import annotations

import collections

from engine.vocabulary import Role, is_wide

PANEL_LINES = 12


def join_sentences(sentences: list[str]) -> str:
    """Join with spaces, except between CJK sentences, which use none."""
    text = ""
    for sentence in sentences:
        if text and not (is_wide(text[-1]) and is_wide(sentence[0])):
            text += " "
        text += sentence
    return text


class Captions:
    def __init__(self) -> None:
        self.question = ""
        self.subtitle_sentences: list[str] = []
        self.notes: list[str] = []  # lines of unknown roles: shown, never spoken
        self.panel: collections.deque[str] = collections.deque(maxlen=PANEL_LINES)
        self.version = 0  # bumped on every change, so renderers can cache
        self.text_version = 0  # bumped when the text itself changes, not the karaoke reveal
        self.revealed: int | None = None  # karaoke: characters of the last sentence shown so far
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
        """The block's text, in full (for the log and lifecycle)."""
        return join_sentences(self.subtitle_sentences + self.notes)

    @property
    def shown_length(self) -> int:
        """Karaoke: how many characters of ``subtitle`` have been spoken so far
        (lines of other roles, after the speech, show once it is over)."""
        if self.revealed is None or not self.subtitle_sentences:
            return len(self.subtitle)
        last = self.subtitle_sentences[-1]
        spoken_block = join_sentences(self.subtitle_sentences)
        return len(spoken_block) - len(last) + min(self.revealed, len(last))

    def reveal(self, characters: int | None) -> None:
        if characters != self.revealed:
            self.revealed = characters
            self.version += 1

    def new_block(self) -> None:
        self.subtitle_sentences = []
        self.notes = []
        self.revealed = None
        self.text_version += 1
        self.version += 1

    def spoken(self, sentence: str) -> None:
        self.subtitle_sentences.append(sentence)
        self.revealed = None
        self.text_version += 1
        self.version += 1

    def show(self, presentation: Role, role: str, text: str) -> None:
        if presentation is Role.QUESTION:
            self.question = text
        elif presentation is Role.PANEL:
            for line in text.splitlines() or [""]:
                self.panel.append(f"{role}> {line}" if role != "code" else line)
        else:
            self.notes.append(f"({role}) {text}")
        self.text_version += 1
        self.version += 1
