"""Overlays drawn over the stage: status toasts, the subtitle box, the viewer's
question, and the monospace panel. Each is rendered to a surface only when its
content changes; a frame only blits the cached surfaces.
"""
from __future__ import annotations

import pygame

from engine.overlay.captions import Captions
from engine.settings.config import OverlayConfig
from engine.overlay.input_box import InputBox
from engine.overlay.subtitles import KEY, SubtitleBox, outlined
from engine.overlay.text_layout import wrap
from engine.overlay.toasts import ToastBoard

TEXT = (255, 255, 255)
OUTLINE = (10, 10, 20)
BOX = (16, 16, 28)  # opaque: a chroma key must not eat into it
QUESTION = (255, 226, 140)
LEVEL_COLOURS = {"info": (40, 40, 60), "warning": (120, 80, 10), "error": (140, 20, 30)}


def _box(lines: list[pygame.Surface], padding: int, fill: tuple[int, int, int], gap: int = 0,
         width: int = 0) -> pygame.Surface:
    """An opaque rounded box holding ``lines``, made opaque with a colour key,
    in the display's format: blitting it is a copy, not a per-pixel blend,
    which matters at 1080p where every frame redraws it."""
    width = max(width, max(line.get_width() for line in lines) + 2 * padding)
    height = sum(line.get_height() for line in lines) + gap * (len(lines) - 1) + 2 * padding
    surface = pygame.Surface((width, height))
    surface.fill(KEY)
    pygame.draw.rect(surface, fill, surface.get_rect(), border_radius=min(14, padding + 4))
    y = padding
    for line in lines:
        surface.blit(line, (padding, y))
        y += line.get_height() + gap
    surface.set_colorkey(KEY, pygame.RLEACCEL)
    return surface.convert() if pygame.display.get_surface() is not None else surface


class Overlays:
    def __init__(self, window_size: tuple[int, int], font: pygame.font.Font, small_font: pygame.font.Font,
                 mono_font: pygame.font.Font, style: OverlayConfig) -> None:
        self.window_size = window_size
        self.font = font
        self.small_font = small_font
        self.mono_font = mono_font
        self.style = style
        self.show_toasts = style.toasts
        self.visible = True
        self._caption_version = -1
        self._toast_version = -1
        self._subtitle: pygame.Surface | None = None
        self._speaker: pygame.Surface | None = None  # the speaker's name over the subtitle (a duo stage)
        self._question: pygame.Surface | None = None
        self._panel: pygame.Surface | None = None
        self._toasts: list[pygame.Surface] = []
        self._input_version = -1
        self._help: pygame.Surface | None = None
        self.subtitle_box = SubtitleBox(font, style, self._subtitle_width())
        self._input: pygame.Surface | None = None

    def draw(self, target: pygame.Surface, captions: Captions, toasts: ToastBoard, input_box: InputBox,
             help_lines: list[str] | None = None) -> None:
        if help_lines:  # drawn even with overlays hidden: the streamer asked for it
            if self._help is None:
                rendered = [self.small_font.render(line, True, TEXT) for line in ["Keys", *help_lines]]
                self._help = _box(rendered, 16, (20, 20, 40), gap=4)
            target.blit(self._help, ((self.window_size[0] - self._help.get_width()) // 2, 40))
        if input_box.active:  # drawn even with overlays hidden: the streamer is typing
            if input_box.version != self._input_version:
                self._input_version = input_box.version
                label = self.small_font.render("> " + input_box.text + "|", True, TEXT)
                self._input = _box([label], 10, (30, 30, 60), width=int(self.window_size[0] * 0.6))
            assert self._input is not None
            target.blit(self._input, ((self.window_size[0] - self._input.get_width()) // 2,
                                      self.window_size[1] // 2 - self._input.get_height() // 2))
        if not self.visible:
            return
        if captions.version != self._caption_version:
            self._render_captions(captions)
        width, height = self.window_size
        top = self.style.subtitle_position == "top"
        edge = 24 if top else height - 24
        if self._subtitle is not None and self.style.subtitles == "stage":
            if not top:
                edge -= self._subtitle.get_height()
            target.blit(self._subtitle, ((width - self._subtitle.get_width()) // 2, edge))
            if self._speaker is not None:
                tag_y = edge + self._subtitle.get_height() if top else edge - self._speaker.get_height()
                target.blit(self._speaker, ((width - self._subtitle.get_width()) // 2 + 8, tag_y))
            edge = edge + self._subtitle.get_height() + 8 if top else edge
        if self._question is not None:
            question_y = edge if top else edge - self._question.get_height() - 8
            target.blit(self._question, ((width - self._question.get_width()) // 2, question_y))
        if self._panel is not None:
            target.blit(self._panel, (width - self._panel.get_width() - 16, 16))
        if self.show_toasts:
            if toasts.version != self._toast_version:
                self._toast_version = toasts.version
                self._toasts = [_box([self.small_font.render(t.label, True, TEXT)], 8, LEVEL_COLOURS[t.level])
                                for t in toasts.toasts]
            y = 16
            for surface in self._toasts:
                target.blit(surface, (16, y))
                y += surface.get_height() + 6

    def prepare(self, text: str) -> None:
        """Render a coming subtitle ahead of time (see SubtitleBox.prepare)."""
        if self.style.subtitles != "hidden":
            self.subtitle_box.prepare(text)

    def draw_subtitle_window(self, target: pygame.Surface, captions: Captions) -> None:
        """subtitles: window — the subtitle alone, in a window of its own, for
        an OBS source of its own."""
        target.fill(self.style.box_colour if self.style.box_opacity > 0 else (0, 255, 0))
        if captions.version != self._caption_version:
            self._render_captions(captions)
        if self._subtitle is not None and self.visible:
            target.blit(self._subtitle, ((target.get_width() - self._subtitle.get_width()) // 2,
                                         (target.get_height() - self._subtitle.get_height()) // 2))

    def _render_captions(self, captions: Captions) -> None:
        self._caption_version = captions.version
        self._subtitle = self.subtitle_box.render(captions.subtitle, captions.shown_length)
        self._speaker = None
        if captions.speaker and captions.subtitle:
            self._speaker = outlined(self.small_font, captions.speaker, captions.speaker_colour,
                                     max(1, self.style.outline_px), self.style.outline_colour)
        box_width = self._subtitle_width()
        self._question = None
        if captions.question:
            lines = wrap(captions.question, box_width - 40, lambda s: self.small_font.size(s)[0])[-2:]
            self._question = _box([outlined(self.small_font, line, QUESTION, 2, OUTLINE) for line in lines], 10, BOX)
        self._panel = None
        if captions.panel:
            panel_width = int(self.window_size[0] * 0.4)
            lines = [piece for line in captions.panel
                     for piece in wrap(line, panel_width, lambda s: self.mono_font.size(s)[0])][-12:]
            self._panel = _box([self.mono_font.render(line or " ", True, (220, 230, 255)) for line in lines],
                               10, (8, 8, 16), gap=2)

    def _subtitle_width(self) -> int:
        if self.style.subtitles == "window":
            return int(self.style.subtitle_window_size[0] * 0.95)
        return int(self.window_size[0] * self.style.subtitle_width)
