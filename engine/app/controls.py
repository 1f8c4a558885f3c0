"""What the streamer does to the running program: window events, hotkeys,
the input box, and reloading the settings and the character.
"""
from __future__ import annotations

import dataclasses
import logging

import pygame

from engine.app.build import Line
from engine.app.control_window import ControlWindow
from engine.app.hotkeys import TEST_LINE, action_for
from engine.app.runtime import Runtime
from engine.link.client import LinkClient
from engine.settings.config import Config
from engine.settings.validate import ConfigError
from engine.stage.character import CharacterSpec
from engine.vocabulary import Role

log = logging.getLogger("kuchipaku")

RESTART_ONLY = ("link", "voice")  # settings whose change needs a restart: the threads were built with them


class Controls:
    def __init__(self, runtime: Runtime, control: ControlWindow | None = None) -> None:
        self.runtime = runtime
        self.control = control

    def handle_window_events(self) -> None:
        runtime = self.runtime
        for event in pygame.event.get():
            if event.type == pygame.QUIT:
                runtime.stop_requested.set()
            elif event.type == pygame.WINDOWCLOSE:
                # With two windows SDL sends no QUIT for the first one closed.
                window = getattr(event, "window", None)
                if runtime.window.is_subtitle_window(window):
                    runtime.window.close_subtitle_window()
                elif self.control is not None and self.control.owns(window):
                    self.control.close()  # the stage goes on
                else:
                    runtime.stop_requested.set()
            elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and self.control is not None \
                    and self.control.owns(getattr(event, "window", None)):
                self.hotkey(self.control.action_at(event.pos))
            elif event.type == pygame.MOUSEWHEEL and self.control is not None \
                    and self.control.owns(getattr(event, "window", None)):
                self.control.scroll(-3 * event.y)
            elif runtime.input_box.active and event.type in (pygame.KEYDOWN, pygame.TEXTINPUT):
                line = runtime.input_box.handle(event)
                if line:
                    self.send_typed_line(line)
            elif event.type == pygame.KEYDOWN:
                self.hotkey(action_for(event.key))

    def hotkey(self, action: str | None) -> None:
        runtime = self.runtime
        if action is None:
            return
        log.info("key: %s", action)
        if action == "input":
            runtime.input_box.open()
        elif action == "overlays":
            assert runtime.window.overlays is not None
            runtime.window.overlays.visible = not runtime.window.overlays.visible
        elif action == "help":
            runtime.help_visible = not runtime.help_visible
        elif action == "fullscreen":
            runtime.window.toggle_fullscreen()
        elif action == "borderless":
            runtime.window.toggle_borderless()
        elif action == "cancel":
            self.cancel_speech()
        elif action == "test_line":
            runtime.speak(Line(TEST_LINE, runtime.expression.emotion))
        elif action == "reload":
            self.reload(runtime.now(), forced=True)
        elif action.startswith("emotion:"):
            runtime.expression.speaking(action.split(":", 1)[1])

    def cancel_speech(self, only_if_answering: bool = False) -> None:
        """Esc: stop speaking and clear the queue; in client mode the server
        is told too (control.cancel) and the rest of its answer is not spoken."""
        self.runtime.cancel(None)
        if isinstance(self.runtime.link, LinkClient):
            self.runtime.link.cancel_remote(only_if_answering=only_if_answering)

    def send_typed_line(self, line: str) -> None:
        """Client mode: the line goes to the server as a viewer's chat message,
        as AITuberKit sends it; it first stops the answer in progress
        (AITuberKit #174; link.typed_line_cancels). Server mode: there is no
        bot to ask, so the character says it herself."""
        runtime = self.runtime
        link = runtime.link
        if isinstance(link, LinkClient):
            if runtime.config.link.typed_line_cancels:
                self.cancel_speech(only_if_answering=True)
            if link.send_user_chat(line):
                runtime.captions.show(Role.QUESTION, "user", line)
                if not link.connected:
                    runtime.toast("Not connected: the line will be sent when the link is back", "warning")
            else:
                runtime.toast("Too many lines waiting for the server: this one was not sent", "warning")
        else:
            runtime.speak(Line(line))

    def reload(self, now: float, forced: bool = False) -> None:
        """Apply edits to the config and character files; keep the old ones if broken."""
        runtime = self.runtime
        if not forced and not runtime.reloader.changed(now):
            return
        try:
            loaded = runtime.reloader.load(runtime.config, runtime.reapply)
        except ConfigError as err:
            log.warning("reload failed, keeping what was loaded: %s", err)
            runtime.toast(f"Not reloaded: {err}", "error")
            return
        restart_needed = [name for name in RESTART_ONLY
                          if getattr(loaded.config, name) != getattr(runtime.config, name)]
        config = dataclasses.replace(loaded.config, link=runtime.config.link, voice=runtime.config.voice)
        config, character, others = self._stage_kept(config, loaded.character, loaded.others, restart_needed)
        specs = [character, *others.values()]
        for performer, member, spec in zip(runtime.performers, config.cast, specs, strict=True):
            performer.member, performer.spec = member, spec
            performer.presence.config = performer.presence.blinker.config = spec.presence
        runtime.config, runtime.character = config, character
        runtime.toasts.seconds = config.overlays.toast_seconds
        runtime.captions.linger_s = config.overlays.subtitle_linger_s
        runtime.window.apply(config, character, others)
        if self.control is not None and config.control_window.enabled:  # an edit opens or closes it now
            self.control.open()
        elif self.control is not None:
            self.control.close()
        log.info("reloaded %s and character %s%s", runtime.reloader.config_path or "(no config file)",
                 character.name, f"; after a restart: {', '.join(restart_needed)}" if restart_needed else "")
        runtime.toast("Reloaded" + (f" ({' and '.join(restart_needed)} settings apply after a restart)"
                                    if restart_needed else ""))

    def _stage_kept(self, config: Config, character: CharacterSpec, others: dict[str, CharacterSpec],
                    restart_needed: list[str]) -> tuple[Config, CharacterSpec, dict[str, CharacterSpec]]:
        """Who stands on a duo stage, her voice and whether they overlap are
        fixed at start (each has her performer, voice and lane); the places and
        looks of those already there change now. (A single stage may change
        its one character live, as it always could.) What waits for a restart
        is added to ``restart_needed``."""
        running = self.runtime.config
        stage = config.stage
        several = len(config.cast) > 1 or len(running.cast) > 1
        if several and [member.name for member in config.cast] != [member.name for member in running.cast]:
            restart_needed.append("stage.characters")
            return (dataclasses.replace(config, stage=dataclasses.replace(stage, characters=running.stage.characters)),
                    self.runtime.character, self.runtime.window.others)
        if several:
            voices = {member.name: member.voice for member in running.cast}
            if any(member.voice != voices[member.name] for member in stage.characters):
                restart_needed.append("stage.characters voices")
            stage = dataclasses.replace(stage, characters=tuple(
                dataclasses.replace(member, voice=voices[member.name]) for member in stage.characters))
        if stage.overlap != running.stage.overlap:
            restart_needed.append("stage.overlap")
            stage = dataclasses.replace(stage, overlap=running.stage.overlap)
        return dataclasses.replace(config, stage=stage), character, others
