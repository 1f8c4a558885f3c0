"""The composition root: ``build()`` makes the whole data path, and the
``Runtime`` it returns runs one frame of it at a time.

    socket thread -> inbox queue -> speech driver + its pure queue (once per frame)
    -> TTS worker thread -> playback clock -> mouth/expression state
    -> frame drawing + overlays (captions and toasts from the speech events)

The live window (engine/app/loop.py), record mode, the benchmarks and the
tests all go through ``build()`` and the runtime's public methods; what
differs between them (where time, sound and the voice come from) is said by
``Devices``. One frame: drain the inbox, advance the speech, read the
playback clock into the mouth, draw. Nothing in a frame waits on the network
or on synthesis.
"""
from __future__ import annotations

import dataclasses
import logging
import queue
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from engine.app.api_events import ApiEvents
from engine.app.cast import Cast, Performer, make_performers, voices_of
from engine.app.hotkeys import HELP_LINES
from engine.app.lifecycle import LifecycleReporter
from engine.app.reloader import Reloader
from engine.app.speech_view import show_in_captions
from engine.app.streamer_log import StreamerLog
from engine.app.window import Snapshots, StageWindow
from engine.link.addressing import Addressing
from engine.link.client import LinkClient
from engine.link.http_api import API_CONNECTION
from engine.link.http_events import EventHub
from engine.link.http_server import HttpApiServer
from engine.link.inbox import Backlog, Command, LinkNotice, Received, Stop, WakingQueue
from engine.link.messages import Cancel
from engine.link.replies import Replies
from engine.link.server import LinkServer
from engine.overlay.captions import Captions, join_sentences
from engine.overlay.display_text import display_form
from engine.overlay.input_box import InputBox
from engine.overlay.toasts import ToastBoard
from engine.settings.cast import aliases
from engine.settings.config import Config
from engine.speech.driver import SpeechDriver
from engine.speech.events import MessageDone, SentenceFinished, SentenceStarted, SpeechEvent, VoiceProblem
from engine.speech.playback import AudioOutput, PlaybackClock
from engine.speech.queue import SpeechQueue
from engine.speech.worker import InlineWorker, Synthesizer, SynthesizerFactory, TtsWorker
from engine.stage.character import CharacterSpec
from engine.stage.expression import ExpressionState
from engine.stage.mouth import MouthAnimator
from engine.stage.presence import Presence

log = logging.getLogger("kuchipaku")

WARM_UP_FRAMES = 30  # the first frames load fonts and warm caches; not counted as stalls
# Messages taken from the inbox per call: cutting a spoken message into
# sentences costs ~0.1 ms, so a flood (50 HTTP clients) is taken in batches,
# between frames as much as in them, instead of all at once in one frame.
ACCEPT_BATCH = 16


@dataclass(frozen=True)
class Line:
    """A line to speak that comes from this machine (--say, the test line, a typed line)."""

    text: str
    emotion: str = "neutral"
    character: str | None = None  # who says it on a duo stage (name or folder); None: the default


@dataclass(frozen=True)
class Devices:
    """Where time, sound and the voice come from. The defaults are the live
    window's; record mode swaps in a virtual clock, a recording "sound card"
    and a voice that answers at once."""

    now: Callable[[], float] = time.perf_counter
    audio: AudioOutput | None = None          # None: the sound card
    inline_voice: bool = False                # synthesise on the frame thread: the same result every time
    make_synthesizer: SynthesizerFactory | None = None  # None: the one voice.engine names
    link: bool = True                         # False: no socket at all (record mode)
    rng: random.Random | None = None          # blinks and breaths; seeded for repeatable recordings


class FrameStats:
    """Frame work time (excluding the sleep to the frame cap), worst case kept."""

    def __init__(self) -> None:
        self.frames = 0
        self.worst_ms = 0.0

    def record(self, work_s: float) -> None:
        self.frames += 1
        if self.frames > WARM_UP_FRAMES:
            self.worst_ms = max(self.worst_ms, work_s * 1000)


