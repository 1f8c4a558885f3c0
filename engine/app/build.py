"""The composition root: ``build()`` makes the whole data path and hands it to
the ``Runtime`` (engine/app/runtime.py), which runs one frame of it at a time.

    socket thread -> inbox queue -> speech driver + its pure queue (once per frame)
    -> TTS worker thread -> playback clock -> mouth/expression state
    -> frame drawing + overlays (captions and toasts from the speech events)

The live window (engine/app/loop.py), record mode, the benchmarks and the
tests all go through ``build()``; what differs between them (where time,
sound and the voice come from) is said by ``Devices``. With ``stage.overlap``
on a stage of several, the speech is one lane per character
(engine/speech/lanes.py) instead of one driver.
"""
from __future__ import annotations

import dataclasses
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from engine.app.api_events import ApiEvents
from engine.app.cast import Cast, make_performers, voice_of, voices_of
from engine.app.cutting_inbox import CuttingInbox
from engine.app.lifecycle import LifecycleReporter
from engine.app.reloader import Reloader
from engine.app.runtime import Runtime
from engine.app.window import Snapshots
from engine.link.addressing import Addressing
from engine.link.client import LinkClient
from engine.link.http_events import EventHub
from engine.link.http_server import HttpApiServer
from engine.link.inbox import Backlog, WakingQueue
from engine.link.replies import Replies
from engine.link.server import LinkServer
from engine.overlay.captions import Captions
from engine.overlay.toasts import ToastBoard
from engine.settings.cast import aliases
from engine.settings.config import Config
from engine.speech.driver import SpeechDriver
from engine.speech.lanes import SpeechLanes
from engine.speech.playback import AudioOutput, PlaybackClock
from engine.speech.queue import SpeechQueue
from engine.speech.worker import InlineWorker, Synthesizer, SynthesizerFactory, TtsWorker
from engine.stage.character import CharacterSpec


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
    others = {name: spec for name, spec in specs.items() if name != cast[0].name}
    wake = threading.Event()  # set by the link and TTS threads when they have something
    inbox = CuttingInbox(wake)  # messages are cut into sentences on the sender's thread
    backlog = Backlog(config.link.queue_limit)
    replies = Replies()
    voice = config.voice
    audio = devices.audio or AudioOutput(enabled=voice.engine != "silent", av_offset_s=voice.av_offset_ms / 1000)
    overlap = config.stage.overlap and len(cast) > 1

    def driver(factory: SynthesizerFactory, output) -> SpeechDriver:
        worker = InlineWorker(factory) if devices.inline_voice else TtsWorker(factory, WakingQueue(wake))
        return SpeechDriver(SpeechQueue(voice.rate, voice.synth_timeout_s, voice.stream_hold_s), worker, output,
                            PlaybackClock(devices.now), backlog)

    def factory_for(member=None) -> SynthesizerFactory:
        if devices.make_synthesizer is not None:
            return devices.make_synthesizer
        if voice.engine == "silent":
            return _silent_synthesizer
        return voices_of(config, specs) if member is None else voice_of(config, specs, member)

    if overlap:  # one lane per character: her voice alone, her own clock and mixer channel
        outputs = audio.lanes(len(cast)) if hasattr(audio, "lanes") else [audio] * len(cast)
        speech: SpeechDriver | SpeechLanes = SpeechLanes(
            {member.name: driver(factory_for(member), output) for member, output in zip(cast, outputs, strict=True)},
            aliases(cast))
    else:
        speech = driver(factory_for(), audio)
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
                   Cast(make_performers(config, specs, devices.rng), addressing, overlap),
                   Reloader(config_path, character, others), reapply, Snapshots(snapshot_dir), others, api, api_events)


def _silent_synthesizer() -> Synthesizer:
    # The worker reports this as "voice unavailable" and every sentence is mimed.
    raise RuntimeError("voice.engine is 'silent'")
