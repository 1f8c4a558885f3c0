"""Issue 13 through main.py --duo on a real X display: two characters on one
stage, two senders, and each line in its speaker's voice with only her mouth
moving. The mouths are read from the screen's pixels from outside: an open
mouth shows its dark red inside, a closed one hardly any."""
from __future__ import annotations

import json
import queue
import re
import threading
import time

import numpy as np
import pytest
from websockets.sync.client import connect

from support.timing import scaled, wait_for
from support.xvfb import Running, VirtualDisplay, base_config, needs_x, xvfb_available

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


@pytest.fixture
def display():
    if not xvfb_available():
        pytest.fail("Xvfb is missing: `make test` installs it (tools/ensure_system_packages.sh)")
    screen = VirtualDisplay((SIZE[0] + 780, SIZE[1]))  # the stage, and the streamer's control window beside it
    yield screen
    screen.close()


def duo_config() -> dict:
    config = base_config()
    config["window"].update(size=list(SIZE), position=[0, 0])
    config["control_window"] = {"enabled": True, "size": [760, 720], "position": [SIZE[0] + 10, 0]}
    return config


LINES = [("Kotone", "Good evening everyone, welcome to the stream."),
         ("Hibiki", "Hello hello, I am here too, and happy to be."),
         ("Kotone", "Today we talk about cooking rice properly."),
         ("Hibiki", "Washing the rice is the first important step."),
         ("Kotone", "Then you let it soak for half an hour."),
         ("Hibiki", "And never open the lid while it cooks!")]


@needs_x
def test_two_senders_alternate_six_lines_each_in_her_voice_with_only_her_mouth_moving(tmp_path, display):
    program = Running(tmp_path, display, duo_config(), "--duo", "-v")
    screen = None
    senders: list[Sender] = []
    try:
        url = program.wait_for_log(r"listening on (ws://\S+)").group(1)
        wait_for(lambda: tuple(display.pixels()[4, 4]) == (0, 255, 0), what="the stage drawn")
        # Kotone's bot cannot add a field: it connects to her room. Hibiki's names her in each message.
        kotone, hibiki = Sender(url + "/kotone"), Sender(url)
        senders = [kotone, hibiki]
        screen = Screen(display)
        time.sleep(0.3)
        closed = {name: max(redness(display.pixels(), name) for _ in range(3)) for name in MOUTHS}
        for index, (speaker, text) in enumerate(LINES):
            request = f"line{index}"
            if speaker == "Kotone":
                kotone.send(text=text, role="assistant", id=request)
                sender = kotone
            else:
                hibiki.send(version="2", id=request, type="chat.delta", requestId=request,
                            payload={"text": text, "role": "assistant", "character": "Hibiki"})
                sender = hibiki
            started, _ = sender.wait(lifecycle("character.speech.start", request), f"{request} started")
            done, reply = sender.wait(lifecycle("character.speech.done", request), f"{request} spoken")
            assert reply["payload"].get("character") == speaker
            samples = screen.between(started, done)
            assert len(samples) >= 10, f"{request}: too few screenshots while it was spoken"
            listener = "Hibiki" if speaker == "Kotone" else "Kotone"
            spoken = [s[1] if speaker == "Kotone" else s[2] for s in samples]
            heard = [s[2] if speaker == "Kotone" else s[1] for s in samples]
            assert max(spoken) > 1.8 * closed[speaker] + 40, f"{request}: {speaker}'s mouth never opened {spoken}"
            assert max(heard) < 1.4 * closed[listener] + 20, f"{request}: {listener}'s mouth moved: {heard}"
        log = program.log()
        said = re.findall(r"speaking \((Kotone|Hibiki), voice ([^,]+), [^)]*\): '([^']*)'", log)
        assert [(who, text) for who, _, text in said] == LINES
        assert {who: voice for who, voice, _ in said} == {"Kotone": "en-us+f3", "Hibiki": "en-gb-x-rp+f4"}
        assert "audible" in log
    finally:
        if screen is not None:
            screen.stop()
        for sender in senders:
            sender.close()
        assert program.stop() == 0


@needs_x
def test_an_unknown_character_is_refused_with_unknown_character_and_not_spoken(tmp_path, display):
    program = Running(tmp_path, display, duo_config(), "--duo")
    try:
        url = program.wait_for_log(r"listening on (ws://\S+)").group(1)
        bot = Sender(url)
        try:
            bot.send(text="Who am I?", role="assistant", character="nobody", id="who")
            _, error = bot.wait(lambda reply: reply.get("type") == "error", "the error reply")
            assert error["code"] == "unknown_character" and "Hibiki" in error["message"]
            bot.send(text="It is me, Hibiki.", role="assistant", character="hibiki", id="me")
            bot.wait(lifecycle("character.speech.done", "me"), "the next line spoken")
        finally:
            bot.close()
        assert "Who am I" not in program.log()
        assert re.search(r"speaking \(Hibiki, [^)]*\): 'It is me, Hibiki\.'", program.log())
    finally:
        assert program.stop() == 0
