"""AITuberKit's HTTP API (``src/pages/api/v1/*.ts``), sans I/O: one request
in, the response and what it puts in the inbox out.

Routes, field names and status codes are AITuberKit's: ``POST speak``,
``POST stop``, ``GET status``, ``GET events``, ``GET receivers``,
``POST messages``, each also with a trailing slash. Errors are ``{error}``
as there, plus a ``code``. Where AITuberKit falls short we do better: every
request is spoken whole and in arrival order (a later ``speak`` never cuts off
an earlier one unless it asks to with ``interrupt``), ``emotion`` is honoured,
and the ids ``speak`` returns come back on the speech events.

Nothing here touches a socket, a clock or a queue: ``handle`` is a function
of the request, the ``ApiContext`` the shell (engine/link/http_server.py)
fills in, and an id maker.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from engine.link.inbox import Command, Received, Stop
from engine.link.protocol import ErrorCode, ProtocolError, chat_message, parse_json
from engine.link.security import is_loopback_host, origin_allowed, token_matches
from engine.settings.config import HttpApiConfig

# The connection id of everything that arrives over HTTP: far above the
# WebSocket link's ids (counted from 1), so replies never reach a bot, and > 0,
# so each request holds a backlog place until it has been spoken.
API_CONNECTION = 1 << 30
PREFIX = "/api/v1"
ROUTES = {"speak": "POST", "stop": "POST", "messages": "POST", "status": "GET", "events": "GET",
          "receivers": "GET"}
MAX_IMAGE_CHARS = 10_000_000  # as AITuberKit's http.ts
MESSAGE_TYPES = ("direct_send", "ai_generate", "user_input")
STOP_MODES = ("speech", "queue", "all")


@dataclass(frozen=True)
class ApiRequest:
    method: str
    target: str                   # path and query, as sent
    headers: Mapping[str, str]    # names in lower case
    body: bytes = b""


@dataclass(frozen=True)
class EventStream:
    """``GET /events``: the shell streams (or, with ``snapshot``, lists) the events."""

    client_id: str | None
    snapshot: bool


@dataclass
class Outcome:
    status: int
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    inbox: list[Received | Command] = field(default_factory=list)  # in this order, all or nothing
    events: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # (clientId, type, payload)
    user_lines: list[str] = field(default_factory=list)  # typed lines for the server (client mode)
    stream: EventStream | None = None


@dataclass(frozen=True)
class ApiContext:
    """What the core needs to know of the running program."""

    config: HttpApiConfig
    key: str | None
    max_text_length: int
    receivers: tuple[str, ...]  # the stage's characters; the first is the default
    client_mode: bool
    status: Mapping[str, Any]   # the frame loop's last status (see engine/app/api_events.py)
    max_image_bytes: int = 2 * 1024 * 1024  # link.max_image_bytes: a bigger image is a warning, as over WebSocket


def error(status: int, message: str, code: str, **headers: str) -> Outcome:
    return Outcome(status, {"error": message, "code": code}, dict(headers))


class _Refused(Exception):
    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome


def handle(request: ApiRequest, ctx: ApiContext, new_id: Callable[[str], str]) -> Outcome:
    """One request. ``new_id(prefix)`` makes a fresh id ("msg", "cmd")."""
    try:
        return _handle(request, ctx, new_id)
    except _Refused as refused:
        return refused.outcome


def _handle(request: ApiRequest, ctx: ApiContext, new_id: Callable[[str], str]) -> Outcome:
    parts = urlsplit(request.target)
    path = parts.path.rstrip("/")
    if not path.startswith(PREFIX + "/") or path[len(PREFIX) + 1:] not in ROUTES:
        return error(404, f"Not found; the API is under {PREFIX}/ (speak, stop, status, events, receivers, "
                          "messages)", "not_found")
    route = path[len(PREFIX) + 1:]
    if request.method != ROUTES[route]:
        return error(405, "Method not allowed", "method_not_allowed", Allow=ROUTES[route])
    host = request.headers.get("host")
    if host is not None and is_loopback_host(ctx.config.host) and not is_loopback_host(urlsplit(f"//{host}").hostname
                                                                                        or ""):
        # A web page that re-pointed its own name at 127.0.0.1 (DNS rebinding) still sends that name here.
        return error(403, f"Host {host[:100]!r} is not this machine's loopback name", "forbidden_host")
    origin = request.headers.get("origin")
    if not origin_allowed(origin, ctx.config.allowed_origins):
        return error(403, f"Origin {origin[:100]!r} is not allowed: web pages may not drive the character "
                          "(http_api.allowed_origins)", "forbidden_origin")
    if ctx.key is not None and not token_matches(_key_in(request.headers), ctx.key):
        return error(401, "Invalid API key", "INVALID_API_KEY")
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    body: dict[str, Any] = {}
    if request.method == "POST":
        body = _json_body(request)
    if route == "speak":
        return _speak(body, query, ctx, new_id, "direct_send")
    if route == "messages":
        return _messages(body, query, ctx, new_id)
    if route == "stop":
        return _stop(body, query, ctx, new_id)
    if route == "status":
        return Outcome(200, {"ok": True, "clientId": _client_id(body, query, ctx), **_status(ctx)})
    if route == "receivers":
        return Outcome(200, {"ok": True, "receivers": _receivers(ctx)})
    client = (query.get("receiverId") or "").strip() or (query.get("clientId") or "").strip() or None
    return Outcome(200, stream=EventStream(client, query.get("snapshot") == "true"))


def _key_in(headers: Mapping[str, str]) -> str | None:
    """AITuberKit's two ways: ``Authorization: Bearer`` first, then ``X-AITuberKit-API-Key``."""
    authorization = headers.get("authorization", "")
    if authorization.startswith("Bearer "):
        return authorization[len("Bearer "):].strip()
    return headers.get("x-aituberkit-api-key")


