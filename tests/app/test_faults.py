"""Faults on stream: a voice engine that raises, returns nothing or hangs; a
server that vanishes; a bot that stops reading; shutdown under load."""
from __future__ import annotations

import contextlib
import dataclasses
import json
import signal
import socket
import struct
import threading
import time

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from engine.app.build import Devices, build
from engine.app.runtime import Runtime
from engine.settings.config import Config, HttpApiConfig, LinkConfig
from engine.speech.voices.base import SynthesisError
from engine.speech.voices.espeak import EspeakSynthesizer
from engine.stage.character import load_character_spec
from support.process import proc_status
from support.program import ROOT, run_app
from support.timing import wait_for


class FaultyVoice:
    """The real espeak-ng voice, except for sentences that ask for a fault."""

    def __init__(self, release: threading.Event) -> None:
        self.real = EspeakSynthesizer(Config().voice)
        self.release = release

    def synthesize(self, text: str):
        if "RAISE" in text:
            raise SynthesisError("the engine fell over")
        if "HANG" in text:
            self.release.wait(30)
        clip = self.real.synthesize(text)
        if "EMPTY" in text:
            return dataclasses.replace(clip, samples=clip.samples[:0], duration_s=0.0)
        return clip


def run_app_with(voice_factory, drive) -> Runtime:
    config = dataclasses.replace(Config(), link=LinkConfig(port=0), http_api=HttpApiConfig(port=0))
    app = build(config, load_character_spec(ROOT / "characters" / "default"),
                devices=Devices(make_synthesizer=voice_factory))
    return run_app(app, drive)


def collect(ws, request_id: str, last: str) -> list[dict]:
    frames = []
    while True:
        frame = json.loads(ws.recv(timeout=30))
        if frame.get("requestId") == request_id:
            frames.append(frame)
            if frame["type"] == last:
                return frames


@pytest.mark.parametrize("fault", ["RAISE", "EMPTY", "HANG"])
def test_a_voice_fault_is_mimed_reported_and_the_stream_goes_on(fault):
    release = threading.Event()
    seen: dict = {}

    def drive(app: Runtime) -> None:
        with connect(app.link.url) as ws:
            ws.recv(timeout=5)
            ws.send(json.dumps({"version": "2", "type": "chat.delta", "id": "e1", "requestId": "bad",
                                "payload": {"text": f"This one will {fault}. Then this is fine."}}))
            seen["bad"] = collect(ws, "bad", "character.speech.error")
            seen["toasts"] = [t.text for t in app.toasts.toasts]  # now: toasts fade after a few seconds
            seen["bad"] += collect(ws, "bad", "character.speech.done")
            release.set()
            ws.send(json.dumps({"text": "Still speaking.", "role": "assistant", "id": "good"}))
            seen["good"] = collect(ws, "good", "character.speech.done")

    app = run_app_with(lambda: FaultyVoice(release), drive)
    types = [f["type"] for f in seen["bad"]]
    assert types.index("character.speech.start") < types.index("character.speech.error") < types.index(
        "character.speech.done")
    error = seen["bad"][types.index("character.speech.error")]["payload"]
    assert error["code"] == "tts_failed" and error["fallback"] == "silent"
    if fault == "HANG":
        assert f"longer than {Config().voice.synth_timeout_s:g} s" in error["message"]
    assert "character.speech.error" not in [f["type"] for f in seen["good"]]
    assert any(t.startswith("Speaking silently") for t in seen["toasts"])
    assert app.stats.worst_ms < 1000, "the frame loop stalled"


def test_a_missing_voice_engine_means_mimed_speech_with_a_toast():
    def missing():
        raise OSError("libespeak-ng.so.1: cannot open shared object file")

    seen: dict = {}

    def drive(app: Runtime) -> None:
        with connect(app.link.url) as ws:
            ws.recv(timeout=5)
            ws.send(json.dumps({"text": "Can anyone hear me?", "role": "assistant", "id": "m"}))
            seen["frames"] = collect(ws, "m", "character.speech.done")
            seen["toasts"] = [t.text for t in app.toasts.toasts]

    run_app_with(missing, drive)
    assert "character.speech.error" in [f["type"] for f in seen["frames"]]
    assert any("voice unavailable" in t and "libespeak-ng" in t for t in seen["toasts"])


def test_shutdown_with_20_clients_closes_all_with_1001(program):
    app = program()
    with contextlib.ExitStack() as stack:
        clients = [stack.enter_context(connect(app.url)) for _ in range(20)]
        for client in clients:
            client.recv(timeout=5)
        app.wait_for_log(r"20 connected")
        started = time.monotonic()
        app.process.send_signal(signal.SIGTERM)
        codes = []
        for client in clients:
            with pytest.raises(ConnectionClosed) as closed:
                client.recv(timeout=5)
            codes.append(closed.value.rcvd.code if closed.value.rcvd else None)
        assert app.process.wait(timeout=3) == 0
        assert time.monotonic() - started < 3
    assert codes == [1001] * 20


def test_client_mode_with_the_server_gone_reconnects_for_ever_without_growing(program, tmp_path):
    from support.aituberkit import free_port, program_client

    port = free_port()  # nobody listens here
    config = tmp_path / "client.yaml"
    config.write_text(f"link: {{mode: client, url: 'ws://127.0.0.1:{port}/ws', reconnect_s: 0.1}}\n",
                      encoding="utf-8")
    app = program_client(program, config)
    app.wait_for_log(r"voice engines ready", timeout=60)  # the voice's threads and memory are in place
    wait_for(lambda: app.log().count("WebSocket connection error occurred") >= 20, timeout=30,
             what="20 failed attempts")
    before = proc_status(app.process.pid)
    attempts = app.log().count("Attempting WebSocket connection")
    wait_for(lambda: app.log().count("Attempting WebSocket connection") >= attempts + 100, timeout=60,
             what="100 more attempts")
    after = proc_status(app.process.pid)
    assert after["Threads"] == before["Threads"]
    assert after["VmRSS"] - before["VmRSS"] < 2048, f"RSS grew by {after['VmRSS'] - before['VmRSS']} kB"
    assert app.stop() == 0


def test_a_bot_that_stops_reading_is_dropped_and_others_go_on(program, tmp_path):
    config = tmp_path / "slow.yaml"
    config.write_text("link: {outbox_limit: 16, slow_client_s: 1.0, rate_per_s: 100000, rate_burst: 100000}\n",
                      encoding="utf-8")
    app = program("--config", str(config))
    # A small receive buffer, and we never read: the replies back up.
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    # Should the server fail to drop us, our own sends give up instead of hanging the suite.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, struct.pack("ll", 20, 0))
    sock.connect(("127.0.0.1", app.port))
    with connect(app.url, sock=sock, legacy=True) as slow, connect(app.url) as good:
        good.recv(timeout=5)
        ping = json.dumps({"version": "2", "type": "ping", "id": "x" * 200})
        with contextlib.suppress(ConnectionClosed, OSError, TimeoutError):
            for _ in range(50000):
                slow.send(ping)
                if "not reading its replies" in app.log():
                    break
        # Ids are given on the connection threads, so either bot may be #1: the good one goes on below.
        app.wait_for_log(r"client #\d+ is not reading its replies \(\d+ waiting\): dropping it")
        good.send(json.dumps({"text": "I am still heard.", "role": "assistant", "id": "g"}))
        frames = []
        while not frames or frames[-1].get("type") != "character.speech.done":
            frames.append(json.loads(good.recv(timeout=30)))
    app.wait_for_log(r"speaking \(neutral, audible, .*'I am still heard\.'")
    assert app.stop() == 0
