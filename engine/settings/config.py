"""Settings: config.yaml read into frozen dataclasses, then CLI overrides."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from engine.settings.cast import CastMember, characters_check, default_member, duo
from engine.settings.validate import (
    ConfigError,
    boolean,
    build,
    color,
    int_pair,
    integer,
    number,
    optional,
    section,
    setting,
    string_list,
    text,
)
from engine.vocabulary import ANCHORS

# The engines a sentence can be spoken by (engine.speech.voices), "auto" (the
# best installed for each sentence's language) and "silent" (mimed).
SPEECH_ENGINES = ("espeak-ng", "piper", "openjtalk", "kokoro-ja", "voicevox", "openai-compatible")
VOICE_ENGINES = ("auto", *SPEECH_ENGINES, "silent")
LINK_MODES = ("server", "client")


@dataclass(frozen=True)
class LinkConfig:
    mode: str = setting("server", text(LINK_MODES))
    host: str = setting("127.0.0.1", text(meaning="a host name or IP address"))
    port: int = setting(8000, integer(0, 65535))
    path: str = setting("/ws", text(pattern=r"/[A-Za-z0-9._~/-]*", meaning="a URL path starting with /"))
    max_frame_bytes: int = setting(65536, integer(256, 16 * 1024 * 1024))
    max_text_length: int = setting(2000, integer(1, 1_000_000))
    queue_limit: int = setting(256, integer(1, 100_000))
    outbox_limit: int = setting(256, integer(8, 100_000))
    slow_client_s: float = setting(5.0, number(0.1, 600.0))
    # security (see README, "Security")
    token: str | None = setting(None, text(optional=True, pattern=r"[\x21-\x7e]{8,200}",
                                           meaning="8 to 200 printable ASCII characters, no spaces"))
    allowed_origins: tuple[str, ...] = setting((), string_list(
        'origins such as "https://example.com" (scheme://host[:port])', r"https?://[^\s/]+"))
    rate_per_s: float = setting(20.0, number(0.1, 100_000.0))
    rate_burst: int = setting(40, integer(1, 1_000_000))
    max_connections: int = setting(64, integer(1, 10_000))
    handshake_timeout_s: float = setting(5.0, number(0.1, 300.0))
    tts_complete: bool = setting(True, boolean())
    # client mode: toward the server we connect to, we behave as AITuberKit (docs/COMPATIBILITY.md)
    url: str = setting("ws://localhost:8000/ws", text(pattern=r"wss?://[^\s]+", meaning="a ws:// or wss:// URL"))
    reconnect_s: float | None = setting(None, optional(number(0.1, 600.0)))  # None: 1 s doubling to 30 s
    ping_interval_s: float = setting(15.0, number(0.5, 3600.0))
    stale_after_s: float = setting(45.0, number(1.0, 3600.0))
    stale_reconnect: bool = setting(False, boolean())
    keepalive_s: float | None = setting(None, optional(number(1.0, 3600.0)))  # WebSocket-level pings
    client_tts_complete: bool = setting(False, boolean())
    client_queue_cap: int = setting(10_000, integer(16, 1_000_000))
    client_outbox_limit: int = setting(256, integer(8, 100_000))
    typed_line_cancels: bool = setting(True, boolean())
    speak_chat_error: bool = setting(False, boolean())
    max_image_bytes: int = setting(2 * 1024 * 1024, integer(1024, 64 * 1024 * 1024))
    invalid_replies: tuple[str, ...] = setting(("不正な送信が送られたようです。", "An invalid message was sent."),
                                               string_list("texts a server speaks when it did not understand us"))

    @property
    def sends_tts_complete(self) -> bool:
        """tts_complete goes to bots in server mode; toward a server only when asked (AITuberKit sends none)."""
        return self.client_tts_complete if self.mode == "client" else self.tts_complete

    @property
    def listen_url(self) -> str:
        """Where bots connect in server mode."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"ws://{host}:{self.port}{self.path}"


