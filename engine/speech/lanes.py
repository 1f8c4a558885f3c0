"""Characters who speak at once (``stage.overlap``): one speech lane each.

A lane is a whole SpeechDriver of its own (queue, TTS worker with her voice
only, playback clock, audio output on her own mixer channel), so one
character's line never waits for another's and her mouth reads only her own
sound. ``SpeechLanes`` offers the app the driver's interface and routes each
message to its speaker's lane; events of all lanes come back together. The
backlog is shared: a place is a place, whoever speaks.
"""
from __future__ import annotations

from engine.link.inbox import Received
from engine.speech.driver import SpeechDriver
from engine.speech.events import SentenceStarted, SpeechEvent
from engine.speech.playback import AudioOutput, PlaybackClock
from engine.speech.states import State


class SpeechLanes:
    """``lanes``: each character's driver by name, the default's first;
    ``names``: what a message may call each (lower case) -> her name."""

    def __init__(self, lanes: dict[str, SpeechDriver], names: dict[str, str]) -> None:
        self._lanes = lanes
        self._names = names
        self._default = next(iter(lanes))
        self._last = lanes[self._default]  # the lane whose sentence started last: the subtitle's

    def lane_of(self, character: str | None) -> SpeechDriver:
        """``character``'s lane (name or folder, any case); the default's for None or a stranger."""
        name = self._names.get(character.strip().lower(), character) if character else self._default
        return self._lanes.get(name, self._lanes[self._default])

    # ---- what the app reads ------------------------------------------------------------------

    @property
    def clock(self) -> PlaybackClock:
        """The clock of the sentence that started last (the subtitle's karaoke follows it)."""
        return self._last.clock

    def clock_for(self, character: str | None) -> PlaybackClock:
        return self.lane_of(character).clock

    def busy_for(self, character: str | None) -> bool:
        return self.lane_of(character).busy

    @property
    def audio(self) -> AudioOutput:
        return self._lanes[self._default].audio

    @property
    def state(self) -> State:
        """SPEAKING while anyone speaks; else the default character's lane's state."""
        states = [lane.state for lane in self._lanes.values()]
        return State.SPEAKING if State.SPEAKING in states else states[0]

    @property
    def busy(self) -> bool:
        return any(lane.busy for lane in self._lanes.values())

    @property
    def idle(self) -> bool:
        return all(lane.idle for lane in self._lanes.values())

    def next_subtitle(self, current: list[str]) -> list[str] | None:
        return self._last.next_subtitle(current)

    # ---- what the app does -------------------------------------------------------------------

    def start(self) -> None:
        for lane in self._lanes.values():
            lane.start()

    def stop(self) -> None:
        for lane in reversed(self._lanes.values()):  # the default's last: her output closes the shared mixer
            lane.stop()

    def accept(self, received: Received, now: float) -> None:
        self.lane_of(received.message.character).accept(received, now)

    def speak_local(self, text: str, emotion: str = "neutral", character: str | None = None) -> None:
        self.lane_of(character).speak_local(text, emotion, character)

    def cancel(self, request_id: str | None) -> list[SpeechEvent]:
        return [event for lane in self._lanes.values() for event in lane.cancel(request_id)]

    def stop_speech(self, mode: str) -> list[SpeechEvent]:
        return [event for lane in self._lanes.values() for event in lane.stop_speech(mode)]

    def update(self, now: float) -> list[SpeechEvent]:
        events: list[SpeechEvent] = []
        for lane in self._lanes.values():
            mine = lane.update(now)
            if any(isinstance(event, SentenceStarted) for event in mine):
                self._last = lane
            events += mine
        return events