def _json_body(request: ApiRequest) -> dict[str, Any]:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise _Refused(error(415, "The body must be JSON, sent with Content-Type: application/json",
                             "unsupported_media_type"))
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError:
        raise _Refused(error(400, "The body is not UTF-8", ErrorCode.INVALID_JSON)) from None
    try:
        value = parse_json(text) if text.strip() else {}
    except ProtocolError as err:
        raise _Refused(error(400, err.message.replace("frame", "body", 1), err.code)) from None
    if not isinstance(value, dict):
        raise _Refused(error(400, "The body must be a JSON object", ErrorCode.NOT_AN_OBJECT))
    return value


def _bad(message: str, code: str = ErrorCode.BAD_FIELD, status: int = 400) -> _Refused:
    return _Refused(error(status, message, code))


def _client_id(body: dict[str, Any], query: Mapping[str, str], ctx: ApiContext) -> str:
    """As AITuberKit: body receiverId, body clientId, query receiverId, query
    clientId. A receiverId must name a character; with none, the first one."""
    for source, name in ((body, "receiverId"), (body, "clientId"), (query, "receiverId"), (query, "clientId")):
        value = source.get(name)
        if isinstance(value, str) and value.strip():
            value = value.strip()
            if name == "receiverId" and value not in ctx.receivers:
                raise _bad(f"Unknown receiver {value[:100]!r}; GET {PREFIX}/receivers lists them "
                           f"({', '.join(ctx.receivers)})", "unknown_character")
            return value
    return ctx.receivers[0]


def _texts(body: dict[str, Any]) -> list[str]:
    """AITuberKit's normalizeMessages: ``messages`` (strings), else ``text``; blank ones skipped."""
    for name in ("messages", "text"):
        value = body.get(name)
        if value is None:
            continue
        if isinstance(value, str):
            items = [value]
        elif isinstance(value, list):
            if not all(isinstance(item, str) for item in value):
                raise _bad(f"'{name}' must be a string or a list of strings")
            items = value
        else:
            raise _bad(f"'{name}' must be a string or a list of strings")
        items = [item for item in items if item.strip()]
        if items:
            return items
    raise _bad("Text or messages are required", ErrorCode.MISSING_FIELD)


def _check_common(body: dict[str, Any]) -> None:
    session = body.get("speechSessionId")
    if session is not None and (not isinstance(session, str) or not 0 < len(session.strip()) <= 200):
        raise _bad("Invalid speech session ID")
    image = body.get("image")
    if image not in (None, ""):
        if not isinstance(image, str):
            raise _bad("Image is not a string")
        if len(image) > MAX_IMAGE_CHARS:
            raise _bad("Image payload is too large", "too_large", 413)
    for name, kinds in (("emotion", str), ("interrupt", bool), ("priority", str)):
        if body.get(name) is not None and not isinstance(body[name], kinds):
            raise _bad(f"'{name}' must be a {'string' if kinds is str else 'boolean'}")


