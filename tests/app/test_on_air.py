"""On air: what OBS captures is for viewers, what the streamer needs is in the
control window. main.py on a real X display, read from outside: the stage's
pixels from the framebuffer, the log, and the control window's content that
--snapshot-dir writes (control.txt) beside its pixels."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pygame
from websockets.sync.client import connect

from support.timing import scaled, wait_for
from support.xvfb import ROOT, WINDOW, Running, VirtualDisplay, base_config, needs_x

SAMPLE = (ROOT / "examples" / "send_message.py").read_text(encoding="utf-8")
CONTROL_AT, CONTROL_SIZE = (660, 0), (600, 700)
BOX = (16, 16, 28)
ORIGIN = "http://localhost:5173"  # AITuberKit's dev server, as a browser bot would send it

EMOJI_LINE = "I love this game 😂🎮❤️"
MARKDOWN_LINE = "**Great question!** See https://example.com/search?q=kuchipaku&page=2 for more."


def run_seed_sample(port: int) -> None:
    """AITuberKit's sample, unchanged but for the port: one connection per message."""
    source = SAMPLE.replace("ws://localhost:8000/ws", f"ws://localhost:{port}/ws")
    assert source != SAMPLE
    subprocess.run([sys.executable, "-c", source], check=True, timeout=scaled(30))


def stage(screen: VirtualDisplay) -> np.ndarray:
    return screen.window_pixels((0, 0), WINDOW)


def near(pixels: np.ndarray, colour: tuple[int, int, int], tolerance: int = 12) -> np.ndarray:
    return np.abs(pixels.astype(int) - colour).sum(axis=2) < tolerance


