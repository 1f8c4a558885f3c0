"""Record mode: the character speaking, rendered frame by frame at a fixed
rate, with no real-time clock and no audio device.

    python main.py --record OUT_DIR --say "text" [--emotion E]

It builds the program through the same composition root as the live window
(``build``) and draws with the same ``Runtime.frame``, with a virtual clock, a
voice that synthesises on the spot, no link, and an "audio device" that
writes down when each clip starts. Out come the frames as PNG, the exact audio
as audio.wav, timeline.csv (frame, time, mouth shape, openness, expression,
where the character stands, how far an expression cross-fade has come; on a
duo stage then each other character's mouth shape and openness),
phonemes.csv (each phoneme's time and mouth shape, from the voice: piper's alignments,
espeak-ng's events, VOICEVOX's moras, or estimated from the audio), and
out.mp4 when ffmpeg is installed.
"""
from __future__ import annotations

import csv
import logging
import os
import random
import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pygame

from engine.app.build import Devices, Line, build
from engine.settings.config import Config
from engine.speech.clip import AudioClip
from engine.speech.playback import MIXER_RATE
from engine.speech.worker import SynthesizerFactory
from engine.stage.character import CharacterSpec

log = logging.getLogger("kuchipaku.record")

TAIL_S = 0.5            # frames kept after the last sound, so the mouth is seen to close
MAX_SECONDS = 600.0     # a recording never runs longer than this


class RecordingOutput:
    """Stands in for the audio device: notes when each clip starts."""

    problem = None
    available = True
    latency_s = 0.0

    def __init__(self, now, placed: list[tuple[float, AudioClip]] | None = None) -> None:
        self._now = now
        self.placed: list[tuple[float, AudioClip]] = [] if placed is None else placed  # every lane's clips
        self._last: int | None = None  # where this output's own last clip is in ``placed``

    def play(self, clip: AudioClip) -> bool:
        if clip.samples is None:
            return False
        self._last = len(self.placed)
        self.placed.append((self._now(), clip))
        return True

    def busy(self) -> bool:
        if self._last is None:
            return False
        start, clip = self.placed[self._last]
        return start <= self._now() < start + clip.duration_s

    def stop(self) -> None:
        if self._last is not None:  # cancelled: keep only what was heard
            start, clip = self.placed[self._last]
            heard = max(0, int((self._now() - start) * clip.sample_rate))
            self.placed[self._last] = (start, AudioClip(clip.samples[:heard], clip.sample_rate, clip.envelope,
                                                        heard / clip.sample_rate, clip.visemes))

    def close(self) -> None:
        pass

    def lanes(self, count: int) -> list[RecordingOutput]:
        """One output per character speaking at once (stage.overlap), all into
        the same recording: each stops and is busy with her own clip only."""
        return [self, *(RecordingOutput(self._now, self.placed) for _ in range(1, count))]

    @property
    def end_s(self) -> float:
        return max((start + clip.duration_s for start, clip in self.placed), default=0.0)

    def mix(self, seconds: float, rate: int = MIXER_RATE) -> np.ndarray:
        track = np.zeros(int(round(seconds * rate)), dtype=np.int32)
        for start, clip in self.placed:
            samples = clip.samples
            if clip.sample_rate != rate:
                positions = np.arange(int(len(samples) * rate / clip.sample_rate)) * clip.sample_rate / rate
                samples = np.interp(positions, np.arange(len(samples)), samples)
            first = int(round(start * rate))
            piece = samples[: max(0, len(track) - first)]
            track[first:first + len(piece)] += piece.astype(np.int32)
        return np.clip(track, -32768, 32767).astype(np.int16)


@dataclass(frozen=True)
class Recording:
    frames: int
    fps: int
    seconds: float
    folder: Path
    mp4: Path | None


