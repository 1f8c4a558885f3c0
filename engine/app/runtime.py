"""The running program: ``Runtime`` holds every part that ``build()``
(engine/app/build.py, the composition root) made, and runs one frame of it
at a time: drain the inbox, advance the speech, read the playback clock into
the mouth, draw. Nothing in a frame waits on the network or on synthesis.
"""
from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from engine.app.api_events import ApiEvents
from engine.app.cast import Cast, Performer
from engine.app.dispatch import Dispatch
from engine.app.hotkeys import HELP_LINES
from engine.app.lifecycle import LifecycleReporter
from engine.app.reloader import Reloader
from engine.app.streamer_log import StreamerLog
from engine.app.window import Snapshots, StageWindow
from engine.link.client import LinkClient
from engine.link.http_server import HttpApiServer
from engine.link.inbox import Stop
from engine.link.server import LinkServer
from engine.overlay.captions import Captions, join_sentences
from engine.overlay.display_text import display_form
from engine.overlay.input_box import InputBox
from engine.overlay.toasts import ToastBoard
from engine.settings.config import Config
from engine.speech.driver import SpeechDriver
from engine.speech.lanes import SpeechLanes
from engine.stage.character import CharacterSpec
from engine.stage.expression import ExpressionState
from engine.stage.mouth import MouthAnimator
from engine.stage.presence import Presence

if TYPE_CHECKING:
    from engine.app.build import Line

log = logging.getLogger("kuchipaku")

WARM_UP_FRAMES = 30  # the first frames load fonts and warm caches; not counted as stalls


class FrameStats:
    """Frame work time (excluding the sleep to the frame cap), worst case kept."""

    def __init__(self) -> None:
        self.frames = 0
        self.worst_ms = 0.0

    def record(self, work_s: float) -> None:
        self.frames += 1
        if self.frames > WARM_UP_FRAMES:
            self.worst_ms = max(self.worst_ms, work_s * 1000)


class Runtime:
    """Every part of the running program, and one frame of work over them."""

    def __init__(self, config: Config, character: CharacterSpec, say: list[Line], now: Callable[[], float],
                 wake: threading.Event, inbox: queue.Queue, speech: SpeechDriver | SpeechLanes, captions: Captions,
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
        self.dispatch = Dispatch(self)  # the inbox's items and the speech's events, turned into actions
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
            self.dispatch.speech_event(event, now)
        if request_id is None:
            self.captions.clear()  # a lingering subtitle too: cancel clears the stage at once
        self.cast.stopped()
        log.info("cancelled %s", f"request {request_id!r}" if request_id else "all speech")

    def stop_speech(self, stop: Stop) -> None:
        """The HTTP API's stop (mode speech, queue or all); toward a v2 server
        in client mode, also control.cancel."""
        now = self.now()
        for event in self.speech.stop_speech(stop.mode):
            self.dispatch.speech_event(event, now)
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
        # "Showing": with karaoke, a subtitle whose first word is not yet spoken draws no box.
        showing = self.captions.subtitle if self.captions.shown_length > 0 else ""
        self.snapshots.take(window.screen, self.stats.frames == 0, self.mouth.shape, self.expression.emotion, showing)

    def advance_speech(self, now: float) -> None:
        self.dispatch.drain_inbox(now)
        for event in self.speech.update(now):
            self.dispatch.speech_event(event, now)

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

    def _animate(self, now: float, dt: float) -> None:
        # A frame stays on screen for one frame period from the flip: show the
        # sound of the middle of that period, not of its first instant.
        lead = 0.5 / self.config.window.fps
        self.cast.animate(self.speech, lead, now, dt, self.window.placed)
        clock = self.speech.clock
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

