"""Real HTTP and SSE clients for the API tests (urllib: the standard library's
client, with a timeout on every read)."""
from __future__ import annotations

import json
import queue
import threading
import urllib.error
import urllib.request

from support.timing import scaled


def request(method: str, url: str, body=None, headers: dict | None = None, raw: bytes | None = None,
            content_type: str = "application/json") -> tuple[int, dict, dict]:
    """(status, JSON body, headers); errors are answers too."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    all_headers = {**({"Content-Type": content_type} if data is not None else {}), **(headers or {})}
    req = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    try:
        with urllib.request.urlopen(req, timeout=scaled(10)) as response:
            return response.status, json.loads(response.read() or b"{}"), dict(response.headers)
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}"), dict(err.headers)


def post(url: str, body=None, **kwargs) -> tuple[int, dict]:
    status, answer, _ = request("POST", url, body, **kwargs)
    return status, answer


def get(url: str, **kwargs) -> tuple[int, dict]:
    status, answer, _ = request("GET", url, **kwargs)
    return status, answer


class EventReader:
    """GET /events on a thread: each event (``event:`` name and ``data:`` JSON)
    and each comment line go into a queue the test reads with a timeout."""

    def __init__(self, url: str, headers: dict | None = None) -> None:
        self.response = urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}),
                                               timeout=scaled(30))
        self.status = self.response.status
        self.content_type = self.response.headers.get("Content-Type")
        self.items: queue.Queue = queue.Queue()
        self.comments: list[str] = []
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        name = None
        try:
            for raw in self.response:
                line = raw.decode("utf-8").rstrip("\n")
                if line.startswith(":"):
                    self.comments.append(line)
                elif line.startswith("event: "):
                    name = line[len("event: "):]
                elif line.startswith("data: "):
                    event = json.loads(line[len("data: "):])
                    assert event["type"] == name
                    self.items.put(event)
        except (OSError, ValueError):
            pass
        self.items.put(None)

    def next(self, timeout: float = 15.0) -> dict:
        item = self.items.get(timeout=scaled(timeout))
        assert item is not None, "the event stream ended"
        return item

    def until(self, predicate, timeout: float = 20.0) -> list[dict]:
        """Events up to and including the first that ``predicate`` accepts."""
        seen = []
        while True:
            event = self.next(timeout)
            seen.append(event)
            if predicate(event):
                return seen

    def close(self) -> None:
        self.response.close()
