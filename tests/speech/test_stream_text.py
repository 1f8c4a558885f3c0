from __future__ import annotations

from engine.speech.stream import StreamAssembler
from engine.speech.text import Sentence, ends_sentence, final_emotion


def feed(assembler: StreamAssembler, pieces: list[str], key="r", now: float = 0.0) -> list[Sentence]:
    out: list[Sentence] = []
    for piece in pieces:
        out += assembler.take(key, piece, "neutral", False, False, now)
    return out


def test_token_stream_becomes_whole_sentences():
    assembler = StreamAssembler(hold_s=0.8)
    out = feed(assembler, ["[happy]Hel", "lo every", "one, ", "welcome to the stream! ", "[relaxed]Let's", " take",
                           " it easy today."])
    assert out == [Sentence("Hello everyone, welcome to the stream!", "happy"),
                   Sentence("Let's take it easy today.", "relaxed")]


def test_unfinished_text_waits_for_done_or_a_pause():
    assembler = StreamAssembler(hold_s=0.8)
    assert feed(assembler, ["No full stop yet"], now=10.0) == []
    assert assembler.due(10.5) == []
    assert assembler.due(10.8) == ["r"]
    assert assembler.flush("r") == [Sentence("No full stop yet", "neutral")]
    assert feed(assembler, ["Again"], now=20.0) == []
    assert assembler.take("r", " and done", "neutral", False, True, 20.1) == [Sentence("Again and done", "neutral")]


def test_emotion_persists_across_pieces_and_explicit_emotion_switches():
    assembler = StreamAssembler(hold_s=0.8)
    assert feed(assembler, ["[sad]Oh no. "]) == [Sentence("Oh no.", "sad")]
    assert feed(assembler, ["Still sad. "]) == [Sentence("Still sad.", "sad")]
    assert assembler.take("r", "Yay! ", "happy", True, False, 0) == [Sentence("Yay!", "happy")]
    assert assembler.take("other", "Fresh. ", "neutral", False, False, 0) == [Sentence("Fresh.", "neutral")]


def test_numbers_and_abbreviations_are_not_sentence_ends():
    assert not ends_sentence("Pi is 3.")
    assert not ends_sentence("Ask Dr.")
    assert ends_sentence("Done.") and ends_sentence("終わり。") and ends_sentence('He said "yes!" ')
    assert not ends_sentence("half way")
    assert final_emotion("[happy]a [sad]b", "neutral") == "sad" and final_emotion("x", "angry") == "angry"


def test_drop_forgets_held_text():
    assembler = StreamAssembler(hold_s=0.8)
    feed(assembler, ["held"], key=("c", "r1"))
    feed(assembler, ["kept"], key=("c", "r2"))
    assembler.drop(lambda key: key[1] == "r1")
    assert assembler.due(99) == [("c", "r2")]
