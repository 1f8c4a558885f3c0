"""The speech driver with a real TTS worker thread, a deterministic
synthesiser and a clock the test moves by hand: order, blocks, roles, faults,
prefetch, cancel, and the backlog places of local lines.

Fake time never races the worker: it moves only when a test says so, and
while the head sentence waits for its audio ``run_until_idle`` waits (in real
time, bounded) for the worker's answer instead of letting the clock run on."""
from __future__ import annotations

import json

import pytest

from engine.link.inbox import Received
from engine.link.protocol import parse_frame
from engine.speech.events import (
    BlockStarted,
    MessageDone,
    Rendered,
    ResponseDone,
    SentenceFinished,
    SentenceStarted,
    SpeechDone,
    SpeechError,
    SpeechStarted,
    VoiceProblem,
)
from engine.speech.states import State
from support.speech_harness import Harness
from support.timing import wait_for


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
    assert all(e.audible is False for e in h.events if isinstance(e, SentenceStarted))  # no device in this harness
    assert [e.message.connection for e in h.events if isinstance(e, MessageDone)] == [1, 2, 1]
    assert h.backlog.taken == 0


def test_blocks_clear_the_subtitle_only_when_their_turn_comes(harness):
    h = harness()
    h.send(text="Old answer.", role="assistant", type="start")
    h.send(text="", role="assistant", type="end")
    h.send(text="New answer.", role="assistant", type="start")
    h.send(text="More.", role="assistant")
    h.step()
    h.step_until(lambda: h.captions.subtitle == "Old answer.", what="first block shown")
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

    def note_subtitle() -> bool:
        if h.captions.subtitle and (not subtitles or subtitles[-1] != h.captions.subtitle):
            subtitles.append(h.captions.subtitle)
        return False

    h.run_until_idle(until=note_subtitle)
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
    failed = [e for e in h.events if isinstance(e, SentenceStarted)][0]
    assert failed.problem and "broken on purpose" in failed.problem
    assert any("Speaking silently" in t for t in h.toasts)


def test_stalled_synthesis_times_out_to_silent_speech(harness):
    h = harness(timeout_s=2.0)
    h.send(text="HANG here.", role="assistant")
    wait_for(lambda: h.synth.seen, what="the worker to start")
    h.step()
    assert h.driver.state is State.WAITING
    h.step(1.9)
    assert h.driver.state is State.WAITING
    started = h.step(0.2)
    assert [type(e) for e in started] == [VoiceProblem, Rendered, SpeechStarted, SpeechError, SentenceStarted]
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
    assert h.driver.state is State.SPEAKING
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
    started = [e for e in h.events if isinstance(e, SentenceStarted)]
    assert started[0].problem and "no audio" in started[0].problem
    assert SpeechError in kinds_for(h, "e")


def test_next_sentences_are_prefetched_while_one_plays(harness):
    h = harness()
    h.send(text="One. Two. Three. Four. Five.", role="assistant")
    h.step_until(lambda: h.driver.state is State.SPEAKING, what="speech to start")
    wait_for(lambda: len(h.synth.seen) >= 3, what="prefetch")
    assert h.synth.seen[:3] == ["One.", "Two.", "Three."]
    assert len(h.synth.seen) <= 4  # bounded: not the whole queue at once
    h.run_until_idle()
    assert len(h.spoken()) == 5


def test_gapless_when_audio_is_ready(harness):
    h = harness()
    h.send(text="Alpha. Beta.", role="assistant")
    h.step_until(lambda: h.driver.state is State.SPEAKING, what="speech to start")
    wait_for(lambda: h.answers.delivered >= 2, what="second sentence synthesised")
    # Step to just past the first clip's end: the second starts in that same update.
    h.step(h.clock.clip.duration_s + 0.001)
    assert [type(e) for e in h.events[-2:]] == [SentenceFinished, SentenceStarted]


LIFECYCLE = (Rendered, SpeechStarted, SpeechError, SpeechDone, MessageDone, ResponseDone)


def kinds_for(h: Harness, request_id: str) -> list[type]:
    return [type(e) for e in h.events if isinstance(e, LIFECYCLE) and e.message.lifecycle_id == request_id]


