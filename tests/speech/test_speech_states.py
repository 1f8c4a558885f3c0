"""The speech queue's transition table: every legal move, made through the
queue's own inputs, lands where the table says; every other move raises."""
from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from engine.link.inbox import Received
from engine.link.protocol import parse_frame
from engine.speech.clip import clip_from_samples
from engine.speech.queue import RequestSynthesis, SpeechQueue
from engine.speech.states import TRANSITIONS, Input, SpeechStateError, State, next_state
from engine.speech.worker import SynthResult

T0 = 50.0


class Scene:
    """A queue with one spoken message, brought into a given state."""

    def __init__(self) -> None:
        self.speech = SpeechQueue(words_per_minute=175, synth_timeout_s=2.0)
        frame = json.dumps({"text": "Hello there.", "role": "assistant", "id": "m"})
        outputs = self.speech.accept(Received(1, parse_frame(frame).message), T0)
        self.uid = next(o.uid for o in outputs if isinstance(o, RequestSynthesis))

    def answer(self) -> None:
        samples = (np.sin(np.arange(2205) / 5) * 16000).astype(np.int16)
        self.speech.synthesized(SynthResult(self.uid, clip_from_samples(samples, 22050)))

    def waiting(self) -> Scene:
        self.speech.update(T0)
        return self

    def speaking(self) -> Scene:
        self.answer()
        self.speech.update(T0)
        return self


def _idle_wait(scene: Scene) -> None:
    scene.speech.update(T0)


def _idle_start(scene: Scene) -> None:
    scene.answer()
    scene.speech.update(T0)


def _wait_again(scene: Scene) -> None:
    scene.speech.update(T0 + 1.0)


def _waiting_start(scene: Scene) -> None:
    scene.answer()
    scene.speech.update(T0 + 1.0)


# (from, input) -> how a scene in ``from`` is made, and the input given to it.
MOVES = {
    (State.IDLE, Input.WAIT): (lambda: Scene(), _idle_wait),
    (State.IDLE, Input.START): (lambda: Scene(), _idle_start),
    (State.WAITING, Input.WAIT): (lambda: Scene().waiting(), _wait_again),
    (State.WAITING, Input.START): (lambda: Scene().waiting(), _waiting_start),
    (State.WAITING, Input.DROP): (lambda: Scene().waiting(), lambda scene: scene.speech.cancel("m")),
    (State.SPEAKING, Input.FINISH): (lambda: Scene().speaking(), lambda scene: scene.speech.clip_finished()),
    (State.SPEAKING, Input.DROP): (lambda: Scene().speaking(), lambda scene: scene.speech.cancel(None)),
}


def test_every_move_in_the_table_is_exercised():
    assert set(MOVES) == set(TRANSITIONS)


@pytest.mark.parametrize("move", list(TRANSITIONS), ids=lambda m: f"{m[0].value}-{m[1].value}")
def test_each_legal_move_through_the_queue(move):
    make, act = MOVES[move]
    scene = make()
    assert scene.speech.state is move[0]
    act(scene)
    assert scene.speech.state is TRANSITIONS[move]


ILLEGAL = [pair for pair in itertools.product(State, Input) if pair not in TRANSITIONS]


@pytest.mark.parametrize("pair", ILLEGAL, ids=lambda m: f"{m[0].value}-{m[1].value}")
def test_every_other_move_raises(pair):
    state, move = pair
    with pytest.raises(SpeechStateError) as caught:
        next_state(state, move)
    assert caught.value.state is state and caught.value.move is move
    assert f"{move.value!r} is not allowed while {state.value!r}" in str(caught.value)


def test_an_illegal_input_to_the_queue_raises_and_changes_nothing():
    scene = Scene().waiting()
    with pytest.raises(SpeechStateError):
        scene.speech.clip_finished()  # nothing is playing
    assert scene.speech.state is State.WAITING
    _waiting_start(scene)
    assert scene.speech.state is State.SPEAKING
