"""A real X display for the tests, and its pixels read from outside.

Xvfb writes its framebuffer to a file when started with ``-fbdir`` (XWD
format, memory-mapped), so a test sees exactly what a capture program such as
OBS would, with no screenshot tool and no help from the program under test.
"""
from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
import yaml

from support.timing import scaled, wait_for

XWD_HEADER = struct.Struct(">25I")
ROOT = Path(__file__).resolve().parents[2]


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


class Running:
    """main.py on the virtual display with its own config file, log in a file."""

    def __init__(self, tmp_path: Path, display: VirtualDisplay, config: dict, *args: str,
                 audio_driver: str = "dummy") -> None:
        self.config_path = tmp_path / "config.yaml"
        self.write_config(config)
        self.log_path = tmp_path / "kuchipaku.log"
        self.audio_path = tmp_path / "audio.raw"  # what SDL's disk driver heard (audio_driver="disk")
        self._log = self.log_path.open("wb")
        env = {**os.environ, **display.env, "SDL_AUDIODRIVER": audio_driver,
               "SDL_DISKAUDIOFILE": str(self.audio_path), "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--config", str(self.config_path),
                                         "--port", "0", "--api-port", "0", *args], cwd=tmp_path, env=env,
                                        stdin=subprocess.DEVNULL,
                                        stdout=self._log, stderr=subprocess.STDOUT)

    def write_config(self, config: dict) -> None:
        # Written whole and renamed, as editors do, so the program never reads half a file.
        staging = self.config_path.with_suffix(".tmp")
        staging.write_text(yaml.safe_dump(config), encoding="utf-8")
        os.replace(staging, self.config_path)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for_log(self, pattern: str, timeout: float = 20.0) -> re.Match:
        regex = re.compile(pattern)

        def found():
            if self.process.poll() is not None and not regex.search(self.log()):
                pytest.fail(f"main.py exited with {self.process.returncode} before /{pattern}/:\n{self.log()}")
            return regex.search(self.log())
        return wait_for(found, timeout, what=f"/{pattern}/ in the log:\n{self.log()}")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.terminate()
        try:
            return self.process.wait(scaled(10))
        finally:
            self._log.close()


def base_config() -> dict:
    config = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    config["window"].update(size=list(WINDOW), position=[0, 0])
    return config
