"""The application: wires the data path and runs the game loop.

    socket thread -> inbox queue -> speech scheduler (drained once per frame)
    -> TTS worker thread -> playback clock -> mouth/expression state
    -> frame drawing + overlays

One frame: handle window events, drain the inbox, advance the scheduler, read
the playback clock into the mouth, draw, flip, sleep to the frame cap. Nothing
in a frame waits on the network or on synthesis.
"""
from __future__ import annotations

import dataclasses
import logging
import os
import queue
import random
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Callable

import pygame

from engine.overlay.captions import Captions, join_sentences
from engine.stage.character import CharacterSpec
from engine.settings.config import Config
from engine.stage.expression import ExpressionState
from engine.overlay.fonts import load_font, load_monospace
from engine.app.hotkeys import HELP_LINES, TEST_LINE, action_for
from engine.link.inbox import Backlog, Command, LinkNotice, Received, WakingQueue
from engine.overlay.input_box import InputBox
from engine.app.lifecycle import LifecycleReporter
from engine.link.client import LinkClient
from engine.link.server import LinkServer
from engine.stage.mouth import MouthAnimator
from engine.overlay.overlays import Overlays
from engine.speech.playback import AudioOutput, PlaybackClock
from engine.stage.presence import Presence
from engine.link.protocol import Block, Cancel, ChatMessage
from engine.vocabulary import Role
from engine.app.reloader import Reloader
from engine.link.replies import Replies
from engine.speech.scheduler import SpeechEvent, SpeechScheduler
from engine.stage.sprites import CharacterSprites, character_topleft, fit_scale
from engine.overlay.toasts import ToastBoard
from engine.settings.validate import ConfigError
from engine.speech.worker import Synthesizer, SynthesizerFactory, TtsWorker
from engine.speech.voices import make_synthesizer, with_character_voice

log = logging.getLogger("kuchipaku")

WARM_UP_FRAMES = 30  # the first frames load fonts and warm caches; not counted as stalls
WAKE_COALESCE_S = 0.002


class DisplayUnavailable(Exception):
    pass


@dataclass(frozen=True)
class Line:
    """A line to speak at start-up (--say)."""

    text: str
    emotion: str = "neutral"


class FrameStats:
    """Frame work time (excluding the sleep to the frame cap), worst case kept."""

    def __init__(self) -> None:
        self.frames = 0
        self.worst_ms = 0.0

    def record(self, work_s: float) -> None:
        self.frames += 1
        if self.frames > WARM_UP_FRAMES:
            self.worst_ms = max(self.worst_ms, work_s * 1000)


