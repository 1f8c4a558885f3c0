"""The text as a viewer reads it: what a bot sends is often markdown with
links in it, which no viewer should see raw on a stream.

Markdown marks are removed (the words they mark are kept, code included), a
link shows its words, a bare URL shows its host, and emoji are kept (they
are drawn in colour by the fonts). The markdown is recognised by
engine.markup, as for what is *spoken* (engine/speech/speakable.py); this is
only what is *shown*.
"""
from __future__ import annotations

import re

import engine.markup as markup

_SPACE_BEFORE_MARK = re.compile(r"\s+(?=[,.;:!?])")
_TRAILING = ".,;:!?)]}'\""
_SPACES = re.compile(r"[ \t]*\n[ \t\n]*|[ \t]{2,}")


def _short_url(match: re.Match) -> str:
    url = match.group(0)
    tail = ""
    while url and url[-1] in _TRAILING:  # "see https://x.org." keeps its full stop
        url, tail = url[:-1], url[-1] + tail
    return (markup.host_of(url) or url) + tail


def display_form(text: str) -> str:
    """``text`` as shown to viewers: no markdown, URLs as their host, one line."""
    text = markup.FENCED_CODE.sub(lambda m: f"\n{m.group(3)}\n", text)
    text = markup.INLINE_CODE.sub(lambda m: m.group(2).strip(), text)
    text = markup.IMAGE.sub(lambda m: m.group(1), text)
    text = markup.LINK.sub(lambda m: m.group(1), text)
    text = markup.AUTOLINK.sub(lambda m: m.group(1), text)
    text = markup.URL.sub(_short_url, text)
    text = markup.RULE.sub("", text)
    text = markup.HEADING.sub(lambda m: m.group(1), text)
    text = markup.QUOTE.sub("", text)
    text = markup.BULLET.sub("", text)
    text = markup.unescape(markup.strip_emphasis(text))
    return _SPACE_BEFORE_MARK.sub("", _SPACES.sub(" ", text)).strip()