def test_lifecycle_order_for_a_streamed_v2_response(harness):
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
        h.driver.accept(Received(5, parsed.message), h.now)
    h.run_until_idle()
    kinds = kinds_for(h, "req_1")
    # Four messages under one request id; the response is done once, last.
    assert kinds[-1] is ResponseDone and kinds.count(ResponseDone) == 1
    assert kinds.count(SpeechStarted) == 2 and kinds.count(SpeechDone) == 2
    assert kinds.index(Rendered) < kinds.index(SpeechStarted) < kinds.index(SpeechDone)
    assert kinds.count(MessageDone) == 4


def test_legacy_message_without_id_still_reports_message_done(harness):
    h = harness()
    h.send(3, text="Plain.", role="assistant")
    h.run_until_idle()
    done = [e for e in h.events if isinstance(e, MessageDone)]
    assert len(done) == 1 and done[0].message.version == "1" and done[0].message.lifecycle_id is None


def test_cancel_one_request_drops_only_its_speech(harness):
    h = harness()
    h.send(1, text="Keep one. Keep two.", role="assistant", id="keep")
    h.send(1, text="Drop one. Drop two. Drop three.", role="assistant", id="drop")
    h.send(1, text="After.", role="assistant", id="after")
    events = h.driver.cancel("drop")
    assert [(type(e), e.cancelled) for e in events] == [(SpeechDone, True), (MessageDone, True)]
    h.run_until_idle()
    assert [t for t, _ in h.spoken()] == ["Keep one.", "Keep two.", "After."]
    assert h.backlog.taken == 0


def test_cancel_everything_stops_the_sentence_playing_now(harness):
    h = harness()
    h.send(1, text="A long sentence that is playing. And more.", role="assistant", id="r1")
    h.send(2, text="Queued behind.", role="assistant", id="r2")
    h.step_until(lambda: h.driver.state is State.SPEAKING, what="speech to start")
    events = h.driver.cancel(None)
    assert h.driver.state is State.IDLE and h.clock.clip is None
    assert events[0] == BlockStarted()  # the subtitle of the sentence cut short goes
    events = events[1:]
    assert sorted((e.message.lifecycle_id, type(e).__name__) for e in events) == [
        ("r1", "MessageDone"), ("r1", "SpeechDone"), ("r2", "MessageDone"), ("r2", "SpeechDone")]
    assert all(e.cancelled for e in events)
    h.run_until_idle()
    assert [t for t, _ in h.spoken()] == ["A long sentence that is playing."]
    assert h.backlog.taken == 0 and not h.driver.busy


def v2_message(request_id: str, text: str, event_type: str = "chat.delta"):
    return parse_frame(json.dumps({"version": "2", "type": event_type, "requestId": request_id,
                                   "payload": {"text": text}})).message


def test_streamed_pieces_are_spoken_as_sentences_and_a_pause_flushes_the_rest(harness):
    h = harness()
    for piece in ["Good ", "morning, every", "one. How", " are you"]:
        assert h.backlog.try_take()
        h.driver.accept(Received(4, v2_message("s1", piece)), h.now)
    h.run_until_idle()
    assert [t for t, _ in h.spoken()] == ["Good morning, everyone."]
    h.step(1.0)  # the stream paused: what was held is spoken
    h.run_until_idle()
    assert [t for t, _ in h.spoken()] == ["Good morning, everyone.", "How are you"]
    assert h.backlog.taken == 0
    assert len([e for e in h.events if isinstance(e, MessageDone)]) == 4


def test_a_local_line_takes_no_backlog_place_and_frees_none(harness):
    """--say, the input box and the test key speak on connection 0: the line
    is not the link's to count, so a full backlog stays full until the bot's
    own message is done (once, a local line freed a bot's place)."""
    h = harness(limit=1)
    h.driver.speak_local("Said here first.", "happy")
    assert h.backlog.taken == 0
    h.send(1, text="From the bot.", role="assistant", id="bot")
    assert not h.backlog.try_take()  # the one place is the bot's
    h.run_until_idle(until=lambda: any(isinstance(e, MessageDone) for e in h.events))
    local_done = [e for e in h.events if isinstance(e, MessageDone)]
    assert [e.message.connection for e in local_done] == [0]
    assert h.backlog.taken == 1  # still the bot's
    h.run_until_idle()
    assert h.spoken() == [("Said here first.", "happy"), ("From the bot.", "neutral")]
    assert h.backlog.taken == 0
