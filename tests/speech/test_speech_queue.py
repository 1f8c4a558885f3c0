"""The pure speech queue: no worker thread, no clock, no sleeps. The test plays
the worker (answering RequestSynthesis by hand) and the clock (calling
clip_finished, passing ``now``)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from engine.link.inbox import Received
from engine.link.protocol import parse_frame
from engine.speech.clip import clip_from_samples
from engine.speech.events import (
    BlockStarted,
    LineShown,
    MessageDone,
    Rendered,
    ResponseDone,
    SentenceFinished,
    SpeechDone,
    SpeechError,
    SpeechStarted,
    VoiceProblem,
)
from engine.speech.patience import VOICE_LOAD_S
from engine.speech.queue import PREFETCH, RequestSynthesis, SpeechQueue, StartClip, StopClip, whole_sentences
from engine.speech.states import SpeechStateError, State
from engine.speech.worker import SynthResult, VoiceLoading, VoiceReady, VoiceUnavailable
from engine.vocabulary import Role

T0 = 1000.0


def tone(text: str):
    return clip_from_samples((np.sin(np.arange(len(text) * 220) / 5) * 16000).astype(np.int16), 22050)


def message(connection: int = 1, **fields) -> Received:
    return Received(connection, parse_frame(json.dumps(fields)).message)


def v2(request_id: str, text: str, event_type: str = "chat.delta") -> Received:
    return message(4, version="2", type=event_type, requestId=request_id, payload={"text": text})


class Worker:
    """Stands in for the TTS worker: keeps what was asked, answers when told."""

    def __init__(self, speech: SpeechQueue) -> None:
        self.speech = speech
        self.asked: list[RequestSynthesis] = []
        self.outputs: list = []

    def take(self, outputs: list) -> list:
        self.asked += [o for o in outputs if isinstance(o, RequestSynthesis)]
        self.outputs += outputs
        return outputs

    def answer_all(self) -> None:
        asked, self.asked = self.asked, []
        for request in asked:
            self.take(self.speech.synthesized(SynthResult(request.uid, tone(request.text))))

    def run(self, now: float = T0, limit: int = 100) -> list:
        """Answer every request at once and end every clip: until nothing is left."""
        start = len(self.outputs)
        for _ in range(limit):
            self.answer_all()
            if self.speech.state is State.SPEAKING:
                self.take(self.speech.clip_finished())
            self.take(self.speech.update(now))
            if self.speech.idle and not self.asked:
                return self.outputs[start:]
        pytest.fail("the queue never went idle")


@pytest.fixture
def speech() -> SpeechQueue:
    return SpeechQueue(words_per_minute=175, synth_timeout_s=2.0)


def spoken(outputs: list) -> list[tuple[str, str]]:
    return [(o.text, o.emotion) for o in outputs if isinstance(o, StartClip)]


def of_type(outputs: list, *types) -> list:
    return [o for o in outputs if isinstance(o, types)]


def test_arrival_order_sentence_by_sentence_and_each_message_done(speech):
    worker = Worker(speech)
    worker.take(speech.accept(message(1, text="First one. Second one.", role="assistant", emotion="happy"), T0))
    worker.take(speech.accept(message(2, text="Other client.", role="assistant", emotion="sad"), T0))
    worker.take(speech.accept(message(1, text="[angry]Third! [relaxed]Fourth.", role="assistant"), T0))
    out = worker.run()
    assert spoken(out) == [("First one.", "happy"), ("Second one.", "happy"), ("Other client.", "sad"),
                           ("Third!", "angry"), ("Fourth.", "relaxed")]
    assert [o.message.connection for o in of_type(out, MessageDone)] == [1, 2, 1]
    assert len(of_type(out, SentenceFinished)) == 5


def test_at_most_prefetch_sentences_are_with_the_worker(speech):
    out = speech.accept(message(text="One. Two. Three. Four. Five.", role="assistant"), T0)
    assert [o.text for o in out] == ["One.", "Two.", "Three."] and PREFETCH == 3
    assert speech.update(T0) == [BlockStarted()] and speech.state is State.WAITING
    assert speech.synthesized(SynthResult(out[0].uid, tone("One."))) == []
    started = speech.update(T0)
    assert of_type(started, RequestSynthesis) == [RequestSynthesis(4, "Four.")]  # one started, one more asked
    assert speech.state is State.SPEAKING


def test_one_message_reports_in_the_documented_order(speech):
    worker = Worker(speech)
    worker.take(speech.accept(message(text="Hi. There.", role="assistant", id="m", type="end"), T0))
    out = worker.run()
    ref = of_type(out, MessageDone)[0].message
    assert ref.lifecycle_id == "m" and ref.version == "1"
    assert [type(o) for o in out if not isinstance(o, RequestSynthesis)] == [
        BlockStarted, Rendered, SpeechStarted, StartClip, StopClip, SentenceFinished, StartClip, StopClip,
        SentenceFinished, SpeechDone, MessageDone, ResponseDone]


def test_a_shown_line_is_rendered_and_done_without_speech(speech):
    speech.accept(message(text="What is [happy]2+2?", role="user", id="q"), T0)
    out = speech.update(T0)
    ref = out[1].message
    assert out == [BlockStarted(), LineShown(ref, Role.QUESTION, "user", "What is 2+2?"), Rendered(ref),
                   MessageDone(ref)]
    assert not speech.busy and speech.idle


def test_the_stream_hold_back_follows_the_time_passed_in(speech):
    worker = Worker(speech)
    for piece in ["Good ", "morning, every", "one. How", " are you"]:
        worker.take(speech.accept(v2("s1", piece), T0))
    assert [text for text, _ in spoken(worker.run(T0))] == ["Good morning, everyone."]
    assert worker.take(speech.update(T0 + 0.79)) == []  # still held: the stream may go on
    assert of_type(speech.update(T0 + 0.8), RequestSynthesis)[0].text == "How are you"


def test_a_late_answer_after_the_timeout_is_dropped_and_the_stall_ends(speech):
    out = speech.accept(message(text="Slow. Quick.", role="assistant"), T0)
    slow, quick = out
    speech.update(T0)
    assert speech.update(T0 + 1.99)[-1:] == [] and speech.state is State.WAITING
    started = speech.update(T0 + 2.0)
    assert [type(o) for o in started] == [VoiceProblem, Rendered, SpeechStarted, SpeechError, StartClip]
    assert started[0] == VoiceProblem("Speaking silently: synthesis took longer than 2 s")
    assert started[-1].clip.samples is None and started[-1].problem == "synthesis took longer than 2 s"
    speech.synthesized(SynthResult(slow.uid, tone("Slow.")))  # too late: ignored, but the worker is back
    speech.clip_finished()
    speech.update(T0 + 3.0)
    assert speech.state is State.WAITING  # the worker answers again: Quick. waits for its audio
    speech.synthesized(SynthResult(quick.uid, tone("Quick.")))
    assert of_type(speech.update(T0 + 3.0), StartClip)[0].clip.samples is not None


def test_a_line_sent_while_the_voice_loads_waits_for_the_load_then_the_timeout_runs_from_it(speech):
    """A line that arrives at start-up, before piper has loaded (seconds on a
    busy machine), is spoken, not mimed: the timeout counts from the load."""
    assert speech.synthesized(VoiceLoading()) == []
    (hello,) = speech.accept(message(text="Hello!", role="assistant"), T0)
    speech.update(T0)
    assert of_type(speech.update(T0 + 30.0), StartClip) == [] and speech.state is State.WAITING
    assert speech.synthesized(VoiceReady()) == []
    assert of_type(speech.update(T0 + 31.0), StartClip) == []  # its 2 s start at the load
    speech.synthesized(SynthResult(hello.uid, tone("Hello!")))
    start = of_type(speech.update(T0 + 32.5), StartClip)
    assert start[0].clip.samples is not None and start[0].problem is None


def test_after_the_load_a_slow_sentence_is_mimed_at_the_timeout(speech):
    speech.synthesized(VoiceLoading())
    speech.accept(message(text="Hello!", role="assistant"), T0)
    speech.update(T0)
    speech.synthesized(VoiceReady())
    assert of_type(speech.update(T0 + 5.0), StartClip) == []  # the deadline is set again: now + 2 s
    start = of_type(speech.update(T0 + 7.0), StartClip)
    assert start[0].problem == "synthesis took longer than 2 s"


def test_a_load_that_never_ends_is_mimed_after_the_load_allowance(speech):
    speech.synthesized(VoiceLoading())
    speech.accept(message(text="Hello!", role="assistant"), T0)
    speech.update(T0)
    assert of_type(speech.update(T0 + VOICE_LOAD_S + 1.99), StartClip) == []
    assert of_type(speech.update(T0 + VOICE_LOAD_S + 2.0), StartClip)[0].clip.samples is None


def test_while_the_worker_is_stalled_the_next_sentences_are_mimed_at_once(speech):
    speech.accept(message(text="One. Two. Three.", role="assistant"), T0)
    speech.update(T0)
    speech.update(T0 + 2.0)
    for text in ["Two.", "Three."]:
        speech.clip_finished()
        start = of_type(speech.update(T0 + 2.0), StartClip)  # no time has passed
        assert start[0].text == text and start[0].problem.startswith("synthesis took longer")


def test_a_failed_or_unavailable_voice_is_mimed_with_one_toast_per_kind(speech):
    out = speech.accept(message(text="Alpha one. Beta two. Gamma three.", role="assistant"), T0)
    assert speech.synthesized(VoiceUnavailable("no espeak")) == [VoiceProblem("Speaking silently: voice "
                                                                              "unavailable: no espeak")]
    for request in out:
        speech.synthesized(SynthResult(request.uid, None, "voice unavailable"))
    problems = []
    for _ in range(3):
        problems += of_type(speech.update(T0), VoiceProblem, SpeechError)
        speech.clip_finished()
    speech.update(T0)
    assert len(out) == 3 and speech.idle
    assert problems[0] == VoiceProblem("Speaking silently: voice unavailable")
    assert [type(p) for p in problems] == [VoiceProblem, SpeechError, SpeechError, SpeechError]


def test_blocks_start_when_their_turn_comes_and_report_response_done(speech):
    worker = Worker(speech)
    worker.take(speech.accept(message(text="Old answer.", role="assistant", type="start", id="a"), T0))
    worker.take(speech.accept(message(text="", role="assistant", type="end", id="a"), T0))
    worker.take(speech.accept(message(text="New answer.", role="assistant", type="start", id="b"), T0))
    worker.take(speech.accept(message(text="More.", role="assistant", id="b"), T0))
    out = [o for o in worker.run() if isinstance(o, (BlockStarted, StartClip, ResponseDone))]
    assert [type(o) for o in out] == [BlockStarted, StartClip, ResponseDone, BlockStarted, StartClip, StartClip]
    assert speech.next_subtitle(["x"]) is None


def test_next_subtitle_looks_past_block_starts(speech):
    first = speech.accept(message(text="First.", role="assistant"), T0)
    assert speech.next_subtitle(["Before."]) == ["First."]  # the first message opens a block
    speech.accept(message(text="Also.", role="assistant"), T0)
    speech.synthesized(SynthResult(first[0].uid, tone("First.")))
    speech.update(T0)
    assert speech.next_subtitle(["First."]) == ["Also."]  # a message of its own: a subtitle of its own
    speech.accept(message(text="Other.", role="code"), T0)
    speech.accept(message(text="Later.", role="assistant", type="start"), T0)
    speech.clip_finished()
    speech.update(T0)
    speech.update(T0 + 2.0)  # Also. is mimed; the code line comes before the next sentence
    assert speech.next_subtitle(["Also."]) is None


def test_cancel_one_request_keeps_the_rest(speech):
    worker = Worker(speech)
    worker.take(speech.accept(message(text="Keep one. Keep two.", role="assistant", id="keep"), T0))
    worker.take(speech.accept(message(text="Drop one. Drop two.", role="assistant", id="drop"), T0))
    worker.take(speech.accept(message(text="After.", role="assistant", id="after"), T0))
    out = speech.cancel("drop")
    assert [(type(o), o.cancelled) for o in out if not isinstance(o, RequestSynthesis)] == [
        (SpeechDone, True), (MessageDone, True)]
    assert [o.text for o in worker.take(out) if isinstance(o, RequestSynthesis)] == ["After."]
    assert [text for text, _ in spoken(worker.run())] == ["Keep one.", "Keep two.", "After."]


def test_cancel_stops_the_sentence_playing_and_while_waiting_looks_again(speech):
    first = speech.accept(message(text="Playing now. More.", role="assistant", id="r1"), T0)
    speech.accept(message(text="Waits.", role="assistant", id="r2"), T0)
    speech.synthesized(SynthResult(first[0].uid, tone("Playing now.")))
    speech.update(T0)
    assert speech.state is State.SPEAKING
    out = speech.cancel("r1")
    assert out[:2] == [StopClip(interrupt=True), BlockStarted()] and speech.state is State.IDLE
    speech.update(T0 + 2.0)
    assert speech.state is State.WAITING
    assert [type(o) for o in speech.cancel(None)] == [SpeechDone, MessageDone] and speech.state is State.IDLE
    assert not speech.busy and speech.idle


def test_busy_counts_only_speech(speech):
    speech.accept(message(text="shown only", role="code"), T0)
    assert not speech.busy and not speech.idle
    speech.accept(message(text="Spoken.", role="assistant"), T0)
    assert speech.busy


def test_held_text_of_a_stream_comes_before_its_next_block(speech):
    worker = Worker(speech)
    worker.take(speech.accept(v2("s", "Done here. And a tail"), T0))
    worker.take(speech.accept(v2("s", "New. ", "chat.start"), T0))
    assert [text for text, _ in spoken(worker.run())] == ["Done here.", "And a tail", "New."]
    # The held tail has a book of its own that is never counted: one MessageDone per message.
    assert len(of_type(worker.outputs, MessageDone)) == 2


def test_clip_finished_while_not_speaking_is_an_error(speech):
    with pytest.raises(SpeechStateError, match="'finish' is not allowed while 'idle'"):
        speech.clip_finished()


def test_a_message_cut_ahead_is_queued_as_one_cut_when_taken():
    """Received.sentences (cut on the sender's thread by the app's inbox) and
    the queue's own cut give the same speech, for every kind of message."""
    import base64

    from support.wav import mono_wav
    own_voice = base64.b64encode(mono_wav((np.sin(np.arange(8000) / 5) * 9000).astype(np.int16), 16000)).decode()
    frames = [dict(text="[sad] One. Two, three and four.", role="assistant"),
              dict(text="Shown only.", role="user"),
              dict(text="Said in her own voice. Twice.", role="assistant", audio=own_voice)]
    for fields in frames:
        item = message(**fields)
        ahead = Received(item.connection, item.message, whole_sentences(item.message))
        assert ahead.sentences is not None
        cut, uncut = (Worker(SpeechQueue(words_per_minute=175, synth_timeout_s=2.0)) for _ in range(2))
        cut.take(cut.speech.accept(ahead, T0))
        uncut.take(uncut.speech.accept(item, T0))
        cut.run()
        uncut.run()

        def said(worker: Worker) -> list:
            return [(type(o).__name__, getattr(o, "text", None), getattr(o, "emotion", None)) for o in worker.outputs]
        assert said(cut) == said(uncut)
        assert any(isinstance(o, StartClip) for o in cut.outputs) == (fields["role"] == "assistant")
