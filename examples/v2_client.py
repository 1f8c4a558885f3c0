"""A v2 bot: sends a streamed response (chat.start / chat.delta / chat.done)
and prints every event kuchipaku sends back, until the response is done.

    python examples/v2_client.py [ws://127.0.0.1:8000/ws]
"""
import itertools
import json
import sys
from datetime import UTC, datetime

from websockets.sync.client import connect

URL = sys.argv[1] if len(sys.argv) > 1 else "ws://127.0.0.1:8000/ws"
ids = itertools.count(1)


def event(event_type, payload=None, request_id=None):
    frame = {
        "version": "2",
        "id": f"bot_{next(ids)}",
        "type": event_type,
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "payload": payload or {},
    }
    if request_id:
        frame["requestId"] = request_id
    return json.dumps(frame)


with connect(URL) as ws:
    print("<-", ws.recv())  # session.ready, with kuchipaku's capabilities
    ws.send(event("session.hello", {"capabilities": {"name": "v2 example bot"}}))
    request = "req_example_1"
    ws.send(event("chat.start", request_id=request))
    # A language model streams its answer in pieces; each piece is a delta.
    for piece in ["[happy]Hello everyone, ", "welcome to the stream! ", "[relaxed]Let's take it easy today."]:
        ws.send(event("chat.delta", {"text": piece, "role": "assistant"}, request_id=request))
    ws.send(event("chat.done", request_id=request))
    while True:
        frame = json.loads(ws.recv())
        print("<-", frame["type"], json.dumps(frame.get("payload", {}), ensure_ascii=False))
        if frame["type"] == "character.response.done":
            break
