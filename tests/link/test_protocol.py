"""Every v1 rule and every error code of the pure protocol module, on plain strings."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.link.messages import Block
from engine.link.protocol import ErrorCode, ProtocolError, parse_frame
from engine.link.replies import Replies
from engine.vocabulary import Role

error_reply = Replies.error
warning_reply = Replies.warning


def frame(**fields) -> str:
    return json.dumps(fields)


SEED = frame(text="Hello! How are you?", role="assistant", emotion="happy", type="message")


def test_seed_message():
    parsed = parse_frame(SEED)
    message = parsed.message
    assert (message.text, message.role, message.emotion, message.block) == (
        "Hello! How are you?", "assistant", "happy", Block.APPEND)
    assert message.spoken and message.presentation is Role.SPEECH
    assert message.message_id is None and parsed.warnings == ()


@pytest.mark.parametrize("fields, emotion", [
    ({}, "neutral"),
    ({"emotion": None}, "neutral"),
    ({"emotion": "HAPPY"}, "happy"),
    ({"emotion": " Sad "}, "sad"),
    ({"emotion": "angry"}, "angry"),
    ({"emotion": "relaxed"}, "relaxed"),
    ({"emotion": "Surprised"}, "surprised"),
])
def test_emotions_default_and_case(fields, emotion):
    parsed = parse_frame(frame(text="x", role="assistant", **fields))
    assert parsed.message.emotion == emotion and parsed.warnings == ()


@pytest.mark.parametrize("bad", ["furious", "", 3, ["happy"], {"a": 1}, True])
def test_unknown_emotion_is_spoken_neutral_with_a_warning(bad):
    parsed = parse_frame(frame(text="x", role="assistant", emotion=bad))
    assert parsed.message.emotion == "neutral" and parsed.message.spoken
    assert [w.field for w in parsed.warnings] == ["emotion"]
    reply = json.loads(warning_reply(parsed.warnings[0]))
    assert reply["type"] == "warning" and reply["code"] == "bad_field" and reply["field"] == "emotion"


@pytest.mark.parametrize("kind, block", [
    ("start", Block.START), ("END", Block.END), ("end", Block.END), ("message", Block.APPEND),
    ("", Block.APPEND), ("talk", Block.APPEND), (None, Block.APPEND),
])
def test_types(kind, block):
    fields = {"text": "x", "role": "assistant"}
    if kind is not None:
        fields["type"] = kind
    assert parse_frame(frame(**fields)).message.block is block


@pytest.mark.parametrize("role, presentation, warned", [
    ("assistant", Role.SPEECH, False),
    ("user", Role.QUESTION, False),
    ("code", Role.PANEL, False),
    ("output", Role.PANEL, False),
    ("executing", Role.PANEL, False),
    ("console", Role.PANEL, False),
    ("system", Role.PLAIN, True),
    ("narrator", Role.PLAIN, True),
])
def test_roles(role, presentation, warned):
    parsed = parse_frame(frame(text="x", role=role))
    assert parsed.message.presentation is presentation
    assert parsed.message.spoken == (role == "assistant")
    assert bool(parsed.warnings) == warned


@pytest.mark.parametrize("value, expected", [("abc", "abc"), (42, "42"), (True, None), (None, None),
                                             ([1], None), ("", None)])
def test_message_ids(value, expected):
    assert parse_frame(frame(text="x", role="assistant", id=value)).message.message_id == expected


def test_unknown_fields_are_ignored_and_an_image_is_carried():
    parsed = parse_frame(frame(text="x", role="assistant", image="data:image/png;base64,iVBORw0KGgo=",
                               extra={"a": [1, 2]}))
    assert parsed.message.text == "x" and parsed.warnings == ()
    assert parsed.message.image == "data:image/png;base64,iVBORw0KGgo="


@pytest.mark.parametrize("image, why", [
    ("data:...", "base64 of an image/* type"),
    ("file:///etc/passwd", "not 'file'"),
    ("javascript:alert(1)", "not 'javascript'"),
    ("data:text/html;base64,PGI+", "base64 of an image/* type"),
    ("https://x/" + "a" * 3000, "longer than 2048"),
    (["https://x/a.png"], "must be a string"),
])
def test_a_bad_image_is_a_warning_and_the_text_is_still_spoken(image, why):
    parsed = parse_frame(frame(text="Look!", role="assistant", image=image))
    assert parsed.message.text == "Look!" and parsed.message.spoken and parsed.message.image is None
    assert [w.field for w in parsed.warnings] == ["image"] and why in parsed.warnings[0].message


def test_an_image_over_the_size_cap_is_refused_without_decoding():
    big = "data:image/png;base64," + "A" * 4000
    assert parse_frame(frame(text="x", role="assistant", image=big), max_image_bytes=1024).message.image is None
    assert parse_frame(frame(text="x", role="assistant", image=big), max_image_bytes=4000).message.image == big
    url = "https://example.com/cat.png?size=2"
    assert parse_frame(frame(text="x", role="assistant", image=url)).message.image == url


def test_empty_text_is_accepted_for_block_markers():
    assert parse_frame(frame(text="", role="assistant", type="end")).message.block is Block.END


@pytest.mark.parametrize("raw, code, fragment", [
    ("not json", ErrorCode.INVALID_JSON, "Expecting value at column 1"),
    ("", ErrorCode.INVALID_JSON, "frame is not valid JSON"),
    ('{"text": "x", "role": "assistant"', ErrorCode.INVALID_JSON, "frame is not valid JSON"),
    ('{"text": NaN, "role": "assistant"}', ErrorCode.INVALID_JSON, "NaN is not allowed"),
    ('{"text": "x", "role": "assistant", "n": Infinity}', ErrorCode.INVALID_JSON, "Infinity"),
    ("[" * 2000 + "]" * 2000, ErrorCode.INVALID_JSON, "frame is not valid JSON"),
    ("1" * 5000, ErrorCode.INVALID_JSON, "frame is not valid JSON"),
    ("[1, 2]", ErrorCode.NOT_AN_OBJECT, "not an array"),
    ('"text"', ErrorCode.NOT_AN_OBJECT, "not a string"),
    ("null", ErrorCode.NOT_AN_OBJECT, "not null"),
    ("3", ErrorCode.NOT_AN_OBJECT, "not a number"),
    (frame(role="assistant"), ErrorCode.MISSING_FIELD, "'text' is required"),
    (frame(text="x"), ErrorCode.MISSING_FIELD, "'role' is required"),
    (frame(text=5, role="assistant"), ErrorCode.BAD_FIELD, "'text' must be a string, not a number"),
    (frame(text=None, role="assistant"), ErrorCode.BAD_FIELD, "not null"),
    (frame(text="x", role=["assistant"]), ErrorCode.BAD_FIELD, "'role' must be a string"),
    (frame(text="x", role="assistant", type=1), ErrorCode.BAD_FIELD, "'type' must be a string"),
    (frame(text="bell\x07", role="assistant"), ErrorCode.BAD_FIELD, "control characters"),
    ('{"text": "\\ud800", "role": "assistant"}', ErrorCode.BAD_FIELD, "lone surrogate"),
    (frame(text="x" * 2001, role="assistant"), ErrorCode.TOO_LONG, "2001 characters; the limit is 2000"),
    (frame(version="2", type="chat.delta"), ErrorCode.MISSING_FIELD, "'payload.text' is required"),
    (frame(version="2", type="weather.report"), ErrorCode.UNKNOWN_TYPE, "unknown v2 event type 'weather.report'"),
    (frame(version="2"), ErrorCode.MISSING_FIELD, "'type' is required in a v2 event"),
    (frame(version="2", type=5), ErrorCode.BAD_FIELD, "'type' must be a string"),
    (frame(version="2", type="chat.delta", payload=[1]), ErrorCode.BAD_FIELD, "'payload' must be an object"),
    (frame(version="2", type="chat.delta", payload={"text": 1}), ErrorCode.BAD_FIELD, "'text' must be a string"),
    (frame(version="2", type="chat.delta", payload={"text": "x" * 2001}), ErrorCode.TOO_LONG, "limit is 2000"),
])
def test_errors(raw, code, fragment):
    with pytest.raises(ProtocolError) as refused:
        parse_frame(raw)
    assert refused.value.code is code
    assert fragment in refused.value.message
    reply = json.loads(error_reply(refused.value.code, refused.value.message))
    assert reply == {"type": "error", "code": str(code), "message": refused.value.message}


def test_text_length_limit_is_configurable():
    assert parse_frame(frame(text="x" * 10, role="assistant"), max_text_length=10).message.text == "x" * 10
    with pytest.raises(ProtocolError) as refused:
        parse_frame(frame(text="x" * 11, role="assistant"), max_text_length=10)
    assert refused.value.code is ErrorCode.TOO_LONG


def test_newlines_and_tabs_are_not_control_errors():
    assert parse_frame(frame(text="a\nb\tc", role="assistant")).message.text == "a\nb\tc"


def test_error_codes_are_the_documented_ones():
    assert {str(c) for c in ErrorCode} == {"invalid_json", "not_an_object", "missing_field", "bad_field",
                                           "too_long", "queue_full", "rate_limited", "unauthorized",
                                           "unknown_type", "bad_audio", "unknown_character"}


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                           max_leaves=20)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), json_values.map(lambda v: json.dumps(v)),
                 st.dictionaries(st.sampled_from(["text", "role", "emotion", "type", "id", "version"]),
                                 json_values).map(json.dumps)))
def test_no_input_raises_anything_but_a_coded_error(raw):
    try:
        parsed = parse_frame(raw)
    except ProtocolError as err:
        assert err.code in ErrorCode
        json.loads(error_reply(err.code, err.message))
    else:
        assert isinstance(parsed.message.text, str)
        parsed.message.text.encode("utf-8")  # showable and speakable
