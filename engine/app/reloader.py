"""Hot reload: config.yaml, character.yaml and the sprite sheets (of every
character on the stage) are watched, and an edit applies without a restart. A broken edit keeps what was loaded and
says why in a toast.

Polled once a second from the frame loop with os.stat: a handful of local
files, microseconds, and no watcher thread to manage.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from engine.settings.config import Config, load_config
from engine.stage.character import CharacterSpec, load_character_spec

POLL_S = 1.0


@dataclass(frozen=True)
class Loaded:
    config: Config
    character: CharacterSpec                 # the default character
    others: dict[str, CharacterSpec]         # the rest of a duo stage, by name


class Reloader:
    def __init__(self, config_path: Path | None, character: CharacterSpec,
                 others: dict[str, CharacterSpec] | None = None) -> None:
        self.config_path = config_path
        self.characters_dir = character.folder.parent
        self._watched = self._files([character, *(others or {}).values()])
        self._stamps = self._stat()
        self._next_poll = 0.0

    def _files(self, characters: list[CharacterSpec]) -> list[Path]:
        files = [path for spec in characters
                 for path in (spec.folder / "character.yaml", *(sheet.file for sheet in spec.sheets.values()))]
        return ([self.config_path] if self.config_path else []) + files

    def _stat(self) -> dict[Path, float | None]:
        stamps: dict[Path, float | None] = {}
        for path in self._watched:
            try:
                stamps[path] = os.stat(path).st_mtime_ns
            except OSError:
                stamps[path] = None
        return stamps

    def changed(self, now: float) -> bool:
        """Whether a watched file changed since the last load (checked at most once a second)."""
        if now < self._next_poll:
            return False
        self._next_poll = now + POLL_S
        return self._stat() != self._stamps

    def load(self, current: Config, reapply: Callable[[Config], Config]) -> Loaded:
        """Read everything again, with the command line's flags ``reapply``-ed
        on top; raises ConfigError (and keeps watching) if an edit is broken."""
        self._stamps = self._stat()  # a broken file is reported once, not every second
        config = reapply(load_config(self.config_path)) if self.config_path else current
        # Every character of the stage, the default first (on a single stage: ``character`` alone).
        specs = {member.name: load_character_spec(self.characters_dir / member.folder) for member in config.cast}
        character, *_ = specs.values()
        self._watched = self._files(list(specs.values()))
        self._stamps = self._stat()
        return Loaded(config, character, {name: spec for name, spec in list(specs.items())[1:]})

