"""The characters on the stage, each with her own face state.

On a duo stage every character has her own mouth, expression and presence
(blinks, breath, bounce): only the one speaking moves her mouth, the others
keep theirs closed and turn a little toward her while they listen. A
single-character stage is a cast of one, and behaves as before.
"""
from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pygame

from engine.app.window import Placed
from engine.link.addressing import Addressing
from engine.settings.cast import CastMember
from engine.settings.config import Config
from engine.speech.playback import PlaybackClock
from engine.speech.voices import make_synthesizer, with_character_voice
from engine.speech.worker import CastVoices, Synthesizer, SynthesizerFactory
from engine.stage.character import CharacterSpec, load_character_spec
from engine.stage.expression import ExpressionState
from engine.stage.mouth import MouthAnimator
from engine.stage.presence import Presence

log = logging.getLogger("kuchipaku")

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


class SpeechClocks(Protocol):
    """What the cast reads of the speech: SpeechDriver (one clock for all) or SpeechLanes (one each)."""

    busy: bool

    def clock_for(self, character: str | None) -> PlaybackClock: ...

    def busy_for(self, character: str | None) -> bool: ...


class Cast:
    """Everyone on the stage, who is speaking, and their faces frame by frame.
    ``overlap`` (stage.overlap): several may speak at once, each mouth on her own clock."""

    def __init__(self, performers: list[Performer], addressing: Addressing, overlap: bool = False) -> None:
        self.performers = performers  # the default first
        self.addressing = addressing
        self.overlap = overlap and len(performers) > 1
        self.speaking: list[Performer] = []    # whose sentences are playing, the latest last
        self.last_speaker = performers[0]      # whose face the speech queue's busy-ness keeps
        self.topleft = (0, 0)                  # where the default character was drawn last

    @property
    def several(self) -> bool:
        return len(self.performers) > 1

    @property
    def speaker(self) -> Performer | None:
        """Who is speaking now (with overlap, the one who started last); None: nobody."""
        return self.speaking[-1] if self.speaking else None

    def named(self, name: str | None) -> Performer:
        """The character called ``name`` (name or folder, any case); the default for None or a stranger."""
        wanted = self.addressing.names.get(name.lower(), name) if name else None
        return next((p for p in self.performers if p.name == wanted), self.performers[0])

    def started(self, character: str | None, emotion: str, now: float) -> Performer:
        """A sentence of ``character``'s starts: she speaks, the others listen."""
        speaker = self.last_speaker = self.named(character)
        self.speaking = [p for p in self.speaking if p is not speaker and self.overlap] + [speaker]
        speaker.presence.sentence_started(now)
        speaker.expression.speaking(emotion)
        return speaker

    def silenced(self, character: str | None = None) -> None:
        """``character``'s sentence ended or was cut off (None: everyone's): she speaks no more."""
        if character is None or not self.overlap:
            self.speaking = []
        else:
            done = self.named(character)
            self.speaking = [p for p in self.speaking if p is not done]

    def stopped(self) -> None:
        """Speech was cancelled: every mouth shuts at once."""
        self.speaking = []
        for performer in self.performers:
            performer.mouth.reset()

    def animate(self, speech: SpeechClocks, lead: float, now: float, dt: float, placed: list[Placed]) -> None:
        """Mouths from the clock (each speaker's own), listeners' turns, expressions."""
        before = [(p.mouth.shape, p.expression.emotion) for p in self.performers]
        speaker = self.speaker
        x = {p.name: spot.home[0] for p, spot in zip(self.performers, placed, strict=False)}

        def toward(listener: Performer, to: Performer | None) -> int:
            return 0 if to is None else (1 if x.get(to.name, 0) > x.get(listener.name, 0) else -1)

        for performer in self.performers:
            if self.overlap:
                # Each mouth follows her own lane's sound; a listener turns toward the one
                # speaker, and with two speaking nobody turns.
                clock = speech.clock_for(performer.name)
                performer.mouth.update(clock.level(lead), dt, clock.viseme(lead))
                others = [p for p in self.speaking if p is not performer]
                talking = performer in self.speaking
                performer.listen(toward(performer, others[0]) if len(others) == 1 and not talking else 0, dt)
                keeps_face = speech.busy_for(performer.name)
            elif performer is speaker or (speaker is None and performer is self.last_speaker):
                # Only the speaker's mouth follows the sound; the one who spoke last closes hers with it.
                clock = speech.clock_for(performer.name)
                performer.mouth.update(clock.level(lead), dt, clock.viseme(lead))
                performer.listen(0, dt)
                keeps_face = speech.busy and performer is self.last_speaker
            else:
                performer.mouth.update(0.0, dt, None)
                performer.listen(toward(performer, speaker), dt)
                keeps_face = speech.busy and performer is self.last_speaker
            performer.presence.set_emotion(performer.expression.update(now, keeps_face), now)
        for performer, (mouth, emotion) in zip(self.performers, before, strict=True):
            who = f"{performer.name} " if self.several else ""
            if performer.mouth.shape != mouth:
                log.debug("%smouth %s", who, performer.mouth.shape)
            if performer.expression.emotion != emotion:
                log.info("%sexpression %s", who, performer.expression.emotion)

    def draw(self, screen: pygame.Surface, placed: list[Placed], now: float) -> None:
        for performer, spot in zip(self.performers, placed, strict=False):
            dx, dy = performer.presence.offset(now)
            topleft = (spot.home[0] + dx + round(performer.turn), spot.home[1] + dy)
            if performer is self.performers[0]:
                self.topleft = topleft
            emotion, fading_from, fade = performer.presence.crossfade(now)
            spot.sprites.draw(screen, topleft, emotion, performer.presence.eyes_closed(now), performer.mouth.shape,
                              fading_from, fade)


