"""Record mode's phonemes.csv shows the default voice's own timing: piper's
IPA phonemes from its alignments, lips closed on m/b/p."""
from __future__ import annotations

import csv
import subprocess
import sys

from engine.speech.visemes import shape_of_ipa
from support.timing import scaled

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


def test_phonemes_csv_holds_piper_visemes(tmp_path):
    out = tmp_path / "rec"
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "--record", str(out), "--say",
                           "Mama bought a blue boat.", "--fps", "30"], capture_output=True, text=True,
                          timeout=scaled(180), stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert 'voice piper synthesised: "Mama bought a blue boat."' in done.stderr + done.stdout
    rows = list(csv.DictReader((out / "phonemes.csv").open(encoding="utf-8")))
    phonemes = [row["phoneme"] for row in rows]
    assert {"ɑ", "ʊ"} & set(phonemes) or {"ə", "ɔ"} & set(phonemes), phonemes  # IPA: piper's, not espeak-ng's
    for row in rows:
        if not row["phoneme"].endswith("~"):
            assert row["shape"] == shape_of_ipa(row["phoneme"]), row
    closures = [row for row in rows if row["phoneme"] in ("m", "b")]
    assert len(closures) >= 4 and all(row["shape"] == "closed" for row in closures)
    starts = [float(row["start_s"]) for row in rows]
    assert starts == sorted(starts) and float(rows[-1]["end_s"]) > 1.0
