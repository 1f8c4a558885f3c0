"""Regenerate the README's and the docs' images from the current code
(`make screenshots`); tests/test_screenshots.py fails when they are stale.

- docs/speaking.png: the stage as OBS captures it, through main.py's record
  mode (the frames the window would show), mid-sentence, with the subtitle.
- docs/control_window.png: the streamer's control window, drawn by the same
  panel code from a typical moment of a stream.
- docs/emotion_*.png, docs/default_sheet_labelled.png: authoring/label_sheets.py.
"""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"

HERO_LINE = "Good evening, everyone! Welcome to the **stream** 😊"
CONTROL_SIZE = (760, 720)


def hero(out: Path) -> None:
    """A frame of the record mode: mouth open, most of the line revealed."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([sys.executable, str(ROOT / "main.py"), "-q", "--record", folder, "--fps", "30",
                        "--say", HERO_LINE, "--emotion", "happy"], check=True, cwd=ROOT)
        with open(Path(folder) / "timeline.csv", newline="") as timeline:
            rows = list(csv.DictReader(timeline))
        spoken = [row for row in rows if row["mouth_shape"] != "closed"]
        late = [row for row in spoken if int(row["frame"]) >= int(spoken[-1]["frame"]) * 0.9]
        chosen = next(row for row in late if row["mouth_shape"] in ("open", "wide", "half"))
        shutil.copyfile(Path(folder) / "frames" / f"frame_{int(chosen['frame']):05d}.png", out)


def control_window(out: Path) -> None:
    import pygame

    from engine.overlay.control_panel import Button, ControlPanel, PanelSnapshot
    from engine.overlay.fonts import load_font
    from engine.vocabulary import EMOTIONS

    pygame.display.init()
    pygame.font.init()
    pygame.display.set_mode((1, 1))
    snapshot = PanelSnapshot(
        title="kuchipaku — Kotone — the stage is what OBS captures; this window is not",
        link_status="Connected", link_detail="listening on ws://127.0.0.1:8000/ws",
        bots=("#3 127.0.0.1:51812  Origin: http://localhost:3000  connected",
              "#2 127.0.0.1:51790  Origin: (none: a program)  left"),
        speaking="Good evening, everyone! Welcome to the stream 😊",
        waiting=("Today we are playing a puzzle game.",),
        voice="espeak-ng, last reply latency 0.21 s",
        problems=("20:14:07 error: The bot reported an error (chat.error): model timed out",
                  "20:13:55 warning: Refused a message: invalid_json"),
        messages=("20:14:09 #3 assistant [happy]: Today we are playing a puzzle game.",
                  "20:14:08 #3 assistant [happy]: Good evening, everyone! Welcome to the **stream** 😊",
                  "20:14:07 #3 chat.error: model timed out",
                  "20:14:02 #3 system: You are Kotone, a cheerful streamer.",
                  "20:13:58 #2 assistant [happy]: Hello! How are you?"),
        notices=(),
        buttons=(Button("Cancel (Esc)", "cancel"), Button("Test line (T)", "test_line"),
                 *(Button(emotion, f"emotion:{emotion}", emotion == "happy") for emotion in EMOTIONS),
                 Button("Hide subtitles (H)", "overlays"), Button("Reload (R)", "reload"),
                 Button("Stage fullscreen (F11)", "fullscreen")))
    surface = pygame.Surface(CONTROL_SIZE)
    ControlPanel(load_font("noto-sans-cjk-jp", 20), load_font("noto-sans-cjk-jp", 15)).draw(surface, snapshot)
    pygame.image.save(surface, str(out))
    pygame.quit()


def main(argv: list[str]) -> int:
    """No argument: rewrite docs/. ``--out DIR``: write the two app images to DIR
    instead (what the staleness test compares with docs/)."""
    if argv[:1] == ["--out"] and len(argv) == 2:
        out = Path(argv[1])
        out.mkdir(parents=True, exist_ok=True)
        hero(out / "speaking.png")
        control_window(out / "control_window.png")
        return 0
    docs = ROOT / "docs"
    hero(docs / "speaking.png")
    control_window(docs / "control_window.png")
    subprocess.run([sys.executable, str(ROOT / "authoring" / "label_sheets.py")], check=True, cwd=ROOT)
    print(f"wrote {docs / 'speaking.png'}, {docs / 'control_window.png'} and the character sheets' images")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
