"""Which character a message is for, on a stage with several (pure).

The protocol only reads what the sender wrote (``character`` in a legacy
frame, ``payload.character`` in v2); this resolves it against the stage's
names, which the app hands over as plain strings (link/ knows no stage). A
connection made to ``/ws/<name>`` (LUNA-AI's rooms, for senders that cannot
add a field) speaks as that character unless a message names another.
"""
from __future__ import annotations

import dataclasses
import re

from engine.link.messages import ChatMessage
from engine.link.protocol import ErrorCode, ProtocolError


@dataclasses.dataclass(frozen=True)
class Addressing:
    """``names``: what a message may call each character (lower case) -> her name.
    With one character, the field is not checked: every line is hers."""

    names: dict[str, str] = dataclasses.field(default_factory=dict)
    default: str | None = None

    @property
    def several(self) -> bool:
        return len(set(self.names.values())) > 1

    def resolve(self, message: ChatMessage, room: str | None = None) -> ChatMessage:
        """``message`` with its speaker's name; raises ProtocolError(unknown_character)."""
        if not self.several:  # one character: every line is hers, whatever it says
            return dataclasses.replace(message, character=None) if message.character else message
        wanted = message.character or room
        if wanted is None:
            return dataclasses.replace(message, character=self.default)
        name = self.names.get(wanted.strip().lower())
        if name is None:
            raise ProtocolError(ErrorCode.UNKNOWN_CHARACTER,
                                f"no character {wanted[:40]!r} on this stage; "
                                f"known: {', '.join(sorted(set(self.names.values())))}")
        return dataclasses.replace(message, character=name)

    def room(self, path: str, base: str) -> str | None | bool:
        """The character a connection's path addresses: None for ``base`` itself,
        her name for ``base/<name>``, False for any other path (refused)."""
        if path == base:
            return None
        prefix = base.rstrip("/") + "/"
        if not self.several or not path.startswith(prefix):
            return False
        wanted = path[len(prefix):].strip("/").lower()
        for alias, name in self.names.items():
            if wanted in (alias, _path_form(alias)):
                return name
        return False


def _path_form(name: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", name.lower())