@dataclass(frozen=True)
class HttpApiConfig:
    """AITuberKit's HTTP API (/api/v1/...) on a port of its own."""

    enabled: bool = setting(True, boolean())
    host: str = setting("127.0.0.1", text(meaning="a host name or IP address"))
    port: int = setting(3000, integer(0, 65535))
    # The key bots send (Authorization: Bearer, X-AITuberKit-API-Key); AITUBERKIT_API_KEY overrides it.
    key: str | None = setting(None, text(optional=True, pattern=r"[\x21-\x7e]{8,200}",
                                         meaning="8 to 200 printable ASCII characters, no spaces"))
    allowed_origins: tuple[str, ...] = setting((), string_list(
        'origins such as "https://example.com" (scheme://host[:port])', r"https?://[^\s/]+"))
    max_body_bytes: int = setting(16 * 1024 * 1024, integer(1024, 256 * 1024 * 1024))
    max_audio_s: float = setting(120.0, number(1.0, 3600.0))
    rate_per_s: float = setting(50.0, number(0.1, 100_000.0))
    rate_burst: int = setting(100, integer(1, 1_000_000))
    max_connections: int = setting(64, integer(1, 10_000))
    max_event_streams: int = setting(16, integer(1, 1000))
    heartbeat_s: float = setting(15.0, number(0.05, 3600.0))

    @property
    def listen_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/api/v1"


@dataclass(frozen=True)
class WindowConfig:
    size: tuple[int, int] = setting((1280, 720), int_pair(64, 16384))
    position: tuple[int, int] | None = setting(None, optional(int_pair(-32768, 32767, "[x, y]")))
    borderless: bool = setting(False, boolean())
    fullscreen: bool = setting(False, boolean())
    fps: int = setting(60, integer(1, 480))
    background: tuple[int, int, int] = setting((0, 255, 0), color())


@dataclass(frozen=True)
class StageConfig:
    scale: float = setting(1.0, number(0.1, 4.0))
    anchor: str = setting("bottom-center", text(ANCHORS))
    margin: tuple[int, int] = setting((0, 0), int_pair(0, 16384, "[x, y]"))
    # Several characters on one stage (engine/settings/cast.py); empty: the one ``character`` above.
    characters: tuple[CastMember, ...] = setting((), characters_check)
    # true: characters may speak at the same time, each in her own voice, channel and mouth
    overlap: bool = setting(False, boolean())


_URL = dict(pattern=r"https?://[^\s]+", meaning="an http:// or https:// URL")


@dataclass(frozen=True)
class PiperConfig:
    model: str | None = setting(None, text(optional=True, meaning="a path to a piper .onnx voice"))
    speaker: int | None = setting(None, optional(integer(0, 10_000)))
    # No onnxruntime memory arena: about 150 MB less resident, synthesis about a third slower.
    low_memory: bool = setting(False, boolean())


@dataclass(frozen=True)
class KokoroConfig:
    voice: str = setting("jf_alpha", text(pattern=r"[a-z]{2}_[a-z0-9_]+", meaning='a Kokoro voice such as "jf_alpha"'))


@dataclass(frozen=True)
class VoicevoxConfig:
    url: str = setting("http://127.0.0.1:50021", text(**_URL))
    speaker: int = setting(1, integer(0, 1_000_000_000))
    speed_scale: float = setting(1.0, number(0.5, 2.0))
    pitch_scale: float = setting(0.0, number(-0.15, 0.15))
    intonation_scale: float = setting(1.0, number(0.0, 2.0))
    timeout_s: float = setting(1.5, number(0.1, 60.0))


@dataclass(frozen=True)
class OpenAIVoiceConfig:
    url: str = setting("http://127.0.0.1:8880", text(**_URL))
    model: str = setting("tts-1", text(meaning="a model name"))
    voice: str = setting("alloy", text(meaning="a voice name"))
    api_key_env: str | None = setting(None, text(optional=True, pattern=r"[A-Za-z_][A-Za-z0-9_]*",
                                                 meaning="an environment variable's name"))
    timeout_s: float = setting(3.0, number(0.1, 60.0))


@dataclass(frozen=True)
class VoiceConfig:
    engine: str = setting("auto", text(VOICE_ENGINES))
    fallback: tuple[str, ...] = setting(("espeak-ng",), string_list("engine names (" + ", ".join(SPEECH_ENGINES) + ")",
                                                                  "|".join(SPEECH_ENGINES)))
    rate: int = setting(175, integer(40, 600))
    volume: float = setting(1.0, number(0.0, 1.0))
    voice_id: str | None = setting(None, text(optional=True, meaning="an espeak-ng voice name"))
    links: str = setting("phrase", text(("phrase", "host")))
    link_phrase: str = setting("a link", text(meaning="words to say for a URL"))
    code_phrase: str = setting("some code", text(meaning="words to say for a code block"))
    emoji_emotions: bool = setting(True, boolean())
    retry_after_s: float = setting(15.0, number(0.0, 3600.0))
    synth_timeout_s: float = setting(4.0, number(0.1, 60.0))
    neutral_after_s: float = setting(1.5, number(0.0, 600.0))
    stream_hold_s: float = setting(0.8, number(0.0, 60.0))
    av_offset_ms: int = setting(0, integer(-1000, 1000))
    piper: PiperConfig = section(PiperConfig)
    kokoro: KokoroConfig = section(KokoroConfig)
    voicevox: VoicevoxConfig = section(VoicevoxConfig)
    openai: OpenAIVoiceConfig = section(OpenAIVoiceConfig)


