"""kuchipaku's speed, lip sync and memory, each figure beside its floor measured
in the same run on this machine (dummy video driver).

    make bench        # prints the table, writes bench/results.json, updates docs/PERFORMANCE.md

Each part runs in its own process (espeak-ng can be initialised once per
process, and memory figures must not see the others' allocations). The
benchmarks assert nothing: the targets are printed beside the figures.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # the engine and bench/, and the tests' support/
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"

from bench.common import first_audio, percentile  # noqa: E402
from support.process import proc_status  # noqa: E402

SENTENCE = "Hello everyone, and welcome back to the stream!"
LIP_TEXT = ("My mom baked a big pumpkin pie, but Bob probably prefers plum jam. "
            "Maybe Pam will bring more bread, and we can eat it by the bay.")
FRAMES = 600
LATENCY_REPEATS = 30
INGEST_CLIENTS = 50
INGEST_PER_CLIENT = 200


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_config(extra: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix="kuchipaku-bench-")) / "config.yaml"
    path.write_text(extra, encoding="utf-8")
    return path


# ---- parts (each runs in a process of its own) ---------------------------------------

def part_frames() -> dict:
    """CPU time per frame at 1080p while speaking, with a subtitle and a toast,
    against a bare loop that clears, blits one sprite of the same size and
    flips. Both run in the same loop, frame about, while the runtime speaks (its
    TTS worker synthesising, the mixer playing), so both see the same machine."""
    import dataclasses

    import pygame

    from engine.app.build import Devices, Line, build
    from engine.settings.config import Config, OverlayConfig, WindowConfig
    from engine.stage.character import load_character_spec

    size = (1920, 1080)
    # Toasts on the stage too (overlays.toasts_on_stage), the most a frame can have to draw.
    config = dataclasses.replace(Config(), window=WindowConfig(size=size), overlays=OverlayConfig(toasts_on_stage=True))
    spec = load_character_spec(ROOT / "characters" / "default")
    app = build(config, spec, say=[Line(LIP_TEXT * 3, "happy")], devices=Devices(link=False))
    app.start()
    app.toasts.seconds = 1e9
    app.toast("Client connected (1 connected)")
    screen = app.window.screen
    sprite = pygame.image.load(str(spec.sheets["body"].file)).convert_alpha().subsurface((0, 0, *spec.frame_size))
    times, floor = [], []
    last = next_frame = time.perf_counter()
    for n in range(2 * (FRAMES + 60)):
        now = time.perf_counter()
        start = time.thread_time()
        if n % 2:  # the floor: the least a frame of this size can cost
            screen.fill(config.window.background)
            screen.blit(sprite, ((size[0] - sprite.get_width()) // 2, size[1] - sprite.get_height()))
            pygame.display.flip()
        else:
            app.frame(now, now - last)
            pygame.display.flip()
            last = now
        if n >= 120:  # the first second warms caches
            (floor if n % 2 else times).append((time.thread_time() - start) * 1000)
        if not n % 2:
            app.prepare_next_subtitle()  # what the live loop does in the time left before the next frame
        next_frame += 1 / 120
        time.sleep(max(0.0, next_frame - time.perf_counter()))
    speaking = app.speech.busy and bool(app.captions.subtitle) and bool(app.toasts.toasts)
    app.shutdown()
    pygame.quit()
    return {"frame_ms_p50": percentile(times, 0.5), "frame_ms_p99": percentile(times, 0.99),
            "floor_frame_ms_p50": percentile(floor, 0.5), "floor_frame_ms_p99": percentile(floor, 0.99),
            "frames_measured_while_speaking": speaking}


def part_synth_floor() -> dict:
    """The default voice (voice.engine auto: piper for this English sentence)
    synthesising the sentence to memory, alone."""
    from engine.settings.config import VoiceConfig
    from engine.speech.voices import make_synthesizer

    synthesizer = make_synthesizer(VoiceConfig())
    synthesizer.synthesize(SENTENCE)
    times = []
    for _ in range(LATENCY_REPEATS):
        start = time.perf_counter()
        synthesizer.synthesize(SENTENCE)
        times.append((time.perf_counter() - start) * 1000)
    return {"synth_floor_ms_p50": percentile(times, 0.5), "synth_floor_ms_p95": percentile(times, 0.95)}


def part_latency() -> dict:
    """From a frame arriving at the socket to its first audio handed to the mixer,
    through the real runtime (live loop, threads, dummy audio device)."""
    from websockets.sync.client import connect

    latencies: list[float] = []

    def drive(app, arrived: list[float], played: list[float]) -> None:
        with connect(app.link.url) as ws:
            ws.recv(timeout=5)
            for n in range(LATENCY_REPEATS + 3):
                arrived.clear()
                played.clear()
                ws.send(json.dumps({"text": SENTENCE, "role": "assistant", "id": f"l{n}"}))
                while True:
                    reply = json.loads(ws.recv(timeout=30))
                    if reply.get("type") == "tts_complete":
                        break
                if n >= 3:  # the first few warm up espeak-ng and the caches
                    latencies.append((played[0] - arrived[0]) * 1000)
                time.sleep(0.1)

    first_audio(drive)
    return {"latency_first_audio_ms_p50": percentile(latencies, 0.5),
            "latency_first_audio_ms_p95": percentile(latencies, 0.95)}


def part_lipsync() -> dict:
    """Record mode on a text full of m/b/p, judged against the audio itself."""
    import csv
    import wave

    import numpy as np

    from engine.app.build import Line
    from engine.app.recorder import record
    from engine.settings.config import Config
    from engine.stage.character import load_character_spec

    out = Path(tempfile.mkdtemp(prefix="kuchipaku-lipsync-"))
    fps = 60
    record(Config(), load_character_spec(ROOT / "characters" / "default"), [Line(LIP_TEXT)], out, fps,
           save_frames=False)
    with wave.open(str(out / "audio.wav")) as wav:
        rate = wav.getframerate()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), "<i2").astype(np.float64) / 32768
    step = rate // 100
    steps = len(samples) // step
    rms = np.sqrt((samples[: steps * step].reshape(steps, step) ** 2).mean(axis=1))
    db = 20 * np.log10(np.maximum(rms, 1e-9))
    rows = list(csv.DictReader((out / "timeline.csv").open(encoding="utf-8")))
    # What is on screen at each 10 ms step: the latest frame drawn by then.
    frame_at = np.minimum((np.arange(steps) * 0.01 * fps).astype(int), len(rows) - 1)
    shapes = np.array([rows[i]["mouth_shape"] for i in frame_at])
    openness = np.array([float(rows[i]["openness"]) for i in frame_at])
    silent, voiced = db < -40, db > -30
    closed = shapes == "closed"
    # Lag (in 10 ms steps) of the mouth behind the sound that best lines them up.
    lags = range(-20, 21)
    a = (openness - openness.mean()) / (openness.std() or 1)
    b = (rms - rms.mean()) / (rms.std() or 1)

    def corr(lag: int) -> float:
        if lag >= 0:
            return float(np.dot(a[lag:], b[: len(b) - lag]))
        return float(np.dot(a[: len(a) + lag], b[-lag:]))

    best = max(lags, key=corr)
    phonemes = list(csv.DictReader((out / "phonemes.csv").open(encoding="utf-8")))
    bilabials = merge_releases(phonemes)
    frame_times = np.array([float(r["time_s"]) for r in rows])
    frame_shapes = [r["mouth_shape"] for r in rows]
    closed_for = 0
    for p in bilabials:
        start, end = float(p["start_s"]), float(p["end_s"])
        # Frames on screen at some moment of the phoneme: from the last one drawn before it starts.
        first = max(0, int(np.searchsorted(frame_times, start, side="right")) - 1)
        last = int(np.searchsorted(frame_times, end, side="left"))
        if any(frame_shapes[i] == "closed" for i in range(first, max(first + 1, last))):
            closed_for += 1
    return {"av_offset_ms": best * 10,
            "mouth_closed_on_silence": float((closed & silent).sum() / max(1, silent.sum())),
            "mouth_open_on_voice": float((~closed & voiced).sum() / max(1, voiced.sum())),
            "bilabial_closure": closed_for / max(1, len(bilabials)),
            "bilabial_events": len(bilabials)}


FIVE_WORDS = {"en": "Hello there, how are you?", "ja": "こんにちは、お元気ですか？"}
FORTY_WORDS = {
    "en": ("So the thing about neural voices is that they take longer to synthesise a long sentence, "
           "because the whole unit must be generated before the first sample can be played, "
           "and that is why we cut at clauses when a sentence goes on and on like this one."),
    "ja": ("今日はとてもいい天気なので、みんなで近くの公園に行って、お弁当を食べながら、"
           "ゆっくりお話しして、夕方になったら、おいしいケーキを買って帰りましょう。"),
}
VOICE_REPEATS = 8


def part_voices() -> dict:
    """Per installed engine: its own time for a 5-word sentence (the floor),
    for the first clause of a 40-word one (what kuchipaku waits for) and for
    the whole 40-word sentence uncut; the ratio of the two first audios; the
    real-time factor. And the audio-only vowel estimator against piper's
    alignments on the calibration set's held-out sentences."""
    import numpy as np

    from engine.settings.config import VoiceConfig
    from engine.speech import vowels
    from engine.speech.text import sentences_of
    from engine.speech.voices import make_synthesizer
    from engine.speech.voices.base import SynthesisError

    out: dict = {}
    for name, language in (("piper", "en"), ("espeak-ng", "en"), ("kokoro-ja", "ja"), ("openjtalk", "ja")):
        try:
            chain = make_synthesizer(VoiceConfig(engine=name, fallback=()))
        except SynthesisError:
            continue
        first_clause = sentences_of(FORTY_WORDS[language], "neutral")[0].text
        timings: dict[str, list[float]] = {"five": [], "clause": [], "whole": []}
        audio_s = 0.0
        for n in range(VOICE_REPEATS + 1):
            for kind, text in (("five", FIVE_WORDS[language]), ("clause", first_clause),
                               ("whole", FORTY_WORDS[language])):
                started = time.perf_counter()
                clip = chain.synthesize(text)
                if n:  # the first round warms up
                    timings[kind].append((time.perf_counter() - started) * 1000)
                    if kind == "whole":
                        audio_s = clip.duration_s
        key = name.replace("-", "_")
        out[f"voice_{key}_floor_ms_p50"] = percentile(timings["five"], 0.5)
        out[f"voice_{key}_floor_ms_p95"] = percentile(timings["five"], 0.95)
        out[f"voice_{key}_first_clause_ms_p50"] = percentile(timings["clause"], 0.5)
        out[f"voice_{key}_uncut_40_words_ms_p50"] = percentile(timings["whole"], 0.5)
        out[f"voice_{key}_first_audio_ratio_40_to_5"] = (percentile(timings["clause"], 0.5)
                                                        / percentile(timings["five"], 0.5))
        out[f"voice_{key}_real_time_factor"] = percentile(timings["whole"], 0.5) / 1000 / audio_s
    piper = make_synthesizer(VoiceConfig(engine="piper", fallback=()))
    lines = (ROOT / "bench" / "vowel_sentences.txt").read_text(encoding="utf-8").splitlines()
    held_out = [line for line in lines if line and not line.startswith("#")][180:]
    agree = compared = 0
    for text in held_out:
        clip = piper.synthesize(text)
        a, c = vowels.agreement(vowels.estimate_track(clip.samples), clip.visemes,
                                vowels.frame_features(clip.samples)[1])
        agree, compared = agree + a, compared + c
    out["vowel_estimator_agreement"] = agree / max(1, compared)
    out["vowel_estimator_frames"] = compared
    del np
    return out


