"""The text as a viewer reads it: what a bot sends is often markdown with
links in it, which no viewer should see raw on a stream.

Markdown marks are removed (the words they mark are kept), a link shows its
words, a bare URL shows its host, and emoji are kept (they are drawn in
colour by the fonts). What is *spoken* is cleaned elsewhere, by the speech
side; this is only what is *shown*.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

_FENCE = re.compile(r"^[ \t]*(```|~~~)[^\n]*$", re.M)
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_AUTOLINK = re.compile(r"<((?:https?|wss?|ftp)://[^>\s]+)>", re.I)
_URL = re.compile(r"\b(?:(?:https?|wss?|ftp)://|www\.)[^\s<>()\[\]{}\"']+", re.I)
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.M)
_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$", re.M)
_QUOTE = re.compile(r"^[ \t]{0,3}(?:>[ \t]?)+", re.M)
_BULLET = re.compile(r"^[ \t]*[-*+][ \t]+", re.M)
_RULE = re.compile(r"^[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*$", re.M)
_CODE = re.compile(r"(`+)(.+?)\1", re.S)
_STARS = re.compile(r"(?<![A-Za-z0-9*~])(\*{1,3}|~~)(?=[^\s*~])(.+?)(?<=[^\s*~])\1(?![A-Za-z0-9*~])", re.S)
_UNDERSCORES = re.compile(r"(?<![\w\\])(_{1,3})(?=\S)(.+?)(?<=\S)\1(?!\w)", re.S)
# Marks left unpaired (a sentence cut between them): dropped where they touch a word's edge.
_STRAY = re.compile(r"(?<![A-Za-z0-9*])\*{2,3}|\*{2,3}(?![A-Za-z0-9*])|~~|`+|(?<!\w)__+|__+(?!\w)")
_SPACE_BEFORE_MARK = re.compile(r"\s+(?=[,.;:!?])")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])")
_TRAILING = ".,;:!?)]}'\""
_SPACES = re.compile(r"[ \t]*\n[ \t\n]*|[ \t]{2,}")


def host_of(url: str) -> str:
    """``https://www.example.com/a?b=c`` -> ``example.com``."""
    bare = url if "://" in url else "http://" + url
    try:
        host = urlsplit(bare).hostname or url
    except ValueError:
        return url
    return host[4:] if host.startswith("www.") else host


def _short_url(match: re.Match) -> str:
    url = match.group(0)
    tail = ""
    while url and url[-1] in _TRAILING:  # "see https://x.org." keeps its full stop
        url, tail = url[:-1], url[-1] + tail
    return host_of(url) + tail


def display_form(text: str) -> str:
    """``text`` as shown to viewers: no markdown, URLs as their host, one line."""
    text = _FENCE.sub("", text)
    text = _CODE.sub(lambda m: m.group(2).strip(), text)
    text = _IMAGE.sub(lambda m: m.group(1), text)
    text = _LINK.sub(lambda m: m.group(1), text)
    text = _AUTOLINK.sub(lambda m: m.group(1), text)
    text = _URL.sub(_short_url, text)
    text = _RULE.sub("", text)
    text = _HEADING.sub("", text)
    text = _CLOSING_HASHES.sub("", text)
    text = _QUOTE.sub("", text)
    text = _BULLET.sub("", text)
    for _ in range(2):  # ***both*** and **_nested_** marks
        text = _STARS.sub(lambda m: m.group(2), text)
        text = _UNDERSCORES.sub(lambda m: m.group(2), text)
    text = _STRAY.sub("", text)
    text = _ESCAPE.sub(lambda m: m.group(1), text)
    return _SPACE_BEFORE_MARK.sub("", _SPACES.sub(" ", text)).strip()