def build(config: Config, character: CharacterSpec, *, say: list[Line] | None = None,
          snapshot_dir: Path | None = None, config_path: Path | None = None,
          reapply: Callable[[Config], Config] = lambda config: config, devices: Devices = Devices(),
          others: dict[str, CharacterSpec] | None = None) -> Runtime:
    """Make every part of the data path and wire them together. Nothing starts
    yet: ``Runtime.start()`` opens the window and starts the threads.
    ``character`` is the default character's art; ``others`` the rest of a
    duo stage's, by name (engine.app.cast.load_cast)."""
    cast = config.cast
    specs = {cast[0].name: character, **(others or {})}
    missing = [member.name for member in cast if member.name not in specs]
    if missing:  # a caller that knows only one character: the stage is hers alone
        config = dataclasses.replace(config, stage=dataclasses.replace(config.stage, characters=()))
        cast, specs = config.cast, {config.cast[0].name: character}
    wake = threading.Event()  # set by the link and TTS threads when they have something
    inbox = WakingQueue(wake)
    backlog = Backlog(config.link.queue_limit)
    replies = Replies()
    voice = config.voice
    audio = devices.audio or AudioOutput(enabled=voice.engine != "silent", av_offset_s=voice.av_offset_ms / 1000)
    factory = devices.make_synthesizer or (_silent_synthesizer if voice.engine == "silent"
                                           else voices_of(config, specs))
    worker = InlineWorker(factory) if devices.inline_voice else TtsWorker(factory, WakingQueue(wake))
    speech = SpeechDriver(SpeechQueue(voice.rate, voice.synth_timeout_s, voice.stream_hold_s), worker, audio,
                          PlaybackClock(devices.now), backlog)
    toasts = ToastBoard(config.overlays.toast_seconds)
    captions = Captions(config.overlays.subtitle_linger_s)
    link = None
    addressing = Addressing(aliases(cast), cast[0].name)
    if devices.link:
        link = (LinkServer(config.link, inbox, backlog, replies, addressing=addressing) if config.link.mode != "client"
                else LinkClient(config.link, inbox, backlog, replies))
    send = link.send if link is not None else (lambda connection, frame: None)
    api = api_events = None
    if devices.link and config.http_api.enabled:  # AITuberKit's HTTP API, into the same inbox and backlog
        hub = EventHub(config.http_api.max_event_streams)
        # The stage's characters: on a duo stage, speak's receiverId picks who says it.
        receivers = tuple(member.name for member in cast) if len(cast) > 1 else (character.name or config.character,)
        receiver = receivers[0]
        user_line = link.send_user_chat if isinstance(link, LinkClient) else None
        api = HttpApiServer(config.http_api, inbox, backlog, hub, receivers, config.link.max_text_length,
                            client_mode=config.link.mode == "client", send_user_line=user_line,
                            max_image_bytes=config.link.max_image_bytes)
        api_events = ApiEvents(hub, receiver, voice.engine, lambda: backlog.taken)
    return Runtime(config, character, say or [], devices.now, wake, inbox, speech, captions, link,
                   LifecycleReporter(send, replies, config.link.sends_tts_complete,
                                     getattr(link, "lifecycle_details", None)), toasts,
                   Cast(make_performers(config, specs, devices.rng), addressing),
                   Reloader(config_path, character), reapply, Snapshots(snapshot_dir),
                   {name: spec for name, spec in specs.items() if name != cast[0].name}, api, api_events)


