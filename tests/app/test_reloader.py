"""The file watcher behind hot reload, on real files in a temporary folder."""
from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest

from engine.app.reloader import POLL_S, Reloader
from engine.settings.config import Config, load_config
from engine.settings.validate import ConfigError
from engine.stage.character import load_character_spec

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "characters" / "default", tmp_path / "characters" / "default")
    shutil.copy(ROOT / "config.yaml", tmp_path / "config.yaml")
    return tmp_path


def touch_later(path: Path) -> None:
    """Change the file's modification time for certain, however coarse the filesystem's clock."""
    stamp = os.stat(path).st_mtime_ns + 2_000_000_000
    os.utime(path, ns=(stamp, stamp))


def test_nothing_changed_means_no_reload(folder):
    reloader = Reloader(folder / "config.yaml", load_character_spec(folder / "characters" / "default"))
    assert not reloader.changed(0.0)
    assert not reloader.changed(10.0)


def test_an_edit_is_seen_at_the_next_poll_not_before(folder):
    reloader = Reloader(folder / "config.yaml", load_character_spec(folder / "characters" / "default"))
    assert not reloader.changed(100.0)  # polled now; the next poll is POLL_S later
    touch_later(folder / "config.yaml")
    assert not reloader.changed(100.0 + POLL_S / 2)
    assert reloader.changed(100.0 + POLL_S)


@pytest.mark.parametrize("edited", ["character.yaml", "body.png"])
def test_the_character_files_are_watched_too(folder, edited):
    character = folder / "characters" / "default"
    reloader = Reloader(folder / "config.yaml", load_character_spec(character))
    touch_later(character / edited)
    assert reloader.changed(0.0)


def test_load_reads_the_file_and_reapplies_the_command_line(folder):
    path = folder / "config.yaml"
    reloader = Reloader(path, load_character_spec(folder / "characters" / "default"))
    path.write_text(path.read_text(encoding="utf-8").replace("size: 30", "size: 44"), encoding="utf-8")
    loaded = reloader.load(Config(), lambda config: dataclasses.replace(config, character="default"))
    assert loaded.config.overlays.size == 44
    assert loaded.config == load_config(path)
    assert loaded.character.name == "Kotone"
    assert not reloader.changed(1e9)  # loading took the new stamps


def test_a_broken_edit_raises_once_and_is_not_reported_every_second(folder):
    path = folder / "config.yaml"
    reloader = Reloader(path, load_character_spec(folder / "characters" / "default"))
    path.write_text("window: [not, a, mapping\n", encoding="utf-8")
    touch_later(path)
    assert reloader.changed(0.0)
    with pytest.raises(ConfigError):
        reloader.load(Config(), lambda config: config)
    assert not reloader.changed(10.0)


def test_without_a_config_file_only_the_character_is_reread(folder):
    reloader = Reloader(None, load_character_spec(folder / "characters" / "default"))
    current = Config()
    loaded = reloader.load(current, lambda config: pytest.fail("no file: nothing to reapply"))
    assert loaded.config is current


def test_on_a_duo_stage_the_other_characters_files_are_watched_and_reread(folder):
    shutil.copytree(ROOT / "characters" / "hibiki", folder / "characters" / "hibiki")
    config_path = folder / "config.yaml"
    config_path.write_text(config_path.read_text(encoding="utf-8") + """
stage:
  characters:
    - {name: Kotone, folder: default, anchor: bottom-left, default: true}
    - {name: Hibiki, folder: hibiki, anchor: bottom-right, facing: left}
""", encoding="utf-8")
    hibiki = load_character_spec(folder / "characters" / "hibiki")
    reloader = Reloader(config_path, load_character_spec(folder / "characters" / "default"), {"Hibiki": hibiki})
    assert not reloader.changed(0.0)
    sheet = next(iter(hibiki.sheets.values())).file
    touch_later(sheet)
    assert reloader.changed(POLL_S)
    loaded = reloader.load(load_config(config_path), lambda config: config)
    assert loaded.character.folder.name == "default"
    assert list(loaded.others) == ["Hibiki"] and loaded.others["Hibiki"].folder.name == "hibiki"
    assert not reloader.changed(2 * POLL_S)  # the new stamps are the ones now watched
    touch_later(folder / "characters" / "hibiki" / "character.yaml")
    assert reloader.changed(3 * POLL_S)
