"""Send one line to a running kuchipaku from the command line.

    make send TEXT="Hello everyone!" EMOTION=happy
    make send TEXT="Done." WAIT=1                # wait until it has been spoken
    .venv/bin/python -m engine.link.send "Hello everyone!" --emotion happy   # the same, by hand
    .venv/bin/python -m engine.link.send "Hi Kotone!" --character Hibiki     # on a duo stage: who says it

It sends a legacy (v1) message with an id, and with --wait prints the
lifecycle events until the line has been spoken.
"""
from __future__ import annotations

import argparse
import json
import sys
import uuid

from websockets.exceptions import WebSocketException
from websockets.sync.client import connect

from engine.vocabulary import EMOTIONS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=".venv/bin/python -m engine.link.send", description=__doc__.splitlines()[0])
    parser.add_argument("text")
    parser.add_argument("--emotion", default="neutral", choices=EMOTIONS)
    parser.add_argument("--role", default="assistant")
    parser.add_argument("--character", help="who says it, on a stage with several characters (name or folder)")
    parser.add_argument("--type", default="message", help="message, start or end")
    parser.add_argument("--url", default="ws://127.0.0.1:8000/ws")
    parser.add_argument("--wait", action="store_true", help="wait until the line has been spoken")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait with --wait")
    args = parser.parse_args(argv)

    message_id = f"send_{uuid.uuid4().hex[:12]}"
    frame = {"text": args.text, "role": args.role, "emotion": args.emotion, "type": args.type, "id": message_id}
    if args.character:
        frame["character"] = args.character
    try:
        with connect(args.url, open_timeout=5) as ws:
            ws.send(json.dumps(frame))
            while args.wait:
                reply = json.loads(ws.recv(timeout=args.timeout))
                if reply.get("type") in ("error", "warning"):
                    print(f"{reply['type']}: {reply.get('code')}: {reply.get('message')}", file=sys.stderr)
                    if reply["type"] == "error":
                        return 1
                elif reply.get("requestId") == message_id:
                    print(reply["type"])
                    if reply["type"] == "character.speech.done":
                        return 0
    except (OSError, WebSocketException, TimeoutError) as err:
        print(f"could not send to {args.url}: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