class Runtime:
    """Every part of the running program, and one frame of work over them."""

    def __init__(self, config: Config, character: CharacterSpec, say: list[Line], now: Callable[[], float],
                 wake: threading.Event, inbox: queue.Queue, speech: SpeechDriver, captions: Captions,
                 link: LinkServer | LinkClient | None,
                 lifecycle: LifecycleReporter, toasts: ToastBoard, cast: Cast,
                 reloader: Reloader, reapply: Callable[[Config], Config],
                 snapshots: Snapshots, others: dict[str, CharacterSpec], api: HttpApiServer | None = None,
                 api_events: ApiEvents | None = None) -> None:
        self.config = config
        self.character = character
        self.say = say
        self.now = now
        self.wake = wake
        self.inbox = inbox
        self.speech = speech
        self.captions = captions
        self.link = link
        self.lifecycle = lifecycle
        self.toasts = toasts
        self.cast = cast  # everyone on the stage and their faces
        self.reloader = reloader
        self.reapply = reapply
        self.snapshots = snapshots
        self.api = api
        self.api_events = api_events
        self.window = StageWindow(config, character, others)
        self.window.on_layout = self._after_layout
        self.input_box = InputBox()
        self.help_visible = False
        self.stop_requested = threading.Event()
        self.stats = FrameStats()
        self.streamer = StreamerLog()  # what the control window shows the streamer
        self.control_window = None  # the live loop's ControlWindow (engine/app/control_window.py), if open
        self._captions_logged = -1
        self._prepared: list[str] | None = None

    # The default character's face: what a single-character stage has always had.
    @property
    def presence(self) -> Presence:
        return self.cast.performers[0].presence

    @property
    def expression(self) -> ExpressionState:
        return self.cast.performers[0].expression

    @property
    def mouth(self) -> MouthAnimator:
        return self.cast.performers[0].mouth

    @property
    def performers(self) -> list[Performer]:
        return self.cast.performers

    @property
    def topleft(self) -> tuple[int, int]:
        """Where the default character was drawn in the last frame."""
        return self.cast.topleft

    # ---- start and stop --------------------------------------------------------------

    def start(self) -> None:
        """Open the window, start the voice and the link, queue the --say lines.
        OSError from the link (a port in use) reaches the caller."""
        self.window.open()
        self.speech.start()
        if self.link is not None:
            self.link.start()
        if self.api is not None:
            self.api.start()
        problem = self.speech.audio.problem
        if problem and self.config.voice.engine != "silent":
            self.toast(f"Speaking silently: {problem}", "warning")
        for line in self.say:
            self.speak(line)

    def shutdown(self) -> None:
        if self.api is not None:
            self.api.stop()
        if self.link is not None:
            self.link.stop()
        self.speech.stop()

    # ---- what the streamer and the program ask for ---------------------------------------

    def speak(self, line: Line) -> None:
        """A line from this machine: no sender to answer, no place in the backlog."""
        self.speech.speak_local(line.text, line.emotion,
                                self.cast.named(line.character).name if self.cast.several else None)

    def cancel(self, request_id: str | None = None) -> None:
        """Stop ``request_id``'s speech (all speech when None) and tell its senders."""
        now = self.now()
        for event in self.speech.cancel(request_id):
            self._on_speech_event(event, now)
        if request_id is None:
            self.captions.clear()  # a lingering subtitle too: cancel clears the stage at once
        self.cast.stopped()
        log.info("cancelled %s", f"request {request_id!r}" if request_id else "all speech")

    def stop_speech(self, stop: Stop) -> None:
        """The HTTP API's stop (mode speech, queue or all); toward a v2 server
        in client mode, also control.cancel."""
        now = self.now()
        for event in self.speech.stop_speech(stop.mode):
            self._on_speech_event(event, now)
        self.cast.silenced()
        if self.api_events is not None:
            self.api_events.cancelled(self.speech.busy)
        self.mouth.reset()
        if isinstance(self.link, LinkClient) and stop.mode != "queue":
            self.link.cancel_remote()
        log.info("stopped (%s%s)", stop.mode, f", {stop.reason!r}" if stop.reason else "")

    def toast(self, text: str, level: str = "info") -> None:
        self.toasts.push(text, level, self.now())

    @property
    def speech_idle(self) -> bool:
        """Nothing is playing and nothing, spoken or shown, waits its turn."""
        return self.speech.idle

    # ---- one frame ------------------------------------------------------------------------

    def frame(self, now: float, dt: float) -> None:
        """One frame's work: messages in, speech on, face updated, drawn to the
        window's screen. Shared by the live loop and record mode, so a
        recording shows exactly what the window would."""
        self.advance_speech(now)
        self._animate(now, dt)
        window = self.window
        assert window.screen is not None and window.sprites is not None and window.overlays is not None
        window.screen.fill(self.config.window.background)
        self.cast.draw(window.screen, window.placed, now)
        # The help and the line being typed are the streamer's: in the control
        # window while it is open, on the stage only when there is none.
        on_stage = self.control_window is None or self.control_window.window is None
        window.overlays.draw(window.screen, self.captions, self.toasts,
                             self.input_box if on_stage else InputBox(),
                             HELP_LINES if self.help_visible and on_stage else None)
        self.snapshots.take(window.screen, self.stats.frames == 0, self.mouth.shape, self.expression.emotion,
                            self.captions.subtitle)

    def advance_speech(self, now: float) -> None:
        self._drain_inbox(now)
        for event in self.speech.update(now):
            self._on_speech_event(event, now)

    def prepare_next_subtitle(self) -> None:
        """Idle time before the next frame: render the subtitle as it will be
        when the next sentence starts, so that frame only copies it."""
        upcoming = self.speech.next_subtitle(self.captions.subtitle_sentences)
        if upcoming is not None and upcoming != self._prepared and self.window.overlays is not None:
            self._prepared = upcoming
            self.window.overlays.prepare(display_form(join_sentences(upcoming)))

    def _after_layout(self) -> None:
        self._prepared = None  # new overlays: prepare the coming subtitle again
        self.captions.version += 1  # re-render captions for the new size

    def _drain_inbox(self, now: float) -> None:
        accepted = 0
        while True:
            if accepted >= ACCEPT_BATCH:  # a flood: the rest in the idle time before the next frame
                self.wake.set()
                return
            try:
                item = self.inbox.get_nowait()
            except queue.Empty:
                return
            try:
                accepted += self._take(item, now)
            except Exception:  # a bug met by one message must not end the stream
                log.exception("internal error while handling %s; carrying on", type(item).__name__)
                self.toast("Internal error while handling a message (see the log)", "error")

    def _take(self, item: Received | Command | LinkNotice, now: float) -> int:
        """One inbox item; returns how many messages it put in the speech queue."""
        self.streamer.seen(item, now)
        if isinstance(item, Received):
            self.speech.accept(item, now)
            return 1
        if isinstance(item, Command):
            self._on_command(item)
        elif isinstance(item, LinkNotice):
            self.toasts.push(item.text, item.level, now)
        return 0

    def _on_command(self, command: Command) -> None:
        event = command.event
        if isinstance(event, Stop):
            self.stop_speech(event)
        elif isinstance(event, Cancel):
            self.cancel(event.request_id)
        else:
            # For the streamer, not the viewers: the log and the control window, never the subtitle.
            log.warning("the bot on link #%d reported an error: %s", command.connection, ascii(event.message))
            self.toast(f"The bot reported an error (chat.error): {event.message}", "error")

    def _on_speech_event(self, event: SpeechEvent, now: float) -> None:
        message = getattr(event, "message", None)
        if message is None or message.connection != API_CONNECTION:  # HTTP callers follow the event feed
            self.lifecycle.report(event)
        if self.api_events is not None:
            self.api_events.report(event, self.speech.busy)
        if isinstance(event, SentenceStarted) and self.cast.several:
            member = self.cast.named(event.character).member
            self.captions.speaking_now(member.name, member.colour or self.config.overlays.text_colour)
        show_in_captions(self.captions, event)
        if isinstance(event, SentenceStarted):
            self.streamer.speaking(event.message.connection, now)
            speaker = self.cast.started(event.character, event.emotion, now)
            who = f"{speaker.name}, voice {speaker.member.voice or 'default'}, " if self.cast.several else ""
            log.info("speaking (%s%s, %s, %.2f s%s): %r", who, event.emotion,
                     "audible" if event.audible else "silent", event.duration_s,
                     f", peak {event.peak_dbfs} dBFS" if event.peak_dbfs is not None else "", event.text)
        elif isinstance(event, VoiceProblem):
            self.toasts.push(event.text, "warning", now)
        elif isinstance(event, SentenceFinished):
            self.cast.silenced()
            log.debug("finished speaking: %r", event.text)
        elif isinstance(event, MessageDone):
            self.streamer.done(event.message.connection)
            log.debug("message from link #%d done", event.message.connection)

    def _animate(self, now: float, dt: float) -> None:
        # A frame stays on screen for one frame period from the flip: show the
        # sound of the middle of that period, not of its first instant.
        lead = 0.5 / self.config.window.fps
        clock = self.speech.clock
        self.cast.animate(clock, lead, now, dt, self.speech.busy, self.window.placed)
        clip = clock.clip
        if self.config.overlays.karaoke and clip is not None and self.captions.subtitle_sentences:
            sentence = self.captions.subtitle_sentences[-1]
            self.captions.reveal(clip.revealed(clock.position() + lead, len(sentence)))
        else:
            self.captions.reveal(None)
        self.captions.settle(now, self.speech.busy)
        self.toasts.expire(now)
        if self.captions.text_version != self._captions_logged:
            self._captions_logged = self.captions.text_version
            if self.captions.subtitle:
                log.info("subtitle: %r", self.captions.subtitle)


def _silent_synthesizer() -> Synthesizer:
    # The worker reports this as "voice unavailable" and every sentence is mimed.
    raise RuntimeError("voice.engine is 'silent'")
