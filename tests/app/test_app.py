"""The application in this process: window close, threads, degraded modes."""
from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import threading
import time

import pygame
import websocket

from engine.app.build import Line, build
from engine.app.loop import run
from engine.app.runtime import Runtime
from engine.settings.config import Config, HttpApiConfig, LinkConfig
from engine.stage.character import load_character_spec
from support.program import ROOT, run_app
from support.timing import wait_for


def test_closing_the_window_stops_cleanly_and_leaves_no_thread():
    before = set(threading.enumerate())
    config = dataclasses.replace(Config(), link=LinkConfig(port=0), http_api=HttpApiConfig(port=0))
    app = build(config, load_character_spec(ROOT / "characters" / "default"), say=[Line("Hello there.", "happy")])
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    outcome: dict = {}

    def close_window_once_listening() -> None:
        wait_for(lambda: app.stats.frames > 5, what="the first frames")
        ws = websocket.create_connection(app.link.url, timeout=5)
        ws.send(json.dumps({"text": "Bye.", "role": "assistant"}))
        outcome["posted_at"] = time.monotonic()
        pygame.event.post(pygame.event.Event(pygame.QUIT))
        outcome["close_code"] = wait_for(lambda: _close_code(ws), what="the close frame")

    closer = threading.Thread(target=close_window_once_listening)
    closer.start()
    try:
        assert run(app) == 0
        stopped_at = time.monotonic()
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    closer.join(10)
    assert stopped_at - outcome["posted_at"] < 3
    assert outcome["close_code"] == 1001
    left = [t.name for t in set(threading.enumerate()) - before if t.is_alive()]
    assert left == []


def _close_code(ws: websocket.WebSocket) -> int | None:
    try:
        opcode, data = ws.recv_data(control_frame=True)
    except websocket.WebSocketConnectionClosedException:
        return None
    if opcode == websocket.ABNF.OPCODE_CLOSE:
        return int.from_bytes(data[:2], "big")
    return None  # a text frame (session.ready) or a ping: keep waiting


def test_no_audio_device_speaks_silently_with_a_toast(program):
    app = program("--say", "Can you hear me?", "--verbose", audio_driver="no_such_driver")
    app.wait_for_log(r"no audio device")
    app.wait_for_log(r"speaking \(neutral, silent, .*'Can you hear me\?'")
    app.wait_for_log(r"Can you hear me\?'[\s\S]*mouth open[\s\S]*mouth closed")
    assert app.stop() == 0


def test_silent_voice_engine_mimes_from_the_text(program, tmp_path):
    config = tmp_path / "silent.yaml"
    config.write_text("voice: {engine: silent}\n", encoding="utf-8")
    app = program("--config", str(config), "--say", "Quiet words.", "--verbose")
    app.wait_for_log(r"voice unavailable")
    app.wait_for_log(r"speaking \(neutral, silent, .*'Quiet words\.'")
    app.wait_for_log(r"mouth open")
    assert app.stop() == 0


def test_no_display_says_so_in_one_line():
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    env.update(SDL_VIDEODRIVER="x11", SDL_AUDIODRIVER="dummy")
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--port", "0", "--api-port", "0"], env=env,
                          capture_output=True,
                          text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert done.returncode == 3
    lines = [line for line in done.stderr.splitlines() if line.startswith("kuchipaku:")]
    assert len(lines) == 1 and "no display" in lines[0] and "--headless" in lines[0]


def test_port_in_use_is_one_clear_line(program):
    first = program()
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--port", str(first.port),
                           "--api-port", "0"], capture_output=True,
                          text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert done.returncode == 4
    assert f"kuchipaku: cannot listen on 127.0.0.1:{first.port}:" in done.stderr
    assert first.stop() == 0


def test_input_box_sends_a_typed_line_to_the_server_in_client_mode():
    from support.aituberkit import FakeServer, free_port

    port = free_port()
    server = FakeServer(port)
    config = dataclasses.replace(Config(), link=LinkConfig(mode="client", url=f"ws://127.0.0.1:{port}/ws"),
                                 http_api=HttpApiConfig(port=0))
    app = build(config, load_character_spec(ROOT / "characters" / "default"))
    received: dict = {}

    def type_a_line(app: Runtime) -> None:
        server.frames(lambda f: f.get("type") == "character.response.done")  # connected and spoke
        for event in (pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN),
                      pygame.event.Event(pygame.TEXTINPUT, text="こんにちは, "),
                      pygame.event.Event(pygame.TEXTINPUT, text="how are you?x"),
                      pygame.event.Event(pygame.KEYDOWN, key=pygame.K_BACKSPACE),
                      pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN)):
            pygame.event.post(event)
        received["chat"] = server.frames(lambda f: f.get("type") == "chat.message")[-1]

    try:
        run_app(app, type_a_line)
    finally:
        server.kill()
    assert received["chat"]["payload"] == {"text": "こんにちは, how are you?"}  # AITuberKit's shape
    assert app.captions.question == "こんにちは, how are you?"
