"""Speakable text (what engines are given), the subtitle's display form,
emoji emotions, and the sentence/clause splitter around markup."""
from __future__ import annotations

import pytest

from engine.overlay.captions import join_sentences
from engine.speech.speakable import SpeakableOptions, emoji_emotion, speakable
from engine.speech.text import Sentence, columns, sentences_of, split_clauses, split_sentences


@pytest.mark.parametrize("text, spoken", [
    ("**Bold** and *italic* and __strong__ and _em_ and ~~gone~~", "Bold and italic and strong and em and gone"),
    ("# Heading\n## Sub heading\nText.", "Heading. Sub heading. Text."),
    ("Steps:\n- first\n* second\n1. third", "Steps: first. second. third"),
    ("> quoted wisdom", "quoted wisdom"),
    ("Run this:\n```python\nprint('a.b')\nx = 1\n```\nThen relax.", "Run this: some code. Then relax."),
    ("Unclosed:\n```\ncode forever", "Unclosed: some code."),
    ("Type `pip install kuchipaku` now", "Type pip install kuchipaku now"),
    ("See https://example.com/a_b?c=d#e for more.", "See a link for more."),
    ("Docs at [the manual](https://docs.example.com/x_y).", "Docs at the manual."),
    ("Or <https://example.com>, or www.example.org.", "Or a link, or a link."),
    ("I love it 😂😂🥰!", "I love it!"),
    ("Family 👨‍👩‍👧 and flag 🇯🇵 and thumbs 👍🏽", "Family and flag and thumbs"),
    ("snake_case_name, 2*3*4 and file_name.py stay", "snake_case_name, 2*3*4 and file_name.py stay"),
    ("今日は**いい天気**ですね！😊", "今日はいい天気ですね！"),
    ("詳しくは https://example.jp/a を見てね", "詳しくは リンク を見てね"),
    ("| a | b |\n|---|---|\n| 1 | 2 |", "a, b. 1, 2"),
])
def test_speakable(text, spoken):
    assert speakable(text) == spoken


def test_speakable_options_name_the_host_and_the_code():
    options = SpeakableOptions(links="host", code_phrase="code on screen")
    assert speakable("Go to https://www.github.com/x now", options) == "Go to github dot com now"
    assert speakable("```\nx\n```", options) == "code on screen."


@pytest.mark.parametrize("text, emotion", [
    ("Haha 😂", "happy"), ("So sad 😢", "sad"), ("Grr 😡", "angry"), ("Wow 😮", "surprised"),
    ("Nice bath 😌", "relaxed"), ("Plain text", None), ("Rocket 🚀", None),
])
def test_emoji_emotion(text, emotion):
    assert emoji_emotion(text) == emotion


def test_an_emoji_sets_the_sentence_emotion_only_when_the_sender_gave_none():
    assert sentences_of("That is hilarious 😂. Oh no 😢", "neutral") == [
        Sentence("That is hilarious 😂.", "happy"), Sentence("Oh no 😢", "sad")]
    assert sentences_of("Hilarious 😂.", "neutral", emotion_given=True) == [Sentence("Hilarious 😂.", "neutral")]
    assert sentences_of("[sad]Hilarious 😂.", "neutral") == [Sentence("Hilarious 😂.", "sad")]
    assert sentences_of("Hilarious 😂.", "relaxed") == [Sentence("Hilarious 😂.", "relaxed")]
    assert sentences_of("Hilarious 😂.", "neutral", emoji_emotions=False) == [Sentence("Hilarious 😂.", "neutral")]


@pytest.mark.parametrize("text", [
    "Read https://example.com/v1.2/index.html. Then stop.",
    "Call `obj.method(). Still code` please. Done.",
    "Look:\n```\nfirst. second! third?\n```\nDone.",
    "See [a. b. c](https://x.io/a.b) now. Next.",
])
def test_the_splitter_never_cuts_inside_markup_or_a_url(text):
    pieces = split_sentences(text)
    for marker in ("https://example.com/v1.2/index.html", "`obj.method(). Still code`", "first. second! third?",
                   "[a. b. c](https://x.io/a.b)"):
        if marker in text:
            assert any(marker in piece for piece in pieces), pieces


def test_a_very_long_url_is_never_cut():
    url = "https://example.com/" + "a" * 400
    pieces = split_sentences(f"Look at {url} please, it is long.")
    assert any(url in piece for piece in pieces)


def test_long_sentences_are_cut_at_clauses_and_short_ones_are_not():
    short = "Hello there, how are you?"
    assert split_clauses(short) == [short]
    long = ("Well, I was thinking about the weather today, and honestly it looks like rain all afternoon; "
            "so bring an umbrella: you will need it.")
    clauses = split_clauses(long)
    assert clauses == ["Well, I was thinking about the weather today,",
                       "and honestly it looks like rain all afternoon;", "so bring an umbrella:", "you will need it."]
    assert join_sentences(clauses) == long
    japanese = "今日はとてもいい天気ですね、みんなで公園に行って、お弁当を食べましょう。"
    assert split_clauses(japanese) == ["今日はとてもいい天気ですね、", "みんなで公園に行って、",
                                       "お弁当を食べましょう。"]
    assert join_sentences(split_clauses(japanese)) == japanese
    assert split_clauses("It costs 1,000,000 yen at 12:30 today and it is a very expensive thing indeed.") == [
        "It costs 1,000,000 yen at 12:30 today and it is a very expensive thing indeed."]


def test_a_forty_word_sentence_starts_with_a_clause_no_longer_than_a_short_sentence():
    words = ("So the thing about neural voices is that they take longer to synthesise a long sentence, "
             "because the whole unit must be generated before the first sample can be played, "
             "and that is why we cut at clauses when the sentence goes on and on like this one")
    assert len(words.split()) >= 40
    pieces = [s.text for s in sentences_of(words, "neutral")]
    assert len(pieces) >= 3
    assert columns(pieces[0]) <= 40  # the first unit is about as short as a 5-word sentence
    assert " ".join(pieces) == words


def test_clauses_keep_the_emotion_of_their_sentence():
    text = "[happy]Today was wonderful, we went to the seaside and swam, then ate ice cream on the pier."
    assert {s.emotion for s in sentences_of(text, "neutral")} == {"happy"}
    assert len(sentences_of(text, "neutral")) > 1
