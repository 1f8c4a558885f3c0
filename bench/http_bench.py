"""The HTTP API's figures for ``make bench`` (parts of bench/run_benchmarks.py):

- ``http_latency``: ``POST /api/v1/speak`` → first audio handed to the mixer,
  beside the same line sent over the WebSocket in the same run (alternating).
- ``http_ingest``: requests per second accepted from 50 keep-alive clients (a
  child process), none lost, and the frame time (CPU, as ``frames`` measures
  it, against the same floor in the same loop) while they hammer.

    python bench/http_bench.py --flood URL   # the 50 clients, on their own
"""
from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"

from bench.common import first_audio, percentile  # noqa: E402

CLIENTS = 50
PER_CLIENT = 100
REPEATS = 30
SENTENCE = "Hello everyone, and welcome back to the stream!"


def _post(connection: http.client.HTTPConnection, path: str, body: dict) -> tuple[int, dict]:
    data = json.dumps(body).encode()
    connection.request("POST", path, data, {"Content-Type": "application/json"})
    response = connection.getresponse()
    return response.status, json.loads(response.read())


def part_http_latency() -> dict:
    from websockets.sync.client import connect

    import engine.link.http_server as http_server

    results: dict[str, list[float]] = {"ws": [], "http": []}

    def drive(app, arrived: list[float], played: list[float]) -> None:
        api = urlsplit(app.api.url)
        web = http.client.HTTPConnection(api.hostname, api.port, timeout=30)
        with connect(app.link.url) as ws:
            ws.recv(timeout=5)
            for n in range(2 * (REPEATS + 3)):
                arrived.clear()
                played.clear()
                way = "http" if n % 2 else "ws"
                if way == "http":
                    assert _post(web, "/api/v1/speak", {"text": SENTENCE})[0] == 202
                else:
                    ws.send(json.dumps({"text": SENTENCE, "role": "assistant"}))
                    while json.loads(ws.recv(timeout=30)).get("type") != "tts_complete":
                        pass
                deadline = time.perf_counter() + 30
                while (not played or app.speech.busy) and time.perf_counter() < deadline:
                    time.sleep(0.005)
                if n >= 6:  # the first few warm up espeak-ng and the caches
                    results[way].append((played[0] - arrived[0]) * 1000)
                time.sleep(0.1)

    first_audio(drive, also_arriving=((http_server.HttpApiServer, "serve"),))
    return {"http_latency_first_audio_ms_p50": percentile(results["http"], 0.5),
            "http_latency_first_audio_ms_p95": percentile(results["http"], 0.95),
            "ws_latency_first_audio_ms_p50": percentile(results["ws"], 0.5),
            "ws_latency_first_audio_ms_p95": percentile(results["ws"], 0.95)}


def part_http_ingest() -> dict:
    import dataclasses

    import pygame

    from engine.app.build import build
    from engine.settings.config import Config, HttpApiConfig, LinkConfig, VoiceConfig, WindowConfig
    from engine.stage.character import load_character_spec

    size = (1920, 1080)
    config = dataclasses.replace(Config(), window=WindowConfig(size=size),
                                 link=LinkConfig(port=0, queue_limit=100_000),
                                 http_api=HttpApiConfig(port=0, rate_per_s=100_000, rate_burst=100_000,
                                                        max_connections=200),
                                 voice=VoiceConfig(engine="silent"))
    spec = load_character_spec(ROOT / "characters" / "default")
    app = build(config, spec)
    app.start()
    screen = app.window.screen
    sprite = pygame.image.load(str(spec.sheets["body"].file)).convert_alpha().subsurface((0, 0, *spec.frame_size))
    flood = subprocess.Popen([sys.executable, __file__, "--flood", app.api.url], stdout=subprocess.PIPE, text=True)
    times, floor = [], []
    last = next_frame = time.perf_counter()
    n = 0
    while flood.poll() is None:
        now = time.perf_counter()
        start = time.thread_time()
        if n % 2:
            screen.fill(config.window.background)
            screen.blit(sprite, ((size[0] - sprite.get_width()) // 2, size[1] - sprite.get_height()))
        else:
            app.frame(now, now - last)
            last = now
        pygame.display.flip()
        if not n % 2:
            app.prepare_next_subtitle()  # what the live loop does in the time left before the next frame
        (floor if n % 2 else times).append((time.thread_time() - start) * 1000)
        n += 1
        next_frame += 1 / 120
        time.sleep(max(0.0, next_frame - time.perf_counter()))
    result = json.loads(flood.stdout.read().strip().splitlines()[-1])
    app.shutdown()
    pygame.quit()
    return {"http_ingest_req_per_s": result["accepted"] / result["seconds"],
            "http_ingest_lost": result["sent"] - result["accepted"] - result["refused"],
            "http_ingest_refused": result["refused"],
            "http_ingest_frame_ms_p99": percentile(times, 0.99),
            "http_ingest_floor_frame_ms_p99": percentile(floor, 0.99)}


def flood(url: str) -> dict:
    """50 keep-alive clients, each posting PER_CLIENT speak requests."""
    base = urlsplit(url)
    barrier = threading.Barrier(CLIENTS + 1)
    counts = {"sent": 0, "accepted": 0, "refused": 0}
    lock = threading.Lock()

    def client(n: int) -> None:
        connection = http.client.HTTPConnection(base.hostname, base.port, timeout=60)
        barrier.wait()
        for m in range(PER_CLIENT):
            status, answer = _post(connection, base.path + "/speak", {"text": f"Line {m} from {n}."})
            with lock:
                counts["sent"] += 1
                counts["accepted"] += answer.get("count", 0) if status == 202 else 0
                counts["refused"] += status != 202
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join(300)
    return {**counts, "seconds": time.perf_counter() - start}


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--flood":
        print(json.dumps(flood(sys.argv[2])))
    else:
        part = {"latency": part_http_latency, "ingest": part_http_ingest}[sys.argv[1]]
        print(json.dumps(part()))
