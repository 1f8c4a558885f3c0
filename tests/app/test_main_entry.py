"""The features a user reaches through main.py, run as the user runs them: a
subprocess, observed from outside (its window's pixels on a real X display,
its log, its exit code)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest

from support.timing import scaled, wait_for
from support.xvfb import ROOT, Running, VirtualDisplay, base_config, needs_x, press_key


def corner(display: VirtualDisplay) -> tuple[int, int, int]:
    return tuple(int(v) for v in display.pixels()[4, 4])


@needs_x
def test_editing_config_yaml_while_running_changes_the_window(tmp_path, display):
    config = base_config()
    program = Running(tmp_path, display, config)
    try:
        program.wait_for_log(r"listening on ws://")
        wait_for(lambda: corner(display) == (0, 255, 0), what="the green stage in the window")
        config["window"]["background"] = "#0000FF"
        program.write_config(config)
        edited = time.monotonic()
        # The file is polled once a second: the window shows the edit within about a second.
        wait_for(lambda: corner(display) == (0, 0, 255), timeout=2.5, interval=0.01,
                 what="the window turning blue after the edit")
        took = time.monotonic() - edited
        program.wait_for_log(re.escape(f"reloaded {program.config_path} and character"))
        assert took < scaled(2.5)
    finally:
        assert program.stop() == 0


@needs_x
def test_r_rereads_the_config_file(tmp_path, display):
    config = base_config()
    program = Running(tmp_path, display, config)
    try:
        program.wait_for_log(r"listening on ws://")
        wait_for(lambda: corner(display) == (0, 255, 0), what="the stage drawn")
        press_key(display, (20, 20), "r")
        program.wait_for_log(r"key: reload")
        program.wait_for_log(re.escape(f"reloaded {program.config_path} and character Kotone"))
        assert "(no config file)" not in program.log()
    finally:
        assert program.stop() == 0


def test_each_say_line_keeps_its_own_emotion(program):
    running = program("--say", "One, happy.", "--emotion", "happy", "--say", "Two, sad.", "--emotion", "sad",
                      "--say", "Three, plain.")
    running.wait_for_log(r"speaking \(happy, [^)]*\): 'One, happy\.'")
    running.wait_for_log(r"speaking \(sad, [^)]*\): 'Two, sad\.'")
    running.wait_for_log(r"speaking \(neutral, [^)]*\): 'Three, plain\.'")
    assert running.stop() == 0


def test_an_emotion_before_any_say_applies_to_every_line(program):
    running = program("--emotion", "angry", "--say", "First.", "--say", "Second.")
    running.wait_for_log(r"speaking \(angry, [^)]*\): 'First\.'")
    running.wait_for_log(r"speaking \(angry, [^)]*\): 'Second\.'")
    assert running.stop() == 0


def test_an_unknown_emotion_on_any_line_is_refused_with_one_line():
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--say", "A.", "--say", "B.", "--emotion", "smug"],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=scaled(60))
    assert done.returncode == 2
    assert "--emotion" in done.stderr and "smug" in done.stderr and len(done.stderr.strip().splitlines()) == 1


@needs_x
@pytest.mark.parametrize("flag", ["--fullscreen", "--windowed"])
def test_fullscreen_and_windowed(tmp_path, display, flag):
    config = base_config()
    config["window"]["fullscreen"] = flag == "--windowed"  # the flag wins over the file
    program = Running(tmp_path, display, config, flag)
    try:
        program.wait_for_log(r"listening on ws://")
        far_corner = (display.size[1] - 5, display.size[0] - 5)
        expected = (0, 255, 0) if flag == "--fullscreen" else (0, 0, 0)  # the stage, or the bare X root
        wait_for(lambda: corner(display) == (0, 255, 0)
                 and tuple(int(v) for v in display.pixels()[far_corner]) == expected,
                 what=f"the stage filling {'the whole screen' if flag == '--fullscreen' else 'only its window'}")
    finally:
        assert program.stop() == 0


@pytest.mark.parametrize("flag", ["-q", "--quiet"])
def test_quiet_logs_warnings_only(tmp_path, flag):
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), flag, "--record", str(tmp_path / "rec"),
                           "--say", "Hi."], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          timeout=scaled(120), env={**os.environ, "SDL_VIDEODRIVER": "dummy"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("recorded ")
    assert " INFO " not in done.stderr


def test_every_flag_in_help_is_run_by_some_test():
    """A flag that --help offers must be exercised through main.py somewhere in
    the tests: a new flag without a test fails here."""
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--help"], capture_output=True, text=True,
                          timeout=scaled(60))
    assert done.returncode == 0
    flags = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+|-[a-z])\b", done.stdout)) - {"-h", "--help"}
    assert {"--config", "--say", "--emotion", "--record", "--snapshot-dir"} <= flags
    tests = "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "tests").rglob("test_*.py")
)
    untested = sorted(flag for flag in flags if f'"{flag}"' not in tests)
    assert not untested, f"flags in --help that no test passes to main.py: {untested}"
