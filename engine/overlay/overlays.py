"""Overlays drawn over the stage: the subtitle box for the viewers; the help,
the input box and (only with ``toasts_on_stage``) toasts for the streamer.
Each is rendered to a surface only when its content changes; a frame only
blits the cached surfaces. Lines that are not spoken (questions, code,
errors) are never drawn here: they belong to the control window.
"""
from __future__ import annotations

import pygame

from engine.overlay.captions import Captions
from engine.overlay.input_box import InputBox
from engine.overlay.subtitles import KEY, PADDING, SubtitleBox, outlined
from engine.overlay.text_layout import ellipsised
from engine.overlay.toasts import ToastBoard
from engine.settings.config import OverlayConfig

TEXT = (255, 255, 255)
OUTLINE = (10, 10, 20)
BOX = (16, 16, 28)  # opaque: a chroma key must not eat into it
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
        self.show_toasts = style.toasts and style.toasts_on_stage
        self.visible = True
        self._caption_version = -1
        self._toast_version = -1
        self._subtitle: pygame.Surface | None = None
        self._opacity = 1.0
        self._speaker: pygame.Surface | None = None  # the speaker's name over the subtitle (a duo stage)
        self._toasts: list[pygame.Surface] = []
        self._input_version = -1
        self._help: pygame.Surface | None = None
        self.subtitle_box = SubtitleBox(font, style, self._subtitle_width())
        self._input: pygame.Surface | None = None

    def draw(self, target: pygame.Surface, captions: Captions, toasts: ToastBoard, input_box: InputBox,
             help_lines: list[str] | None = None) -> None:
        if help_lines:  # drawn even with overlays hidden: the streamer asked for it
            if self._help is None:
                self._help = self._help_box(help_lines)
            target.blit(self._help, self.help_rect().topleft)
        if self.visible:
            self._draw_for_viewers(target, captions, toasts)
        if input_box.active:  # drawn even with overlays hidden, and on top: the streamer is typing
            self._draw_input(target, input_box)

    def _draw_for_viewers(self, target: pygame.Surface, captions: Captions, toasts: ToastBoard) -> None:
        if captions.version != self._caption_version:
            self._render_captions(captions)
        width, height = self.window_size
        if self._subtitle is not None and self.style.subtitles == "stage":
            top = self.style.subtitle_position == "top"
            y = 24 if top else height - 24 - self._subtitle.get_height()
            self._blit_faded(target, self._subtitle, ((width - self._subtitle.get_width()) // 2, max(0, y)))
            if self._speaker is not None:
                tag_y = y + self._subtitle.get_height() if top else y - self._speaker.get_height()
                self._blit_faded(target, self._speaker, ((width - self._subtitle.get_width()) // 2 + 8, max(0, tag_y)))
        if self.show_toasts:
            if toasts.version != self._toast_version:
                self._toast_version = toasts.version
                room = self.window_size[0] - 32 - 16
                self._toasts = [_box([self.small_font.render(ellipsised(t.label, room, self._measure), True, TEXT)],
                                     8, LEVEL_COLOURS[t.level]) for t in toasts.toasts]
            y = 16
            for surface in self._toasts:
                target.blit(surface, (16, y))
                y += surface.get_height() + 6

    def subtitle_room(self) -> int:
        """The height the subtitle box may take at the bottom (or top) of the stage."""
        return self.style.subtitle_lines * self.font.get_linesize() + 2 * PADDING + 2 * self.style.outline_px + 24

    def help_rect(self) -> pygame.Rect:
        assert self._help is not None
        rect = self._help.get_rect(centerx=self.window_size[0] // 2)
        top = self.style.subtitle_position == "top" and self.style.subtitles == "stage"
        rect.top = self.subtitle_room() + 8 if top else 8
        return rect

    def _help_box(self, help_lines: list[str]) -> pygame.Surface:
        """The help, in as many columns as it needs to stay clear of the
        subtitles' place, shrunk if even that is not enough."""
        width, height = self.window_size
        room = (height - self.subtitle_room() - 16, width - 16)
        rendered = [self.small_font.render(line, True, TEXT) for line in help_lines]
        for columns in (1, 2, 3):
            per_column = -(-len(rendered) // columns)
            groups = [rendered[i:i + per_column] for i in range(0, len(rendered), per_column)]
            boxes = [_box(group, 12, (20, 20, 40), gap=3) for group in groups]
            size = (sum(b.get_width() for b in boxes) + 6 * (len(boxes) - 1), max(b.get_height() for b in boxes))
            if size[1] <= room[0] and size[0] <= room[1]:
                break
        help_box = pygame.Surface(size, pygame.SRCALPHA)  # transparent between columns and at the corners
        x = 0
        for box in boxes:
            help_box.blit(box, (x, 0))
            x += box.get_width() + 6
        scale = min(1.0, room[0] / size[1], room[1] / size[0])
        if scale < 1.0:
            help_box = pygame.transform.smoothscale(help_box, (max(1, int(size[0] * scale)),
                                                               max(1, int(size[1] * scale))))
        return help_box

    def _draw_input(self, target: pygame.Surface, input_box: InputBox) -> None:
        if input_box.version != self._input_version:
            self._input_version = input_box.version
            width = int(self.window_size[0] * 0.6)
            text = input_box.text
            while text and self._measure("> …" + text + "|") > width - 20:
                text = text[max(1, len(text) // 8):]  # the end, where the typing is, stays in view
            shown = ("> " if text == input_box.text else "> …") + text + "|"
            self._input = _box([self.small_font.render(shown, True, TEXT)], 10, (30, 30, 60), width=width)
        assert self._input is not None
        y = min(self.window_size[1] // 2, self.window_size[1] - self.subtitle_room()) - self._input.get_height() // 2
        target.blit(self._input, ((self.window_size[0] - self._input.get_width()) // 2, max(0, y)))

    def _measure(self, text: str) -> int:
        return self.small_font.size(text)[0]

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
            self._blit_faded(target, self._subtitle, ((target.get_width() - self._subtitle.get_width()) // 2,
                                                      (target.get_height() - self._subtitle.get_height()) // 2))

    def _blit_faded(self, target: pygame.Surface, surface: pygame.Surface, at: tuple[int, int]) -> None:
        if self._opacity >= 1.0:
            target.blit(surface, at)
            return
        surface.set_alpha(round(255 * self._opacity))
        target.blit(surface, at)
        surface.set_alpha(None)

    def _render_captions(self, captions: Captions) -> None:
        self._caption_version = captions.version
        self._opacity = captions.opacity
        self._subtitle = self.subtitle_box.render(captions.subtitle, captions.shown_length)
        self._speaker = None
        if captions.speaker and captions.subtitle:
            self._speaker = outlined(self.small_font, captions.speaker, captions.speaker_colour,
                                     max(1, self.style.outline_px), self.style.outline_colour)

    def _subtitle_width(self) -> int:
        if self.style.subtitles == "window":
            return int(self.style.subtitle_window_size[0] * 0.95)
        return int(self.window_size[0] * self.style.subtitle_width)
