"""Fit the audio-only vowel estimator's profiles (engine/speech/vowel_profiles.npz)
to piper's phoneme alignments, and report its agreement on held-out sentences.

    .venv/bin/python bench/calibrate_vowels.py

The sentences are bench/vowel_sentences.txt: the first 180 train, the rest
measure. Seeded, so the same install gives the same profiles.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.settings.config import VoiceConfig  # noqa: E402
from engine.speech import vowels  # noqa: E402
from engine.speech.voices.piper import PiperSynthesizer  # noqa: E402

TRAIN = 180
HIDDEN = 64
EPOCHS = 40



def sentences() -> list[str]:
    lines = (ROOT / "bench" / "vowel_sentences.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def labelled(voice: PiperSynthesizer, text: str) -> tuple[np.ndarray, np.ndarray, object, np.ndarray]:
    clip = voice.synthesize(text)
    features, level = vowels.frame_features(clip.samples)
    labels = []
    for i in range(len(level)):
        shape = clip.visemes.at(i * vowels.HOP_S)  # the frame is centred there
        labels.append(vowels.CLASSES.index(shape) if shape in vowels.CLASSES else -1)
    loud = level > level.max() - vowels.QUIET_DB
    return features, np.array(labels), clip, loud


def train(features: np.ndarray, labels: np.ndarray, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    mean, scale = features.mean(axis=0), features.std(axis=0) + 1e-6
    x_all = (features - mean) / scale
    w1 = rng.normal(0, 1 / np.sqrt(x_all.shape[1]), (x_all.shape[1], HIDDEN))
    b1 = np.zeros(HIDDEN)
    w2 = rng.normal(0, 1 / np.sqrt(HIDDEN), (HIDDEN, len(vowels.CLASSES)))
    b2 = np.zeros(len(vowels.CLASSES))
    params = [w1, b1, w2, b2]
    first = [np.zeros_like(p) for p in params]
    second = [np.zeros_like(p) for p in params]
    for _ in range(EPOCHS):  # Adam on softmax cross-entropy, mini-batches of 256
        order = rng.permutation(len(x_all))
        for start in range(0, len(order), 256):
            batch = order[start:start + 256]
            x, y = x_all[batch], labels[batch]
            hidden = np.maximum(0, x @ w1 + b1)
            z = hidden @ w2 + b2
            z -= z.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            p[np.arange(len(y)), y] -= 1
            p /= len(y)
            dh = (p @ w2.T) * (hidden > 0)
            grads = [x.T @ dh + 1e-4 * w1, dh.sum(axis=0), hidden.T @ p + 1e-4 * w2, p.sum(axis=0)]
            for i, (param, grad) in enumerate(zip(params, grads)):
                first[i] = 0.9 * first[i] + 0.1 * grad
                second[i] = 0.999 * second[i] + 0.001 * grad * grad
                param -= 3e-3 * first[i] / (np.sqrt(second[i]) + 1e-8)
    return {"mean": mean, "scale": scale, "w1": w1, "b1": b1, "w2": w2, "b2": b2}


def _raw_mean(samples: np.ndarray) -> np.ndarray:
    cepstra, level = vowels.mfcc(samples)
    return cepstra[level > level.max() - vowels.QUIET_DB].mean(axis=0)


def main() -> int:
    voice = PiperSynthesizer(VoiceConfig(engine="piper"))
    texts = sentences()
    prior = np.mean([_raw_mean(voice.synthesize(text).samples) for text in texts[:TRAIN]], axis=0)
    if vowels.PROFILES.exists():
        vowels.PROFILES.unlink()
    np.savez_compressed(vowels.PROFILES, cepstral_mean=prior)  # features now lean on it
    vowels.reload_profiles()
    rows = [labelled(voice, text) for text in texts]
    features = np.vstack([f[(lab >= 0) & loud] for f, lab, _, loud in rows[:TRAIN]])
    labels = np.concatenate([lab[(lab >= 0) & loud] for f, lab, _, loud in rows[:TRAIN]])
    profiles = train(features, labels)
    np.savez_compressed(vowels.PROFILES, cepstral_mean=prior.astype(np.float32),
                        **{k: v.astype(np.float32) for k, v in profiles.items()})
    vowels.reload_profiles()
    agree = compared = 0
    for _, _, clip, _ in rows[TRAIN:]:
        estimated = vowels.estimate_track(clip.samples)
        level = vowels.frame_features(clip.samples)[1]
        a, c = vowels.agreement(estimated, clip.visemes, level)
        agree, compared = agree + a, compared + c
    print(f"trained on {TRAIN} sentences ({len(labels)} frames); held-out agreement "
          f"{agree / compared:.1%} of {compared} voiced frames; wrote {vowels.PROFILES.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