def merge_releases(phonemes: list[dict]) -> list[dict]:
    """The m/b/p phonemes with their releases ("m~") folded back into them."""
    out: list[dict] = []
    for row in phonemes:
        name = row["phoneme"].strip("'\",%=")
        if name.endswith("~") and out and out[-1]["phoneme"] == name[:-1]:
            out[-1] = {**out[-1], "end_s": row["end_s"]}
        elif name in ("m", "b", "p"):
            out.append({**row, "phoneme": name})
    return out


def part_ingest() -> dict:
    """Legacy messages accepted per second from 50 clients on loopback, counted
    by their acknowledgements (character.message.received), none lost; against
    a bare websockets server that only parses the JSON and answers."""
    config = write_config("link: {queue_limit: 100000, rate_per_s: 100000, rate_burst: 100000,\n"
                          "       max_connections: 200, tts_complete: false}\nvoice: {engine: silent}\n")
    ours_rate = flood_server(lambda port: [sys.executable, str(ROOT / "main.py"), "--port", str(port),
                                          "--api-port", "0",
                                           "--config",
                                           str(config), "--quiet"], "character.message.received")
    bare_rate = flood_server(lambda port: [sys.executable, __file__, "--bare-server", str(port)], "ack")
    return {"ingest_msgs_per_s": ours_rate, "ingest_baseline_msgs_per_s": bare_rate}


