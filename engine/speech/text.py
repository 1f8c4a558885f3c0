"""Turning a message's text into what is shown and the sentences spoken.

Emotion tags such as ``[happy]`` (what AITuberKit's prompts make language
models write) switch the expression from that point on; they are neither shown
nor spoken. Sentences are the unit of speech, so a long answer starts talking
after its first sentence is synthesised instead of after the whole text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from engine.vocabulary import EMOTIONS

_TAG = re.compile(r"\[(" + "|".join(EMOTIONS) + r")\]", re.IGNORECASE)
# A sentence ends at . ! ? … or their full-width forms, plus closing quotes or
# brackets, followed by space or the end; CJK terminators need no space.
# ASCII ! and ? need no space only before CJK: "**Wow!**" and "search?q=1" are not cut.
_SENTENCE_END = re.compile(r"""(?:[.!?…]+["')\]」』]*(?=\s|$))|(?:[。！？]+[」』）)]*)|(?:[!?]+(?=[^\x00-\x7f]))""")
_ABBREVIATION = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|St|Jr|Sr|vs|e\.g|i\.e)|\b[A-Z])\.$", re.IGNORECASE)
_MAX_SENTENCE_CHARS = 220  # longer runs are split at a comma or space so speech starts sooner


@dataclass(frozen=True)
class Sentence:
    text: str
    emotion: str


def strip_tags(text: str) -> str:
    """The text as shown: tags removed, spacing tidied."""
    return _tidy(_TAG.sub("", text))


def _tidy(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text).strip()


def ends_sentence(text: str) -> bool:
    """Whether ``text`` ends at a sentence boundary, so nothing more of that
    sentence can follow. "3." may still become "3.14", so it does not count."""
    stripped = text.rstrip()
    match = _SENTENCE_END.search(stripped)
    if match is None or match.end() != len(stripped):
        return False
    return not re.search(r"\d\.$", stripped) and not _ABBREVIATION.search(stripped)


def final_emotion(text: str, emotion: str) -> str:
    """The emotion in effect at the end of ``text`` (after its last tag)."""
    tags = _TAG.findall(text)
    return tags[-1].lower() if tags else emotion


def split_emotions(text: str, emotion: str) -> list[tuple[str, str]]:
    """Split at emotion tags into (emotion, text) runs, starting with ``emotion``."""
    runs: list[tuple[str, str]] = []
    position = 0
    for match in _TAG.finditer(text):
        runs.append((emotion, text[position:match.start()]))
        emotion = match.group(1).lower()
        position = match.end()
    runs.append((emotion, text[position:]))
    return [(e, t) for e, t in runs if t.strip()]


def split_sentences(text: str) -> list[str]:
    """Split into sentences, keeping their punctuation; never loses a character
    other than surrounding whitespace."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if _ABBREVIATION.search(text[start:match.end()]):
            continue  # "Dr. Who" is one sentence
        sentences.extend(_split_long(text[start:match.end()]))
        start = match.end()
    sentences.extend(_split_long(text[start:]))
    return [s for s in (_tidy(s) for s in sentences) if s]


def _split_long(text: str) -> list[str]:
    pieces: list[str] = []
    while len(text) > _MAX_SENTENCE_CHARS:
        window = text[:_MAX_SENTENCE_CHARS]
        cut = max(window.rfind(","), window.rfind("、"), window.rfind("，"))
        if cut < _MAX_SENTENCE_CHARS // 3:
            cut = window.rfind(" ")
        if cut < _MAX_SENTENCE_CHARS // 3:
            cut = _MAX_SENTENCE_CHARS - 1
        pieces.append(text[:cut + 1])
        text = text[cut + 1:]
    pieces.append(text)
    return pieces


def _speakable(text: str) -> bool:
    return any(char.isalnum() for char in text)


def sentences_of(text: str, emotion: str) -> list[Sentence]:
    """What a message says, sentence by sentence, each with its emotion.

    A piece with nothing to pronounce ("...", "!!") joins the sentence before
    it, so it is shown but never synthesised into an empty clip on its own.
    """
    sentences: list[Sentence] = []
    for run_emotion, run_text in split_emotions(text, emotion):
        for piece in split_sentences(run_text):
            if sentences and not _speakable(piece):
                previous = sentences[-1]
                sentences[-1] = Sentence(f"{previous.text} {piece}", previous.emotion)
            else:
                sentences.append(Sentence(piece, run_emotion))
    return sentences