def _voice_of(config: Config, specs: dict[str, CharacterSpec], member: CastMember, duo: bool = True):
    own = specs[member.name].voice
    engine = own.engine
    if duo and member.voice and (engine or config.voice.engine) == "auto":
        engine = "espeak-ng"  # auto has no voice names of its own: hers is an espeak-ng voice
    return with_character_voice(config.voice, engine, (member.voice if duo else None) or own.voice, own.fallback)


def voices_of(config: Config, specs: dict[str, CharacterSpec]) -> SynthesizerFactory:
    """The voice factory: each character's own (character.yaml's ``voice:`` over
    config.yaml's, and on a duo stage her ``voice`` in stage.characters over
    both); one voice alone on a single stage, one per character on a duo stage."""
    cast = config.cast
    if len(cast) == 1:
        single = _voice_of(config, specs, cast[0], duo=False)
        return lambda: make_synthesizer(single)

    def voices() -> CastVoices:
        made: dict[str, Synthesizer] = {}
        for member in cast:
            try:
                made[member.name] = make_synthesizer(_voice_of(config, specs, member))
            except Exception as err:  # her voice is wrong: she speaks with the default one rather than not at all
                if member is cast[0]:
                    raise
                log.warning("%s's voice %r is unavailable (%s): she speaks with %s's", member.name, member.voice,
                            err, cast[0].name)
        return CastVoices(made, cast[0].name)
    return voices


def voice_of(config: Config, specs: dict[str, CharacterSpec], member: CastMember) -> SynthesizerFactory:
    """Her voice alone, for her own lane's worker (stage.overlap): each worker loads only hers.
    A wrong voice name falls back to her engine's default voice rather than to silence."""
    mine = _voice_of(config, specs, member)

    def voice() -> Synthesizer:
        try:
            return make_synthesizer(mine)
        except Exception as err:
            if not member.voice:
                raise
            log.warning("%s's voice %r is unavailable (%s): she speaks with the default voice", member.name,
                        member.voice, err)
            return make_synthesizer(_voice_of(config, specs, member, duo=False))
    return voice
