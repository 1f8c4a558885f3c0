"""What comes to the running program, turned into what it does: the inbox's
items (messages to speak, commands, notices from the link) once a frame, and
the speech's events (lifecycle replies, the HTTP API's feed, captions, the
cast's faces, the log). Split from the runtime so it stays one frame's work.
"""
from __future__ import annotations

import logging
import queue
from typing import TYPE_CHECKING

from engine.app.speech_view import show_in_captions
from engine.link.http_api import API_CONNECTION
from engine.link.inbox import Command, LinkNotice, Received, Stop
from engine.link.messages import Cancel
from engine.speech.events import MessageDone, SentenceFinished, SentenceStarted, SpeechEvent, VoiceProblem

if TYPE_CHECKING:
    from engine.app.runtime import Runtime

log = logging.getLogger("kuchipaku")

# Messages taken from the inbox per call: cutting a spoken message into
# sentences costs ~0.1 ms, so a flood (50 HTTP clients) is taken in batches,
# between frames as much as in them, instead of all at once in one frame.
ACCEPT_BATCH = 16


class Dispatch:
    """The runtime's inbox and speech events, handled on the frame thread."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def drain_inbox(self, now: float) -> None:
        run = self.runtime
        accepted = 0
        while True:
            if accepted >= ACCEPT_BATCH:  # a flood: the rest in the idle time before the next frame
                run.wake.set()
                return
            try:
                item = run.inbox.get_nowait()
            except queue.Empty:
                return
            try:
                accepted += self._take(item, now)
            except Exception:  # a bug met by one message must not end the stream
                log.exception("internal error while handling %s; carrying on", type(item).__name__)
                run.toast("Internal error while handling a message (see the log)", "error")

    def _take(self, item: Received | Command | LinkNotice, now: float) -> int:
        """One inbox item; returns how many messages it put in the speech queue."""
        run = self.runtime
        run.streamer.seen(item, now)
        if isinstance(item, Received):
            run.speech.accept(item, now)
            return 1
        if isinstance(item, Command):
            self._command(item)
        elif isinstance(item, LinkNotice):
            run.toasts.push(item.text, item.level, now)
        return 0

    def _command(self, command: Command) -> None:
        run = self.runtime
        event = command.event
        if isinstance(event, Stop):
            run.stop_speech(event)
        elif isinstance(event, Cancel):
            run.cancel(event.request_id)
        else:
            # For the streamer, not the viewers: the log and the control window, never the subtitle.
            log.warning("the bot on link #%d reported an error: %s", command.connection, ascii(event.message))
            run.toast(f"The bot reported an error (chat.error): {event.message}", "error")

    def speech_event(self, event: SpeechEvent, now: float) -> None:
        run = self.runtime
        message = getattr(event, "message", None)
        if message is None or message.connection != API_CONNECTION:  # HTTP callers follow the event feed
            run.lifecycle.report(event)
        if run.api_events is not None:
            run.api_events.report(event, run.speech.busy)
        if isinstance(event, SentenceStarted) and run.cast.several:
            member = run.cast.named(event.character).member
            run.captions.speaking_now(member.name, member.colour or run.config.overlays.text_colour)
        show_in_captions(run.captions, event)
        if isinstance(event, SentenceStarted):
            run.streamer.speaking(event.message.connection, now)
            speaker = run.cast.started(event.character, event.emotion, now)
            who = f"{speaker.name}, voice {speaker.member.voice or 'default'}, " if run.cast.several else ""
            log.info("speaking (%s%s, %s, %.2f s%s): %r", who, event.emotion,
                     "audible" if event.audible else "silent", event.duration_s,
                     f", peak {event.peak_dbfs} dBFS" if event.peak_dbfs is not None else "", event.text)
        elif isinstance(event, VoiceProblem):
            run.toasts.push(event.text, "warning", now)
        elif isinstance(event, SentenceFinished):
            run.cast.silenced(event.message.character)
            log.debug("finished speaking: %r", event.text)
        elif isinstance(event, MessageDone):
            run.streamer.done(event.message.connection)
            log.debug("message from link #%d done", event.message.connection)
