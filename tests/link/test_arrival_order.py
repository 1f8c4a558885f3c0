"""ArrivalOrder on its own, with real threads and events (no sleeps race a clock)."""
from __future__ import annotations

import threading

from engine.link.arrival import ArrivalOrder
from support.timing import scaled


def test_a_newer_connection_waits_for_a_recently_active_older_one():
    order = ArrivalOrder(wait_s=scaled(10))
    order.admitted("line 2")
    order.admitted("line 3")
    delivered: list[str] = []

    def newer() -> None:
        order.wait_turn("line 3")
        delivered.append("line 3")

    thread = threading.Thread(target=newer)
    thread.start()
    thread.join(0.2)
    assert thread.is_alive(), "line 3 went ahead while line 2's connection was still handling"
    order.wait_turn("line 2")
    delivered.append("line 2")
    order.finished("line 2")
    thread.join(scaled(10))
    assert delivered == ["line 2", "line 3"]


def test_an_idle_older_connection_delays_no_one():
    now = [0.0]
    order = ArrivalOrder(wait_s=scaled(30), recent_s=1.0, clock=lambda: now[0])
    order.admitted("idle bot")
    now[0] = 5.0  # the bot has sent nothing for 5 s
    order.admitted("new")
    done = threading.Event()
    threading.Thread(target=lambda: (order.wait_turn("new"), done.set())).start()
    assert done.wait(scaled(5)), "an idle connection held up a new one"


def test_the_wait_is_bounded():
    order = ArrivalOrder(wait_s=0.05)
    order.admitted("stuck")
    order.admitted("new")
    done = threading.Event()
    threading.Thread(target=lambda: (order.wait_turn("new"), done.set())).start()
    assert done.wait(scaled(5)), "the wait for an older connection never ended"


def test_a_handshake_that_never_became_a_connection_is_forgotten():
    now = [0.0]
    order = ArrivalOrder(wait_s=scaled(30), clock=lambda: now[0])
    order.admitted("failed handshake")
    now[0] = 100.0
    order.admitted("next")  # prunes the abandoned one
    now[0] = 100.5
    order.admitted("new")
    done = threading.Event()
    threading.Thread(target=lambda: (order.wait_turn("new"), done.set())).start()
    order.wait_turn("next")
    order.finished("next")
    assert done.wait(scaled(5))
