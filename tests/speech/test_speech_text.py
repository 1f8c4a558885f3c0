from __future__ import annotations

import pytest

from engine.overlay.captions import join_sentences
from engine.overlay.text_layout import wrap
from engine.speech.text import Sentence, sentences_of, split_sentences, strip_tags


@pytest.mark.parametrize("text, expected", [
    ("Hello! How are you?", ["Hello!", "How are you?"]),
    ("One. Two... Three?! Four", ["One.", "Two...", "Three?!", "Four"]),
    ("Dr. Smith met Mr. Jones.", ["Dr. Smith met Mr. Jones."]),
    ('He said "hi." Then left.', ['He said "hi."', "Then left."]),
    ("こんにちは。元気ですか？はい！", ["こんにちは。", "元気ですか？", "はい！"]),
    ("3.14 is pi.", ["3.14 is pi."]),
    ("   ", []),
    ("no punctuation", ["no punctuation"]),
])
def test_sentences(text, expected):
    assert split_sentences(text) == expected


def test_long_sentence_is_split_without_losing_words():
    words = [f"word{i}" for i in range(120)]
    pieces = split_sentences(", ".join(words))
    assert len(pieces) > 1
    assert " ".join(pieces).replace(",", "").split() == words


def test_tags_switch_emotion_and_are_stripped():
    assert sentences_of("[happy]Great! [sad]But it ended.", "neutral") == [
        Sentence("Great!", "happy"), Sentence("But it ended.", "sad")]
    assert sentences_of("[HAPPY]Yes. Still happy. [Angry]No!", "neutral") == [
        Sentence("Yes.", "happy"), Sentence("Still happy.", "happy"), Sentence("No!", "angry")]
    assert sentences_of("No tag.", "relaxed") == [Sentence("No tag.", "relaxed")]
    assert strip_tags("[happy]Great! [sad]But it ended.") == "Great! But it ended."
    assert strip_tags("[note] stays") == "[note] stays"


def test_join_sentences_spaces_only_between_non_cjk():
    assert join_sentences(["Hello!", "How are you?"]) == "Hello! How are you?"
    assert join_sentences(["こんにちは。", "元気？"]) == "こんにちは。元気？"


def measure(text: str) -> int:
    return len(text) * 10


def test_wrap_english_at_spaces():
    assert wrap("Hello! How are you? This is long.", 120, measure) == ["Hello! How", "are you?", "This is", "long."]


def test_wrap_japanese_without_spaces_and_keeps_punctuation_off_line_starts():
    lines = wrap("こんにちは。今日はいい天気ですね。", 60, measure)
    assert "".join(lines) == "こんにちは。今日はいい天気ですね。"
    assert all(not line.startswith(("。", "、")) for line in lines)
    assert len(lines) >= 3


def test_wrap_cuts_a_word_wider_than_the_box():
    lines = wrap("Supercalifragilistic ok", 50, measure)
    assert "".join(lines).replace(" ", "") == "Supercalifragilisticok"
    assert all(measure(line) <= 50 for line in lines)


def test_unpronounceable_pieces_join_the_sentence_before():
    assert sentences_of("Well. ... Okay!", "neutral") == [Sentence("Well. ...", "neutral"),
                                                          Sentence("Okay!", "neutral")]