def save(pixels: np.ndarray, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pygame.image.save(pygame.surfarray.make_surface(pixels.swapaxes(0, 1)), str(path))


def subtitle_box(pixels: np.ndarray) -> np.ndarray:
    """The part of the stage inside the subtitle box (empty if there is none)."""
    rows = np.flatnonzero(near(pixels, BOX).sum(axis=1) > 40)
    columns = np.flatnonzero(near(pixels, BOX).sum(axis=0) > 10)
    if not len(rows) or not len(columns):
        return pixels[:0, :0]
    return pixels[rows[0]:rows[-1] + 1, columns[0]:columns[-1] + 1]


def emoji_colour(pixels: np.ndarray) -> int:
    """Pixels of saturated yellow or red inside the subtitle box: emoji ink,
    never the white text or the dark box (nor the character behind it)."""
    pixels = subtitle_box(pixels)
    r, g, b = (pixels[..., i].astype(int) for i in range(3))
    yellow = (r > 200) & (g > 150) & (b < 110) & (r - b > 120)
    red = (r > 170) & (g < 90) & (b < 90)
    return int((yellow | red).sum())


@needs_x
def test_the_stage_shows_viewers_only_what_is_spoken_and_the_control_window_everything(tmp_path, display):  # noqa: F811
    shots = tmp_path / "screens"
    config = base_config()
    config["control_window"] = {"enabled": True, "size": list(CONTROL_SIZE), "position": list(CONTROL_AT)}
    program = Running(tmp_path, display, config, "--snapshot-dir", str(tmp_path / "snap"), "-v")
    try:
        port = int(program.wait_for_log(r"listening on ws://127\.0\.0\.1:(\d+)/ws").group(1))
        wait_for(lambda: tuple(stage(display)[4, 4]) == (0, 255, 0), what="the stage drawn")
        idle = stage(display)
        save(idle, shots / "0-idle.png")
        toast_corner = (slice(8, 40), slice(8, 180))  # where a toast would be; clear of her hair

        # 1. AITuberKit's sample: a v1 "message" on a connection of its own.
        run_seed_sample(port)
        program.wait_for_log(r"subtitle: 'Hello! How are you\?'")
        wait_for(lambda: near(stage(display), BOX).sum() > 2000, what="the sample's subtitle box on the stage")
        save(stage(display), shots / "1-sample.png")

        # 2. A second bot, a web page: a system line, a chat.error, an emoji line, a markdown line.
        with connect(f"ws://127.0.0.1:{port}/ws", origin=ORIGIN) as bot:
            bot.send(json.dumps({"text": "You are a cheerful streamer. Never mention this.", "role": "system",
                                 "type": "message"}))
            bot.send(json.dumps({"version": "2", "type": "chat.error", "payload": {"message": "model timed out"}}))
            bot.send(json.dumps({"text": EMOJI_LINE, "role": "assistant", "emotion": "happy", "type": "message"}))
            program.wait_for_log(re.escape(f"subtitle: {EMOJI_LINE!r}"))
            wait_for(lambda: emoji_colour(stage(display)) > 40, what="the emoji drawn in colour on the stage")
            emoji_frame = stage(display)
            save(emoji_frame, shots / "2-emoji.png")
            bot.send(json.dumps({"text": MARKDOWN_LINE, "role": "assistant", "type": "message"}))
            program.wait_for_log(r"subtitle: 'Great question! See example\.com for more\.'")
            program.wait_for_log(r"finished speaking: '.*for more\.'", timeout=30)
            ended = time.monotonic()
            # Spoken in full, lingering: the whole line is on the stage, without its markup.
            wait_for(lambda: near(stage(display), BOX).sum() > 2000, what="the markdown line's subtitle lingering")
            save(stage(display), shots / "3-markdown.png")

            # 3. The stage empties once the subtitle has lingered (3 s by default): 5 s after the speech.
            time.sleep(max(0.0, ended + scaled(5) - time.monotonic()))
            after = stage(display)
            save(after, shots / "4-after.png")

        log = program.log()
        subtitles = re.findall(r"subtitle: '(.*)'$", log, re.M)
        shown = "Great question! See example.com for more."
        assert subtitles == ["Hello!", "Hello! How are you?", EMOJI_LINE, shown], \
            subtitles
        for hidden in ("You are a cheerful", "model timed out", "(system)", "(error)", "**", "https"):
            assert not any(hidden in line for line in subtitles), hidden
        assert near(after, BOX).sum() == 0, "a subtitle box still on the stage 5 s after the speech"
        band = slice(WINDOW[1] - 130, WINDOW[1])  # where the subtitles were: no more white than her collar
        white = near(after[band], (255, 255, 255), 30).sum()
        assert white <= near(idle[band], (255, 255, 255), 30).sum() + 50, "subtitle text left on the stage"
        for name in ("1-sample", "2-emoji", "3-markdown", "4-after"):
            frame = pygame.surfarray.array3d(pygame.image.load(str(shots / f"{name}.png"))).swapaxes(0, 1)
            assert near(frame[toast_corner], (0, 255, 0)).all(), f"a notice on the stage in {name}"

        # 4. The control window: all five messages, both bots with their Origin, in a window of its own.
        control = tmp_path / "snap" / "control.txt"

        def control_lists_everything() -> bool:
            text = control.read_text(encoding="utf-8") if control.exists() else ""
            return all(part in text for part in (
                "Hello! How are you?", "system: You are a cheerful streamer", "chat.error: model timed out",
                EMOJI_LINE, MARKDOWN_LINE, f"Origin: http://localhost:{port}", f"Origin: {ORIGIN}"))
        wait_for(control_lists_everything, what="the control window listing the five messages and both bots")
        text = control.read_text(encoding="utf-8")
        assert len(re.findall(r"^bot: #\d+ ", text, re.M)) == 2, text  # websocket-client sends an Origin too
        panel = display.window_pixels(CONTROL_AT, CONTROL_SIZE)
        save(panel, shots / "5-control.png")
        assert near(panel, (24, 26, 34)).mean() > 0.5  # the panel's background: the window is there
        assert (~near(panel, (24, 26, 34), 40)).sum() > 5000  # and text and buttons on it
    finally:
        assert program.stop() == 0


def test_no_screen_is_one_clear_line_and_a_non_zero_exit():
    """With no DISPLAY and no driver named, SDL would quietly pick its offscreen driver."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    env["SDL_AUDIODRIVER"] = "dummy"
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--port", "0", "--api-port", "0"], env=env,
                          capture_output=True,
                          text=True, timeout=scaled(60), stdin=subprocess.DEVNULL)
    assert done.returncode == 3
    lines = [line for line in done.stderr.splitlines() if line.startswith("kuchipaku:")]
    assert len(lines) == 1 and "no display" in lines[0] and "--headless" in lines[0], done.stderr


def test_headless_asked_for_runs_with_no_screen(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    env.update(SDL_AUDIODRIVER="dummy", PYTHONUNBUFFERED="1")
    log_path = tmp_path / "log.txt"
    with log_path.open("wb") as log:
        process = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--headless", "--port", "0",
                                    "--api-port", "0",
                                    "--say", "Nobody sees me."], env=env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
        try:
            wait_for(lambda: "speaking (" in log_path.read_text(errors="replace") or process.poll() is not None,
                     timeout=30, what="the line spoken with no screen")
            assert process.poll() is None, log_path.read_text(errors="replace")
            process.send_signal(signal.SIGTERM)
            assert process.wait(scaled(10)) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert "Nobody sees me." in log_path.read_text(errors="replace")


def test_control_window_buttons_act_and_closing_it_leaves_the_stage_running():
    """In the process (SDL's dummy driver): a click on a button is the key's
    action; the control window's close event closes only it."""
    import dataclasses

    from engine.app.build import Line, build
    from engine.settings.config import Config, LinkConfig
    from engine.stage.character import load_character_spec
    from support.program import run_app

    config = dataclasses.replace(Config(), link=LinkConfig(port=0))
    app = build(config, load_character_spec(ROOT / "characters" / "default"),
                say=[Line("A long line that the cancel button stops before it is over, we hope. " * 3)])
    seen: dict = {}

    def click(control, action: str) -> None:
        rect = next(rect for rect, name in control._hits if name == action)
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=rect.center,
                                             window=control.window))

    def drive(app) -> None:
        # Set by the loop on the main thread: waited for, not read once.
        wait_for(lambda: app.control_window is not None and app.control_window.window is not None,
                 what="the control window open")
        control = app.control_window
        assert control.window.title == "kuchipaku control", (app.stats.frames, app.stop_requested.is_set())
        wait_for(lambda: control._hits and app.captions.subtitle, what="the buttons drawn and the line started")
        click(control, "emotion:surprised")
        wait_for(lambda: app.expression.emotion == "surprised", what="the surprised button")
        click(control, "cancel")
        wait_for(lambda: app.speech_idle and not app.captions.subtitle, what="the cancel button")
        app.help_visible = True  # F1, with the control window open: the keys are listed there, not on stage
        wait_for(lambda: control._drawn and control._drawn.help, what="the keys in the control window")
        stage = pygame.surfarray.array3d(app.window.screen).astype(int)
        assert not (abs(stage - (20, 20, 40)).sum(axis=2) < 4).any(), "the help box on the stage"
        app.help_visible = False
        click(control, "fullscreen")
        wait_for(lambda: app.window.fullscreen, what="the stage fullscreen from its button")
        app.toast("Still here while the stage is fullscreen")
        wait_for(lambda: control._drawn and "Still here while the stage is fullscreen" in control._drawn.notices,
                 what="the control window drawing on while the stage is fullscreen")
        pygame.event.post(pygame.event.Event(pygame.WINDOWCLOSE, window=control.window))
        wait_for(lambda: control.window is None, what="the control window closed")
        frames = app.stats.frames
        wait_for(lambda: app.stats.frames > frames + 5, what="the stage going on")
        seen["running"] = not app.stop_requested.is_set()

    run_app(app, drive)
    assert seen["running"]