def _speak(body: dict[str, Any], query: Mapping[str, str], ctx: ApiContext, new_id: Callable[[str], str],
           message_type: str) -> Outcome:
    client = _client_id(body, query, ctx)
    texts = _texts(body)
    _check_common(body)
    if body.get("audio") is not None and len(texts) > 1:
        raise _bad("'audio' is the voice of one text; send one text with it, not a list")
    out = Outcome(202)
    interrupt = body.get("interrupt") is True
    if interrupt:  # as AITuberKit: a stop of everything, then this
        command = new_id("cmd")
        out.inbox.append(Command(API_CONNECTION, Stop("all", "interrupt_before_speak")))
        out.events.append((client, "stop_requested", {"commandId": command, "mode": "all"}))
    ids: list[str] = []
    warnings: list[str] = []
    for text in texts:
        fields = {"text": text, "role": "assistant", "emotion": body.get("emotion"), "audio": body.get("audio"),
                  "visemes": body.get("visemes"), "priority": body.get("priority"), "image": body.get("image")}
        if len(ctx.receivers) > 1 and client in ctx.receivers:  # a duo stage: receiverId picks the speaker
            fields["character"] = client
        message_id = new_id("msg")
        try:
            parsed = chat_message(fields, ctx.max_text_length, message_id, ctx.config.max_audio_s, ctx.max_image_bytes)
        except ProtocolError as err:
            raise _bad(err.message, err.code, 413 if err.too_large else 400) from None
        warnings += [w.message for w in parsed.warnings if w.message not in warnings]
        ids.append(message_id)
        out.inbox.append(Received(API_CONNECTION, parsed.message))
    out.events.append((client, "message_queued", {"count": len(ids), "messageType": message_type, "source": "v1",
                                                  "interrupt": interrupt, "messageIds": ids}))
    out.body = {"ok": True, "clientId": client, **({"type": message_type} if message_type != "direct_send"
                                                     or "type" in body else {}),
                "queued": ids, "count": len(ids), **({"warnings": warnings} if warnings else {})}
    return out


def _messages(body: dict[str, Any], query: Mapping[str, str], ctx: ApiContext,
              new_id: Callable[[str], str]) -> Outcome:
    kind = body.get("type", query.get("type", "direct_send"))
    if kind not in MESSAGE_TYPES:
        raise _bad("Invalid type")
    if kind == "direct_send":
        return _speak(body, query, ctx, new_id, "direct_send")
    if kind == "ai_generate":
        raise _bad("kuchipaku has no language model, so it cannot generate an answer (type ai_generate); "
                   "send the words to say with type direct_send or POST /api/v1/speak", "no_llm", 501)
    client = _client_id(body, query, ctx)
    texts = _texts(body)
    if not ctx.client_mode:
        raise _bad("type user_input goes to the server kuchipaku connects to in link client mode "
                   "(link.mode: client); in server mode there is none", "not_in_client_mode", 409)
    ids = [new_id("msg") for _ in texts]
    return Outcome(202, {"ok": True, "clientId": client, "type": kind, "queued": ids, "count": len(ids)},
                   user_lines=list(texts),
                   events=[(client, "message_queued", {"count": len(ids), "messageType": kind, "source": "v1",
                                                       "interrupt": False, "messageIds": ids})])


def _stop(body: dict[str, Any], query: Mapping[str, str], ctx: ApiContext, new_id: Callable[[str], str]) -> Outcome:
    client = _client_id(body, query, ctx)
    mode = body.get("mode") if body.get("mode") in STOP_MODES else "all"  # as AITuberKit: anything else is all
    reason = body.get("reason") if isinstance(body.get("reason"), str) else None
    command = new_id("cmd")
    return Outcome(202, {"ok": True, "clientId": client, "commandId": command, "mode": mode},
                   inbox=[Command(API_CONNECTION, Stop(mode, reason))],
                   events=[(client, "stop_requested", {"commandId": command, "mode": mode})])


def _status(ctx: ApiContext) -> dict[str, Any]:
    status = dict(ctx.status)
    queue = status.pop("queue", {"messageCount": 0, "commandCount": 0, "lastAccessed": None})
    return {"status": {"clientId": ctx.receivers[0], "connected": True, "isSpeaking": False, "activeSpeech": None,
                       "chatProcessing": False, "externalLinkageMode": True, **status},
            "queue": queue}


def _receivers(ctx: ApiContext) -> list[dict[str, Any]]:
    speaking = ctx.status.get("isSpeaking", False)
    seen_ms = ctx.status.get("lastSeenAt")
    seen = (datetime.fromtimestamp(seen_ms / 1000, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
            if isinstance(seen_ms, int) else None)
    return [{"receiverId": name, "configuredClientId": name, "displayName": name, "kind": "obs",
             "capabilities": ["speech"], "connected": True, "isSpeaking": bool(speaking and i == 0),
             "lastSeenAt": seen} for i, name in enumerate(ctx.receivers)]


def dumps(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
