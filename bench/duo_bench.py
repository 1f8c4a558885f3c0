"""The duo stage's figures (issue 13), run as parts of bench/run_benchmarks.py:

- ``duo_frames``: CPU time per frame at 1080p with both characters speaking
  at once (stage.overlap), against a bare loop that clears, blits both
  characters' sprites and flips, frame about in the same loop;
- ``duo_memory``: resident memory of ``main.py --duo --overlap`` while both
  speak (their two espeak-ng voices loaded), the highest of its samples.
"""
from __future__ import annotations

import subprocess
import sys
import time

from bench.common import ROOT, percentile
from support.process import proc_status

LINE = ("My mom baked a big pumpkin pie, but Bob probably prefers plum jam. "
        "Maybe Pam will bring more bread, and we can eat it by the bay.")
FRAMES = 600


def part_duo_frames() -> dict:
    import pygame

    from engine.app.build import Devices, Line, build
    from engine.app.cast import load_cast
    from engine.settings.config import Config, WindowConfig, with_overrides

    size = (1920, 1080)
    config = with_overrides(Config(window=WindowConfig(size=size)), duo=True, overlap=True)
    specs = load_cast(config, ROOT / "characters")
    names = [member.name for member in config.cast]
    lines = [Line(LINE * 3, "happy", character=name) for name in names]
    first, *others = specs.values()
    app = build(config, first, say=lines, others=dict(zip(names[1:], others)), devices=Devices(link=False))
    app.start()
    screen = app.window.screen
    sprites = [pygame.image.load(str(spec.sheets["body"].file)).convert_alpha().subsurface((0, 0, *spec.frame_size))
               for spec in specs.values()]
    times, floor, both = [], [], 0
    last = next_frame = time.perf_counter()
    for n in range(2 * (FRAMES + 60)):
        now = time.perf_counter()
        start = time.thread_time()
        if n % 2:  # the floor: the least a frame with these two characters can cost
            screen.fill(config.window.background)
            for index, sprite in enumerate(sprites):
                screen.blit(sprite, (index * (size[0] - sprite.get_width()), size[1] - sprite.get_height()))
            pygame.display.flip()
        else:
            app.frame(now, now - last)
            pygame.display.flip()
            last = now
        if n >= 120:  # the first second warms caches (and both voices start)
            (floor if n % 2 else times).append((time.thread_time() - start) * 1000)
            both += not n % 2 and len(app.cast.speaking) == len(names)
        if not n % 2:
            app.prepare_next_subtitle()
        next_frame += 1 / 120
        time.sleep(max(0.0, next_frame - time.perf_counter()))
    app.shutdown()
    pygame.quit()
    return {"duo_frame_ms_p50": percentile(times, 0.5), "duo_frame_ms_p99": percentile(times, 0.99),
            "duo_floor_frame_ms_p99": percentile(floor, 0.99), "duo_frames_both_speaking": both / len(times)}


def part_duo_memory() -> dict:
    command = [sys.executable, str(ROOT / "main.py"), "--duo", "--overlap", "--port", "0", "--api-port", "0",
               "--say", LINE, "--character", "Kotone", "--say", LINE, "--character", "Hibiki"]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    samples = []
    try:
        deadline = time.monotonic() + 12.0  # both lines take about 9 s
        while time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.5)
            samples.append(proc_status(process.pid)["VmRSS"] / 1024)
    finally:
        process.terminate()
        process.wait(10)
    return {"duo_rss_mb": max(samples)}
