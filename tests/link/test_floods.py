"""Floods and fuzz against the running program: every message answered exactly
once, nothing lost silently, memory bounded, and the frame loop never stalls."""
from __future__ import annotations

import collections
import json
import random
import re
import threading

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from support.process import proc_status

CLIENTS = 50
MESSAGES = 200


def test_flood_every_message_gets_exactly_one_ack(program):
    app = program()
    app.wait_for_log(r"voice engines ready", timeout=60)  # the voice's model is in memory before we measure
    rss_before = proc_status(app.process.pid)["VmRSS"]
    acks: dict[str, list[dict]] = collections.defaultdict(list)
    lock = threading.Lock()
    errors: list[BaseException] = []
    start = threading.Barrier(CLIENTS)

    def bot(n: int) -> None:
        try:
            with connect(app.url, open_timeout=30) as ws:
                ws.recv(timeout=30)  # session.ready
                start.wait(timeout=60)
                for m in range(MESSAGES):
                    ws.send(json.dumps({"version": "2", "type": "chat.delta", "id": f"c{n}m{m}",
                                        "payload": {"text": f"Client {n} message {m}."}}))
                mine = 0
                while mine < MESSAGES:
                    frame = json.loads(ws.recv(timeout=60))
                    if frame["type"] == "ack":
                        with lock:
                            acks[frame["payload"]["requestId"]].append(frame["payload"])
                        mine += 1
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=bot, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    assert not errors, errors[:3]
    assert len(acks) == CLIENTS * MESSAGES
    assert all(len(payloads) == 1 for payloads in acks.values()), "some message was acked twice"
    statuses = collections.Counter((p[0]["status"], p[0].get("code")) for p in acks.values())
    assert set(statuses) <= {("ok", None), ("error", "queue_full"), ("error", "rate_limited")}, statuses
    # link.queue_limit (256) bounds the messages waiting; a place frees up as each one is spoken.
    spoken = app.log().count("speaking (")
    assert statuses[("ok", None)] <= 256 + spoken and statuses[("error", "queue_full")] > 0
    assert statuses[("ok", None)] > 0 and statuses[("error", "rate_limited")] > 0
    assert proc_status(app.process.pid)["VmRSS"] - rss_before < 80_000, "memory grew by more than 80 MB"
    assert app.stop() == 0


def random_frame(rng: random.Random) -> str:
    valid = {"text": "Hello.", "role": "assistant", "emotion": "happy", "type": "message", "id": "v"}
    choice = rng.randrange(9)
    if choice == 0:
        return "".join(chr(rng.randrange(1, 0xD7FF)) for _ in range(rng.randrange(0, 40)))
    if choice == 1:
        depth = rng.randrange(1, 3000)
        return "[" * depth + "]" * depth
    if choice == 2:
        return rng.choice(["NaN", "Infinity", '{"text": NaN, "role": "assistant"}', "1" * 6000, "null", "[]",
                           '"\\ud800"', '{"text": "\\udfff", "role": "assistant"}', "{}", "{" * 50])
    if choice == 3:
        broken = dict(valid)
        key = rng.choice(list(broken))
        broken[key] = rng.choice([None, 1, 2.5, True, [], {}, "x" * rng.randrange(0, 2500), "\x00\x07", "[happy"])
        return json.dumps(broken)
    if choice == 4:
        fields = dict(valid)
        del fields[rng.choice(list(fields))]
        return json.dumps(fields)
    if choice == 5:
        return json.dumps({"version": "2", "type": rng.choice(["chat.delta", "chat.start", "chat.done", "ping",
                                                              "control.cancel", "chat.error", "bogus", 7, None]),
                           "id": rng.choice(["e", 1, None, [], ""]),
                           "requestId": rng.choice(["r", None, 5]),
                           "payload": rng.choice([{}, {"text": "Yo."}, [], "x", None, {"text": None}])})
    if choice == 6:
        raw = json.dumps(valid)
        cut = rng.randrange(len(raw))
        return raw[:cut] + rng.choice(["", "}", "\\", '"', "\u2028", "\x7f"]) + raw[cut + 1:]
    if choice == 7:
        return json.dumps({"text": "[surprised]Oh! [sad]No.", "role": rng.choice(["assistant", "user", "code", "??"]),
                           "emotion": rng.choice(["HAPPY", "joy", 3])})
    return json.dumps(valid)


def test_live_fuzz_then_a_good_message_is_still_spoken(program, tmp_path):
    config = tmp_path / "fuzz.yaml"
    config.write_text("link: {rate_per_s: 100000, rate_burst: 100000}\n", encoding="utf-8")
    app = program("--config", str(config))
    rng = random.Random(20261122)
    replies = collections.Counter()
    with connect(app.url, max_size=None) as ws:
        ws.recv(timeout=5)
        done = threading.Event()

        def reader() -> None:
            try:
                while not done.is_set():
                    try:
                        frame = json.loads(ws.recv(timeout=0.5))
                    except TimeoutError:
                        continue
                    replies[frame.get("type")] += 1
                    if frame.get("requestId") == "after-fuzz" and frame["type"] == "character.speech.done":
                        done.set()
            except ConnectionClosed as closed:
                replies["closed"] += 1
                print("closed", closed)
                done.set()

        thread = threading.Thread(target=reader)
        thread.start()
        for _ in range(3000):
            ws.send(random_frame(rng))
        ws.send(json.dumps({"version": "2", "type": "control.cancel", "id": "clear"}))  # drop the junk queued
        ws.send(json.dumps({"text": "Still standing.", "role": "assistant", "id": "after-fuzz"}))
        assert done.wait(120), f"the good message was never spoken; replies: {replies}"
        thread.join()
    assert replies["closed"] == 0, "the fuzzing connection was dropped"
    assert replies["error"] > 1000 and replies["ack"] > 100, replies
    app.wait_for_log(r"speaking \(neutral, audible, .*'Still standing\.'")
    assert app.stop() == 0
    worst = float(re.search(r"worst frame ([\d.]+) ms", app.log()).group(1))
    assert worst < 500, f"the frame loop stalled for {worst} ms"
