"""The stage window: the display mode, everything laid out for its size, the
optional subtitle window, and the snapshots a user can ask for.

Only this module opens, resizes or flips windows.
"""
from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pygame

from engine.overlay.captions import Captions
from engine.overlay.fonts import load_font, load_monospace
from engine.overlay.overlays import Overlays
from engine.settings.config import Config
from engine.stage.character import CharacterSpec
from engine.stage.sprites import CharacterSprites, character_topleft, fit_scale

log = logging.getLogger("kuchipaku")


class DisplayUnavailable(Exception):
    pass


@dataclass(frozen=True)
class Placed:
    """One character laid out on the stage: her sprites at this size, and where she stands."""

    name: str
    sprites: CharacterSprites
    home: tuple[int, int]
HEADLESS_DRIVERS = ("dummy", "offscreen")


def _check_real_display() -> None:
    """With no screen SDL quietly falls back to its offscreen driver and the
    program would run on with a window nobody can see. That is only right
    when a headless run was asked for (--headless, SDL_VIDEODRIVER=dummy)."""
    driver = pygame.display.get_driver()
    asked = os.environ.get("SDL_VIDEODRIVER", "").strip().lower()
    if driver in HEADLESS_DRIVERS and driver != asked:
        raise DisplayUnavailable(f"SDL found no screen and fell back to its {driver!r} video driver")


class StageWindow:
    """The window OBS captures, and what is laid out for its size: the
    character's sprites and where she stands, the overlays and their fonts."""

    def __init__(self, config: Config, character: CharacterSpec,
                 others: dict[str, CharacterSpec] | None = None) -> None:
        self.config = config
        self.character = character
        self.others = others or {}  # the other characters on a duo stage, by name
        self.placed: list[Placed] = []  # everyone on the stage, the default first
        self.fullscreen = config.window.fullscreen
        self.borderless = config.window.borderless
        self.screen: pygame.Surface | None = None
        self.sprites: CharacterSprites | None = None
        self.overlays: Overlays | None = None
        self.home = (0, 0)
        self.subtitle_window: pygame.Window | None = None
        self.on_layout: Callable[[], None] = lambda: None  # what else must follow a new size

    def open(self) -> None:
        position = self.config.window.position
        if position is not None:  # read by SDL when the window is created
            os.environ["SDL_VIDEO_WINDOW_POS"] = f"{position[0]},{position[1]}"
        try:
            pygame.display.init()
            pygame.font.init()
            _check_real_display()
            self.set_mode()
        except pygame.error as err:
            raise DisplayUnavailable(str(err)) from None
        self.layout()

    def set_mode(self) -> None:
        if self.fullscreen:
            self.screen = pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
        else:
            flags = pygame.NOFRAME if self.borderless else 0
            self.screen = pygame.display.set_mode(self.config.window.size, flags)

    def toggle_fullscreen(self) -> None:
        self.fullscreen = not self.fullscreen
        self.set_mode()
        self.layout()

    def toggle_borderless(self) -> None:
        self.borderless, self.fullscreen = not self.borderless, False
        self.set_mode()
        self.layout()

    def apply(self, config: Config, character: CharacterSpec, others: dict[str, CharacterSpec] | None = None) -> None:
        """New settings or new art (hot reload): lay everything out again.
        ``others``: the duo stage's other characters (None: the art they have)."""
        window_changed = config.window != self.config.window
        self.others = others if others is not None else self.others
        if any(member.name not in self.others for member in config.cast[1:]):
            config = dataclasses.replace(config, stage=dataclasses.replace(config.stage, characters=()))
        self.config, self.character = config, character
        if window_changed:
            self.fullscreen, self.borderless = config.window.fullscreen, config.window.borderless
            self.set_mode()
        self.layout()

    def layout(self) -> None:
        """Everything that depends on the window size: sprites, fonts, overlays."""
        assert self.screen is not None
        pygame.display.set_caption(f"kuchipaku - {self.character.name}")
        size = self.screen.get_size()
        stage = self.config.stage
        self.placed = []
        for index, member in enumerate(self.config.cast):
            spec = self.character if index == 0 else self.others[member.name]
            sprites = CharacterSprites(spec, fit_scale(spec.frame_size, size, member.scale),
                                       self.config.window.background, mirror=member.facing == "left")
            x, y = character_topleft(sprites.size, size, member.anchor, stage.margin)
            self.placed.append(Placed(member.name, sprites, (x + member.offset[0], y + member.offset[1])))
        self.sprites, self.home = self.placed[0].sprites, self.placed[0].home
        settings = self.config.overlays
        font = load_font(settings.font, settings.size)
        small = load_font(settings.font, max(10, round(settings.size * 0.62)))
        self.overlays = Overlays(size, font, small, load_monospace(max(10, round(settings.size * 0.55)), small),
                                 settings)
        self.overlays.visible = settings.enabled
        self._open_subtitle_window()
        self.on_layout()

    def _open_subtitle_window(self) -> None:
        """overlays.subtitles: window puts the subtitles in a window of their
        own ("kuchipaku subtitles"), so OBS can capture them as a separate source."""
        wanted = self.config.overlays.subtitles == "window"
        window = self.subtitle_window
        if window is not None and (not wanted or window.size != self.config.overlays.subtitle_window_size):
            window.destroy()
            window = None
        if wanted and window is None:
            window = pygame.Window("kuchipaku subtitles", self.config.overlays.subtitle_window_size)
        self.subtitle_window = window

    def close_subtitle_window(self) -> None:
        if self.subtitle_window is not None:
            self.subtitle_window.destroy()
            self.subtitle_window = None

    def is_subtitle_window(self, window: object) -> bool:
        return self.subtitle_window is not None and window == self.subtitle_window

    def present(self, captions: Captions) -> None:
        """Show the frame drawn on ``screen`` (and the subtitle window's own)."""
        pygame.display.flip()
        if self.subtitle_window is not None and self.overlays is not None:
            self.overlays.draw_subtitle_window(self.subtitle_window.get_surface(), captions)
            self.subtitle_window.flip()


class Snapshots:
    """For tests and users checking a set-up: the first idle frame, and the
    first frame with the mouth open and a subtitle showing."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._taken: set[str] = set()

    def take(self, screen: pygame.Surface, first_frame: bool, mouth: str, expression: str, subtitle: str) -> None:
        if self.folder is None:
            return
        wanted = "idle" if first_frame else None
        if mouth == "open" and subtitle:
            wanted = "speaking"
        if wanted and wanted not in self._taken:
            self._taken.add(wanted)
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f"{wanted}.png"
            pygame.image.save(screen, str(path))
            log.info("saved %s frame to %s (expression %s, mouth %s, subtitle %r)", wanted, path, expression,
                     mouth, subtitle)
