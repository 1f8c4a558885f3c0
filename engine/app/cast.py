"""The characters on the stage, each with her own face state.

On a duo stage every character has her own mouth, expression and presence
(blinks, breath, bounce): only the one speaking moves her mouth, the others
keep theirs closed and turn a little toward her while they listen. A
single-character stage is a cast of one, and behaves as before.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from engine.settings.cast import CastMember
from engine.settings.config import Config
from engine.stage.character import CharacterSpec, load_character_spec
from engine.stage.expression import ExpressionState
from engine.stage.mouth import MouthAnimator
from engine.stage.presence import Presence

TURN_PER_S = 6.0  # how fast a listener turns toward the speaker and back (fraction of the way per second)


def load_cast(config: Config, characters_dir: Path) -> dict[str, CharacterSpec]:
    """Every character's art, by name, the default first. Raises ConfigError."""
    return {member.name: load_character_spec(characters_dir / member.folder) for member in config.cast}


@dataclass
class Performer:
    """One character's face state; the art and her place are the window's (``Placed``)."""

    member: CastMember
    spec: CharacterSpec
    presence: Presence
    expression: ExpressionState
    mouth: MouthAnimator = field(default_factory=MouthAnimator)
    turn: float = 0.0  # pixels toward the speaker, eased

    @property
    def name(self) -> str:
        return self.member.name

    def listen(self, toward: int, dt: float) -> None:
        """Turn ``toward`` (-1 left, 1 right, 0 back to the front), a little and smoothly."""
        target = toward * self.member.turn_px
        self.turn += (target - self.turn) * min(1.0, dt * TURN_PER_S)


def make_performers(config: Config, specs: dict[str, CharacterSpec], rng: random.Random | None) -> list[Performer]:
    """``rng``: the default character's blinks (seeded for a repeatable recording); the others
    get streams of their own, so two characters never blink in step (seeded from their names)."""
    performers = []
    for index, member in enumerate(config.cast):
        spec = specs[member.name]
        if index == 0:
            blinks = rng or random.Random()
        else:
            blinks = random.Random(f"{index}:{member.name}") if rng is not None else random.Random()
        performers.append(Performer(member, spec, Presence(spec.presence, blinks),
                                    ExpressionState(config.voice.neutral_after_s)))
    return performers