class App:
    def __init__(self, config: Config, character: CharacterSpec, say: list[Line] | None = None,
                 snapshot_dir: Path | None = None, make_synthesizer: SynthesizerFactory | None = None,
                 config_path: Path | None = None, reapply: Callable[[Config], Config] = lambda c: c) -> None:
        self.config = config
        self.character = character
        self.reloader = Reloader(config_path, character)
        self._reapply = reapply
        self.say = say or []
        self.snapshot_dir = snapshot_dir
        self._make_synthesizer = make_synthesizer
        self.stop_requested = threading.Event()
        self.stats = FrameStats()
        self.wake = threading.Event()  # set by the link and TTS threads when they have something
        self.inbox: queue.Queue = WakingQueue(self.wake)
        self.backlog = Backlog(config.link.queue_limit)
        self.captions = Captions()
        self.toasts = ToastBoard(config.overlays.toast_seconds)
        self.expression = ExpressionState(config.voice.neutral_after_s)
        self.mouth = MouthAnimator()
        self.presence = Presence(character.presence, random.Random())
        self.help_visible = False
        self.input_box = InputBox()
        self.replies = Replies()
        self.fullscreen = config.window.fullscreen
        self.borderless = config.window.borderless
        self._snapshots_taken: set[str] = set()
        self._captions_logged = -1
        self._prepared: list[str] | None = None

    # ---- start and stop --------------------------------------------------------------

    def request_stop(self, signum: int | None = None, frame: FrameType | None = None) -> None:
        self.stop_requested.set()

    def run(self) -> int:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self.request_stop)
        self._open_display()
        voice = self.config.voice
        self.audio = AudioOutput(enabled=voice.engine != "silent", av_offset_s=voice.av_offset_ms / 1000)
        self._start_speech(TtsWorker(self._voice_factory(), WakingQueue(self.wake)))
        link_type = LinkClient if self.config.link.mode == "client" else LinkServer
        self.link = link_type(self.config.link, self.inbox, self.backlog, self.replies)
        self.lifecycle = LifecycleReporter(self.link.send, self.replies, self.config.link.tts_complete)
        try:
            self.link.start()  # OSError here (port in use) is reported by main
            if self.audio.problem and voice.engine != "silent":
                self._toast_now(f"Speaking silently: {self.audio.problem}", "warning")
            for line in self.say:
                self._speak_locally(line)
            self._loop()
        finally:
            self._shutdown()
        return 0

    def _voice_factory(self) -> SynthesizerFactory:
        voice = self.config.voice
        if self._make_synthesizer is not None:
            return self._make_synthesizer
        if voice.engine == "silent":
            return _silent_synthesizer
        own = self.character.voice  # the character's own engine, voice and fallback, if it names them
        return lambda: make_synthesizer(with_character_voice(voice, own.engine, own.voice, own.fallback))

    def _start_speech(self, worker: TtsWorker, now: Callable[[], float] = time.perf_counter) -> None:
        """The speech half of the data path: worker, playback clock, scheduler."""
        voice = self.config.voice
        self.worker = worker
        self.clock = PlaybackClock(now)
        self.scheduler = SpeechScheduler(self.worker, self.audio, self.clock, self.backlog, self.captions,
                                         voice.rate, voice.synth_timeout_s, self._toast_now, voice.stream_hold_s)
        self.worker.start()

    def _shutdown(self) -> None:
        started = time.perf_counter()
        if getattr(self, "link", None) is not None:
            self.link.stop()
        self.worker.stop()
        self.audio.close()
        pygame.quit()
        log.info("stopped after %d frames; worst frame %.1f ms; shutdown took %.2f s",
                 self.stats.frames, self.stats.worst_ms, time.perf_counter() - started)

    def _open_display(self) -> None:
        position = self.config.window.position
        if position is not None:  # read by SDL when the window is created
            os.environ["SDL_VIDEO_WINDOW_POS"] = f"{position[0]},{position[1]}"
        try:
            pygame.display.init()
            pygame.font.init()
            self._set_mode()
        except pygame.error as err:
            raise DisplayUnavailable(str(err)) from None
        pygame.display.set_caption(f"kuchipaku - {self.character.name}")
        self._layout()

    def _set_mode(self) -> None:
        if self.fullscreen:
            self.screen = pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
        else:
            flags = pygame.NOFRAME if self.borderless else 0
            self.screen = pygame.display.set_mode(self.config.window.size, flags)

    def _layout(self) -> None:
        """Everything that depends on the window size: sprites, fonts, overlays."""
        size = self.screen.get_size()
        stage = self.config.stage
        self.sprites = CharacterSprites(self.character, fit_scale(self.character.frame_size, size, stage.scale),
                                        self.config.window.background)
        self.home = character_topleft(self.sprites.size, size, stage.anchor, stage.margin)
        settings = self.config.overlays
        font = load_font(settings.font, settings.size)
        small = load_font(settings.font, max(10, round(settings.size * 0.62)))
        self.overlays = Overlays(size, font, small, load_monospace(max(10, round(settings.size * 0.55)), small),
                                 settings)
        self._open_subtitle_window()
        self.overlays.visible = settings.enabled
        self._prepared = None  # new overlays: prepare the coming subtitle again
        self.captions.version += 1  # re-render captions for the new size

    def _open_subtitle_window(self) -> None:
        """overlays.subtitles: window puts the subtitles in a window of their
        own ("kuchipaku subtitles"), so OBS can capture them as a separate source."""
        wanted = self.config.overlays.subtitles == "window"
        window = getattr(self, "subtitle_window", None)
        if window is not None and (not wanted or window.size != self.config.overlays.subtitle_window_size):
            window.destroy()
            window = None
        if wanted and window is None:
            window = pygame.Window("kuchipaku subtitles", self.config.overlays.subtitle_window_size)
        self.subtitle_window = window

    def _speak_locally(self, line: Line) -> None:
        """A line from the command line or the input box: no sender to answer."""
        self.backlog.try_take()
        self.scheduler.accept(Received(0, ChatMessage(line.text, "assistant", Role.SPEECH, line.emotion,
                                                      Block.APPEND)))

    def _toast_now(self, text: str, level: str = "info") -> None:
        self.toasts.push(text, level, time.perf_counter())

    # ---- the game loop ---------------------------------------------------------------

    def _loop(self) -> None:
        last = next_frame = time.perf_counter()
        while not self.stop_requested.is_set():
            period = 1.0 / self.config.window.fps
            now = time.perf_counter()
            dt, last = now - last, now
            self._handle_window_events()
            self._reload(now)
            self.frame(now, dt)
            self._take_snapshots()
            pygame.display.flip()
            if self.subtitle_window is not None:
                self.overlays.draw_subtitle_window(self.subtitle_window.get_surface(), self.captions)
                self.subtitle_window.flip()
            self.stats.record(time.perf_counter() - now)
            next_frame = max(next_frame + period, time.perf_counter())  # a late frame is not caught up
            self._wait_until(next_frame)

    def frame(self, now: float, dt: float) -> None:
        """One frame's work: messages in, speech on, face updated, drawn to
        ``self.screen``. Shared by the live loop and record mode, so a recording
        shows exactly what the window would."""
        self._advance_speech(now)
        self._animate(now, dt)
        self.screen.fill(self.config.window.background)
        dx, dy = self.presence.offset(now)
        self.topleft = (self.home[0] + dx, self.home[1] + dy)
        emotion, fading_from, fade = self.presence.crossfade(now)
        self.sprites.draw(self.screen, self.topleft, emotion, self.presence.eyes_closed(now), self.mouth.shape,
                          fading_from, fade)
        self.overlays.draw(self.screen, self.captions, self.toasts, self.input_box,
                           HELP_LINES if self.help_visible else None)

    def _advance_speech(self, now: float) -> None:
        self._drain_inbox(now)
        for event in self.scheduler.update(now):
            self._on_speech_event(event, now)

    def _wait_until(self, deadline: float) -> None:
        """Sleep to the next frame, but wake for a message or finished audio
        at once: speech starts as soon as its audio is ready, not at the next
        frame boundary. Only the clock is read when drawing."""
        self._prepare_next_subtitle()
        while not self.stop_requested.is_set():
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return
            if self.wake.wait(remaining):
                self.wake.clear()
                self._advance_speech(time.perf_counter())
                # In a flood the wake fires for every message: take them in
                # batches, not one lock round-trip per message.
                self.stop_requested.wait(WAKE_COALESCE_S)

    def _prepare_next_subtitle(self) -> None:
        """Idle time before the next frame: render the subtitle as it will be
        when the next sentence starts, so that frame only copies it."""
        upcoming = self.scheduler.next_subtitle(self.captions.subtitle_sentences)
        if upcoming is not None and upcoming != self._prepared:
            self._prepared = upcoming
            self.overlays.prepare(join_sentences(upcoming + self.captions.notes))

    def _handle_window_events(self) -> None:
        for event in pygame.event.get():
            if event.type == pygame.QUIT:
                self.stop_requested.set()
            elif event.type == pygame.WINDOWCLOSE:
                # With two windows SDL sends no QUIT for the first one closed.
                if self.subtitle_window is not None and getattr(event, "window", None) == self.subtitle_window:
                    self.subtitle_window.destroy()
                    self.subtitle_window = None
                else:
                    self.stop_requested.set()
            elif self.input_box.active and event.type in (pygame.KEYDOWN, pygame.TEXTINPUT):
                line = self.input_box.handle(event)
                if line:
                    self._send_typed_line(line)
            elif event.type == pygame.KEYDOWN:
                self._hotkey(action_for(event.key))

    def _hotkey(self, action: str | None) -> None:
        now = time.perf_counter()
        if action is None:
            return
        log.info("key: %s", action)
        if action == "input":
            self.input_box.open()
        elif action == "overlays":
            self.overlays.visible = not self.overlays.visible
        elif action == "help":
            self.help_visible = not self.help_visible
        elif action in ("fullscreen", "borderless"):
            if action == "fullscreen":
                self.fullscreen = not self.fullscreen
            else:
                self.borderless, self.fullscreen = not self.borderless, False
            self._set_mode()
            self._layout()
        elif action == "cancel":
            for speech_event in self.scheduler.cancel(None):
                self.lifecycle.report(speech_event)
            self.mouth.reset()
        elif action == "test_line":
            self._speak_locally(Line(TEST_LINE, self.expression.emotion))
        elif action == "reload":
            self._reload(now, forced=True)
        elif action.startswith("emotion:"):
            self.expression.speaking(action.split(":", 1)[1])

    def _reload(self, now: float, forced: bool = False) -> None:
        """Apply edits to the config and character files; keep the old ones if broken."""
        if not forced and not self.reloader.changed(now):
            return
        try:
            loaded = self.reloader.load(self.config, self._reapply)
        except ConfigError as err:
            log.warning("reload failed, keeping what was loaded: %s", err)
            self._toast_now(f"Not reloaded: {err}", "error")
            return
        restart_needed = [name for name in ("link", "voice") if getattr(loaded.config, name) != getattr(self.config,
                                                                                                       name)]
        window_changed = loaded.config.window != self.config.window
        self.config = dataclasses.replace(loaded.config, link=self.config.link, voice=self.config.voice)
        self.character = loaded.character
        self.presence.config = self.presence.blinker.config = loaded.character.presence
        self.toasts.seconds = self.config.overlays.toast_seconds
        if window_changed:
            self.fullscreen, self.borderless = self.config.window.fullscreen, self.config.window.borderless
            self._set_mode()
        pygame.display.set_caption(f"kuchipaku - {self.character.name}")
        self._layout()
        log.info("reloaded %s and character %s", self.reloader.config_path or "(no config file)", self.character.name)
        self._toast_now("Reloaded" + (f" ({' and '.join(restart_needed)} settings apply after a restart)"
                                      if restart_needed else ""))

    def _send_typed_line(self, line: str) -> None:
        """Client mode: the line goes to the server as a viewer's chat message,
        as AITuberKit sends it. Server mode: there is no bot to ask, so the
        character says it herself."""
        if isinstance(self.link, LinkClient):
            if self.link.send_user_chat(line):
                self.captions.show(Role.QUESTION, "user", line)
                log.info("sent a typed line to %s", self.link.url)
            else:
                self._toast_now("Not connected: the line was not sent", "warning")
        else:
            self._speak_locally(Line(line))

    def _drain_inbox(self, now: float) -> None:
        while True:
            try:
                item = self.inbox.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, Received):
                self.scheduler.accept(item, now)
            elif isinstance(item, Command):
                self._on_command(item)
            elif isinstance(item, LinkNotice):
                self.toasts.push(item.text, item.level, now)

    def _on_command(self, command: Command) -> None:
        event = command.event
        if isinstance(event, Cancel):
            for speech_event in self.scheduler.cancel(event.request_id):
                self.lifecycle.report(speech_event)
            self.mouth.reset()
            log.info("cancelled %s", f"request {event.request_id!r}" if event.request_id else "all speech")
        else:
            log.warning("the bot on link #%d reported an error: %s", command.connection, ascii(event.message))
            self.captions.show(Role.PLAIN, "error", event.message)
            self._toast_now("The bot reported an error", "error")

    def _on_speech_event(self, event: SpeechEvent, now: float) -> None:
        self.lifecycle.report(event)
        if event.kind == "sentence_started":
            self.presence.sentence_started(now)
            log.info("speaking (%s, %s, %.2f s%s): %r", event.emotion,
                     "audible" if event.audible else "silent", event.extra["duration_s"],
                     f", peak {event.extra['peak_dbfs']} dBFS" if event.extra["peak_dbfs"] is not None else "",
                     event.text)
            self.expression.speaking(event.emotion)
        elif event.kind == "sentence_finished":
            log.debug("finished speaking: %r", event.text)
        elif event.kind == "message_done":
            log.debug("message from link #%d done", event.message.connection)

    def _animate(self, now: float, dt: float) -> None:
        before = (self.mouth.shape, self.expression.emotion)
        # A frame stays on screen for one frame period from the flip: show the
        # sound of the middle of that period, not of its first instant.
        lead = 0.5 / self.config.window.fps
        self.mouth.update(self.clock.level(lead), dt, self.clock.viseme(lead))
        clip = self.clock.clip
        if self.config.overlays.karaoke and clip is not None and self.captions.subtitle_sentences:
            sentence = self.captions.subtitle_sentences[-1]
            self.captions.reveal(clip.revealed(self.clock.position() + lead, len(sentence)))
        else:
            self.captions.reveal(None)
        self.presence.set_emotion(self.expression.update(now, self.scheduler.busy), now)
        self.toasts.expire(now)
        after = (self.mouth.shape, self.expression.emotion)
        if after[0] != before[0]:
            log.debug("mouth %s", after[0])
        if after[1] != before[1]:
            log.info("expression %s", after[1])
        if self.captions.text_version != self._captions_logged:
            self._captions_logged = self.captions.text_version
            if self.captions.subtitle:
                log.info("subtitle: %r", self.captions.subtitle)

    def _take_snapshots(self) -> None:
        """For tests and users checking a set-up: the first idle frame, and the
        first frame with the mouth open and a subtitle showing."""
        if self.snapshot_dir is None:
            return
        wanted = "idle" if self.stats.frames == 0 else None
        if self.mouth.shape == "open" and self.captions.subtitle:
            wanted = "speaking"
        if wanted and wanted not in self._snapshots_taken:
            self._snapshots_taken.add(wanted)
            self.snapshot_dir.mkdir(parents=True, exist_ok=True)
            pygame.image.save(self.screen, str(self.snapshot_dir / f"{wanted}.png"))
            log.info("saved %s frame to %s (expression %s, mouth %s, subtitle %r)", wanted,
                     self.snapshot_dir / f"{wanted}.png", self.expression.emotion, self.mouth.shape,
                     self.captions.subtitle)


def _silent_synthesizer() -> Synthesizer:
    # The worker reports this as "voice unavailable" and every sentence is mimed.
    raise RuntimeError("voice.engine is 'silent'")
