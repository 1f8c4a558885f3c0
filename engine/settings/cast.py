"""Who stands on the stage: ``stage.characters`` in config.yaml.

A stage has one or more characters, each with a name (how messages address
her), a folder under characters/, a place (anchor, offset, scale, facing) and
optionally a voice and a subtitle colour. One of them is the default, who
speaks every line that names nobody. Without ``stage.characters``, the stage
is today's: the one ``character`` folder at ``stage.anchor`` and
``stage.scale``, so an old config.yaml keeps working unchanged.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from engine.settings.validate import (
    ConfigError,
    Invalid,
    boolean,
    build,
    color,
    int_pair,
    integer,
    number,
    optional,
    setting,
    text,
)
from engine.vocabulary import ANCHORS

NAME = r"[A-Za-z0-9][A-Za-z0-9 _.-]{0,39}"
FOLDER = r"[A-Za-z0-9_-]+"
FACINGS = ("right", "left")


@dataclass(frozen=True)
class CastMember:
    name: str = setting("", text(pattern=NAME, meaning="a name of 1 to 40 letters, digits, spaces, _ . -"))
    folder: str = setting("default", text(pattern=FOLDER, meaning="a character folder name"))
    anchor: str = setting("bottom-center", text(ANCHORS))
    offset: tuple[int, int] = setting((0, 0), int_pair(-16384, 16384, "[x, y]"))
    scale: float = setting(1.0, number(0.1, 4.0))
    facing: str = setting("right", text(FACINGS))  # "left" mirrors the art, which is drawn facing right
    # Her engine's voice (espeak-ng: a voice such as en-us+f3); over character.yaml's voice.voice
    voice: str | None = setting(None, text(optional=True, meaning="a voice name for her engine"))
    colour: tuple[int, int, int] | None = setting(None, optional(color()))  # her name on the subtitle
    default: bool = setting(False, boolean())
    turn_px: int = setting(6, integer(0, 64))  # how far a listener's eyes turn toward the speaker

    @property
    def key(self) -> str:
        return self.name.lower()


def members(value: Any, file: str, key: str) -> tuple[CastMember, ...]:
    """``stage.characters``: a list of mappings; a name may be used once, at most one is the default."""
    if value is None:
        return ()
    if not isinstance(value, list) or not value:
        raise ConfigError(file, key, "a list of characters, each a mapping with name and folder", value)
    cast: list[CastMember] = []
    for index, item in enumerate(value):
        where = f"{key}[{index}]"
        if not isinstance(item, dict) or "name" not in item:
            raise ConfigError(file, where, "a mapping with at least name (and folder)", item)
        member = build(CastMember, item, file, where + ".")
        if any(other.key == member.key for other in cast):
            raise ConfigError(file, where + ".name", "a name no other character on the stage has", member.name)
        cast.append(member)
    if sum(member.default for member in cast) > 1:
        raise ConfigError(file, key, "at most one character with default: true")
    return tuple(cast)


class _Members:
    """The check for ``stage.characters``; ``build`` hands it the value only, so
    a bad entry is reported through Invalid with the entry's own key in it."""

    def __call__(self, value: Any) -> tuple[CastMember, ...]:
        try:
            return members(value, "", "")
        except ConfigError as err:
            raise Invalid(f"{err.expected} (at characters{err.key})") from None


characters_check = _Members()


def default_member(cast: tuple[CastMember, ...]) -> CastMember:
    return next((member for member in cast if member.default), cast[0])


def duo(kotone: str = "default", hibiki: str = "hibiki") -> tuple[CastMember, ...]:
    """``--duo``: Kotone on the left facing right, Hibiki on the right facing her."""
    return (CastMember("Kotone", kotone, "bottom-left", (80, 0), 0.9, "right", "en-us+f3", (255, 170, 200),
                       default=True),
            CastMember("Hibiki", hibiki, "bottom-right", (-80, 0), 0.9, "left", "en-gb-x-rp+f4", (140, 200, 255)))


def aliases(cast: tuple[CastMember, ...]) -> dict[str, str]:
    """What a message may call each character (her name or folder, any case) -> her name."""
    names: dict[str, str] = {}
    for member in reversed(cast):  # a name wins over another's folder of the same spelling
        names[member.folder.lower()] = member.name
    for member in cast:
        names[member.key] = member.name
    return names


def path_name(name: str) -> str:
    """Her name as a URL path segment: /ws/<this>."""
    return re.sub(r"[^a-z0-9._-]+", "-", name.lower())
