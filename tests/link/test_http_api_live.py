"""The HTTP API through main.py, started as a subprocess and driven by real
HTTP and SSE clients (urllib, and curl where installed), as a bot written for
AITuberKit's API would: what it answers, what it says, in which order."""
from __future__ import annotations

import base64
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
import yaml

from support.http_client import EventReader, get, post, request
from support.timing import scaled, wait_for
from support.wav import mono_wav

ROOT = Path(__file__).resolve().parents[2]
KEY = "a-long-enough-key"


def spoken(program) -> list[str]:
    return re.findall(r"speaking \([^)]*\): '([^']*)'", program.log())


def wav_b64(seconds: float, rate: int = 16000) -> str:
    t = np.arange(int(seconds * rate)) / rate
    voiced = (np.sin(2 * np.pi * 4 * t) > 0)  # syllables: 8 a second
    samples = (np.sin(2 * np.pi * 180 * t) * 14000 * voiced).astype("<i2")
    return base64.b64encode(mono_wav(samples, rate)).decode()


def config_file(tmp_path: Path, settings: dict) -> str:
    path = tmp_path / "api.yaml"
    path.write_text(yaml.safe_dump(settings))
    return str(path)


def test_one_speak_events_in_order_with_its_id_and_the_happy_face(program):
    app = program("-v")
    events = EventReader(app.api_url + "/events")
    assert events.status == 200 and events.content_type == "text/event-stream"
    status, answer = post(app.api_url + "/speak/", {"text": "[happy] Hello from the API! Second sentence."})
    assert status == 202 and answer["ok"] is True and answer["count"] == 1 and answer["clientId"] == "Kotone"
    [message_id] = answer["queued"]
    seen = events.until(lambda e: e["type"] == "speech_ended" and e["payload"].get("messageId") == message_id)
    mine = [(e["type"], e["payload"].get("text")) for e in seen
            if message_id in (e["payload"].get("messageId"), *e["payload"].get("messageIds", ()))]
    assert mine == [("message_queued", None), ("speech_started", None),
                    ("speech_chunk_started", "Hello from the API!"), ("speech_chunk_ended", None),
                    ("speech_chunk_started", "Second sentence."), ("speech_chunk_ended", None),
                    ("speech_ended", None)]
    chunks = [e["payload"]["speechChunkId"] for e in seen if e["type"] == "speech_chunk_started"]
    assert len(set(chunks)) == 2
    assert all(set(e) == {"id", "timestamp", "clientId", "type", "payload"} for e in seen)
    assert re.search(r"speaking \(happy, audible[^)]*\): .Hello from the API!", app.log())  # the happy face
    # The last events are replayed to a new stream, and listed by ?snapshot=true.
    replay = EventReader(app.api_url + "/events")
    assert replay.until(lambda e: e["type"] == "speech_ended")
    status, snapshot = get(app.api_url + "/events?snapshot=true")
    listed = [e["id"] for e in snapshot["events"]]
    assert status == 200 and snapshot["ok"] and seen[0]["id"] in listed
    assert listed[listed.index(seen[0]["id"]):][:len(seen)] == [e["id"] for e in seen]
    events.close()
    replay.close()
    assert app.stop() == 0


def test_three_speaks_in_a_row_are_all_spoken_in_order(program):
    app = program()
    url = app.api_url + "/speak/"
    curl = shutil.which("curl")
    for n, text in enumerate(("One is first.", "Two is second.", "Three is third.")):
        if curl and n != 1:  # curl as the Done-when runs it; urllib for the middle one
            done = subprocess.run([curl, "-s", "-X", "POST", url, "-H", "Content-Type: application/json", "-d",
                                   f'{{"text":"{text}","speechSessionId":"s{n}"}}'], capture_output=True, text=True,
                                  timeout=scaled(10))
            assert '"ok":true' in done.stdout
        else:
            assert post(url, {"text": text})[0] == 202
    wait_for(lambda: len(spoken(app)) == 3, 30, what="three lines spoken")
    assert spoken(app) == ["One is first.", "Two is second.", "Three is third."]
    wait_for(lambda: get(app.api_url + "/status")[1]["queue"]["messageCount"] == 0, what="the backlog emptied")
    assert app.stop() == 0


