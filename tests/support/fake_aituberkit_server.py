"""A server that behaves as AITuberKit's own external-linkage server does, for
client-mode tests: session.ready on connect, an ack for every event with an id,
and, after the renderer's session.hello, a streamed response (chat.start /
delta / done under one requestId). Every frame it receives is printed to stdout
as one JSON line, so the test can read what the renderer sent.

    python tests/support/fake_aituberkit_server.py PORT
"""
from __future__ import annotations

import itertools
import json
import sys

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

ids = itertools.count(1)


def event(event_type: str, payload: dict, request_id: str | None = None) -> str:
    frame = {"version": "2", "id": f"srv_{next(ids)}", "type": event_type,
             "timestamp": "2026-06-20T00:00:00.000Z", "payload": payload}
    if request_id:
        frame["requestId"] = request_id
    return json.dumps(frame)


def handler(ws: ServerConnection) -> None:
    ws.send(event("session.ready", {"capabilities": {"server": "fake-aituberkit"}}))
    turn = itertools.count(1)
    try:
        for raw in ws:
            print(raw, flush=True)
            frame = json.loads(raw)
            if frame.get("version") == "2" and "id" in frame and frame.get("type") not in ("ack", "pong"):
                ws.send(event("ack", {"requestId": frame["id"], "type": frame["type"], "status": "ok"}))
            if frame.get("type") == "ping":
                ws.send(event("pong", {"requestId": frame.get("id")}))
            if frame.get("type") in ("session.hello", "chat.message"):
                request_id = f"req_{next(turn)}"
                ws.send(event("chat.start", {}, request_id))
                ws.send(event("chat.delta", {"text": "Hello from the server.", "role": "assistant",
                                             "emotion": "happy"}, request_id))
                ws.send(event("chat.done", {}, request_id))
    except ConnectionClosed:
        pass


if __name__ == "__main__":
    with serve(handler, "127.0.0.1", int(sys.argv[1])) as server:
        print(json.dumps({"listening": int(sys.argv[1])}), flush=True)
        server.serve_forever()
