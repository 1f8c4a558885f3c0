"""The scheduler with a real TTS worker thread, a deterministic synthesiser and
a clock the test moves by hand: order, blocks, roles, faults, prefetch."""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from conftest import wait_for
from engine.speech.clip import clip_from_samples
from engine.overlay.captions import Captions
from engine.link.inbox import Backlog, Received
from engine.speech.playback import AudioOutput, PlaybackClock
from engine.link.protocol import parse_frame
from engine.speech.scheduler import SpeechScheduler, State
from engine.speech.worker import SynthesisError, TtsWorker


class ToneSynthesizer:
    """Each character becomes 10 ms of tone; text containing FAIL raises and
    text containing HANG blocks until released."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.release = threading.Event()

    def synthesize(self, text: str):
        self.seen.append(text)
        if "FAIL" in text:
            raise SynthesisError("broken on purpose")
        if "HANG" in text:
            self.release.wait(10)
        if "EMPTY" in text:
            return clip_from_samples(np.zeros(0, np.int16), 22050)
        samples = (np.sin(np.arange(len(text) * 220) / 5) * 16000).astype(np.int16)
        return clip_from_samples(samples, 22050)


class Harness:
    def __init__(self, timeout_s: float = 2.0, limit: int = 100) -> None:
        self.now = 1000.0
        self.synth = ToneSynthesizer()
        self.worker = TtsWorker(lambda: self.synth)
        self.worker.start()
        self.captions = Captions()
        self.backlog = Backlog(limit)
        self.toasts: list[str] = []
        self.clock = PlaybackClock(lambda: self.now)
        self.scheduler = SpeechScheduler(self.worker, AudioOutput(enabled=False), self.clock, self.backlog,
                                         self.captions, 175, timeout_s, lambda text, level: self.toasts.append(text))
        self.events = []

    def send(self, connection: int = 1, **fields) -> None:
        import json

        assert self.backlog.try_take()
        self.scheduler.accept(Received(connection, parse_frame(json.dumps(fields)).message))

    def step(self, seconds: float = 0.0) -> list:
        self.now += seconds
        new = self.scheduler.update(self.now)
        self.events.extend(new)
        return new

    def run_until_idle(self, max_steps: int = 5000) -> None:
        for _ in range(max_steps):
            self.step(0.02)
            if self.scheduler.state is State.IDLE and not self.scheduler.busy and not self.scheduler.pending_steps:
                return
            time.sleep(0.001)  # let the worker thread deliver
        pytest.fail("scheduler never went idle")

    def spoken(self) -> list[tuple[str, str]]:
        return [(e.text, e.emotion) for e in self.events if e.kind == "sentence_started"]

    def close(self) -> None:
        self.synth.release.set()
        self.worker.stop()


@pytest.fixture
def harness():
    made: list[Harness] = []

    def make(**kwargs) -> Harness:
        made.append(Harness(**kwargs))
        return made[-1]
    yield make
    for h in made:
        h.close()


def test_messages_are_spoken_in_arrival_order_sentence_by_sentence(harness):
    h = harness()
    h.send(1, text="First one. Second one.", role="assistant", emotion="happy")
    h.send(2, text="Other client.", role="assistant", emotion="sad")
    h.send(1, text="[angry]Third! [relaxed]Fourth.", role="assistant")
    h.run_until_idle()
    assert h.spoken() == [("First one.", "happy"), ("Second one.", "happy"), ("Other client.", "sad"),
                          ("Third!", "angry"), ("Fourth.", "relaxed")]
    assert all(e.audible is False for e in h.events if e.kind == "sentence_started")  # no device in this harness
    assert [e.message.connection for e in h.events if e.kind == "message_done"] == [1, 2, 1]
    assert h.backlog.taken == 0


def test_blocks_clear_the_subtitle_only_when_their_turn_comes(harness):
    h = harness()
    h.send(text="Old answer.", role="assistant", type="start")
    h.send(text="", role="assistant", type="end")
    h.send(text="New answer.", role="assistant", type="start")
    h.send(text="More.", role="assistant")
    h.step()
    wait_for(lambda: h.step() or h.captions.subtitle == "Old answer.", what="first block shown")
    h.run_until_idle()
    assert h.captions.subtitle == "New answer. More."


def test_a_message_after_end_opens_a_new_block(harness):
    h = harness()
    h.send(text="One.", role="assistant", type="end")
    h.send(text="Two.", role="assistant", type="message")
    h.run_until_idle()
    assert h.captions.subtitle == "Two."


def test_each_message_is_a_subtitle_of_its_own_unless_a_block_or_request_joins_them(harness):
    """AITuberKit's sample sends type "message" each time: unrelated lines must
    not pile up into one subtitle. A start…end block, or one v2 request, is one."""
    h = harness()
    subtitles = []
    h.send(text="First line.", role="assistant", type="message")
    h.send(text="Second line.", role="assistant", type="message")
    h.send(text="Block one.", role="assistant", type="start")
    h.send(text="Block two.", role="assistant", type="message")
    h.send(text="", role="assistant", type="end")
    for text in ("Stream one. ", "Stream two."):
        h.send(version="2", type="chat.delta", requestId="r1", payload={"text": text})
    h.send(version="2", type="chat.done", requestId="r1", payload={"text": ""})
    while not h.scheduler.state.value == "idle" or h.scheduler.pending_steps or h.scheduler.busy:
        h.step(0.05)
        if h.captions.subtitle and (not subtitles or subtitles[-1] != h.captions.subtitle):
            subtitles.append(h.captions.subtitle)
    assert "First line. Second line." not in subtitles
    assert subtitles[:2] == ["First line.", "Second line."]
    assert "Block one. Block two." in subtitles and "Block two." not in subtitles
    assert subtitles[-1] == "Stream one. Stream two."


def test_roles_are_shown_not_spoken(harness):
    h = harness()
    h.send(text="What is 2+2?", role="user")
    h.send(text="print(2+2)", role="code")
    h.send(text="4", role="output")
    h.send(text="Four!", role="assistant")
    h.send(text="psst", role="narrator")
    h.run_until_idle()
    assert h.spoken() == [("Four!", "neutral")]
    assert h.synth.seen == ["Four!"]
    assert h.captions.question == "What is 2+2?"
    assert list(h.captions.panel) == ["print(2+2)", "output> 4"]
    assert h.captions.subtitle == "Four!"  # lines that are not spoken never join the viewers' subtitle
    assert list(h.captions.offstage)[-1] == "(narrator) psst"
    assert h.backlog.taken == 0


def test_failed_synthesis_is_mimed_with_a_toast_and_speech_goes_on(harness):
    h = harness()
    h.send(text="This will FAIL. Then fine.", role="assistant")
    h.run_until_idle()
    assert [t for t, _ in h.spoken()] == ["This will FAIL.", "Then fine."]
    failed = [e for e in h.events if e.kind == "sentence_started"][0]
    assert failed.problem and "broken on purpose" in failed.problem
    assert any("Speaking silently" in t for t in h.toasts)


def test_stalled_synthesis_times_out_to_silent_speech(harness):
    h = harness(timeout_s=2.0)
    h.send(text="HANG here.", role="assistant")
    wait_for(lambda: h.synth.seen, what="the worker to start")
    h.step()
    assert h.scheduler.state is State.WAITING
    h.step(1.9)
    assert h.scheduler.state is State.WAITING
    started = h.step(0.2)
    assert [e.kind for e in started] == ["rendered", "speech_start", "speech_error", "sentence_started"]
    assert "longer than 2 s" in started[-1].problem
    h.synth.release.set()
    h.run_until_idle()
    assert h.spoken() == [("HANG here.", "neutral")]


def test_while_the_worker_is_stuck_later_sentences_do_not_wait_again(harness):
    h = harness(timeout_s=2.0)
    h.send(text="HANG one. Two. Three.", role="assistant", id="r")
    wait_for(lambda: h.synth.seen, what="the worker to start")
    h.step()
    h.step(2.1)  # the first sentence times out and is mimed
    assert h.scheduler.state is State.SPEAKING
    for _ in range(200):  # the others are mimed one after another, none waits the 2 s again
        h.step(0.05)
        if len(h.spoken()) == 3:
            break
    assert [t for t, _ in h.spoken()] == ["HANG one.", "Two.", "Three."]
    assert h.now - 1000.0 < 2.1 + 3 * 1.5
    h.synth.release.set()


def test_empty_audio_is_a_fault_too(harness):
    h = harness()
    h.send(text="EMPTY please.", role="assistant", id="e")
    h.run_until_idle()
    started = [e for e in h.events if e.kind == "sentence_started"]
    assert started[0].problem and "no audio" in started[0].problem
    assert "speech_error" in kinds_for(h, "e")


def test_next_sentences_are_prefetched_while_one_plays(harness):
    h = harness()
    h.send(text="One. Two. Three. Four. Five.", role="assistant")
    wait_for(lambda: h.step() or h.scheduler.state is State.SPEAKING, what="speech to start")
    wait_for(lambda: len(h.synth.seen) >= 3, what="prefetch")
    assert h.synth.seen[:3] == ["One.", "Two.", "Three."]
    assert len(h.synth.seen) <= 4  # bounded: not the whole queue at once
    h.run_until_idle()
    assert len(h.spoken()) == 5


def test_gapless_when_audio_is_ready(harness):
    h = harness()
    h.send(text="Alpha. Beta.", role="assistant")
    wait_for(lambda: h.step() or h.scheduler.state is State.SPEAKING, what="speech to start")
    wait_for(lambda: len(h.synth.seen) >= 2, what="second sentence synthesised")
    time.sleep(0.05)
    # Step to just past the first clip's end: the second starts in that same update.
    h.step(h.clock.clip.duration_s + 0.001)
    assert [e.kind for e in h.events[-2:]] == ["sentence_finished", "sentence_started"]


def kinds_for(h: Harness, request_id: str) -> list[str]:
    return [e.kind for e in h.events if e.message.lifecycle_id == request_id and not e.kind.startswith("sentence")]


def test_lifecycle_order_for_a_streamed_v2_response(harness):
    import json

    h = harness()
    frames = [
        {"type": "chat.start", "payload": {}},
        {"type": "chat.delta", "payload": {"text": "Hello there. Nice day."}},
        {"type": "chat.delta", "payload": {"text": "Bye!", "emotion": "happy"}},
        {"type": "chat.done", "payload": {}},
    ]
    for n, frame in enumerate(frames):
        assert h.backlog.try_take()
        parsed = parse_frame(json.dumps({"version": "2", "id": f"e{n}", "requestId": "req_1", **frame}))
        h.scheduler.accept(Received(5, parsed.message))
    h.run_until_idle()
    kinds = kinds_for(h, "req_1")
    # Four messages under one request id; the response is done once, last.
    assert kinds[-1] == "response_done" and kinds.count("response_done") == 1
    assert kinds.count("speech_start") == 2 and kinds.count("speech_done") == 2
    assert kinds.index("rendered") < kinds.index("speech_start") < kinds.index("speech_done")
    assert kinds.count("message_done") == 4


def test_legacy_message_without_id_still_reports_message_done(harness):
    h = harness()
    h.send(3, text="Plain.", role="assistant")
    h.run_until_idle()
    done = [e for e in h.events if e.kind == "message_done"]
    assert len(done) == 1 and done[0].message.version == "1" and done[0].message.lifecycle_id is None


def test_cancel_one_request_drops_only_its_speech(harness):
    h = harness()
    h.send(1, text="Keep one. Keep two.", role="assistant", id="keep")
    h.send(1, text="Drop one. Drop two. Drop three.", role="assistant", id="drop")
    h.send(1, text="After.", role="assistant", id="after")
    events = h.scheduler.cancel("drop")
    assert [(e.kind, e.cancelled) for e in events] == [("speech_done", True), ("message_done", True)]
    h.run_until_idle()
    assert [t for t, _ in h.spoken()] == ["Keep one.", "Keep two.", "After."]
    assert h.backlog.taken == 0


def test_cancel_everything_stops_the_sentence_playing_now(harness):
    h = harness()
    h.send(1, text="A long sentence that is playing. And more.", role="assistant", id="r1")
    h.send(2, text="Queued behind.", role="assistant", id="r2")
    wait_for(lambda: h.step() or h.scheduler.state is State.SPEAKING, what="speech to start")
    events = h.scheduler.cancel(None)
    assert h.scheduler.state is State.IDLE and h.clock.clip is None
    assert sorted((e.message.lifecycle_id, e.kind) for e in events) == [
        ("r1", "message_done"), ("r1", "speech_done"), ("r2", "message_done"), ("r2", "speech_done")]
    assert all(e.cancelled for e in events)
    h.run_until_idle()
    assert [t for t, _ in h.spoken()] == ["A long sentence that is playing."]
    assert h.backlog.taken == 0 and not h.scheduler.busy


def v2_message(request_id: str, text: str, event_type: str = "chat.delta"):
    import json

    return parse_frame(json.dumps({"version": "2", "type": event_type, "requestId": request_id,
                                   "payload": {"text": text}})).message


def test_streamed_pieces_are_spoken_as_sentences_and_a_pause_flushes_the_rest(harness):
    h = harness()
    for piece in ["Good ", "morning, every", "one. How", " are you"]:
        assert h.backlog.try_take()
        h.scheduler.accept(Received(4, v2_message("s1", piece)), h.now)
    h.run_until_idle()
    assert [t for t, _ in h.spoken()] == ["Good morning, everyone."]
    h.step(1.0)  # the stream paused: what was held is spoken
    h.run_until_idle()
    assert [t for t, _ in h.spoken()] == ["Good morning, everyone.", "How are you"]
    assert h.backlog.taken == 0
    assert len([e for e in h.events if e.kind == "message_done"]) == 4
