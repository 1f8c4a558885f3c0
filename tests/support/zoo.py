"""The peer zoo: small local stand-ins for the real programs people connect
kuchipaku to, each written from that program's public source, rude habits
included. Every peer runs on 127.0.0.1 on a free port, records what it
receives, and is stopped by the test.

Servers (kuchipaku in client mode connects to them):
- ``AituberServerV2``: tegnike/aituber-server, the v2 generation with its
  echo backend.
- ``AituberServerLegacy``: tegnike/aituber-server before v2.
- ``PinglessRelay``: ha-character-bridge/bridge_server.py in Taka-XH/virtual-agent.

Senders (kuchipaku in server mode; they connect to it):
- ``send_waiting_for_tts_complete``: a sender that waits for
  ``{"type": "tts_complete"}`` before its next line.
- ``send_one_connection_per_sentence``: AITuberKit's documented Python sample
  and ha-character-bridge/speak_test.py.

All time bounds scale with KUCHIPAKU_TIME_FACTOR (default 1) for slow machines.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
import struct
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect
from websockets.sync.server import ServerConnection, serve

TIME_FACTOR = float(os.environ.get("KUCHIPAKU_TIME_FACTOR", "1"))
INVALID_JA = "不正な送信が送られたようです。"


def scaled(seconds: float) -> float:
    return seconds * TIME_FACTOR


def _now_iso() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


class _Recorder:
    """What a peer received, and what it said back, for the test to read."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[Any] = []   # parsed JSON (or the raw text when it is not JSON)
        self.invalid_replies = 0        # times the peer answered with its invalid-message chat
        self.connections = 0

    def record(self, raw: str) -> Any:
        try:
            frame = json.loads(raw)
        except ValueError:
            frame = raw
        with self.lock:
            self.received.append(frame)
        return frame

    def types(self) -> list[str]:
        with self.lock:
            return [f.get("type", "") if isinstance(f, dict) else "(not json)" for f in self.received]


