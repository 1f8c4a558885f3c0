"""The one-line input box: a viewer's line typed by the streamer.

Return opens it, Return sends, Escape cancels. Text arrives through SDL's text
input events, so an IME (Japanese input) works.
"""
from __future__ import annotations

import pygame


class InputBox:
    def __init__(self) -> None:
        self.active = False
        self.text = ""
        self.version = 0

    def open(self) -> None:
        self.active = True
        self.text = ""
        self.version += 1
        pygame.key.start_text_input()

    def close(self) -> None:
        self.active = False
        self.text = ""
        self.version += 1
        pygame.key.stop_text_input()

    def handle(self, event: pygame.event.Event) -> str | None:
        """Feed a key or text event while open; returns the line when sent."""
        if event.type == pygame.TEXTINPUT:
            self.text += event.text
            self.version += 1
        elif event.type == pygame.KEYDOWN:
            if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                line = self.text.strip()
                self.close()
                return line or None
            if event.key == pygame.K_ESCAPE:
                self.close()
            elif event.key == pygame.K_BACKSPACE:
                self.text = self.text[:-1]
                self.version += 1
        return None
