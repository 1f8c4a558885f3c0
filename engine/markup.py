"""The one reading of the markdown bots write, shared by what is shown and
what is spoken.

Language models answer in markdown. The subtitle (engine/overlay/display_text.py)
and the voice (engine/speech/speakable.py) each decide what becomes of a
link, a code block or a heading; *recognising* them is done once, here.
Like engine.vocabulary it imports nothing from the engine, so every package
may use it. Pure: patterns and functions over strings.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

# A fenced code block, opened at a line's start and closed by the same fence
# (an unclosed one runs to the end). Groups: fence, info string, body.
FENCED_CODE = re.compile(r"^[ \t]{0,3}(```|~~~)([^\n]*)\n?(.*?)(?:\1|\Z)", re.M | re.S)
# Inline code on one line, between two runs of as many backticks. Groups: ticks, body.
INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`)([^\n]+?)(?<!`)\1(?!`)")
# An image or a link, with an optional title and one level of parentheses in
# the address. Groups: the alt text or the link's words; the address.
IMAGE = re.compile(r"!\[([^\]\n]*)\]\(((?:[^()\s]|\([^()\s]*\))+)(?:\s+\"[^\"]*\")?\)")
LINK = re.compile(r"\[([^\]\n]+)\]\(((?:[^()\s]|\([^()\s]*\))+)(?:\s+\"[^\"]*\")?\)")
AUTOLINK = re.compile(r"<((?:(?:https?|wss?|ftp)://|mailto:)[^>\s]+)>", re.I)
# A bare address. Brackets end it unless they pair up inside it
# (wiki/Foo_(bar)); it never ends in punctuation that closes the sentence around it.
_URL_CHAR = r"[^\s<>\"'`()\[\]{}]"
_URL_PARENS = r"\([^\s<>\"'`()]*\)"
URL = re.compile(r"\b(?:(?:https?|wss?|ftp)://|www\.)"
                 rf"(?:{_URL_CHAR}|{_URL_PARENS})*(?:[^\s<>\"'`()\[\]{{}}.,;:!?」』。、]|{_URL_PARENS})", re.I)

# Block marks at a line's start. HEADING's group: its words, closing hashes off.
HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.M)
BULLET = re.compile(r"^[ \t]*[-*+•][ \t]+", re.M)
NUMBERED = re.compile(r"^[ \t]*\d{1,3}[.)][ \t]+", re.M)
QUOTE = re.compile(r"^[ \t]{0,3}(?:>[ \t]?)+", re.M)
RULE = re.compile(r"^[ \t]{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$", re.M)

# Emphasis: *, **, ***, ~~ not inside a word or a number (2*3*4 stays), and
# _, __, ___ not inside a name (snake_case stays).
_STARS = re.compile(r"(?<![A-Za-z0-9*~])(\*{1,3}|~~)(?=[^\s*~])(.+?)(?<=[^\s*~])\1(?![A-Za-z0-9*~])", re.S)
_UNDERSCORES = re.compile(r"(?<![\w\\])(_{1,3})(?=\S)(.+?)(?<=\S)\1(?!\w)", re.S)
# Marks left unpaired (a sentence cut between them): dropped where they touch a word's edge.
_STRAY = re.compile(r"(?<![A-Za-z0-9*])\*{2,3}|\*{2,3}(?![A-Za-z0-9*])|~~|`+|(?<!\w)__+|__+(?!\w)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])")


def strip_emphasis(text: str) -> str:
    """Emphasis and strike-through marks off, their words kept; unpaired
    marks at a word's edge dropped too."""
    for _ in range(3):  # nested: ***both*** or **_both_**
        text = _STARS.sub(lambda m: m.group(2), text)
        text = _UNDERSCORES.sub(lambda m: m.group(2), text)
    return _STRAY.sub("", text)


def unescape(text: str) -> str:
    r"""Markdown's backslash escapes (``\*`` -> ``*``)."""
    return _ESCAPE.sub(lambda m: m.group(1), text)


def host_of(url: str) -> str | None:
    """``https://www.example.com/a?b=c`` -> ``example.com``; None if it names no host."""
    try:
        host = urlsplit(url if "://" in url else "http://" + url).hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None