def test_priority_goes_first_and_interrupt_cuts_in(program):
    app = program()
    events = EventReader(app.api_url + "/events")
    _, first = post(app.api_url + "/speak", {"text": "Long one, first part. Long one, second part. Long one, third."})
    _, waiting = post(app.api_url + "/speak", {"text": "I was waiting."})
    app.wait_for_log(r"speaking .*Long one, first part")
    _, urgent = post(app.api_url + "/speak", {"text": "Urgent news.", "priority": "high"})
    seen = events.until(lambda e: e["type"] == "speech_ended" and e["payload"].get("messageId") == urgent["queued"][0])
    assert spoken(app)[:2] == ["Long one, first part.", "Urgent news."]
    # interrupt: everything queued and speaking goes, this is spoken next.
    _, cutting = post(app.api_url + "/speak", {"text": "Sorry to cut in.", "interrupt": True})
    wait_for(lambda: "Sorry to cut in." in spoken(app), 30, what="the interrupting line")
    assert "I was waiting." not in spoken(app)
    seen += events.until(lambda e: e["type"] == "speech_ended"
                         and e["payload"].get("messageId") == cutting["queued"][0])
    ended = {e["payload"]["messageId"]: e["payload"].get("cancelled", False) for e in seen
             if e["type"] == "speech_ended"}
    assert ended[first["queued"][0]] is True and ended[waiting["queued"][0]] is True
    assert ended[urgent["queued"][0]] is False and ended[cutting["queued"][0]] is False
    assert [e["payload"]["mode"] for e in seen if e["type"] == "stop_requested"] == ["all"]
    events.close()
    assert app.stop() == 0


def test_stop_silences_her_and_status_says_so(program):
    app = program()
    post(app.api_url + "/speak", {"text": "A rather long sentence that takes a while to say out loud. And more."})
    app.wait_for_log(r"speaking .*A rather long sentence")
    assert get(app.api_url + "/status")[1]["status"]["isSpeaking"] is True
    status, answer = post(app.api_url + "/stop/", {"mode": "all", "reason": "test"})
    assert status == 202 and answer["mode"] == "all" and answer["commandId"].startswith("cmd_")
    app.wait_for_log(r"stopped \(all, 'test'\)")
    wait_for(lambda: get(app.api_url + "/status")[1]["status"]["isSpeaking"] is False, what="silence")
    assert "And more." not in spoken(app)
    assert app.stop() == 0


def test_errors_have_aituberkits_shapes_and_speak_nothing(program, tmp_path):
    app = program("--config", config_file(tmp_path, {"http_api": {"max_body_bytes": 4096}}))
    base = app.api_url
    assert post(base + "/speak", {}) == (400, {"error": "Text or messages are required", "code": "missing_field"})
    status, answer, headers = request("GET", base + "/speak")
    assert (status, answer["error"], headers["Allow"]) == (405, "Method not allowed", "POST")
    assert post(base + "/speak", {"text": "a", "image": 5})[0] == 400
    assert post(base + "/speak", raw=b'{"text": "broken', content_type="application/json")[1]["code"] == \
        "invalid_json"
    assert post(base + "/speak", raw=b'{"text": "plain"}', content_type="text/plain")[0] == 415
    big = post(base + "/speak", {"text": "x" * 5000})
    assert big[0] == 413 and big[1]["code"] == "too_large"
    if shutil.which("curl"):  # curl asks first (Expect: 100-continue) and is told 413 before sending it
        body = tmp_path / "big.json"
        body.write_text('{"text": "' + "x" * 2_000_000 + '"}')
        done = subprocess.run(["curl", "-s", "-w", " %{http_code}", "-X", "POST", base + "/speak", "-H",
                               "Content-Type: application/json", "--data-binary", f"@{body}"],
                              capture_output=True, text=True, timeout=scaled(30))
        assert done.stdout.endswith(" 413") and '"code":"too_large"' in done.stdout
    page = post(base + "/speak", {"text": "from a web page"}, headers={"Origin": "https://evil.example"})
    assert page[0] == 403
    rebound = get(base + "/status", headers={"Host": "evil.example:3000"})  # DNS rebinding
    assert rebound == (403, {"error": rebound[1]["error"], "code": "forbidden_host"})
    assert get(base + "/nothing")[0] == 404
    assert post(base + "/messages", {"type": "ai_generate", "text": "hi"})[0] == 501
    # After all that, the API and the character are fine.
    assert post(base + "/speak", {"text": "Still here."})[0] == 202
    wait_for(lambda: spoken(app) == ["Still here."], 30, what="the good line")
    status, receivers = get(base + "/receivers")
    assert status == 200 and receivers["receivers"][0]["receiverId"] == "Kotone"
    assert app.stop() == 0


