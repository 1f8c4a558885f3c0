"""The piper model with its alignment output, cached as a file (a session made
from bytes keeps a second copy of the model in memory)."""
from __future__ import annotations

import os

import pytest

pytest.importorskip("piper")

from engine.speech.voices import piper  # noqa: E402
from engine.speech.voices.piper import aligned_model, default_model  # noqa: E402


@pytest.fixture(autouse=True)
def own_voice_cache(monkeypatch):
    """The voices these tests load are theirs: the process's cache is as it was after them."""
    monkeypatch.setattr(piper, "_CACHE", {})


def test_the_aligned_model_is_written_once_and_then_read_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = aligned_model(default_model())
    assert isinstance(first, os.PathLike) and first.is_file() and first.is_relative_to(tmp_path)
    import onnx
    outputs = [output.name for output in onnx.load(str(first)).graph.output]
    assert len(outputs) >= 2  # the audio and the phoneme durations piper's alignment patch adds
    written = first.stat().st_mtime_ns
    assert aligned_model(default_model()) == first and first.stat().st_mtime_ns == written
    assert not list(first.parent.glob("*.partial"))


def test_a_damaged_cached_model_is_made_again(tmp_path, monkeypatch):
    import shutil

    from engine.speech.voices.piper import load_voice

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    model = tmp_path / "models" / default_model().name  # a path of its own: not in the process's voice cache
    model.parent.mkdir()
    shutil.copy2(default_model(), model)
    shutil.copy2(f"{default_model()}.json", f"{model}.json")
    cached = aligned_model(model)
    cached.write_bytes(b"not an onnx model")
    voice = load_voice(model)
    assert voice.session is not None and cached.stat().st_size > 1_000_000


def test_without_a_writable_cache_the_model_comes_as_bytes(tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    source = aligned_model(default_model())
    assert isinstance(source, bytes) and len(source) > default_model().stat().st_size // 2


@pytest.mark.parametrize("low_memory", [False, True])
def test_low_memory_drops_onnxruntime_s_arena_and_the_voice_still_speaks(low_memory):
    import dataclasses

    from engine.settings.config import PiperConfig, VoiceConfig
    from engine.speech.voices.piper import PiperSynthesizer, load_voice

    voice = dataclasses.replace(VoiceConfig(engine="piper"), piper=PiperConfig(low_memory=low_memory))
    synthesizer = PiperSynthesizer(voice)
    options = load_voice(default_model(), low_memory).session.get_session_options()  # the one it loaded
    assert options.enable_cpu_mem_arena is (not low_memory)
    clip = synthesizer.synthesize("Memory check.")
    assert clip.duration_s > 0.3 and clip.visemes is not None
