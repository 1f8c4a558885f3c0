"""The speech queue's states and the only moves between them, as a table.

In the manner of h11's ``_state.py``: the state changes in one place,
``next_state``, which looks the move up here and raises on any other.

    IDLE ---WAIT---> WAITING ---START---> SPEAKING ---FINISH---> IDLE
    IDLE ---START---------------------->  SPEAKING
    WAITING ---WAIT---> WAITING            (still not ready)
    WAITING, SPEAKING ---DROP---> IDLE     (a cancel; the head is looked at again)

Non-speech steps (a new block, a line to show, "message done", "block end")
run in IDLE as soon as they reach the head of the queue and change no state.
"""
from __future__ import annotations

import enum


class State(enum.Enum):
    IDLE = "idle"          # nothing playing; the head of the queue (if any) is looked at next
    WAITING = "waiting"    # the head sentence's audio is not ready yet
    SPEAKING = "speaking"  # a clip is playing


class Input(enum.Enum):
    WAIT = "wait"      # the head sentence's audio is not ready (and not overdue)
    START = "start"    # the head sentence's clip starts (its audio, or a mimed one)
    FINISH = "finish"  # the playing clip came to its end
    DROP = "drop"      # a cancel: the sentence waited on or playing may be gone; look at the head again


TRANSITIONS: dict[tuple[State, Input], State] = {
    (State.IDLE, Input.WAIT): State.WAITING,
    (State.IDLE, Input.START): State.SPEAKING,
    (State.WAITING, Input.WAIT): State.WAITING,
    (State.WAITING, Input.START): State.SPEAKING,
    (State.WAITING, Input.DROP): State.IDLE,
    (State.SPEAKING, Input.FINISH): State.IDLE,
    (State.SPEAKING, Input.DROP): State.IDLE,
}


class SpeechStateError(RuntimeError):
    """A move the table does not allow: a bug in the caller, never bad input."""

    def __init__(self, state: State, move: Input) -> None:
        super().__init__(f"speech queue: {move.value!r} is not allowed while {state.value!r}")
        self.state = state
        self.move = move


def next_state(state: State, move: Input) -> State:
    try:
        return TRANSITIONS[(state, move)]
    except KeyError:
        raise SpeechStateError(state, move) from None
