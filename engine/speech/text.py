"""Turning a message's text into what is shown and the sentences spoken.

Emotion tags such as ``[happy]`` (what AITuberKit's prompts make language
models write) switch the expression from that point on; they are neither shown
nor spoken. Sentences are the unit of speech, so a long answer starts talking
after its first sentence is synthesised instead of after the whole text; a
long sentence is cut further at its clauses (commas, 、, semicolons, colons,
dashes), because a neural voice's first audio comes only once the whole unit
is synthesised (piper: 169 ms for five words, 1.9 s for a 4.6 s sentence).
No cut ever falls inside a code block, inline code, a link or a URL.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from engine.speech.speakable import emoji_emotion, inside, protected_spans
from engine.vocabulary import EMOTIONS, is_wide

_TAG = re.compile(r"\[(" + "|".join(EMOTIONS) + r")\]", re.IGNORECASE)
# A sentence ends at . ! ? … or their full-width forms, plus closing quotes or
# brackets, followed by space or the end; CJK terminators need no space.
# ASCII ! and ? need no space only before CJK: "**Wow!**" and "search?q=1" are not cut.
_SENTENCE_END = re.compile(r"""(?:[.!?…]+["')\]」』]*(?=\s|$))|(?:[。！？]+[」』）)]*)|(?:[!?]+(?=[^\x00-\x7f]))""")
_ABBREVIATION = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|St|Jr|Sr|vs|e\.g|i\.e)|\b[A-Z])\.$", re.IGNORECASE)
_MAX_SENTENCE_CHARS = 220  # longer runs are split at a comma or space so speech starts sooner
# Clause cutting, in columns (a kana or kanji counts two): a sentence wider
# than CLAUSE_COLUMNS is cut at its clause boundaries, into pieces no narrower
# than MIN_CLAUSE_COLUMNS (a lone "So," would sound clipped).
CLAUSE_COLUMNS = 48
MIN_CLAUSE_COLUMNS = 16
# A message's first unit decides how soon the voice starts; the later ones are
# synthesised while it plays. So the first clause of a long first sentence is
# cut further, down to about a short sentence's width (piper: 5 words, 80 ms).
FIRST_CLAUSE_COLUMNS = 40
# After 、，；： (full width) no space is needed; after , ; : — – … one is, so
# "1,000", "12:30" and "http://" are never cut.
_CLAUSE_END = re.compile(r"[、，；：]|[,;:](?=\s)|\s[—–-]{1,2}(?=\s)|…(?=\s)")
# With no punctuation at all, a very long clause may be cut before one of these.
_CONJUNCTION = re.compile(r"\s(?=(?:and|but|or|so|because|which|that|who|while|when|where|then|although|if)\s)",
                          re.IGNORECASE)


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
    spans = protected_spans(text)
    for match in _SENTENCE_END.finditer(text):
        if inside(match.end(), spans) or inside(match.start(), spans):
            continue  # a full stop in a URL or a code block
        if _ABBREVIATION.search(text[start:match.end()]):
            continue  # "Dr. Who" is one sentence
        sentences.extend(_split_long(text[start:match.end()]))
        start = match.end()
    sentences.extend(_split_long(text[start:]))
    return [s for s in (_tidy(s) for s in sentences) if s]


def _split_long(text: str) -> list[str]:
    pieces: list[str] = []
    while len(text) > _MAX_SENTENCE_CHARS:
        spans = protected_spans(text)
        window = text[:_MAX_SENTENCE_CHARS]
        cut = max((i for i, char in enumerate(window) if char in ",、，" and not inside(i + 1, spans)), default=-1)
        if cut < _MAX_SENTENCE_CHARS // 3:
            cut = max((i for i, char in enumerate(window) if char == " " and not inside(i + 1, spans)), default=-1)
        if cut < _MAX_SENTENCE_CHARS // 3:
            ends = [end for start, end in spans if start < _MAX_SENTENCE_CHARS < end]
            cut = (ends[0] if ends else _MAX_SENTENCE_CHARS) - 1  # a URL or code longer than the window stays whole
        pieces.append(text[:cut + 1])
        text = text[cut + 1:]
    pieces.append(text)
    return pieces