@pytest.mark.parametrize("headers, status", [
    ({}, 401),
    ({"Authorization": "Bearer not-the-key-at-all"}, 401),
    ({"X-AITuberKit-API-Key": "not-the-key-at-all"}, 401),
    ({"Authorization": f"Bearer {KEY}"}, 202),
    ({"X-AITuberKit-API-Key": KEY}, 202),
])
def test_the_key_from_the_environment(program, headers, status):
    app = program(env={"AITUBERKIT_API_KEY": KEY})
    code, answer = post(app.api_url + "/speak", {"text": "Keyed."}, headers=headers)
    assert code == status
    if status == 401:
        assert answer == {"error": "Invalid API key", "code": "INVALID_API_KEY"}
        assert get(app.api_url + "/status")[0] == 401
    else:
        wait_for(lambda: spoken(app) == ["Keyed."], 30, what="the keyed line")
    assert app.stop() == 0


def test_beyond_loopback_without_a_key_refuses_to_start(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--port", "0", "--api-port", "0", "--config",
                           config_file(tmp_path, {"http_api": {"host": "0.0.0.0"}})],
                          capture_output=True, text=True, timeout=scaled(30), stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "http_api.host" in lines[0] and "AITUBERKIT_API_KEY" in lines[0]


def test_a_busy_api_port_is_one_clear_line(program):
    first = program()
    port = int(first.api_url.rsplit(":", 1)[1].split("/")[0])
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--port", "0", "--api-port", str(port)],
                          capture_output=True, text=True, timeout=scaled(30), stdin=subprocess.DEVNULL)
    assert done.returncode == 4
    lines = [line for line in done.stderr.splitlines() if line.startswith("kuchipaku:")]
    assert len(lines) == 1 and f"cannot listen on 127.0.0.1:{port} for the HTTP API" in lines[0]
    assert first.stop() == 0


def test_the_api_can_be_switched_off(program, tmp_path):
    app = program("--config", config_file(tmp_path, {"http_api": {"enabled": False}}), "--say", "No API.")
    app.wait_for_log(r"speaking .*No API")
    assert "api listening" not in app.log()
    assert app.stop() == 0


def test_bot_audio_is_played_as_sent_and_the_mouth_follows_it(program):
    app = program("-v")
    status, answer = post(app.api_url + "/speak", {"text": "My own voice.", "audio": wav_b64(1.0)})
    assert status == 202
    line = app.wait_for_log(r"speaking \(neutral, audible, ([0-9.]+) s[^)]*\): 'My own voice.'")
    assert float(line.group(1)) == pytest.approx(1.0, abs=0.01)  # the bot's clip, not espeak-ng's
    app.wait_for_log(r"subtitle: 'My own voice.'")
    wait_for(lambda: re.search(r"mouth (half|open)", app.log()), what="the mouth moving to the audio")
    assert "mouth round" not in app.log()  # no timing sent: loudness alone
    assert app.stop() == 0


