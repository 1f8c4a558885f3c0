"""Issue 13 through main.py without a real screen: the duo recorded (record
mode goes through build()), --say lines with --character, the HTTP API's
receivers, and the two voices. Observed from outside: frames, log, replies."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pygame

from engine.app.cast import load_cast, voices_of
from engine.settings.config import Config, with_overrides
from engine.speech.worker import SynthRequest, synthesize
from support.http_client import get, post
from support.timing import scaled

ROOT = Path(__file__).resolve().parents[2]
# The mouths on a 1280x720 --duo stage (see tests/app/test_duo_stage.py), padded for motion.
MOUTHS = {"Kotone": (80 + 187, 144 + 266), "Hibiki": (739 + 188, 144 + 266)}


def redness(pixels: np.ndarray, name: str) -> int:
    x, y = MOUTHS[name]
    region = pixels[y - 20:y + 78, x - 20:x + 106].astype(int)
    r, g, b = region[..., 0], region[..., 1], region[..., 2]
    return int(((r > 100) & (r < 230) & (g < 90) & (b < 110)).sum())


def test_record_mode_records_the_duo_with_each_line_on_its_speakers_mouth(tmp_path):
    out = tmp_path / "rec"
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--duo", "--record", str(out),
                           "--say", "Hello, I am Kotone, nice to meet you.",
                           "--say", "And I am Hibiki, nice to meet you too.", "--character", "hibiki"],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=scaled(300),
                          env={"SDL_VIDEODRIVER": "dummy", **__import__("os").environ})
    assert done.returncode == 0, done.stderr
    said = re.findall(r"speaking \((Kotone|Hibiki), voice ([^,]+), [^)]*\): '([^']*)'", done.stderr)
    assert [(who, text[:9]) for who, _, text in said] == [("Kotone", "Hello, I "), ("Hibiki", "And I am ")]
    frames = sorted((out / "frames").glob("frame_*.png"))
    pixels = [np.transpose(pygame.surfarray.array3d(pygame.image.load(str(f))), (1, 0, 2)) for f in frames]
    kotone = np.array([redness(p, "Kotone") for p in pixels])
    hibiki = np.array([redness(p, "Hibiki") for p in pixels])
    closed_k, closed_h = kotone[0], hibiki[0]
    k_open = kotone > 1.8 * closed_k + 40
    h_open = hibiki > 1.8 * closed_h + 40
    assert k_open.any() and h_open.any(), "both characters speak in the recording"
    assert not (k_open & (hibiki > 1.4 * closed_h + 20)).any(), "Hibiki's mouth moved while Kotone spoke"
    assert not (h_open & (kotone > 1.4 * closed_k + 20)).any(), "Kotone's mouth moved while Hibiki spoke"
    assert np.flatnonzero(k_open).max() < np.flatnonzero(h_open).min(), "Kotone's line first, then Hibiki's"


def test_a_say_line_for_a_character_not_on_stage_is_refused_with_one_line():
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--duo", "--say", "Hi.", "--character", "nobody"],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=scaled(60),
                          env={"SDL_VIDEODRIVER": "dummy", **__import__("os").environ})
    assert done.returncode == 2
    assert "--character" in done.stderr and "nobody" in done.stderr and "Hibiki" in done.stderr


def test_the_http_api_lists_the_duo_and_speak_with_receiver_id_picks_the_speaker(program):
    app = program("--duo")
    status, answer = get(app.api_url + "/receivers")
    assert status == 200 and [r["receiverId"] for r in answer["receivers"]] == ["Kotone", "Hibiki"]
    status, answer = post(app.api_url + "/speak", {"text": "Hibiki speaking through the API.", "receiverId": "Hibiki"})
    assert status == 202 and answer["clientId"] == "Hibiki"
    status, answer = post(app.api_url + "/speak", {"text": "And Kotone, the default."})
    assert status == 202
    app.wait_for_log(r"speaking \(Hibiki, [^)]*\): 'Hibiki speaking through the API\.'")
    app.wait_for_log(r"speaking \(Kotone, [^)]*\): 'And Kotone, the default\.'")
    status, answer = post(app.api_url + "/speak", {"text": "Nobody.", "receiverId": "nobody"})
    assert status == 400 and answer["code"] == "unknown_character"
    assert app.stop() == 0


def test_each_character_speaks_with_her_own_voice():
    """The --duo voices, made as build() makes them (engine/app/cast.py voices_of), are real and not the same."""
    config = with_overrides(Config(), duo=True)
    voices = voices_of(config, load_cast(config, ROOT / "characters"))()
    text = "The same words in two voices."
    kotone = synthesize(voices, SynthRequest(1, text, "Kotone")).clip
    hibiki = synthesize(voices, SynthRequest(2, text, "Hibiki")).clip
    default = synthesize(voices, SynthRequest(3, text)).clip
    assert kotone is not None and hibiki is not None and default is not None
    pitch = {name: voice_pitch(clip.samples, clip.sample_rate)
             for name, clip in (("Kotone", kotone), ("Hibiki", hibiki), ("default", default))}
    assert abs(pitch["default"] - pitch["Kotone"]) < 0.03 * pitch["Kotone"], pitch  # no name: the default's voice
    assert abs(pitch["Hibiki"] - pitch["Kotone"]) > 0.1 * pitch["Kotone"], pitch


def voice_pitch(samples: np.ndarray, rate: int) -> float:
    """The median fundamental frequency of the loud 40 ms stretches (autocorrelation, 80-500 Hz)."""
    x, n, found = samples.astype(float), int(0.04 * rate), []
    for start in range(0, len(x) - n, n):
        piece = x[start:start + n]
        if np.abs(piece).max() < 3000:
            continue
        piece = piece - piece.mean()
        correlation = np.correlate(piece, piece, "full")[n - 1:]
        low, high = rate // 500, rate // 80
        found.append(rate / (low + int(np.argmax(correlation[low:high]))))
    return float(np.median(found))
