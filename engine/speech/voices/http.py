"""One bounded HTTP POST for the engines that are servers (VOICEVOX,
AivisSpeech, OpenAI-compatible TTS).

A server that is down, slow or dribbling bytes must never hold a sentence for
longer than its engine's ``timeout_s``: the whole exchange (connect, send,
every read) shares one deadline, and every failure is a SynthesisError that
says which server did what.
"""
from __future__ import annotations

import http.client
import time
import urllib.parse

from engine.speech.voices.base import SynthesisError

MAX_REPLY_BYTES = 64 * 1024 * 1024  # a minute of 48 kHz stereo float is far less; more is a broken server
_READ = 65536


def post(url: str, body: bytes, headers: dict[str, str], timeout_s: float, stated_s: float | None = None) -> bytes:
    """The body of a 200 reply to POST ``url``; SynthesisError otherwise.
    ``stated_s``: the engine's whole timeout, for the message, when
    ``timeout_s`` is only what is left of it."""
    return request("POST", url, body, headers, timeout_s, stated_s)


def get(url: str, timeout_s: float) -> bytes:
    return request("GET", url, b"", {}, timeout_s)


def request(method: str, url: str, body: bytes, headers: dict[str, str], timeout_s: float,
            stated_s: float | None = None) -> bytes:
    """The body of a 200 reply; SynthesisError for anything else."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SynthesisError(f"not an http(s) URL: {url}")
    deadline = time.monotonic() + timeout_s
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname, parts.port, timeout=timeout_s)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    where = f"{parts.scheme}://{parts.netloc}"
    try:
        connection.request(method, target, body=body if method != "GET" else None,
                           headers={"Content-Length": str(len(body)), **headers} if method != "GET" else headers)
        sock = connection.sock  # kept: the connection lets go of it once the reply is "will close"
        sock.settimeout(_left(deadline, where))
        reply = connection.getresponse()
        chunks: list[bytes] = []
        size = 0
        while True:
            sock.settimeout(_left(deadline, where))
            chunk = reply.read1(_READ)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_REPLY_BYTES:
                raise SynthesisError(f"{where} sent more than {MAX_REPLY_BYTES} bytes")
            chunks.append(chunk)
        data = b"".join(chunks)
    except SynthesisError:
        raise
    except TimeoutError as err:
        raise SynthesisError(f"{where} did not answer within {stated_s or timeout_s:g} s") from err
    except ConnectionRefusedError as err:
        raise SynthesisError(f"{where} is not running (connection refused)") from err
    except (OSError, http.client.HTTPException) as err:
        raise SynthesisError(f"{where} failed: {type(err).__name__}: {err}") from err
    finally:
        connection.close()
    if reply.status != 200:
        detail = data[:200].decode("utf-8", "replace").strip()
        raise SynthesisError(f"{where}{parts.path} answered HTTP {reply.status}: {detail}")
    return data


def _left(deadline: float, where: str) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError(f"{where}: out of time")
    return left
