"""What a chat bot wrote, turned into what a voice should say.

Language models answer in markdown, with links and emoji. Read aloud as is,
that is "asterisk asterisk", a URL letter by letter and "smiling face with
three hearts". Every engine is handed ``speakable(text)``; what the subtitle
shows is the overlay's business (engine/overlay/display_text.py). Both read
the markdown the same way, with engine.markup; this decides what is *said*.
``protected_spans`` tells the sentence splitter where it must not cut
(inside a code block, inline code, a link or a URL), and ``emoji_emotion``
lets a feeling emoji set a sentence's emotion when the sender gave none.

Pure functions over strings: no I/O, nothing remembered between calls.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

import engine.markup as markup
from engine.speech.language import mostly_japanese

_TABLE_ROW = re.compile(r"^[ \t]*\|(.*)\|[ \t]*$", re.MULTILINE)
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$", re.MULTILINE)
_SENTENCE_MARK = re.compile(r"[.!?。！？:;,、…]\s*$")

# Emoji and their glue: pictographs, dingbats, symbols, flags, skin tones,
# the zero-width joiner, variation selectors, keycaps and tag characters.
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2190-\u21FF\u2300-\u23FF"
                    "\u3030\u303D\u3297\u3299\uFE0E\uFE0F\u200D\u20E3\U000E0020-\U000E007F]+")

# Emoji that carry one of EMOTIONS (engine.vocabulary); the first one in a
# sentence wins. Kept to the unambiguous ones.
EMOJI_EMOTIONS: dict[str, str] = {
    **dict.fromkeys("😀😃😄😁😆😂🤣😊🙂😍🥰😘😻😹🤩🥳🎉💕💖💗❤😸👍✨😋😜😝", "happy"),
    **dict.fromkeys("😢😭😞😔😟🥺💔😿🙁☹😥😓😩😫", "sad"),
    **dict.fromkeys("😡😠🤬💢👿😤😾", "angry"),
    **dict.fromkeys("😮😲😯😱🤯😳🙀😦😧", "surprised"),
    **dict.fromkeys("😌😴😪🍵😇🛀☺🧘", "relaxed"),
}


@dataclass(frozen=True)
class SpeakableOptions:
    links: str = "phrase"          # "phrase": say ``link_phrase``; "host": say the site's name
    link_phrase: str = "a link"
    code_phrase: str = "some code"  # said in place of a code block


# The default phrases in a Japanese sentence, where a Japanese voice would stumble on English.
JAPANESE_PHRASES = {"a link": "リンク", "some code": "コード"}


def speakable(text: str, options: SpeakableOptions = SpeakableOptions()) -> str:
    """``text`` as a voice should say it: no markup, links named, no emoji."""
    if mostly_japanese(markup.URL.sub("", text)):
        options = dataclasses.replace(options, link_phrase=JAPANESE_PHRASES.get(options.link_phrase,
                                                                                options.link_phrase),
                                      code_phrase=JAPANESE_PHRASES.get(options.code_phrase, options.code_phrase))
    text = markup.FENCED_CODE.sub(lambda m: f" {options.code_phrase}. ", text)
    text = markup.INLINE_CODE.sub(lambda m: m.group(2) if len(m.group(2)) <= 40 else options.code_phrase, text)
    text = markup.IMAGE.sub(lambda m: m.group(1), text)
    text = markup.LINK.sub(lambda m: _say_url(m.group(1), options) if markup.URL.fullmatch(m.group(1)) else m.group(1),
                           text)
    text = markup.AUTOLINK.sub(lambda m: _say_url(m.group(1), options), text)
    text = markup.URL.sub(lambda m: _say_url(m.group(0), options), text)
    text = _TABLE_RULE.sub("", text)
    text = _TABLE_ROW.sub(lambda m: ", ".join(cell.strip() for cell in m.group(1).split("|")), text)
    text = _strip_blocks(text)
    text = markup.strip_emphasis(text)
    text = _EMOJI.sub(" ", text)
    return _tidy(text)


def emoji_emotion(text: str) -> str | None:
    """The emotion of the first feeling emoji in ``text``, if any."""
    for char in text:
        if char in EMOJI_EMOTIONS:
            return EMOJI_EMOTIONS[char]
    return None


def protected_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the stretches a sentence splitter must not cut inside:
    code blocks (an unclosed one runs to the end), inline code, markdown links
    and images, bare URLs, and emphasis markers' contents."""
    spans: list[tuple[int, int]] = []
    for pattern in (markup.FENCED_CODE, markup.INLINE_CODE, markup.IMAGE, markup.LINK, markup.AUTOLINK, markup.URL):
        spans.extend(m.span() for m in pattern.finditer(text))
    return sorted(spans)


def inside(position: int, spans: list[tuple[int, int]]) -> bool:
    """Whether a cut at ``position`` (between two characters) would fall
    inside one of ``spans``."""
    return any(start < position < end for start, end in spans)


# ---- helpers ----------------------------------------------------------------------------

def _say_url(url: str, options: SpeakableOptions) -> str:
    host = markup.host_of(url) if options.links == "host" else None
    if host:
        return host.replace(".", " dot ")
    return options.link_phrase


def _strip_blocks(text: str) -> str:
    """Headings, bullets, quotes, rules and table rules off each line; a line
    that ends without punctuation gets a full stop, so a heading or a list
    item is not run into the next line."""
    text = markup.RULE.sub("", text)
    text = _TABLE_RULE.sub("", text)
    text = markup.HEADING.sub(lambda m: m.group(1), text)
    text = markup.BULLET.sub("", text)
    text = markup.NUMBERED.sub("", text)
    text = markup.QUOTE.sub("", text)
    lines = [line.strip() for line in text.split("\n")]
    kept = [line for line in lines if line]
    return " ".join(line if _SENTENCE_MARK.search(line) or i == len(kept) - 1 else _with_stop(line)
                    for i, line in enumerate(kept))


def _with_stop(line: str) -> str:
    # A Japanese line gets 。, others ". ", so neither voice reads a stray mark.
    return line + ("。" if line and ord(line[-1]) > 0x2E80 else ".")


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n+ *", "\n", text).strip()
    text = re.sub(r" +([,.!?;:、。！？])", r"\1", text)
    return re.sub(r"([.。])\s*\1+", r"\1", text)
