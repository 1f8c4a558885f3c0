"""Hotkeys, driven by posting pygame key events, and hot reload of good and
broken edits, with the runtime running in this process."""
from __future__ import annotations

import dataclasses
import shutil
import time

import pygame

from engine.app.build import build
from engine.app.runtime import Runtime
from engine.settings.config import Config, HttpApiConfig, LinkConfig, load_config
from engine.stage.character import load_character_spec
from support.program import ROOT, run_app
from support.timing import wait_for


def press(key: int) -> None:
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key))


def test_hotkeys():
    config = dataclasses.replace(Config(), link=LinkConfig(port=0), http_api=HttpApiConfig(port=0))
    app = build(config, load_character_spec(ROOT / "characters" / "default"))
    seen: dict = {}

    def drive(app: Runtime) -> None:
        press(pygame.K_F1)
        wait_for(lambda: app.help_visible, what="F1 shows the help")
        press(pygame.K_h)
        wait_for(lambda: not app.window.overlays.visible, what="H hides the overlays")
        press(pygame.K_h)
        wait_for(lambda: app.window.overlays.visible, what="H shows them again")
        press(pygame.K_3)
        wait_for(lambda: app.expression.emotion == "sad", what="3 previews sad")
        press(pygame.K_6)
        wait_for(lambda: app.expression.emotion == "surprised", what="6 previews surprised")
        press(pygame.K_t)
        wait_for(lambda: app.speech.state.value == "speaking", what="T speaks a test line")
        seen["test_line"] = app.captions.subtitle
        press(pygame.K_ESCAPE)
        wait_for(lambda: app.speech.state.value == "idle" and not app.speech.busy,
                 what="Esc stops speaking and clears the queue")
        press(pygame.K_F10)
        wait_for(lambda: app.window.borderless, what="F10 borderless")
        press(pygame.K_F11)
        wait_for(lambda: app.window.fullscreen, what="F11 fullscreen")
        press(pygame.K_F11)
        wait_for(lambda: not app.window.fullscreen, what="F11 back to a window")
        press(pygame.K_r)
        wait_for(lambda: any(t.text.startswith("Reloaded") for t in app.toasts.toasts), what="R reloads")
        press(pygame.K_F1)
        wait_for(lambda: not app.help_visible, what="F1 hides the help")

    run_app(app, drive)
    assert seen["test_line"].startswith("This is a test of my voice.")


def test_help_lists_every_key():
    from engine.app.hotkeys import HELP_LINES

    text = "\n".join(HELP_LINES)
    for key in ("F1", "F11", "F10", "H", "Esc", "T", "R", "Enter", "1", "6"):
        assert f"\n{key}  " in f"\n{text}"


def test_hot_reload_applies_good_edits_and_keeps_the_old_on_broken_ones(tmp_path):
    characters = tmp_path / "characters"
    shutil.copytree(ROOT / "characters" / "default", characters / "default")
    config_path = tmp_path / "config.yaml"
    config_path.write_text("overlays: {size: 30}\n", encoding="utf-8")
    config = dataclasses.replace(load_config(config_path), link=LinkConfig(port=0), http_api=HttpApiConfig(port=0))
    app = build(config, load_character_spec(characters / "default"), config_path=config_path,
              reapply=lambda c: dataclasses.replace(c, link=LinkConfig(port=0), http_api=HttpApiConfig(port=0)))

    def edit(path, text: str) -> None:
        path.write_text(text, encoding="utf-8")
        stamp = time.time() + 2  # a clearly newer mtime, whatever the clock's resolution
        import os
        os.utime(path, (stamp, stamp))

    def drive(app: Runtime) -> None:
        edit(config_path, "overlays: {size: 44}\n")
        wait_for(lambda: app.config.overlays.size == 44, timeout=10, what="the good config edit applied")
        character_yaml = characters / "default" / "character.yaml"
        edit(character_yaml, character_yaml.read_text(encoding="utf-8").replace("name: Kotone", "name: Kotone Two"))
        wait_for(lambda: app.character.name == "Kotone Two", timeout=10, what="the character edit applied")
        assert pygame.display.get_caption()[0] == "kuchipaku - Kotone Two"
        edit(config_path, "overlays: {size: huge}\n")
        wait_for(lambda: any(t.text.startswith("Not reloaded") for t in app.toasts.toasts), timeout=10,
                 what="the broken edit reported")
        assert app.config.overlays.size == 44  # the old settings are kept
        edit(config_path, "overlays: {size: 40}\n")
        wait_for(lambda: app.config.overlays.size == 40, timeout=10, what="the config mended")
        edit(character_yaml, "name: [broken\n")
        wait_for(lambda: any("character.yaml" in t.text and t.text.startswith("Not reloaded")
                             for t in app.toasts.toasts), timeout=10, what="the broken character reported")
        assert app.character.name == "Kotone Two"

    run_app(app, drive)
