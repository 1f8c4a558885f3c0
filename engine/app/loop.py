"""The live game loop: one frame per period, woken early when a message or
finished audio arrives, until the window closes or a signal asks to stop.
"""
from __future__ import annotations

import logging
import signal
import time
from types import FrameType

import pygame

from engine.app.control_window import ControlWindow
from engine.app.controls import Controls
from engine.app.runtime import Runtime

log = logging.getLogger("kuchipaku")

WAKE_COALESCE_S = 0.002


def run(runtime: Runtime) -> int:
    """Run the live window until it is closed or SIGINT/SIGTERM arrives.
    DisplayUnavailable and the link's OSError reach the caller."""
    def request_stop(signum: int | None = None, frame: FrameType | None = None) -> None:
        runtime.stop_requested.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, request_stop)
    try:
        runtime.start()
        control = runtime.control_window = ControlWindow(runtime)
        control.open()
        _loop(runtime, Controls(runtime, control))
    finally:
        started = time.perf_counter()
        runtime.shutdown()
        pygame.quit()
        log.info("stopped after %d frames; worst frame %.1f ms; shutdown took %.2f s",
                 runtime.stats.frames, runtime.stats.worst_ms, time.perf_counter() - started)
    return 0


def _loop(runtime: Runtime, controls: Controls) -> None:
    last = next_frame = time.perf_counter()
    while not runtime.stop_requested.is_set():
        period = 1.0 / runtime.config.window.fps
        now = time.perf_counter()
        dt, last = now - last, now
        controls.handle_window_events()
        controls.reload(now)
        runtime.frame(now, dt)
        runtime.window.present(runtime.captions)
        if controls.control is not None:
            controls.control.present()
        runtime.stats.record(time.perf_counter() - now)
        next_frame = max(next_frame + period, time.perf_counter())  # a late frame is not caught up
        _wait_until(runtime, next_frame)


def _wait_until(runtime: Runtime, deadline: float) -> None:
    """Sleep to the next frame, but wake for a message or finished audio at
    once: speech starts as soon as its audio is ready, not at the next frame
    boundary. Only the clock is read when drawing."""
    runtime.prepare_next_subtitle()
    while not runtime.stop_requested.is_set():
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            return
        if runtime.wake.wait(remaining):
            runtime.wake.clear()
            runtime.advance_speech(time.perf_counter())
            # In a flood the wake fires for every message: take them in
            # batches, not one lock round-trip per message.
            runtime.stop_requested.wait(WAKE_COALESCE_S)
