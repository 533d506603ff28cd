"""Smoke test: the voucher benchmark runs end to end in its quick mode."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "vouchers.py"


def test_benchmark_quick_mode_runs() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for label in (
        "raw Ed25519PublicKey.verify",
        "vouchers.codec.verify",
        "raw Ed25519PrivateKey.sign",
        "qrcode.make default",
        "issue with QR SVG, 2 processes",
        "target offline verify",
    ):
        assert label in result.stdout