@dataclass(frozen=True)
class OverlayConfig:
    enabled: bool = setting(True, boolean())
    font: str = setting("noto-sans-cjk-jp", text(meaning='"noto-sans-cjk-jp" or a path to a font file'))
    size: int = setting(30, integer(8, 200))
    toasts: bool = setting(True, boolean())
    toasts_on_stage: bool = setting(False, boolean())
    toast_seconds: float = setting(4.0, number(0.5, 600.0))
    subtitles: str = setting("stage", text(("stage", "window", "hidden")))
    subtitle_window_size: tuple[int, int] = setting((1280, 200), int_pair(64, 16384))
    subtitle_position: str = setting("bottom", text(("bottom", "top")))
    subtitle_lines: int = setting(3, integer(1, 20))
    subtitle_width: float = setting(0.8, number(0.1, 1.0))
    karaoke: bool = setting(True, boolean())
    subtitle_linger_s: float = setting(3.0, number(0.0, 3600.0))
    text_colour: tuple[int, int, int] = setting((255, 255, 255), color())
    outline_colour: tuple[int, int, int] = setting((10, 10, 20), color())
    outline_px: int = setting(2, integer(0, 10))
    box_colour: tuple[int, int, int] = setting((16, 16, 28), color())
    box_opacity: float = setting(1.0, number(0.0, 1.0))


@dataclass(frozen=True)
class ControlWindowConfig:
    enabled: bool = setting(True, boolean())
    size: tuple[int, int] = setting((760, 720), int_pair(320, 16384))
    position: tuple[int, int] | None = setting(None, optional(int_pair(-32768, 32767, "[x, y]")))


@dataclass(frozen=True)
class Config:
    character: str = setting("default", text(pattern=r"[A-Za-z0-9_-]+", meaning="a character folder name"))
    link: LinkConfig = section(LinkConfig)
    http_api: HttpApiConfig = section(HttpApiConfig)
    window: WindowConfig = section(WindowConfig)
    stage: StageConfig = section(StageConfig)
    voice: VoiceConfig = section(VoiceConfig)
    overlays: OverlayConfig = section(OverlayConfig)
    control_window: ControlWindowConfig = section(ControlWindowConfig)
    source: str = dataclasses.field(default="(defaults)", compare=False)

    @property
    def cast(self) -> tuple[CastMember, ...]:
        """Everyone on the stage, the default first. The single-character
        config is a cast of one, named after nothing but its folder."""
        members = self.stage.characters
        if not members:
            return (CastMember(self.character, self.character, self.stage.anchor, (0, 0), self.stage.scale,
                               voice=self.voice.voice_id, default=True),)
        first = default_member(members)
        return (first, *(member for member in members if member is not first))


def load_config(path: Path) -> Config:
    """Read and validate ``path``; raises ConfigError with a one-line message."""
    name = str(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(name, "(file)", "a readable file", err.strerror) from None
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        raise ConfigError(name, where, "valid YAML", str(getattr(err, "problem", err))) from None
    if isinstance(data, dict) and "source" in data:
        raise ConfigError(name, "source", "one of the known keys")
    config = build(Config, data, name)
    return dataclasses.replace(config, source=name)


def with_overrides(config: Config, **flags: Any) -> Config:
    """Apply CLI flags (None means "not given") on top of the file's values."""
    link_changes = {k: flags[k] for k in ("host", "port", "token") if flags.get(k) is not None}
    api_changes = {name: flags[flag] for flag, name in (("api_port", "port"), ("api_key", "key"))
                   if flags.get(flag) is not None}
    window_changes = {"fullscreen": flags["fullscreen"]} if flags.get("fullscreen") is not None else {}
    changes: dict[str, Any] = {}
    stage = config.stage
    if flags.get("character"):
        changes["character"] = flags["character"]
        stage = dataclasses.replace(stage, characters=())  # --character: that one character alone
    if flags.get("duo"):
        stage = dataclasses.replace(stage, characters=duo())
    if flags.get("overlap") is not None:
        stage = dataclasses.replace(stage, overlap=flags["overlap"])
    return dataclasses.replace(
        config,
        link=dataclasses.replace(config.link, **link_changes),
        http_api=dataclasses.replace(config.http_api, **api_changes),
        window=dataclasses.replace(config.window, **window_changes),
        stage=stage,
        **changes,
    )
