"""Soak: the real program for MINUTES minutes, fed one message a second by a
few clients in turn; RSS and thread count printed every minute.

    make soak MINUTES=30

Passes when RSS grows by less than 5 MB after the warm-up (the first 2
minutes) and the thread count is flat. Sends only to 127.0.0.1.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from websockets.sync.client import connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from support.process import proc_status  # noqa: E402  (what /proc says, read as the tests read it)

CLIENTS = 3
WARM_UP_MINUTES = 2
RSS_GROWTH_LIMIT_MB = 5.0
WORDS = ("Yes.", "Okay.", "Sure.", "Nice.", "Right.", "Wow.", "Hmm.", "Great.")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=30)
    args = parser.parse_args()

    log = tempfile.NamedTemporaryFile(prefix="kuchipaku-soak-", suffix=".log", delete=False)
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", "PYGAME_HIDE_SUPPORT_PROMPT": "1"}
    program = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--port", "0", "--quiet"], env=env,
                               stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    # --quiet hides the listening line, so find the port from the socket table.
    port = None
    deadline = time.monotonic() + 30
    while port is None and time.monotonic() < deadline:
        time.sleep(0.2)
        port = listening_port(program.pid)
    if port is None:
        print("the program did not start listening", file=sys.stderr)
        program.kill()
        return 1
    url = f"ws://127.0.0.1:{port}/ws"
    stop = threading.Event()
    sent = itertools.count()
    done = itertools.count()
    problems: list[str] = []

    def client(n: int) -> None:
        with connect(url) as ws:
            ws.recv(timeout=10)
            turn = n
            next_send = time.monotonic() + n
            while not stop.is_set():
                if time.monotonic() >= next_send:
                    i = next(sent)
                    # Short lines: each is spoken in well under a second, so the queue stays short.
                    ws.send(json.dumps({"text": WORDS[i % len(WORDS)], "role": "assistant", "id": f"{n}-{turn}"}))
                    turn += CLIENTS
                    next_send += CLIENTS  # each client every CLIENTS seconds: one message a second in all
                try:
                    reply = json.loads(ws.recv(timeout=0.2))
                except TimeoutError:
                    continue
                if reply.get("type") == "tts_complete":
                    next(done)
                elif reply.get("type") in ("error", "warning"):
                    problems.append(json.dumps(reply))

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    print(f"soak: {args.minutes:g} min, {CLIENTS} clients, one message a second, pid {program.pid}")
    print(f"{'minute':>6} {'rss_mb':>8} {'threads':>7}")
    samples: list[tuple[float, float, int]] = []
    started = time.monotonic()
    minute = 0
    try:
        while minute < args.minutes:
            minute += 1
            time.sleep(max(0.0, started + minute * 60 - time.monotonic()))
            status = proc_status(program.pid)
            rss, thread_count = status["VmRSS"] / 1024, status["Threads"]
            samples.append((minute, rss, thread_count))
            print(f"{minute:>6} {rss:>8.1f} {thread_count:>7}", flush=True)
    finally:
        stop.set()
        for thread in threads:
            thread.join(5)
        program.terminate()
        code = program.wait(10)
    sent_count, done_count = next(sent), next(done)
    print(f"messages sent {sent_count}, spoken {done_count}, error replies {len(problems)}, exit code {code}")
    after_warm_up = [s for s in samples if s[0] >= WARM_UP_MINUTES]
    if len(after_warm_up) < 2:
        print("too short to judge growth after the warm-up")
        return 0
    growth = after_warm_up[-1][1] - after_warm_up[0][1]
    thread_range = {s[2] for s in after_warm_up}
    print(f"RSS growth after warm-up: {growth:+.1f} MB (limit {RSS_GROWTH_LIMIT_MB} MB); "
          f"threads after warm-up: {sorted(thread_range)}")
    ok = growth < RSS_GROWTH_LIMIT_MB and len(thread_range) <= 2 and not problems and code == 0
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def listening_port(pid: int) -> int | None:
    """The TCP port a process listens on, from /proc (Linux)."""
    inodes = set()
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except OSError:
        return None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
            return int(fields[1].split(":")[1], 16)
    return None


if __name__ == "__main__":
    sys.exit(main())
