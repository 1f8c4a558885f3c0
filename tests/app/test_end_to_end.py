"""The whole path, as a user runs it: the real program, the seed's sample
client, real espeak-ng, audio captured by SDL's disk driver, frames to PNG."""
from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import time

import numpy as np
import pygame
import pytest
import websocket
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from engine.stage.character import load_character_spec
from support.lines import Lines
from support.program import ROOT

SAMPLE = (ROOT / "examples" / "send_message.py").read_text(encoding="utf-8")


def run_seed_sample(port: int) -> None:
    # The seed's code exactly, pointed at the test's port instead of 8000.
    source = SAMPLE.replace("ws://localhost:8000/ws", f"ws://localhost:{port}/ws")
    assert source != SAMPLE
    subprocess.run([sys.executable, "-c", source], check=True, timeout=30)


def test_seed_sample_speaks_with_happy_face_and_moving_mouth(program, tmp_path):
    snapshots = tmp_path / "snap"
    app = program("--verbose", "--snapshot-dir", str(snapshots), audio_driver="disk")
    app.wait_for_log(r"saved idle frame")
    run_seed_sample(app.port)

    app.wait_for_log(r"speaking \(happy, audible, [\d.]+ s, peak -?[\d.]+ dBFS\): 'Hello!'")
    app.wait_for_log(r"speaking \(happy, audible, .*'How are you\?'")
    app.wait_for_log(r"subtitle: 'Hello! How are you\?'")
    app.wait_for_log(r"finished speaking: 'How are you\?'")
    log = app.log()
    assert "expression happy" in log
    speech = log[log.index("'Hello!'"):]
    opened = speech.index("mouth open")
    assert "mouth closed" in speech[opened:], "the mouth never closed again after opening"

    # What the audio device got: real, non-silent speech from espeak-ng.
    assert app.stop() == 0
    samples = np.frombuffer(app.audio_path.read_bytes(), dtype="<i2").astype(np.float64) / 32768
    window = 220  # 10 ms at 22050 Hz
    frames = samples[: len(samples) // window * window].reshape(-1, window)
    rms_db = 20 * np.log10(np.maximum(np.sqrt((frames ** 2).mean(axis=1)), 1e-9))
    voiced_s = (rms_db > -30).sum() * 0.010
    assert voiced_s > 0.5, f"only {voiced_s:.2f} s of voiced audio reached the device"
    assert 20 * np.log10(np.abs(samples).max()) > -12

    # The frames: the speaking one differs from idle in the mouth and the subtitle.
    idle = pygame.surfarray.array3d(pygame.image.load(str(snapshots / "idle.png")))
    speaking = pygame.surfarray.array3d(pygame.image.load(str(snapshots / "speaking.png")))
    assert idle.shape == speaking.shape
    spec = load_character_spec(ROOT / "characters" / "default")
    width, height = idle.shape[:2]
    mouths = spec.sheets["mouths"]
    left = (width - spec.frame_size[0]) // 2 + mouths.position[0]
    top = height - spec.frame_size[1] + mouths.position[1]
    region = (slice(left, left + mouths.frame_size[0]), slice(top, top + mouths.frame_size[1] + 4))
    changed = np.any(idle[region] != speaking[region], axis=2).mean()
    assert changed > 0.05, f"only {changed:.1%} of the mouth region changed"
    subtitle_band = (slice(width // 4, 3 * width // 4), slice(height - 70, height - 40))
    boxed = np.any(idle[subtitle_band] != speaking[subtitle_band], axis=2).mean()
    assert boxed > 0.9, f"the subtitle box covers only {boxed:.0%} of its band"


def test_bad_frame_gets_coded_error_and_connection_goes_on(program):
    app = program()
    ws = websocket.create_connection(app.url, timeout=10)
    assert json.loads(ws.recv())["type"] == "session.ready"
    ws.send("this is not json")
    reply = json.loads(ws.recv())
    assert reply["type"] == "error" and reply["code"] == "invalid_json"
    ws.send(json.dumps({"text": "Still here.", "role": "assistant"}))
    app.wait_for_log(r"speaking \(neutral, audible, .*'Still here\.'")
    ws.close()
    assert app.stop() == 0


def test_sigterm_and_ctrl_c_close_clients_with_1001_and_exit_0(program):
    for sig in (signal.SIGTERM, signal.SIGINT):
        app = program()
        with contextlib.ExitStack() as stack:
            clients = [stack.enter_context(connect(app.url)) for _ in range(3)]
            app.wait_for_log(r"3 connected")
            started = time.monotonic()
            for client in clients:
                assert json.loads(client.recv(timeout=5))["type"] == "session.ready"
            app.process.send_signal(sig)
            for client in clients:
                with pytest.raises(ConnectionClosed) as closed:
                    client.recv(timeout=5)
                assert closed.value.rcvd is not None and closed.value.rcvd.code == 1001
            assert app.process.wait(timeout=3) == 0
            assert time.monotonic() - started < 3
        assert "stopped after" in app.log()
        app.kill()


def test_seed_sample_reaches_the_default_address(program):
    """The unchanged sample connects to ws://localhost:8000/ws; with the
    default config we listen there. Skipped when port 8000 is taken here."""
    import socket

    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 8000)) == 0:
            pytest.skip("port 8000 is in use on this machine")
    app_process = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "-v", "--api-port", "0"],
                                   stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = Lines(app_process.stdout)
        assert "listening on ws://127.0.0.1:8000/ws" in lines.wait(lambda line: "listening on" in line,
                                                                   what="the listening line")
        subprocess.run([sys.executable, str(ROOT / "examples" / "send_message.py")], check=True, timeout=30)
        assert "speaking (happy" in lines.wait(lambda line: "'Hello!'" in line, what="the sample's line spoken")
        app_process.send_signal(signal.SIGTERM)
        assert app_process.wait(timeout=5) == 0
    finally:
        if app_process.poll() is None:
            app_process.kill()
