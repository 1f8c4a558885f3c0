"""What the benchmarks share: percentiles, and the real runtime timed from a
line's arrival to its first audio (``first_audio``), used by
bench/run_benchmarks.py (WebSocket) and bench/http_bench.py (HTTP API)."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def first_audio(drive: Callable, also_arriving: tuple[tuple[type, str], ...] = ()) -> None:
    """Run the default character's live runtime (link and HTTP API on free
    ports, dummy audio) while ``drive(app, arrived, played)`` runs on a thread
    of its own; the loop ends when it returns. ``arrived`` gets the time each
    WebSocket frame (and each call of ``also_arriving``'s (class, method))
    reached the program, ``played`` the time each clip was handed to the mixer;
    ``drive`` clears them as it likes. It starts once 30 frames have run."""
    import dataclasses
    import signal

    import pygame

    import engine.link.session as link_session
    import engine.speech.playback as playback
    from engine.app.build import build
    from engine.app.loop import run
    from engine.settings.config import Config, HttpApiConfig, LinkConfig
    from engine.stage.character import load_character_spec

    arrived: list[float] = []
    played: list[float] = []

    def note_arrival(original: Callable) -> Callable:
        def noted(self, *args):
            arrived.append(time.perf_counter())
            return original(self, *args)
        return noted

    original_play = playback.AudioOutput.play

    def play(self, clip):
        handed = original_play(self, clip)
        played.append(time.perf_counter())
        return handed

    for owner, name in ((link_session.LinkSession, "on_text"), *also_arriving):
        setattr(owner, name, note_arrival(getattr(owner, name)))
    playback.AudioOutput.play = play
    app = build(dataclasses.replace(Config(), link=LinkConfig(port=0), http_api=HttpApiConfig(port=0)),
                load_character_spec(ROOT / "characters" / "default"))

    def driving() -> None:
        try:
            while app.stats.frames < 30:
                time.sleep(0.05)
            drive(app, arrived, played)
        finally:
            pygame.event.post(pygame.event.Event(pygame.QUIT))

    thread = threading.Thread(target=driving)
    thread.start()
    run(app)
    thread.join()
    signal.signal(signal.SIGINT, signal.default_int_handler)
