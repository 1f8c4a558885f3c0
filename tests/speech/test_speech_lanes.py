"""stage.overlap: one speech lane per character (engine/speech/lanes.py), and
the per-lane outputs it plays through. No threads: each lane's voice answers
on submit (InlineWorker) and the test moves the clock itself."""
from __future__ import annotations

import json

import numpy as np
import pygame

from engine.app.recorder import RecordingOutput
from engine.link.inbox import Backlog, Received
from engine.link.protocol import parse_frame
from engine.settings.cast import aliases, duo
from engine.speech.clip import clip_from_samples
from engine.speech.driver import SpeechDriver
from engine.speech.events import MessageDone, SentenceFinished, SentenceStarted
from engine.speech.lanes import SpeechLanes
from engine.speech.playback import AudioOutput, PlaybackClock
from engine.speech.queue import SpeechQueue
from engine.speech.states import State
from engine.speech.worker import InlineWorker


class Tone:
    """Each character of text is 10 ms of a tone; remembers what it said."""

    def __init__(self) -> None:
        self.said: list[str] = []

    def synthesize(self, text: str):
        self.said.append(text)
        return clip_from_samples((np.sin(np.arange(len(text) * 220) / 5) * 16000).astype(np.int16), 22050)


class Stage:
    def __init__(self) -> None:
        self.now = 100.0
        self.backlog = Backlog(10)
        self.voices = {member.name: Tone() for member in duo()}
        self.lanes = {name: SpeechDriver(SpeechQueue(175, 2.0), InlineWorker(lambda voice=voice: voice),
                                         AudioOutput(enabled=False), PlaybackClock(lambda: self.now), self.backlog)
                      for name, voice in self.voices.items()}
        self.speech = SpeechLanes(self.lanes, aliases(duo()))
        self.speech.start()

    def send(self, text: str, character: str | None, connection: int = 1) -> None:
        assert self.backlog.try_take()
        frame = {"text": text, "role": "assistant", **({"character": character} if character else {})}
        self.speech.accept(Received(connection, parse_frame(json.dumps(frame)).message), self.now)

    def step(self, seconds: float = 0.0) -> list:
        self.now += seconds
        return self.speech.update(self.now)


def test_each_line_goes_to_its_speakers_lane_by_name_folder_or_default():
    stage = Stage()
    stage.send("One from Kotone.", "Kotone")
    stage.send("One from Hibiki.", "hibiki")         # her folder, any case
    stage.send("Nobody named.", None)                # the default: Kotone
    stage.send("A stranger's.", "nobody")            # not on stage: the default's lane (the link refuses it first)
    stage.speech.speak_local("Typed for Hibiki.", "happy", "HIBIKI")
    for _ in range(400):
        stage.step(0.05)
        if stage.speech.idle and not stage.speech.busy:
            break
    assert stage.voices["Kotone"].said == ["One from Kotone.", "Nobody named.", "A stranger's."]
    assert stage.voices["Hibiki"].said == ["One from Hibiki.", "Typed for Hibiki."]
    assert stage.backlog.taken == 0  # every place given back, once each


def test_two_characters_speak_at_once_each_on_her_own_clock():
    stage = Stage()
    stage.send("Kotone talks over her for a much longer while.", "Kotone")
    stage.send("Hibiki talks too.", "Hibiki")
    events = stage.step() + stage.step()
    started = [event.character for event in events if isinstance(event, SentenceStarted)]
    assert sorted(started) == ["Hibiki", "Kotone"]  # in the same update: neither waits for the other
    kotone, hibiki = stage.speech.clock_for("Kotone"), stage.speech.clock_for("hibiki")
    assert kotone is not hibiki and kotone.clip is not None and hibiki.clip is not None
    assert stage.speech.state is State.SPEAKING and stage.speech.busy_for("Kotone") and stage.speech.busy_for("Hibiki")
    stage.step(0.1)
    assert kotone.level() > 0 and hibiki.level() > 0  # both voices sound now
    # Hibiki's line is shorter: she finishes while Kotone goes on.
    finished: list = []
    while not finished:
        finished = [e.message.character for e in stage.step(0.02) if isinstance(e, SentenceFinished)]
    assert finished == ["Hibiki"] and kotone.clip is not None and hibiki.clip is None


def test_cancel_and_stop_reach_every_lane():
    stage = Stage()
    stage.send("Kotone talks over.", "Kotone")
    stage.send("Hibiki talks too.", "Hibiki")
    stage.step()
    events = stage.speech.cancel(None)
    done = [e.message.character for e in events if isinstance(e, MessageDone)]
    assert sorted(done) == ["Hibiki", "Kotone"] and all(e.cancelled for e in events if isinstance(e, MessageDone))
    assert stage.speech.idle and not stage.speech.busy and stage.backlog.taken == 0
    stage.send("Again, Hibiki.", "Hibiki")
    stage.step()
    assert stage.speech.busy_for("Hibiki") and not stage.speech.busy_for("Kotone")
    stage.speech.stop_speech("all")
    assert stage.speech.idle and not stage.speech.busy


def test_the_subtitle_clock_is_the_lane_that_started_last():
    stage = Stage()
    stage.send("First Kotone.", "Kotone")
    stage.step()
    assert stage.speech.clock is stage.speech.clock_for("Kotone")
    stage.send("Then Hibiki.", "Hibiki")
    stage.step()
    assert stage.speech.clock is stage.speech.clock_for("Hibiki")


def test_recording_lanes_share_one_track_but_each_is_busy_and_stopped_alone():
    now = [0.0]
    first, second = RecordingOutput(lambda: now[0]).lanes(2)
    clip = clip_from_samples(np.full(22050, 1000, np.int16), 22050)  # 1 s
    first.play(clip)
    now[0] = 0.5
    second.play(clip)
    now[0] = 1.2
    assert not first.busy() and second.busy()
    second.stop()  # cut off after 0.7 s; the first's clip stays whole
    assert [round(c.duration_s, 2) for _, c in first.placed] == [1.0, 0.7]
    assert first.placed is second.placed and abs(first.end_s - 1.2) < 0.001
    track = first.mix(1.5)
    assert track[int(0.7 * 22050)] == 2000  # both heard at once there


def test_audio_lanes_play_at_once_on_one_mixer_and_only_the_first_closes_it():
    base = AudioOutput()  # SDL's dummy audio driver (tests/conftest.py): a real mixer, no sound card
    assert base.available, base.problem
    lanes = base.lanes(3)
    assert lanes[0] is base and len({id(lane) for lane in lanes}) == 3
    clip = clip_from_samples((np.sin(np.arange(22050) / 5) * 16000).astype(np.int16), 22050)
    try:
        assert lanes[1].play(clip) and lanes[2].play(clip)
        assert lanes[1].busy() and lanes[2].busy()  # the second did not take the first's channel
        lanes[2].stop()
        assert lanes[1].busy() and not lanes[2].busy()
        for lane in lanes[1:]:
            lane.close()
        assert pygame.mixer.get_init() is not None  # still the first's
    finally:
        base.close()
    assert pygame.mixer.get_init() is None
