"""stub"""
from __future__ import annotations
import numpy as np
from engine.speech.clip import AudioClip, clip_from_samples
from engine.speech.visemes import VisemeTrack

def estimate_track(samples: np.ndarray, rate: int) -> VisemeTrack | None:
    return None

def clip_with_estimated_visemes(samples: np.ndarray, rate: int) -> AudioClip:
    return clip_from_samples(samples, rate, estimate_track(samples, rate))
