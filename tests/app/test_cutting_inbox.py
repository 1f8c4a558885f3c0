"""The app's inbox cuts each message into sentences on the thread that puts
it (the link's, the HTTP API's), so the frame loop need not."""
from __future__ import annotations

import json
import threading

import engine.app.cutting_inbox as cutting_inbox
from engine.app.cutting_inbox import CuttingInbox
from engine.link.inbox import Received
from engine.link.protocol import parse_frame
from engine.speech.queue import whole_sentences


def received(**fields) -> Received:
    return Received(1, parse_frame(json.dumps(fields)).message)


def put_from_a_thread(inbox: CuttingInbox, item) -> list[str]:
    where: list[str] = []
    real = cutting_inbox.whole_sentences

    def cut(message):
        where.append(threading.current_thread().name)
        return real(message)
    cutting_inbox.whole_sentences = cut
    try:
        thread = threading.Thread(target=inbox.put, args=(item,), name="link-thread")
        thread.start()
        thread.join()
    finally:
        cutting_inbox.whole_sentences = real
    return where


def test_a_message_arrives_cut_on_the_sender_s_thread_and_the_loop_is_woken():
    wake = threading.Event()
    inbox = CuttingInbox(wake)
    item = received(text="[happy] Hello there. How are you?", role="assistant")
    assert put_from_a_thread(inbox, item) == ["link-thread"]
    taken = inbox.get_nowait()
    assert wake.is_set() and taken.message == item.message
    assert [(s.text, s.emotion) for s in taken.sentences] == [("Hello there.", "happy"), ("How are you?", "happy")]
    assert taken.sentences == whole_sentences(item.message)


def test_a_stream_piece_is_left_to_the_queue_and_a_shown_line_has_no_sentences():
    inbox = CuttingInbox(threading.Event())
    piece = received(version="2", type="chat.delta", requestId="r1", payload={"text": "Half a sent"})
    inbox.put(piece)
    assert inbox.get_nowait().sentences is None  # cut with the pieces before and after it
    inbox.put(received(text="Shown, not spoken.", role="user"))
    assert inbox.get_nowait().sentences == []


def test_a_cutter_that_fails_leaves_the_message_to_be_cut_when_taken(monkeypatch, caplog):
    def broken(message):
        raise ValueError("a bug in the cutter")
    monkeypatch.setattr(cutting_inbox, "whole_sentences", broken)
    inbox = CuttingInbox(threading.Event())
    item = received(text="Still spoken.", role="assistant")
    inbox.put(item)
    assert inbox.get_nowait() == item and "cut when taken" in caplog.text
