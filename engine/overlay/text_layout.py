"""Line wrapping that works for English and for Japanese, which has no spaces."""
from __future__ import annotations

from collections.abc import Callable

from engine.vocabulary import is_wide

# Characters that must not start a line (Japanese line-breaking rules, kinsoku).
_NO_LINE_START = set("、。，．・：；？！ー」』）】〕〉》ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ!),.:;?")


def _tokens(text: str) -> list[str]:
    """Words with their trailing spaces, and every wide (CJK) character alone."""
    tokens: list[str] = []
    word = ""
    for char in text:
        wide = is_wide(char)
        if wide or (word and word[-1].isspace() and not char.isspace()):
            if word:
                tokens.append(word)
            word = ""
        if wide:
            tokens.append(char)
        else:
            word += char
    if word:
        tokens.append(word)
    return tokens


def wrap(text: str, width: int, measure: Callable[[str], int]) -> list[str]:
    """Greedy wrap of ``text`` to ``width`` pixels; ``measure`` gives a string's width."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in _tokens(paragraph):
            candidate = line + token
            if line and measure(candidate.rstrip()) > width and token[0] not in _NO_LINE_START:
                lines.append(line.rstrip())
                candidate = token
            line = candidate
            # A single word wider than the box is cut wherever it must be.
            while line == token and measure(line.rstrip()) > width and len(line) > 1:
                cut = len(line) - 1
                while cut > 1 and measure(line[:cut]) > width:
                    cut -= 1
                lines.append(line[:cut])
                line = token = line[cut:]
        if line.strip() or not lines:
            lines.append(line.rstrip())
    return lines


def ellipsised(text: str, width: int, measure: Callable[[str], int]) -> str:
    """``text`` on one line of at most ``width`` pixels, cut with "…" if it must be."""
    text = " ".join(text.split())
    if measure(text) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        middle = (low + high + 1) // 2
        if measure(text[:middle].rstrip() + "…") <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…"