class _WebSocketsPeer(_Recorder):
    """A server on the ``websockets`` library (which answers pings, as uvicorn does)."""

    def __init__(self, port: int = 0) -> None:
        super().__init__()
        self._clients: list[ServerConnection] = []
        self._server = serve(self._serve, "127.0.0.1", port, compression=None)
        self.port = self._server.socket.getsockname()[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    def _serve(self, ws: ServerConnection) -> None:
        with self.lock:
            self.connections += 1
            self._clients.append(ws)
        try:
            self.handle(ws)
        except ConnectionClosed:
            pass
        finally:
            with self.lock:
                self._clients.remove(ws)

    def handle(self, ws: ServerConnection) -> None:
        raise NotImplementedError

    def clients(self) -> list[ServerConnection]:
        with self.lock:
            return list(self._clients)

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(5)


class AituberServerV2(_WebSocketsPeer):
    """tegnike/aituber-server, v2 (app/connection_manager.py,
    app/services/websocket_session_service.py, app/protocol.py), with its
    default ``echo`` backend or ``slow_echo``.

    Its habits: ``session.ready`` on connect and again in answer to
    ``session.hello``; an ``ack`` for every v2 event it receives (even an ack);
    ``pong`` to ``ping``; lifecycle events only logged; ``chat.message`` answered
    by chat.start / chat.delta "Echo: ..." / chat.done, none carrying a
    requestId; ``control.cancel`` ends the running answer with a chat.done
    whose payload says ``cancelled`` (and sends one even when nothing runs).
    ANY other frame, ``ack``, ``pong``, ``error``, ``warning`` and
    ``tts_complete`` included, is answered with an "invalid message" chat:
    start, 不正な送信が送られたようです。, done. ``push`` is its POST
    /send_message: a start/delta/done under the requestId of a server.message.
    """

    LIFECYCLE = {"character.message.received", "character.message.rendered", "character.speech.start",
                 "character.speech.done", "character.speech.error", "character.response.done"}

    def __init__(self, backend: str = "echo", port: int = 0) -> None:
        self.backend = backend
        self.cancelled = threading.Event()
        super().__init__(port)

    def event(self, event_type: str, payload: dict, request_id: str | None = None) -> str:
        frame = {"version": "2", "id": f"msg_{uuid.uuid4().hex}", "type": event_type,
                 "sessionId": f"session_{uuid.uuid4().hex}", "timestamp": _now_iso(), "payload": payload,
                 "metadata": {}, "requestId": request_id}
        return json.dumps(frame, ensure_ascii=False)

    def _legacy_as_v2(self, ws: ServerConnection, text: str, kind: str) -> None:
        # send_websocket_message: an empty message without a type is not sent at all.
        if kind == "" and text == "":
            return
        event_type = {"start": "chat.start", "end": "chat.done"}.get(kind, "chat.delta")
        ws.send(self.event(event_type, {"text": text, "role": "assistant", "emotion": "neutral",
                                        "legacyType": kind}))

    def handle(self, ws: ServerConnection) -> None:
        ws.send(self.event("session.ready", {"protocolVersion": "2", "capabilities": ["ack", "ping", "pong"]}))
        answering: threading.Thread | None = None
        for raw in ws:
            frame = self.record(raw)
            if not isinstance(frame, dict):
                self._invalid(ws)  # json.loads failed: its "エラーが発生しました。" path; counted alike
                continue
            if frame.get("version") == "2":
                ws.send(self.event("ack", {"requestId": frame.get("id"), "type": frame.get("type"),
                                           "status": "ok"}, frame.get("id")))
                kind = frame.get("type")
            else:
                kind = "chat.message" if frame.get("type") == "chat" else "legacy.unknown"
            payload = frame.get("payload") or {}
            if kind == "session.hello":
                ws.send(self.event("session.ready", {"protocolVersion": "2", "capabilities": []}, frame.get("id")))
            elif kind in self.LIFECYCLE:
                pass
            elif kind == "ping":
                ws.send(self.event("pong", {"requestId": frame.get("id")}, frame.get("id")))
            elif kind == "control.cancel":
                if answering is not None and answering.is_alive():
                    self.cancelled.set()
                    answering.join(5)
                else:
                    ws.send(self.event("chat.done", {"text": "", "role": "assistant", "emotion": "neutral",
                                                     "cancelled": True}, frame.get("requestId") or frame.get("id")))
            elif kind == "chat.message" and (payload.get("text") or payload.get("content") or frame.get("content")):
                text = payload.get("text") or payload.get("content") or frame.get("content")
                if answering is not None and answering.is_alive():
                    ws.send(self.event("chat.error", {"message": "Another request is already running."},
                                       frame.get("id")))
                    continue
                self.cancelled.clear()
                answering = threading.Thread(target=self._answer, args=(ws, text, frame.get("id")), daemon=True)
                answering.start()
                if self.backend == "echo":
                    answering.join(5)
            else:
                self._invalid(ws)

    def _answer(self, ws: ServerConnection, text: str, request_id: str | None) -> None:
        try:
            self._legacy_as_v2(ws, "", "start")
            if self.backend == "echo":
                self._legacy_as_v2(ws, f"Echo: {text}", "")
                self._legacy_as_v2(ws, "", "end")
                return
            # slow_echo: the first sentence, then nothing until cancelled.
            self._legacy_as_v2(ws, f"SlowEcho: {text}。", "")
            self.cancelled.wait(scaled(60))
            ws.send(self.event("chat.done", {"text": "", "role": "assistant", "emotion": "neutral",
                                             "cancelled": True}, request_id))
        except ConnectionClosed:
            pass

    def _invalid(self, ws: ServerConnection) -> None:
        with self.lock:
            self.invalid_replies += 1
        self._legacy_as_v2(ws, "", "start")
        self._legacy_as_v2(ws, INVALID_JA, "")
        self._legacy_as_v2(ws, "", "end")

    def push(self, text: str) -> str:
        """POST /send_message: every connected client gets the line as one block."""
        event_id = f"msg_{uuid.uuid4().hex}"
        for ws in self.clients():
            for event_type, said in (("chat.start", ""), ("chat.delta", text), ("chat.done", "")):
                ws.send(self.event(event_type, {"text": said, "role": "assistant", "emotion": "neutral"},
                                   event_id))
        return event_id


class AituberServerLegacy(_WebSocketsPeer):
    """tegnike/aituber-server before v2 (app/services/open_interpreter_service.py,
    app/services/websocket_service.py at 8f09eca): no session.ready, legacy
    frames ``{"role", "text", "emotion", "type"}`` only. A ``{"type": "chat",
    "content": ...}`` is answered by start / the answer / end. ANY other frame,
    ``tts_complete`` first of all, gets start / 不正な送信が送られたようです。 /
    end; a frame that is not JSON gets エラーが発生しました。 / end. ``push`` is
    its POST /send_message."""

    def send_message(self, ws: ServerConnection, text: str, kind: str = "") -> None:
        if kind == "" and text == "":
            return
        ws.send(json.dumps({"role": "assistant", "text": text, "emotion": "neutral", "type": kind},
                           ensure_ascii=False))

    def handle(self, ws: ServerConnection) -> None:
        for raw in ws:
            frame = self.record(raw)
            if not isinstance(frame, dict):
                with self.lock:
                    self.invalid_replies += 1
                self.send_message(ws, "エラーが発生しました。")
                self.send_message(ws, "", "end")
                continue
            if frame.get("type") == "chat" and frame.get("content"):
                self.send_message(ws, "", "start")
                self.send_message(ws, f"Answer to {frame['content']}")
                self.send_message(ws, "", "end")
                continue
            with self.lock:
                self.invalid_replies += 1
            self.send_message(ws, "", "start")
            self.send_message(ws, INVALID_JA)
            self.send_message(ws, "", "end")

    def push(self, text: str) -> None:
        for ws in self.clients():
            self.send_message(ws, "", "start")
            self.send_message(ws, text)
            self.send_message(ws, "", "end")


class PinglessRelay(_Recorder):
    """ha-character-bridge/bridge_server.py (Taka-XH/virtual-agent): a relay on
    its own hand-written WebSocket code. It broadcasts every text frame from one
    client to all the others, and never answers a WebSocket ping (any frame
    but text or close is skipped), so a client with a library keepalive drops
    it every ping interval + timeout. A frame that is not JSON ends that
    client's connection. It sends no close frame of its own."""

    GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    def __init__(self) -> None:
        super().__init__()
        self.pings_seen = 0
        self._clients: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._stopping = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    def _accept(self) -> None:
        while not self._stopping:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        reader = client.makefile("rb")
        try:
            request = b""
            while not request.endswith(b"\r\n\r\n"):
                line = reader.readline()
                if not line:
                    return
                request += line
            headers = {}
            for line in request.decode("latin1").split("\r\n")[1:]:
                if ":" in line:
                    key, value = line.split(":", 1)
                    headers[key.strip().lower()] = value.strip()
            accept = base64.b64encode(hashlib.sha1((headers["sec-websocket-key"] + self.GUID).encode()).digest())
            client.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n")
            with self.lock:
                self._clients.append(client)
                self.connections += 1
            while True:
                opcode, payload = self._read_frame(reader)
                if opcode == 0x8 or opcode is None:
                    return
                if opcode == 0x9:
                    with self.lock:
                        self.pings_seen += 1
                    continue  # the bridge's read_frame returns "" and the loop goes on: no pong
                if opcode != 0x1:
                    continue
                text = payload.decode("utf-8")
                self.record(text)
                try:
                    json.loads(text)
                except ValueError:
                    return  # json.loads raised: the bridge ends the connection
                self.broadcast(text, sender=client)
        except (OSError, KeyError, ValueError):
            pass
        finally:
            with self.lock:
                if client in self._clients:
                    self._clients.remove(client)
            client.close()

    @staticmethod
    def _read_frame(reader) -> tuple[int | None, bytes]:
        header = reader.read(2)
        if len(header) < 2:
            return None, b""
        opcode, length = header[0] & 0x0F, header[1] & 0x7F
        if length == 126:
            length = struct.unpack("!H", reader.read(2))[0]
        elif length == 127:
            length = struct.unpack("!Q", reader.read(8))[0]
        mask = reader.read(4) if header[1] & 0x80 else b""
        payload = reader.read(length)
        if mask:
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        return opcode, payload

    def broadcast(self, text: str, sender: socket.socket | None = None) -> int:
        data = text.encode("utf-8")
        header = bytearray([0x81])
        if len(data) < 126:
            header.append(len(data))
        elif len(data) < 65536:
            header += bytes([126]) + struct.pack("!H", len(data))
        else:
            header += bytes([127]) + struct.pack("!Q", len(data))
        delivered = 0
        with self.lock:
            targets = [c for c in self._clients if c is not sender]
        for client in targets:
            try:
                client.sendall(bytes(header) + data)
                delivered += 1
            except OSError:
                pass
        return delivered

    def stop(self) -> None:
        self._stopping = True
        self._listener.close()
        with self.lock:
            clients = list(self._clients)
        for client in clients:
            try:
                client.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def speak_test(url: str, text: str, emotion: str = "happy") -> None:
    """One connection per sentence: AITuberKit's documented Python sample and
    ha-character-bridge/speak_test.py. Connect, send one legacy message, close
    at once, without reading anything."""
    with connect(url, open_timeout=scaled(5)) as ws:
        ws.send(json.dumps({"text": text, "role": "assistant", "emotion": emotion, "type": "message"},
                           ensure_ascii=False))


def send_one_connection_per_sentence(url: str, lines: list[str]) -> None:
    for line in lines:
        speak_test(url, line)


def send_waiting_for_tts_complete(url: str, lines: list[str], timeout: float = 60.0) -> list[dict]:
    """A sender that paces itself on tts_complete, as PicoClaw's AITuber Kit
    channel documents it (docs: "TTS 完了後 {"type":"tts_complete"} を送信 →
    次のメッセージを送信"): one legacy message ``{text, emotion, role,
    type}``, then nothing until ``{"type": "tts_complete"}`` comes back, then
    the next. Returns every frame it received."""
    seen: list[dict] = []
    with connect(url, open_timeout=scaled(5)) as ws:
        for line in lines:
            ws.send(json.dumps({"text": line, "emotion": "neutral", "role": "assistant", "type": "message"},
                               ensure_ascii=False))
            deadline = time.monotonic() + scaled(timeout)
            while True:
                frame = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
                seen.append(frame)
                if frame.get("type") == "tts_complete":
                    break
    return seen

