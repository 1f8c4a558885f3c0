"""Drawing the character: body, eyes and mouth frames for the current state.

Sheets are decoded once; frames are subsurfaces of them, scaled once to fit the
window. Drawing a frame is three blits, nothing is allocated per frame.
"""
from __future__ import annotations

import pygame

from engine.stage.character import CharacterSpec, SheetSpec

_KEY = (255, 0, 254)  # marks what is outside the character in a pre-blended face; never in the art


class CharacterSprites:
    """``background``: the uniform colour the character is always drawn on
    (the stage's). Given it, each face (body and eyes, per emotion, eyes open
    and closed) is blended onto it once, up front, and drawn with a colour key:
    a copy per frame instead of a per-pixel blend of the whole character, and
    the very same pixels, since the blend onto that colour is the same
    arithmetic. Without it (contact sheets, other backgrounds) every layer is
    blended each time."""

    def __init__(self, spec: CharacterSpec, scale: float, background: tuple[int, int, int] | None = None,
                 mirror: bool = False) -> None:
        self.spec = spec
        self.scale = scale
        self.size = (round(spec.frame_size[0] * scale), round(spec.frame_size[1] * scale))
        self._frames: dict[str, list[pygame.Surface]] = {}
        self._offsets: dict[str, tuple[int, int]] = {}
        for name, sheet in spec.sheets.items():
            frames = self._cut(sheet, scale)
            x, y = round(sheet.position[0] * scale), round(sheet.position[1] * scale)
            if mirror:  # facing the other way (a duo stage): each layer flipped, and placed from the other side
                frames = [pygame.transform.flip(frame, True, False) for frame in frames]
                x = self.size[0] - x - frames[0].get_width()
            self._frames[name] = frames
            self._offsets[name] = (x, y)
        self._faces: dict[tuple[str, bool], pygame.Surface] = {}
        self._fade_faces: dict[tuple[str, bool], pygame.Surface] = {}
        if background is not None:
            for emotion in spec.emotions:
                for closed in (False, True):
                    self._faces[emotion, closed] = self._preblend(emotion, closed, background)
        # For cross-fades without pre-blended faces: the incoming face is composed here.
        self._scratch = pygame.Surface(self.size, pygame.SRCALPHA)

    def _fading_face(self, emotion: str, eyes_closed: bool) -> pygame.Surface:
        """A face as per-pixel-alpha layers, for cross-fades: blended with an
        overall opacity it costs a fraction of a millisecond, where a colour-
        keyed face with an opacity (re-encoded, then keyed and blended pixel by
        pixel) cost five."""
        key = (emotion, eyes_closed)
        if key not in self._fade_faces:
            layers = pygame.Surface(self.size, pygame.SRCALPHA)
            self._face(layers, (0, 0), emotion, eyes_closed)
            self._fade_faces[key] = layers.convert_alpha() if pygame.display.get_surface() is not None else layers
        return self._fade_faces[key]

    def _preblend(self, emotion: str, eyes_closed: bool, background: tuple[int, int, int]) -> pygame.Surface:
        layers = pygame.Surface(self.size, pygame.SRCALPHA)
        self._face(layers, (0, 0), emotion, eyes_closed)
        blended = pygame.Surface(self.size)
        blended.fill(background)
        blended.blit(layers, (0, 0))
        face = pygame.Surface(self.size)
        pygame.mask.from_surface(layers, 0).to_surface(face, setsurface=blended, unsetcolor=_KEY)
        face.set_colorkey(_KEY, pygame.RLEACCEL)
        return face.convert() if pygame.display.get_surface() is not None else face

    @staticmethod
    def _cut(sheet: SheetSpec, scale: float) -> list[pygame.Surface]:
        image = pygame.image.load(str(sheet.file)).convert_alpha()
        frames = [image.subsurface(sheet.frame_rect(i)) for i in range(sheet.frame_count)]
        if scale == 1.0:
            return frames
        size = (max(1, round(sheet.frame_size[0] * scale)), max(1, round(sheet.frame_size[1] * scale)))
        return [pygame.transform.smoothscale(frame, size) for frame in frames]

    def draw(self, target: pygame.Surface, topleft: tuple[int, int], emotion: str,
             eyes_closed: bool, mouth_shape: str, fading_from: str | None = None, fade: float = 1.0) -> None:
        """Body, eyes, mouth; during a cross-fade, ``fading_from``'s face under
        ``emotion``'s at opacity ``fade``."""
        fading = fading_from is not None and fading_from != emotion and fade < 1.0
        if self._faces:
            if fading:
                target.blit(self._faces[fading_from, eyes_closed], topleft)
                incoming = self._fading_face(emotion, eyes_closed)
                incoming.set_alpha(round(255 * fade))
                target.blit(incoming, topleft)
            else:
                target.blit(self._faces[emotion, eyes_closed], topleft)
            self._mouth(target, topleft, emotion, mouth_shape)
            return
        if not fading:
            self._compose(target, topleft, emotion, eyes_closed, mouth_shape)
            return
        self._compose(target, topleft, fading_from, eyes_closed, mouth_shape)
        self._scratch.fill((0, 0, 0, 0))
        self._compose(self._scratch, (0, 0), emotion, eyes_closed, mouth_shape)
        self._scratch.set_alpha(round(255 * fade))
        target.blit(self._scratch, topleft)

    def _compose(self, target: pygame.Surface, topleft: tuple[int, int], emotion: str, eyes_closed: bool,
                 mouth_shape: str) -> None:
        self._face(target, topleft, emotion, eyes_closed)
        self._mouth(target, topleft, emotion, mouth_shape)

    def _face(self, target: pygame.Surface, topleft: tuple[int, int], emotion: str, eyes_closed: bool) -> None:
        frames = self.spec.emotions[emotion]
        x, y = topleft
        target.blit(self._frames["body"][frames.body], (x, y))
        ex, ey = self._offsets["eyes"]
        target.blit(self._frames["eyes"][frames.eyes["closed" if eyes_closed else "open"]], (x + ex, y + ey))

    def mouth_rect(self, topleft: tuple[int, int]) -> pygame.Rect:
        """Where the mouth is drawn, for a character standing at ``topleft``."""
        mx, my = self._offsets["mouths"]
        return self._frames["mouths"][0].get_rect(topleft=(topleft[0] + mx, topleft[1] + my))

    def _mouth(self, target: pygame.Surface, topleft: tuple[int, int], emotion: str, mouth_shape: str) -> None:
        mx, my = self._offsets["mouths"]
        frame = self.spec.emotions[emotion].mouth_frame(mouth_shape)
        target.blit(self._frames["mouths"][frame], (topleft[0] + mx, topleft[1] + my))


def fit_scale(frame_size: tuple[int, int], window_size: tuple[int, int], wanted: float = 1.0) -> float:
    """``wanted`` (stage.scale), shrunk if the character would not fit the window."""
    return min(wanted, window_size[0] / frame_size[0], window_size[1] * 0.98 / frame_size[1])


def character_topleft(sprite_size: tuple[int, int], window_size: tuple[int, int], anchor: str = "bottom-center",
                      margin: tuple[int, int] = (0, 0)) -> tuple[int, int]:
    """Where the character stands: at ``anchor`` of the window, ``margin``
    pixels in from its edges (for example bottom-right over gameplay)."""
    width, height = window_size
    w, h = sprite_size
    mx, my = margin
    vertical, _, horizontal = anchor.partition("-")
    if anchor == "center":
        vertical, horizontal = "center", "center"
    x = {"left": mx, "right": width - w - mx}.get(horizontal, (width - w) // 2)
    y = {"top": my, "bottom": height - h - my}.get(vertical, (height - h) // 2)
    return x, y
