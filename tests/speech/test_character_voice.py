"""A character's own voice in character.yaml: parsed by the stage package as
plain data, applied by the speech package."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.settings.config import VoiceConfig
from engine.settings.validate import ConfigError
from engine.speech.voices import with_character_voice
from engine.stage.character import CharacterVoice, load_character_spec

DEFAULT = Path(__file__).resolve().parents[2] / "characters" / "default"


def character_with(tmp_path: Path, voice_yaml: str) -> Path:
    folder = tmp_path / "mine"
    shutil.copytree(DEFAULT, folder)
    with (folder / "character.yaml").open("a", encoding="utf-8") as handle:
        handle.write(voice_yaml)
    return folder


def test_no_voice_section_leaves_the_config_voice(tmp_path):
    spec = load_character_spec(character_with(tmp_path, ""))
    assert spec.voice == CharacterVoice()
    voice = spec.voice
    assert with_character_voice(VoiceConfig(), voice.engine, voice.voice, voice.fallback) == VoiceConfig()


def test_a_character_names_engine_voice_and_fallback(tmp_path):
    spec = load_character_spec(character_with(tmp_path, "voice:\n  engine: kokoro-ja\n  voice: jf_nezumi\n"
                                                        "  fallback: [openjtalk, espeak-ng]\n"))
    assert spec.voice == CharacterVoice("kokoro-ja", "jf_nezumi", ("openjtalk", "espeak-ng"))
    voice = with_character_voice(VoiceConfig(), spec.voice.engine, spec.voice.voice, spec.voice.fallback)
    assert (voice.engine, voice.kokoro.voice, voice.fallback) == ("kokoro-ja", "jf_nezumi", ("openjtalk", "espeak-ng"))


@pytest.mark.parametrize("yaml_text, key", [
    ("voice:\n  engine: say\n", "voice.engine"),
    ("voice:\n  fallback: [espeak]\n", "voice.fallback"),
    ("voice:\n  speed: 2\n", "voice.speed"),
])
def test_a_bad_voice_section_names_file_and_key(tmp_path, yaml_text, key):
    with pytest.raises(ConfigError, match=rf"character.yaml: {key}: expected"):
        load_character_spec(character_with(tmp_path, yaml_text))