def test_bot_audio_with_its_own_timing(program):
    app = program("-v")
    visemes = [{"shape": "round", "start": 0.0}, {"shape": "wide", "start": 0.5}]
    assert post(app.api_url + "/speak", {"text": "Ooh, eee.", "audio": wav_b64(1.0), "visemes": visemes})[0] == 202
    app.wait_for_log(r"speaking \(neutral, audible, 1\.0+ s[^)]*\): 'Ooh, eee.'")
    wait_for(lambda: "mouth round" in app.log() and "mouth wide" in app.log(), what="the bot's mouth shapes")
    assert app.stop() == 0


def test_broken_audio_is_refused_and_the_stream_goes_on(program):
    app = program()
    status, answer = post(app.api_url + "/speak", {"text": "Broken.", "audio": base64.b64encode(b"junk").decode()})
    assert status == 400 and answer["code"] == "bad_audio" and "WAV" in answer["error"]
    assert post(app.api_url + "/speak", {"text": "Fine.", "audio": "data:audio/wav;base64," + wav_b64(0.3)})[0] == 202
    wait_for(lambda: spoken(app) == ["Fine."], 30, what="the good clip")
    assert app.stop() == 0


def test_bot_audio_over_the_websocket_too(program):
    import json

    from websocket import create_connection

    app = program()
    ws = create_connection(app.url, timeout=scaled(10))
    ws.recv()  # session.ready
    ws.send(json.dumps({"text": "Over the socket.", "role": "assistant", "audio": wav_b64(0.4, 22050)}))
    app.wait_for_log(r"speaking \(neutral, audible, 0\.4\d* s[^)]*\): 'Over the socket.'")
    ws.send(json.dumps({"text": "Bad.", "role": "assistant", "audio": "%%%"}))
    reply = json.loads(ws.recv())
    while reply.get("type") != "error":
        reply = json.loads(ws.recv())
    assert reply["code"] == "bad_audio"
    ws.close()
    assert app.stop() == 0


def test_fifty_clients_hammering_lose_nothing_and_the_program_stays_responsive(program):
    app = program()
    url = app.api_url + "/speak"
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        for i in range(4):
            answer = post(url, {"text": f"Client {n} line {i}."})
            with lock:
                results.append(answer)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(scaled(60))
    assert len(results) == 200
    accepted = [answer for status, answer in results if status == 202]
    refused = [answer for status, answer in results if status != 202]
    assert all(answer.get("code") in ("queue_full", "rate_limited", "too_many_connections") for answer in refused)
    assert accepted and sum(answer["count"] for answer in accepted) == len(accepted)
    # The rate limit is per address, and every client here is 127.0.0.1: wait for its bucket to refill.
    status, state = wait_for(lambda: (answer := get(app.api_url + "/status"))[0] == 200 and answer,
                             what="the status once the flood is over")
    assert state["queue"]["messageCount"] >= 1
    wait_for(lambda: post(app.api_url + "/stop", {"mode": "all"})[0] == 202, what="the stop accepted")
    wait_for(lambda: (answer := get(app.api_url + "/status"))[0] == 200
             and answer[1]["queue"]["messageCount"] == 0, what="every place given back")
    assert app.stop() == 0


def test_event_streams_get_heartbeats_and_are_capped(program, tmp_path):
    app = program("--config", config_file(tmp_path, {"http_api": {"heartbeat_s": 0.1, "max_event_streams": 1}}))
    events = EventReader(app.api_url + "/events?receiverId=Kotone")
    wait_for(lambda: ": heartbeat" in events.comments, what="a heartbeat comment")
    assert events.comments[0] == ": connected"
    status, answer = get(app.api_url + "/events")
    assert (status, answer["code"]) == (503, "too_many_streams")
    assert app.stop() == 0  # an open stream never holds up shutdown
    events.close()
