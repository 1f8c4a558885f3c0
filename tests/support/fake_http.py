"""What the fake TTS servers of the tests (fake_voicevox, fake_openai_tts)
share: a threaded HTTP server on a free port of 127.0.0.1, started at once,
with the misbehaviour the fallback tests set on it, and a quiet handler."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeHttpServer(ThreadingHTTPServer):
    """Misbehaviour, set on the server: ``delay_s`` (answer late),
    ``fail_status`` (answer with that HTTP status), ``broken_wav`` (200 with
    bytes that are not a WAV)."""

    daemon_threads = True

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.delay_s = 0.0
        self.fail_status: int | None = None
        self.broken_wav = False
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class QuietHandler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def _reply(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, value: Any) -> None:
        self._reply(status, json.dumps(value, ensure_ascii=False).encode("utf-8"), "application/json")
