"""The event feed's bounded, thread-safe buffer: what is replayed, what a slow
stream gets, how many may listen."""
from __future__ import annotations

import threading

import engine.link.http_events as http_events
from engine.link.http_events import RECENT, EventHub


def test_the_last_hundred_are_kept_and_replayed_in_order():
    hub = EventHub(max_streams=2)
    for n in range(RECENT + 20):
        hub.publish("Kotone", "message_queued", {"n": n})
    recent = hub.recent()
    assert [e["payload"]["n"] for e in recent] == list(range(20, RECENT + 20))
    assert len({e["id"] for e in recent}) == RECENT
    stream, replay = hub.subscribe(None)
    assert replay == recent
    hub.publish("Other", "status_updated")
    assert stream.events.get_nowait()["clientId"] == "Other"


def test_streams_see_their_receiver_only_and_are_capped():
    hub = EventHub(max_streams=1)
    hub.publish("Hibiki", "speech_started")
    stream, replay = hub.subscribe("Kotone")
    assert replay == [] and hub.subscribe(None) is None
    hub.publish("Hibiki", "speech_started")
    hub.publish("Kotone", "speech_started")
    assert stream.events.get_nowait()["clientId"] == "Kotone" and stream.events.empty()
    hub.unsubscribe(stream)
    assert hub.subscribe(None) is not None


def test_a_stream_that_falls_behind_is_ended_not_waited_for(monkeypatch):
    monkeypatch.setattr(http_events, "STREAM_BACKLOG", 5)
    hub = EventHub(max_streams=1)
    stream, _ = hub.subscribe(None)
    for _ in range(10):
        hub.publish("Kotone", "speech_chunk_started")  # never blocks
    assert stream.overflowed and stream.events.qsize() == 5


def test_publishing_from_many_threads_loses_nothing_it_keeps():
    hub = EventHub(max_streams=1)
    stream, _ = hub.subscribe(None)
    threads = [threading.Thread(target=lambda: [hub.publish("Kotone", "x") for _ in range(50)]) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert stream.events.qsize() == 400 and len({e["id"] for e in hub.recent()}) == RECENT
    hub.close()
    items = [stream.events.get_nowait() for _ in range(401)]
    assert items[-1] is None  # closing ends every stream
