"""The ``image`` field, as AITuberKit accepts it: an http(s) URL or a ``data:``
URI. Pure: nothing is fetched or decoded here; this only decides whether a
value may be loaded at all (scheme, shape, size), so that a ``file:`` path,
a ``javascript:`` URI or a huge blob never reaches the loader.
"""
from __future__ import annotations

import re

MAX_URL_LENGTH = 2048
_URL = re.compile(r"https?://[^\s/?#]+[^\s]*", re.IGNORECASE)
_DATA = re.compile(r"data:(image/[A-Za-z0-9.+-]+)(;[A-Za-z0-9=.+-]+)*;base64,([A-Za-z0-9+/=\s]*)", re.IGNORECASE)


class BadImage(ValueError):
    """Why an ``image`` value is not shown; the message's text is still spoken."""


def check_image(value: object, max_bytes: int) -> str:
    """Return ``value`` if it may be loaded; raise ``BadImage`` saying why not."""
    if not isinstance(value, str):
        raise BadImage("image must be a string: an http(s) URL or a data: URI")
    if value[:5].lower() == "data:":
        # base64 is 4 characters for 3 bytes: the size is known without decoding.
        if len(value) > max_bytes * 4 // 3 + 256:
            raise BadImage(f"image is larger than {max_bytes} bytes")
        if not _DATA.fullmatch(value):
            raise BadImage("image data: URI must be base64 of an image/* type")
        return value
    if len(value) > MAX_URL_LENGTH:
        raise BadImage(f"image URL is longer than {MAX_URL_LENGTH} characters")
    if not _URL.fullmatch(value):
        scheme = value.split(":", 1)[0][:20] if ":" in value else "no scheme"
        raise BadImage(f"image must be an http(s) URL or a data: URI, not {scheme!r}")
    return value
