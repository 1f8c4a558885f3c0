"""Who may connect, and how fast they may talk. Pure functions and a token
bucket; the link server applies them to each handshake and frame.

The threat this answers: without an Origin check, any web page the streamer
opens could connect to ws://127.0.0.1:8000/ws and make the character say
anything on stream (cross-site WebSocket hijacking). Browsers always send an
Origin header; programs (bots) usually do not, or send a loopback one.
"""
from __future__ import annotations

import hmac
import ipaddress
import time
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

from engine.settings.config import HttpApiConfig, LinkConfig
from engine.settings.validate import ConfigError

LOOPBACK_NAMES = ("localhost", "localhost.")


def is_loopback_host(host: str) -> bool:
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_loopback_origin(origin: str) -> bool:
    """http(s) origins on localhost, 127.0.0.0/8 or [::1], any port."""
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.hostname is not None and is_loopback_host(parts.hostname)


def origin_allowed(origin: str | None, allowed: tuple[str, ...]) -> bool:
    """No Origin (a program, not a browser), a loopback origin, or one listed."""
    if origin is None:
        return True
    origin = origin.strip()
    if is_loopback_origin(origin):
        return True
    return origin.rstrip("/").lower() in {a.rstrip("/").lower() for a in allowed}


def token_in_request(path: str, authorization: str | None) -> str | None:
    """The token from ``?token=...`` or ``Authorization: Bearer ...``."""
    if authorization:
        scheme, _, value = authorization.strip().partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
    values = parse_qs(urlsplit(path).query).get("token")
    return values[0] if values else None


def token_matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison, so the time taken reveals nothing of the token."""
    return hmac.compare_digest((given or "").encode("utf-8", "surrogateescape"), expected.encode("utf-8"))


class RateLimiter:
    """A token bucket: ``rate`` frames a second on average, ``burst`` at once."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._last = clock()

    def allow(self) -> bool:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False


def check_exposure(link: LinkConfig) -> None:
    """Refuse to listen beyond this machine without a token: anyone on the
    network could otherwise make the character say anything on stream."""
    if link.mode == "server" and not is_loopback_host(link.host) and link.token is None:
        raise ConfigError("settings", "link.host", "a loopback address (127.0.0.1, localhost, ::1) unless link.token "
                          "is set, since any machine that can reach it could make the character speak", link.host)


def check_api_exposure(api: HttpApiConfig) -> None:
    """The HTTP API beyond this machine needs a key, for the same reason."""
    if api.enabled and not is_loopback_host(api.host) and api.key is None:
        raise ConfigError("settings", "http_api.host", "a loopback address (127.0.0.1, localhost, ::1) unless "
                          "http_api.key (or AITUBERKIT_API_KEY) is set, since any machine that can reach it could "
                          "make the character speak", api.host)
