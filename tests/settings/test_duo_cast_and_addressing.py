"""Issue 13, pure parts: stage.characters in config.yaml, the character field
in both protocol generations, and resolving it against the stage's names."""
from __future__ import annotations

import json
import textwrap

import pytest

from engine.link.addressing import Addressing
from engine.link.protocol import ErrorCode, ProtocolError, parse_frame
from engine.settings.cast import aliases
from engine.settings.config import Config, load_config, with_overrides
from engine.settings.validate import ConfigError


def write(tmp_path, text: str):
    path = tmp_path / "config.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_config_without_characters_is_a_cast_of_one(tmp_path):
    config = load_config(write(tmp_path, """
        character: hibiki
        stage: {anchor: bottom-left, scale: 0.5}
    """))
    (only,) = config.cast
    assert (only.folder, only.anchor, only.scale, only.default) == ("hibiki", "bottom-left", 0.5, True)


def test_stage_characters_are_read_and_the_default_comes_first(tmp_path):
    config = load_config(write(tmp_path, """
        stage:
          characters:
            - {name: Kotone, folder: default, anchor: bottom-left, offset: [40, -10], scale: 0.8}
            - {name: Hibiki, folder: hibiki, facing: left, voice: en-gb+f4, colour: "#88ccff", default: true,
               turn_px: 10}
    """))
    assert [member.name for member in config.cast] == ["Hibiki", "Kotone"]
    hibiki, kotone = config.cast
    assert (kotone.offset, kotone.scale, kotone.facing) == ((40, -10), 0.8, "right")
    assert (hibiki.facing, hibiki.voice, hibiki.colour, hibiki.turn_px) == ("left", "en-gb+f4", (136, 204, 255), 10)


@pytest.mark.parametrize("characters, where, expected", [
    ("[{name: A, folder: default}, {name: a, folder: hibiki}]", "characters[1].name", "a name no other"),
    ("[{name: A, folder: default, anchor: middle}]", "characters[0].anchor", "one of bottom-center"),
    ("[{name: A, folder: default, facing: up}]", "characters[0].facing", "one of right, left"),
    ("[{name: A, folder: ../x}]", "characters[0].folder", "a character folder name"),
    ("[{folder: default}]", "characters[0]", "a mapping with at least name"),
    ("[{name: A, default: true}, {name: B, default: true}]", "characters", "at most one character"),
    ("[{name: A, colour: pink}]", "characters[0].colour", "a colour"),
    ("[{name: A, hair: red}]", "characters[0].hair", "one of the known keys"),
    ("{name: A}", "characters", "a list of characters"),
])
def test_a_bad_character_entry_names_the_file_the_key_and_what_was_expected(tmp_path, characters, where, expected):
    path = write(tmp_path, f"stage:\n  characters: {characters}\n")
    with pytest.raises(ConfigError) as bad:
        load_config(path)
    message = str(bad.value)
    assert message.startswith(f"{path}: stage.characters: expected ")
    assert expected in message and f"(at {where}" in message


def test_duo_flag_puts_kotone_and_hibiki_on_stage_and_character_picks_one():
    duo = with_overrides(Config(), duo=True)
    assert [(m.name, m.folder) for m in duo.cast] == [("Kotone", "default"), ("Hibiki", "hibiki")]
    assert duo.cast[0].voice != duo.cast[1].voice and duo.cast[0].facing != duo.cast[1].facing
    single = with_overrides(duo, character="hibiki")
    assert [m.folder for m in single.cast] == ["hibiki"]


def frame(**fields) -> str:
    return json.dumps(fields)


def test_the_parser_reads_the_character_field_in_both_generations():
    assert parse_frame(frame(text="hi", role="assistant", character=" Hibiki ")).message.character == "Hibiki"
    assert parse_frame(frame(text="hi", role="assistant")).message.character is None
    v2 = {"version": "2", "id": "e1", "type": "chat.delta", "payload": {"text": "hi", "character": "kotone"}}
    assert parse_frame(json.dumps(v2)).message.character == "kotone"
    for bad in (3, ["Hibiki"], "x" * 101, "a\x00b"):
        with pytest.raises(ProtocolError) as refused:
            parse_frame(frame(text="hi", role="assistant", character=bad))
        assert refused.value.code in (ErrorCode.BAD_FIELD, ErrorCode.TOO_LONG)


DUO = Addressing(aliases(with_overrides(Config(), duo=True).cast), "Kotone")


@pytest.mark.parametrize("named, speaker", [("Hibiki", "Hibiki"), ("HIBIKI", "Hibiki"), ("hibiki", "Hibiki"),
                                            ("default", "Kotone"), ("kotone", "Kotone"), (None, "Kotone")])
def test_a_name_or_folder_picks_the_speaker_and_none_picks_the_default(named, speaker):
    message = parse_frame(frame(text="hi", role="assistant", **({"character": named} if named else {}))).message
    assert DUO.resolve(message).character == speaker


def test_an_unknown_character_is_a_coded_error_and_a_room_speaks_as_its_character():
    message = parse_frame(frame(text="hi", role="assistant", character="nobody")).message
    with pytest.raises(ProtocolError) as refused:
        DUO.resolve(message)
    assert refused.value.code is ErrorCode.UNKNOWN_CHARACTER and "Hibiki" in refused.value.message
    plain = parse_frame(frame(text="hi", role="assistant")).message
    assert DUO.resolve(plain, room="Hibiki").character == "Hibiki"
    assert DUO.room("/ws", "/ws") is None
    assert DUO.room("/ws/hibiki", "/ws") == "Hibiki" and DUO.room("/ws/Kotone", "/ws") == "Kotone"
    assert DUO.room("/ws/nobody", "/ws") is False and DUO.room("/other", "/ws") is False


def test_on_a_single_character_stage_the_field_is_not_checked():
    single = Addressing(aliases(Config().cast), "default")
    message = parse_frame(frame(text="hi", role="assistant", character="nobody")).message
    assert single.resolve(message).character is None
    assert single.room("/ws/nobody", "/ws") is False


def test_stage_overlap_is_off_by_default_kept_by_duo_and_must_be_true_or_false(tmp_path):
    assert Config().stage.overlap is False
    config = load_config(write(tmp_path, "stage: {overlap: true}\n"))
    assert with_overrides(config, duo=True).stage.overlap is True
    with pytest.raises(ConfigError) as bad:
        load_config(write(tmp_path, "stage: {overlap: sometimes}\n"))
    assert "stage.overlap" in str(bad.value)
