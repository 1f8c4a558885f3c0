"""A real X display for the tests, and its pixels read from outside.

Xvfb writes its framebuffer to a file when started with ``-fbdir`` (XWD
format, memory-mapped), so a test sees exactly what a capture program such as
OBS would, with no screenshot tool and no help from the program under test.
"""
from __future__ import annotations

import os
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest
import yaml

from support.program import ROOT, Program
from support.timing import wait_for

XWD_HEADER = struct.Struct(">25I")


class VirtualDisplay:
    def __init__(self, size: tuple[int, int] = (1280, 720)) -> None:
        self.size = size
        self._folder = Path(tempfile.mkdtemp(prefix="kuchipaku-xvfb-"))
        self.number = self._free_display_number()
        self.process = subprocess.Popen(
            [shutil.which("Xvfb") or "Xvfb", f":{self.number}", "-screen", "0", f"{size[0]}x{size[1]}x24",
             "-fbdir", str(self._folder), "-nolisten", "tcp"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: (self._folder / "Xvfb_screen0").exists() or self.process.poll() is not None,
                 what="Xvfb to start")
        if self.process.poll() is not None:
            raise RuntimeError(f"Xvfb exited with {self.process.returncode}")

    @staticmethod
    def _free_display_number() -> int:
        for number in range(140, 400):
            if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
                return number
        raise RuntimeError("no free X display number")

    @property
    def env(self) -> dict[str, str]:
        """What a program needs to open its window here."""
        return {"DISPLAY": f":{self.number}", "SDL_VIDEODRIVER": "x11"}

    def pixels(self) -> np.ndarray:
        """The whole screen now, as an (height, width, 3) RGB array."""
        data = (self._folder / "Xvfb_screen0").read_bytes()
        header = XWD_HEADER.unpack_from(data)
        header_size, width, height, bytes_per_line, ncolors = header[0], header[4], header[5], header[12], header[19]
        start = header_size + ncolors * 12
        rows = np.frombuffer(data, np.uint8, count=bytes_per_line * height, offset=start).reshape(height,
                                                                                                 bytes_per_line)
        bgrx = rows[:, : width * 4].reshape(height, width, 4)
        return bgrx[:, :, 2::-1].copy()

    def window_pixels(self, top_left: tuple[int, int], size: tuple[int, int]) -> np.ndarray:
        x, y = top_left
        return self.pixels()[y:y + size[1], x:x + size[0]]

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self._folder, ignore_errors=True)


def xvfb_available() -> bool:
    return shutil.which("Xvfb") is not None


def press_key(display: VirtualDisplay, at: tuple[int, int], key: str) -> None:
    """Type a key into the window under ``at``, as the streamer would. With no
    window manager, X gives the keyboard to the window under the pointer."""
    env = {**os.environ, "DISPLAY": f":{display.number}"}
    subprocess.run(["xdotool", "mousemove", str(at[0]), str(at[1]), "key", key],
                   env=env, check=True, timeout=20, capture_output=True)


WINDOW = (640, 360)


needs_x = pytest.mark.skipif(not xvfb_available() and not os.environ.get("CI"),
                             reason="Xvfb is not installed (make test installs it)")


class Running(Program):
    """main.py on the virtual display with its own config file, log in a file."""

    LOG_WAIT_S = 20.0

    def __init__(self, tmp_path: Path, display: VirtualDisplay, config: dict, *args: str,
                 audio_driver: str = "dummy") -> None:
        self.config_path = tmp_path / "config.yaml"
        self.write_config(config)
        super().__init__(tmp_path, "--config", str(self.config_path), *args, audio_driver=audio_driver,
                         env=display.env)

    def write_config(self, config: dict) -> None:
        # Written whole and renamed, as editors do, so the program never reads half a file.
        staging = self.config_path.with_suffix(".tmp")
        staging.write_text(yaml.safe_dump(config), encoding="utf-8")
        os.replace(staging, self.config_path)


def base_config() -> dict:
    config = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    config["window"].update(size=list(WINDOW), position=[0, 0])
    return config
