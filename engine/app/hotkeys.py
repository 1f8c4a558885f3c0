"""The keys a streamer presses during a stream, and the help overlay that
lists them (F1). One table, so the help text can never disagree with the keys."""
from __future__ import annotations

import pygame

from engine.vocabulary import EMOTIONS

HOTKEYS: list[tuple[int, str, str]] = [
    (pygame.K_F1, "help", "F1  this help"),
    (pygame.K_F11, "fullscreen", "F11  fullscreen on/off"),
    (pygame.K_F10, "borderless", "F10  borderless window on/off"),
    (pygame.K_h, "overlays", "H  hide/show overlays"),
    (pygame.K_ESCAPE, "cancel", "Esc  stop speaking, clear the queue"),
    (pygame.K_t, "test_line", "T  speak a test line"),
    (pygame.K_r, "reload", "R  reload character and config"),
    (pygame.K_RETURN, "input", "Enter  type a line"),
    (pygame.K_KP_ENTER, "input", ""),
] + [(getattr(pygame, f"K_{n}"), f"emotion:{emotion}", f"{n}  preview {emotion}")
     for n, emotion in enumerate(EMOTIONS, start=1)]

ACTIONS = {key: action for key, action, _ in HOTKEYS}
HELP_LINES = [label for _, _, label in HOTKEYS if label]
TEST_LINE = "This is a test of my voice. Can you see my mouth move?"


def action_for(key: int) -> str | None:
    return ACTIONS.get(key)
