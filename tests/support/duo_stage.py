"""A --duo stage on a real X display, read from outside: where each mouth is
drawn and how open it looks, bots on connections of their own, the screen
sampled on a thread, and ``duo_on_screen`` that sets up and tears down all
of it around a running main.py (tests/app/test_duo_stage.py, test_duo_overlap.py)."""
from __future__ import annotations

import contextlib
import json
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from websockets.sync.client import connect

from support.timing import scaled, wait_for
from support.xvfb import Running, VirtualDisplay, base_config

SIZE = (1280, 720)
# Where each mouth is drawn on a 1280x720 --duo stage (engine/settings/cast.py duo(), scale 0.9 of the
# shipped 512x640 art, mouth sheet at (208, 296), 96x64): Kotone at x 80, Hibiki mirrored at x 739.
# Padded by 20 px each side for breathing, bounces and the listener's turn.
MOUTHS = {"Kotone": (80 + 187, 144 + 266), "Hibiki": (739 + 188, 144 + 266)}
MOUTH_SIZE = (86, 58)
PAD = 20


def redness(pixels: np.ndarray, name: str) -> int:
    """How much of the inside of an open mouth shows in ``name``'s mouth region."""
    x, y = MOUTHS[name]
    region = pixels[y - PAD:y + MOUTH_SIZE[1] + PAD, x - PAD:x + MOUTH_SIZE[0] + PAD].astype(int)
    r, g, b = region[..., 0], region[..., 1], region[..., 2]
    return int(((r > 100) & (r < 230) & (g < 90) & (b < 110)).sum())


class Sender:
    """A bot on its own connection, its replies collected with the time they came."""

    def __init__(self, url: str) -> None:
        self.ws = connect(url, open_timeout=scaled(10))
        self.replies: queue.Queue[tuple[float, dict]] = queue.Queue()
        self.seen: list[tuple[float, dict]] = []
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            while True:
                frame = self.ws.recv()
                self.replies.put((time.monotonic(), json.loads(frame)))
        except Exception:
            pass

    def send(self, **frame) -> None:
        self.ws.send(json.dumps(frame))

    def wait(self, predicate, what: str, timeout: float = 30.0) -> tuple[float, dict]:
        def found():
            while True:
                try:
                    self.seen.append(self.replies.get_nowait())
                except queue.Empty:
                    break
            return next((item for item in self.seen if predicate(item[1])), None)
        return wait_for(found, timeout, what=what)

    def close(self) -> None:
        self.ws.close()


def lifecycle(kind: str, request: str):
    return lambda reply: reply.get("type") == kind and reply.get("payload", {}).get("requestId") == request


class Screen:
    """Both mouths read from the screen on a thread, many times a second."""

    def __init__(self, display: VirtualDisplay) -> None:
        self.display = display
        self.samples: list[tuple[float, int, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            pixels = self.display.pixels()
            self.samples.append((time.monotonic(), redness(pixels, "Kotone"), redness(pixels, "Hibiki")))
            time.sleep(0.01)

    def between(self, start: float, end: float) -> list[tuple[float, int, int]]:
        return [sample for sample in self.samples if start <= sample[0] <= end]

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(scaled(5))


def duo_config() -> dict:
    config = base_config()
    config["window"].update(size=list(SIZE), position=[0, 0])
    config["control_window"] = {"enabled": True, "size": [760, 720], "position": [SIZE[0] + 10, 0]}
    return config


@dataclass
class DuoOnScreen:
    kotone: Sender          # Kotone's bot, in her room (/ws/kotone): it cannot name her in a field
    hibiki: Sender          # Hibiki's bot, on the main path: it names her in each message
    screen: Screen
    closed: dict[str, int]  # each mouth's redness before anyone speaks


@contextlib.contextmanager
def duo_on_screen(program: Running, display: VirtualDisplay) -> Iterator[DuoOnScreen]:
    """Once ``program`` listens and the stage is drawn: both bots connected
    and both mouths sampled. Afterwards all is closed and the program must
    stop with exit code 0."""
    screen = None
    senders: list[Sender] = []
    try:
        url = program.wait_for_log(r"listening on (ws://\S+)").group(1)
        wait_for(lambda: tuple(display.pixels()[4, 4]) == (0, 255, 0), what="the stage drawn")
        senders = [Sender(url + "/kotone"), Sender(url)]
        screen = Screen(display)
        time.sleep(0.3)
        closed = {name: max(redness(display.pixels(), name) for _ in range(3)) for name in MOUTHS}
        yield DuoOnScreen(*senders, screen, closed)
    finally:
        if screen is not None:
            screen.stop()
        for sender in senders:
            sender.close()
        assert program.stop() == 0