def record(config: Config, character: CharacterSpec, lines: list[Line], out_dir: Path, fps: int | None = None,
           save_frames: bool = True, make_synthesizer: SynthesizerFactory | None = None,
           others: dict[str, CharacterSpec] | None = None) -> Recording:
    """Render ``lines`` into ``out_dir``. ``save_frames=False`` skips the PNGs
    (benchmarks want only the timeline)."""
    fps = fps or config.window.fps
    out_dir.mkdir(parents=True, exist_ok=True)
    frames_dir = out_dir / "frames"
    if frames_dir.exists():
        shutil.rmtree(frames_dir)
    frames_dir.mkdir()
    virtual = [0.0]
    now = lambda: virtual[0]  # noqa: E731
    output = RecordingOutput(now)
    runtime = build(config, character, say=lines, others=others,
                    devices=Devices(now=now, audio=output, inline_voice=True, make_synthesizer=make_synthesizer,
                                    link=False, rng=random.Random(0)))  # the same blinks in every recording
    rows = []
    count = 0
    try:
        runtime.start()
        while count < MAX_SECONDS * fps:
            virtual[0] = count / fps
            runtime.frame(virtual[0], 1.0 / fps if count else 0.0)
            if save_frames:
                pygame.image.save(runtime.window.screen, str(frames_dir / f"frame_{count:05d}.png"))
            emotion, fading_from, fade = runtime.presence.crossfade(virtual[0])
            each = [value for performer in runtime.performers[1:] if runtime.cast.several
                    for value in (performer.mouth.shape, f"{performer.mouth.openness:.4f}")]
            rows.append((count, f"{virtual[0]:.4f}", runtime.mouth.shape, f"{runtime.mouth.openness:.4f}", emotion,
                         runtime.topleft[0], runtime.topleft[1], f"{fade:.3f}", *each))
            count += 1
            if runtime.speech_idle and virtual[0] >= output.end_s + TAIL_S:
                break
    finally:
        runtime.shutdown()
        pygame.quit()
    seconds = count / fps
    with wave.open(str(out_dir / "audio.wav"), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(MIXER_RATE)
        wav.writeframes(output.mix(seconds).tobytes())
    with (out_dir / "timeline.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        # On a duo stage, the other characters' mouths follow (mouth_shape and openness are the default's).
        others = [f"{column}:{performer.name}" for performer in runtime.performers[1:] if runtime.cast.several
                  for column in ("mouth_shape", "openness")]
        writer.writerow(["frame", "time_s", "mouth_shape", "openness", "expression", "x", "y", "crossfade", *others])
        writer.writerows(rows)
    with (out_dir / "phonemes.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["start_s", "end_s", "phoneme", "shape"])
        for start, clip in output.placed:
            if clip.visemes is not None:
                track = clip.visemes
                for i, phoneme in enumerate(track.phonemes):
                    end = track.starts[i + 1] if i + 1 < len(track.starts) else clip.duration_s
                    writer.writerow([f"{start + track.starts[i]:.4f}", f"{start + end:.4f}", phoneme,
                                     track.shapes[i]])
    mp4 = _mux(out_dir, fps) if save_frames else None
    log.info("recorded %d frames (%.2f s at %d fps) to %s%s", count, seconds, fps, out_dir,
             f"; video {mp4}" if mp4 else "; no ffmpeg, so no out.mp4")
    return Recording(count, fps, seconds, out_dir, mp4)


def _mux(out_dir: Path, fps: int) -> Path | None:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        return None
    target = out_dir / "out.mp4"
    command = [ffmpeg, "-y", "-loglevel", "error", "-framerate", str(fps), "-i",
               str(out_dir / "frames" / "frame_%05d.png"), "-i", str(out_dir / "audio.wav"),
               "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(target)]
    done = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        log.warning("ffmpeg could not make out.mp4: %s", done.stderr.strip()[:300])
        return None
    return target


def headless() -> None:
    """Record mode needs no window: SDL's dummy video driver, unless told otherwise."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

