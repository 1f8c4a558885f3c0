"""Hot reload on a duo stage, through main.py on a real X display: an edit of
the second character's place moves her at once; who stands on the stage and
whether they overlap wait for a restart, and the log says so."""
from __future__ import annotations

import re

import numpy as np

from support.timing import wait_for
from support.xvfb import WINDOW, Running, base_config, needs_x


def hibiki_feet(display) -> int:
    """Pixels not of the green stage along the bottom of the window's right third (where Hibiki stands)."""
    pixels = display.pixels()
    strip = pixels[WINDOW[1] - 12:WINDOW[1] - 2, WINDOW[0] * 2 // 3:WINDOW[0] - 4].astype(int)
    return int((np.abs(strip - (0, 255, 0)).sum(axis=2) > 60).sum())


@needs_x
def test_moving_hibiki_in_config_yaml_moves_her_and_a_new_cast_waits_for_a_restart(tmp_path, display):
    config = base_config()
    config["control_window"]["enabled"] = False  # the streamer's window would cover the stage here
    config["stage"] = {**config.get("stage", {}), "characters": [
        {"name": "Kotone", "folder": "default", "anchor": "bottom-left", "scale": 0.9, "default": True},
        {"name": "Hibiki", "folder": "hibiki", "anchor": "bottom-right", "scale": 0.9, "facing": "left"}]}
    program = Running(tmp_path, display, config)
    try:
        program.wait_for_log(r"listening on ws://")
        wait_for(lambda: hibiki_feet(display) > 50, what="Hibiki standing at the bottom right")
        config["stage"]["characters"][1]["offset"] = [0, -WINDOW[1] // 3]  # up a third of the window
        program.write_config(config)
        wait_for(lambda: hibiki_feet(display) == 0, what="Hibiki moved up, off the bottom edge")
        program.wait_for_log(re.escape(f"reloaded {program.config_path} and character Kotone") + r"\n")

        config["stage"]["characters"].pop()  # Hibiki leaves, and the stage would overlap: both after a restart
        config["stage"]["overlap"] = True
        program.write_config(config)
        program.wait_for_log(r"after a restart: stage\.characters")
        assert hibiki_feet(display) == 0, "Hibiki keeps her place until the restart"
        assert program.process.poll() is None
    finally:
        assert program.stop() == 0
