"""Which text is Japanese, for choosing a voice per sentence."""
from __future__ import annotations


def is_kana_or_kanji(char: str) -> bool:
    """Hiragana, katakana (full and half width, with ー) and CJK ideographs."""
    code = ord(char)
    return (0x3040 <= code <= 0x30FF          # hiragana, katakana, ー
            or 0x31F0 <= code <= 0x31FF       # katakana phonetic extensions (small ㇰ...)
            or 0xFF66 <= code <= 0xFF9F       # half-width katakana
            or 0x3400 <= code <= 0x4DBF       # CJK extension A
            or 0x4E00 <= code <= 0x9FFF       # CJK unified ideographs
            or 0xF900 <= code <= 0xFAFF       # CJK compatibility ideographs
            or 0x20000 <= code <= 0x3FFFF     # CJK extensions B and on
            or char in "々〆〇")


def mostly_japanese(text: str) -> bool:
    """True when more than half of the letters in ``text`` are kana or kanji.

    Only letters count, so punctuation, digits and emoji do not dilute a short
    Japanese line, and a Latin word or two ("今日はAIの話です") leaves it
    Japanese. Exactly half is not "mostly": "OK です" goes to espeak-ng. Han
    characters alone cannot tell Chinese from Japanese; Chinese counts as
    Japanese here, which is the better guess for this program's users.
    """
    letters = [char for char in text if char.isalpha()]
    if not letters:
        return False
    japanese = sum(1 for char in letters if is_kana_or_kanji(char))
    return japanese / len(letters) > 0.5


