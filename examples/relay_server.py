"""A minimal server for kuchipaku's client mode (link.mode: client).

kuchipaku connects to ws://localhost:8000/ws, as AITuberKit does. Bots connect
to ws://localhost:8000/bot. Whatever a bot sends is forwarded to kuchipaku, and
whatever kuchipaku sends (lifecycle events for v2 requests with a requestId,
lines typed in its window) is forwarded to the bots.

    python examples/relay_server.py [PORT]   # then run kuchipaku with link.mode: client
"""
import json
import sys
import threading

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import serve

renderers = set()
bots = set()
lock = threading.Lock()


def forward(frame, targets):
    with lock:
        targets = list(targets)
    for target in targets:
        try:
            target.send(frame)
        except ConnectionClosed:
            pass


def handler(ws):
    is_renderer = ws.request.path.split("?")[0] == "/ws"
    group, others = (renderers, bots) if is_renderer else (bots, renderers)
    with lock:
        group.add(ws)
    if is_renderer:
        # As AITuberKit's server does: announce the session, so the renderer speaks v2.
        ws.send(json.dumps({"version": "2", "id": "relay_ready", "type": "session.ready",
                            "payload": {"capabilities": {"server": "kuchipaku relay example"}}}))
    print("connected:", "renderer" if is_renderer else "bot")
    try:
        for frame in ws:
            forward(frame, others)
    except ConnectionClosed:
        pass
    finally:
        with lock:
            group.discard(ws)
        print("left:", "renderer" if is_renderer else "bot")


port = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
with serve(handler, "localhost", port) as server:
    print(f"relay listening: kuchipaku on ws://localhost:{port}/ws, bots on ws://localhost:{port}/bot", flush=True)
    server.serve_forever()
