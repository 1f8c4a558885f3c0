"""Issue 13's overlap option (stage.overlap: true): on a duo stage, the two
characters speak at once, each in her own voice, on her own mixer channel,
with her mouth driven only by her own sound. Observed from outside through
main.py: the screen's pixels on a real X display and the sound SDL's disk
driver heard; in record mode, the timeline, the frames and audio.wav."""
from __future__ import annotations

import csv
import os
import random
import re
import subprocess
import sys
import wave
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pygame
import yaml

from engine.app.cast import Cast, load_cast, make_performers
from engine.link.addressing import Addressing
from engine.settings.cast import aliases
from engine.settings.config import Config, with_overrides
from engine.speech.clip import clip_from_samples
from engine.speech.playback import PlaybackClock
from support.duo_stage import duo_config, duo_on_screen, lifecycle, redness
from support.timing import scaled
from support.xvfb import Running, base_config, needs_x

ROOT = Path(__file__).resolve().parents[2]
RATE = 22050  # the mixer's rate (engine/vocabulary.py AUDIO_RATE): SDL's disk driver writes it as is
KOTONE = "Good evening everyone, and welcome to our cooking stream tonight."
HIBIKI = "Hello hello, I am talking over her again, sorry about that."


def sound_span(samples: np.ndarray, rate: int = RATE) -> float:
    """Seconds from the first to the last 20 ms window with speech in it."""
    window = rate // 50
    frames = samples[: len(samples) // window * window].astype(np.float64).reshape(-1, window)
    loud = np.flatnonzero(np.sqrt((frames ** 2).mean(axis=1)) > 300)
    return (loud[-1] - loud[0] + 1) * window / rate if len(loud) else 0.0


def durations(log: str) -> dict[str, float]:
    """How long each character's sentences last in all (from the log's "speaking" lines)."""
    total: dict[str, float] = {}
    for who, seconds in re.findall(r"speaking \((Kotone|Hibiki), [^)]*?, ([\d.]+) s[,)]", log):
        total[who] = total.get(who, 0.0) + float(seconds)
    return total


@needs_x
def test_two_senders_at_once_both_mouths_move_in_the_same_screenshots_and_both_voices_sound(tmp_path, duo_display):
    config = duo_config()
    config["stage"]["overlap"] = True
    program = Running(tmp_path, duo_display, config, "--duo", audio_driver="disk")
    with duo_on_screen(program, duo_display) as duo:
        duo.kotone.send(text=KOTONE, role="assistant", id="k1")
        duo.hibiki.send(version="2", id="h1", type="chat.delta", requestId="h1",
                        payload={"text": HIBIKI, "role": "assistant", "character": "Hibiki"})
        k_start, _ = duo.kotone.wait(lifecycle("character.speech.start", "k1"), "Kotone started")
        h_start, _ = duo.hibiki.wait(lifecycle("character.speech.start", "h1"), "Hibiki started")
        k_done, k_reply = duo.kotone.wait(lifecycle("character.speech.done", "k1"), "Kotone spoken")
        h_done, h_reply = duo.hibiki.wait(lifecycle("character.speech.done", "h1"), "Hibiki spoken")
        assert (k_reply["payload"].get("character"), h_reply["payload"].get("character")) == ("Kotone", "Hibiki")
        assert max(k_start, h_start) < min(k_done, h_done), "one waited for the other to finish"
        samples = duo.screen.between(max(k_start, h_start), min(k_done, h_done))
        assert len(samples) >= 10, "too few screenshots while both spoke"
        closed = duo.closed
        both = [(k, h) for _, k, h in samples
                if k > 1.8 * closed["Kotone"] + 40 and h > 1.8 * closed["Hibiki"] + 40]
        assert len(both) >= 3, f"the two mouths were never open in the same screenshot: {samples}"
        log = program.log()
        said = durations(log)
        assert set(said) == {"Kotone", "Hibiki"} and log.count("audible") >= 2
    # Both voices at once: the sound lasts about as long as the longer line, not as both one after the other.
    heard = np.frombuffer(program.audio_path.read_bytes(), dtype="<i2")
    span = sound_span(heard)
    assert max(said.values()) * 0.8 < span < 0.8 * sum(said.values()), (span, said)


def test_record_mode_records_both_speaking_at_once_on_both_mouths_and_in_the_audio(tmp_path):
    config = base_config()
    config["window"]["size"] = [1280, 720]  # where MOUTHS are; --overlap turns stage.overlap on
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    out = tmp_path / "rec"
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--config", str(tmp_path / "config.yaml"),
                           "--duo", "--overlap", "--record", str(out), "--fps", "20",
                           "--say", KOTONE, "--character", "kotone", "--say", HIBIKI, "--character", "hibiki"],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=scaled(300),
                          env={**os.environ, "SDL_VIDEODRIVER": "dummy"})
    assert done.returncode == 0, done.stderr
    said = durations(done.stderr)
    assert set(said) == {"Kotone", "Hibiki"}
    with (out / "timeline.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    kotone = np.array([float(row["openness"]) for row in rows])
    hibiki = np.array([float(row["openness:Hibiki"]) for row in rows])
    together = np.flatnonzero((kotone > 0.3) & (hibiki > 0.3))
    assert len(together) >= 10, "the mouths never moved in the same frames"
    # The frames show it too: both mouths open in the same picture.
    frames = sorted((out / "frames").glob("frame_*.png"))
    pixels = [pygame.surfarray.array3d(pygame.image.load(str(frames[i]))).swapaxes(0, 1) for i in together[:10]]
    closed = pygame.surfarray.array3d(pygame.image.load(str(frames[-1]))).swapaxes(0, 1)
    assert any(redness(p, "Kotone") > 1.8 * redness(closed, "Kotone") + 40
               and redness(p, "Hibiki") > 1.8 * redness(closed, "Hibiki") + 40 for p in pixels)
    with wave.open(str(out / "audio.wav")) as wav:
        heard = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    span = sound_span(heard, wav.getframerate())
    assert max(said.values()) * 0.8 < span < 0.8 * sum(said.values()), (span, said)


def test_with_overlap_each_mouth_follows_her_own_clock_and_nobody_turns_while_both_speak():
    config = with_overrides(Config(), duo=True)
    specs = load_cast(config, ROOT / "characters")
    cast = Cast(make_performers(config, specs, random.Random(0)), Addressing(aliases(config.cast), "Kotone"),
                overlap=True)
    now = [0.0]
    tone = clip_from_samples((np.sin(np.arange(RATE * 2) / 5) * 16000).astype(np.int16), RATE)
    clocks = {name: PlaybackClock(lambda: now[0]) for name in ("Kotone", "Hibiki")}
    speech = SimpleNamespace(clock_for=lambda who: clocks[cast.named(who).name],
                             busy_for=lambda who: clocks[cast.named(who).name].clip is not None, busy=True)
    placed = [SimpleNamespace(home=(80, 144)), SimpleNamespace(home=(739, 144))]
    kotone, hibiki = cast.performers
    for name in clocks:
        clocks[name].start(tone)
        cast.started(name, "happy", now[0])
    for _ in range(10):
        now[0] += 0.05
        cast.animate(speech, 0.0, now[0], 0.05, placed)
    assert kotone.mouth.openness > 0.3 and hibiki.mouth.openness > 0.3
    assert kotone.turn == 0 and hibiki.turn == 0  # both speak: neither turns
    clocks["Hibiki"].stop()
    cast.silenced("Hibiki")
    assert cast.speaker is kotone
    for _ in range(10):
        now[0] += 0.05
        cast.animate(speech, 0.0, now[0], 0.05, placed)
    assert kotone.mouth.openness > 0.3 and hibiki.mouth.openness < 0.05
    assert hibiki.turn < 0  # she listens now, turned toward Kotone on her left