def flood_server(command, ack_type: str) -> float:
    """Start ``command(port)``, flood it, stop it; the messages per second."""
    port = free_port()
    server = subprocess.Popen(command(port), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        wait_port(port)
        return flood(f"ws://127.0.0.1:{port}/ws", ack_type)
    finally:
        server.terminate()
        server.wait(10)


def bare_server(port: int) -> None:
    from websockets.sync.server import serve

    def handler(ws) -> None:
        for frame in ws:
            message = json.loads(frame)
            ws.send(json.dumps({"type": "ack", "requestId": message.get("id")}))

    with serve(handler, "127.0.0.1", port, compression=None) as server:
        server.serve_forever()


def flood(url: str, ack_type: str) -> float:
    from websockets.sync.client import connect

    barrier = threading.Barrier(INGEST_CLIENTS + 1)
    counts: list[int] = []
    finished: list[float] = []

    def client(n: int) -> None:
        with connect(url, open_timeout=30) as ws:
            barrier.wait()
            for m in range(INGEST_PER_CLIENT):
                ws.send(json.dumps({"text": f"Line {m} from {n}", "role": "user", "id": f"{n}-{m}"}))
            got = 0
            while got < INGEST_PER_CLIENT:
                reply = json.loads(ws.recv(timeout=60))
                got += reply.get("type") == ack_type
            counts.append(got)
            finished.append(time.perf_counter())

    threads = [threading.Thread(target=client, args=(n,)) for n in range(INGEST_CLIENTS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join(120)
    assert sum(counts) == INGEST_CLIENTS * INGEST_PER_CLIENT, "messages were lost"
    return INGEST_CLIENTS * INGEST_PER_CLIENT / (max(finished) - start)


def wait_port(port: int, timeout: float = 30) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return time.perf_counter() - start
        time.sleep(0.005)
    raise TimeoutError(f"nothing listens on {port}")


def part_startup() -> dict:
    """Process start to the port accepting connections (the window is opened
    first), and resident memory once started, at 1080p."""
    config = write_config("window: {size: [1920, 1080]}\n")
    startups, rss = [], []
    for _ in range(5):
        port = free_port()
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--port", str(port), "--api-port", "0",
                                    "--config",
                                    str(config), "--quiet"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        try:
            wait_port(port)
            startups.append(time.perf_counter() - started)
            time.sleep(1.0)
            rss.append(proc_status(process.pid)["VmRSS"] / 1024)
        finally:
            process.terminate()
            process.wait(10)
    return {"startup_s": statistics.median(startups), "rss_mb": statistics.median(rss),
            "voice_floor_rss_mb": voice_floor_rss_mb()}


VOICE_FLOOR = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import numpy, pygame
from engine.settings.config import VoiceConfig
from engine.speech.memory import give_back_freed_memory
from engine.speech.voices import make_synthesizer
make_synthesizer(VoiceConfig()).synthesize({SENTENCE!r})
give_back_freed_memory()
print(open("/proc/self/status").read())
"""


def voice_floor_rss_mb() -> float:
    """A bare process with numpy, pygame and the default voice loaded (piper:
    its model and onnxruntime are most of the program's memory)."""
    done = subprocess.run([sys.executable, "-c", VOICE_FLOOR], capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL, env={**os.environ, "PYGAME_HIDE_SUPPORT_PROMPT": "1"})
    return int(re.search(r"VmRSS:\s+(\d+)", done.stdout).group(1)) / 1024


def part_http_latency() -> dict:
    from bench.http_bench import part_http_latency as measure  # the HTTP API's parts live there
    return measure()


def part_http_ingest() -> dict:
    from bench.http_bench import part_http_ingest as measure
    return measure()


def part_duo_frames() -> dict:
    from bench.duo_bench import part_duo_frames as measure  # the duo stage's parts live there
    return measure()


def part_duo_memory() -> dict:
    from bench.duo_bench import part_duo_memory as measure
    return measure()


PARTS = {"frames": part_frames, "synth_floor": part_synth_floor, "latency": part_latency,
         "lipsync": part_lipsync, "ingest": part_ingest, "startup": part_startup, "voices": part_voices,
         "http_latency": part_http_latency, "http_ingest": part_http_ingest, "duo_frames": part_duo_frames,
         "duo_memory": part_duo_memory}

TARGETS = [
    ("frame_ms_p99", lambda r: r["frame_ms_p99"] <= 1.5 * r["floor_frame_ms_p99"], "≤ 1.5 × floor_frame_ms_p99"),
    ("latency_first_audio_ms_p95", lambda r: r["latency_first_audio_ms_p95"] <= r["synth_floor_ms_p95"] + 17,
     "≤ synth_floor_ms_p95 + 17"),
    ("av_offset_ms", lambda r: abs(r["av_offset_ms"]) <= 17, "|x| ≤ 17 (never > 40 late)"),
    ("mouth_closed_on_silence", lambda r: r["mouth_closed_on_silence"] >= 0.95, "≥ 0.95"),
    ("mouth_open_on_voice", lambda r: r["mouth_open_on_voice"] >= 0.85, "≥ 0.85"),
    ("bilabial_closure", lambda r: r["bilabial_closure"] >= 0.8, "≥ 0.8"),
    ("ingest_msgs_per_s", lambda r: r["ingest_msgs_per_s"] >= 5000 and
     r["ingest_msgs_per_s"] >= 0.5 * r["ingest_baseline_msgs_per_s"], "≥ 5000 and ≥ 0.5 × baseline"),
    # The program's own share over its voice: 120 MB was the target with
    # espeak-ng (47 MB alone); piper alone is about 210 MB.
    ("rss_mb", lambda r: r["rss_mb"] <= r["voice_floor_rss_mb"] + 73, "≤ voice_floor_rss_mb + 73"),
    ("http_latency_first_audio_ms_p95",
     lambda r: r["http_latency_first_audio_ms_p95"] <= r["ws_latency_first_audio_ms_p95"] + 5,
     "≤ ws_latency_first_audio_ms_p95 + 5"),
    ("http_ingest_lost", lambda r: r["http_ingest_lost"] == 0, "0"),
    ("http_ingest_frame_ms_p99", lambda r: r["http_ingest_frame_ms_p99"] <= 1.5 * r["http_ingest_floor_frame_ms_p99"],
     "≤ 1.5 × its floor"),
    ("startup_s", lambda r: r["startup_s"] <= 1.0, "≤ 1.0"),
    *((f"voice_{name}_first_audio_ratio_40_to_5", lambda r, n=name: r[f"voice_{n}_first_audio_ratio_40_to_5"] <= 1.5,
       "≤ 1.5") for name in ("piper", "espeak_ng", "kokoro_ja", "openjtalk")),
    ("vowel_estimator_agreement", lambda r: r["vowel_estimator_agreement"] >= 0.70, "≥ 0.70"),
    ("duo_frame_ms_p99", lambda r: r["duo_frame_ms_p99"] <= 1.5 * r["duo_floor_frame_ms_p99"], "≤ 1.5 × its floor"),
    ("duo_rss_mb", lambda r: r["duo_rss_mb"] <= 160, "≤ 160"),
]
FLOORS = {"frame_ms_p50": "floor_frame_ms_p50", "frame_ms_p99": "floor_frame_ms_p99",
          "latency_first_audio_ms_p50": "synth_floor_ms_p50", "latency_first_audio_ms_p95": "synth_floor_ms_p95",
          "ingest_msgs_per_s": "ingest_baseline_msgs_per_s",
          "http_latency_first_audio_ms_p95": "ws_latency_first_audio_ms_p95",
          "http_ingest_frame_ms_p99": "http_ingest_floor_frame_ms_p99", "rss_mb": "voice_floor_rss_mb",
          "duo_frame_ms_p99": "duo_floor_frame_ms_p99"}


def table(results: dict) -> str:
    verdicts = {key: (check(results), target) for key, check, target in TARGETS if key in results}
    lines = ["| key | value | floor | ratio | target | met |", "|---|---|---|---|---|---|"]
    for key, value in results.items():
        if key.startswith(("floor_", "synth_floor", "ingest_baseline")) or not isinstance(value, (int, float)) \
                or isinstance(value, bool):
            continue
        floor_key = FLOORS.get(key)
        floor = results.get(floor_key) if floor_key else None
        ratio = f"{value / floor:.2f}" if floor else ""
        met, target = verdicts.get(key, (None, ""))
        lines.append(f"| `{key}` | {value:.3f} | {f'{floor:.3f}' if floor else ''} | {ratio} | {target} | "
                     f"{'' if met is None else ('yes' if met else '**no**')} |")
    for key in ("floor_frame_ms_p50", "floor_frame_ms_p99", "synth_floor_ms_p50", "synth_floor_ms_p95",
                "ingest_baseline_msgs_per_s"):
        lines.append(f"| `{key}` | {results[key]:.3f} | | | floor | |")
    return "\n".join(lines)


def machine() -> str:
    cpu = "?"
    try:
        cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text()).group(1)
    except (OSError, AttributeError):
        pass
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), "
            f"Python {platform.python_version()}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--part", choices=PARTS)
    parser.add_argument("--bare-server", type=int)
    parser.add_argument("--no-docs", action="store_true")
    args = parser.parse_args()
    if args.bare_server:
        bare_server(args.bare_server)
        return 0
    if args.part:
        print(json.dumps(PARTS[args.part]()))
        return 0
    results: dict = {}
    started = time.perf_counter()
    for name in PARTS:
        done = subprocess.run([sys.executable, __file__, "--part", name], capture_output=True, text=True,
                              timeout=300)
        if done.returncode != 0:
            print(f"part {name} failed:\n{done.stderr[-2000:]}", file=sys.stderr)
            return 1
        results.update(json.loads(done.stdout.strip().splitlines()[-1]))
        print(f"  {name}: done", file=sys.stderr)
    results = {key: (round(v, 4) if isinstance(v, float) else v) for key, v in results.items()}
    output = table(results)
    print(output)
    print(f"\n{machine()}; {time.perf_counter() - started:.0f} s")
    (ROOT / "bench" / "results.json").write_text(json.dumps({"machine": machine(), "results": results}, indent=2)
                                                 + "\n", encoding="utf-8")
    if not args.no_docs:
        docs = ROOT / "docs" / "PERFORMANCE.md"
        text = docs.read_text(encoding="utf-8")
        start, end = "<!-- bench:start -->", "<!-- bench:end -->"
        if start in text and end in text:
            head, rest = text.split(start, 1)
            tail = rest.split(end, 1)[1]
            stamp = time.strftime("%Y-%m-%d")
            docs.write_text(f"{head}{start}\nMeasured {stamp} on {machine()}.\n\n{output}\n{end}{tail}",
                            encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