def columns(text: str) -> int:
    """Width in columns: a kana or kanji is two, as it is about a mora of speech."""
    return sum(2 if is_wide(char) else 1 for char in text)


def split_clauses(sentence: str, limit: int = CLAUSE_COLUMNS, least: int = MIN_CLAUSE_COLUMNS,
                  first: int | None = None) -> list[str]:
    """``sentence`` cut at clause boundaries when it is wider than ``limit``
    columns, each piece at least ``least`` wide; the pieces joined by
    engine.overlay.captions.join_sentences give the sentence back. With
    ``first``, a first piece wider than that is cut again before its first
    conjunction, or failing one, at the last space before ``first`` columns
    when it is over twice that wide."""
    if columns(sentence) <= limit:
        return [sentence]
    pieces = _clauses(sentence, limit, least)
    if first is not None and columns(pieces[0]) > first:
        head = pieces[0]
        spans = protected_spans(head)
        cuts = [m.start() for m in _CONJUNCTION.finditer(head)
                if not inside(m.start(), spans) and columns(head[:m.start()]) >= least]
        if not cuts and columns(head) > 2 * first:
            spaces = [i for i, char in enumerate(head) if char == " " and least <= columns(head[:i]) <= first
                      and not inside(i, spans)]
            cuts = spaces[-1:]
        if cuts and columns(head[cuts[0]:].strip()) >= least:
            pieces[:1] = [head[:cuts[0]].strip(), head[cuts[0]:].strip()]
    return pieces


def _clauses(sentence: str, limit: int, least: int) -> list[str]:
    spans = protected_spans(sentence)
    cuts = [m.end() for m in _CLAUSE_END.finditer(sentence) if not inside(m.end(), spans)]
    pieces = _cut_at(sentence, cuts, least)
    out: list[str] = []
    for piece in pieces:  # a clause still far too long: before a conjunction
        if columns(piece) > 2 * limit:
            piece_spans = protected_spans(piece)
            more = [m.start() for m in _CONJUNCTION.finditer(piece) if not inside(m.start(), piece_spans)]
            out.extend(_cut_at(piece, more, least))
        else:
            out.append(piece)
    return out


def _cut_at(text: str, cuts: list[int], least: int) -> list[str]:
    pieces: list[str] = []
    start = 0
    for cut in cuts:
        if columns(text[start:cut].strip()) >= least and columns(text[cut:].strip()) >= least:
            pieces.append(text[start:cut].strip())
            start = cut
    pieces.append(text[start:].strip())
    return [piece for piece in pieces if piece]


def _speakable(text: str) -> bool:
    return any(char.isalnum() for char in text)


def sentences_of(text: str, emotion: str, emotion_given: bool = False, emoji_emotions: bool = True,
                 clause_columns: int = CLAUSE_COLUMNS) -> list[Sentence]:
    """What a message says, sentence by sentence (a long one clause by
    clause), each with its emotion.

    A piece with nothing to pronounce ("...", "!!") joins the sentence before
    it, so it is shown but never synthesised into an empty clip on its own.
    A feeling emoji (😂 🥰 😢 😡 😮 ...) sets its sentence's emotion when no
    tag did and the sender gave none (``emotion_given`` false and
    ``emotion`` neutral); its clauses share it.
    """
    sentences: list[Sentence] = []
    for index, (run_emotion, run_text) in enumerate(split_emotions(text, emotion)):
        tagged = index > 0 or bool(_TAG.match(text.lstrip()))
        for piece in split_sentences(run_text):
            if sentences and not _speakable(piece):
                previous = sentences[-1]
                sentences[-1] = Sentence(f"{previous.text} {piece}", previous.emotion)
                continue
            piece_emotion = run_emotion
            if emoji_emotions and not emotion_given and not tagged and run_emotion == "neutral":
                piece_emotion = emoji_emotion(piece) or run_emotion
            first = FIRST_CLAUSE_COLUMNS if not sentences else None  # the message's first unit
            sentences.extend(Sentence(clause, piece_emotion)
                             for clause in split_clauses(piece, clause_columns, first=first))
    return sentences
