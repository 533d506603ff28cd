"""Voucher benchmarks: offline verify vs raw Ed25519, and bulk issuing with QR SVG on 2 cores.

    .venv/bin/python benchmarks/vouchers.py            # full run (10,000 vouchers)
    .venv/bin/python benchmarks/vouchers.py --quick    # smoke run used by the test suite

Targets (issue 5): offline verify/s >= 0.7 x raw Ed25519 verify/s in the same run;
issuing >= 500 vouchers/s with QR SVG on 2 cores.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cryptography
import qrcode
import qrcode.util
from cryptography.hazmat.backends.openssl.backend import backend as openssl
from qrcode.image.svg import SvgPathImage

from vouchers.codec import VoucherBody, decode_payload, encode_body, encode_voucher, verify
from vouchers.keys import SigningKey, signing_key_from_seed
from vouchers.manual_code import generate_manual_code
from vouchers.qr import MASK_PATTERN, render_svg

SEED = bytes(range(32))
EXPIRES_AT = 2_000_000_000
VERIFY_TARGET = 0.7
ISSUE_TARGET = 500.0

Row = tuple[str, int, float]  # label, operations, seconds

_worker_key: SigningKey | None = None


def _rate(row: Row) -> float:
    return row[1] / row[2]


def _timed(label: str, count: int, func: Callable[[], object]) -> Row:
    start = time.perf_counter()
    for _ in range(count):
        func()
    return label, count, time.perf_counter() - start


# --- (a) verification -----------------------------------------------------------------------


def bench_verify(block: int, pairs: int) -> tuple[Row, Row, Row, float]:
    """Raw Ed25519 verify vs full offline verify in alternating blocks.

    Machine load drifts (other processes, CPU clocks), so the ratio is the median over pairs
    of adjacent blocks; the rows sum every block.
    """
    key = signing_key_from_seed(SEED)
    keys = {key.kid: key.public_info()}
    payload = encode_voucher(VoucherBody.new(key.kid, 2_500, EXPIRES_AT), key)
    _, signature, signed = decode_payload(payload)
    public_key = keys[key.kid].public_key
    now = EXPIRES_AT - 1
    raw_total = full_total = decode_total = 0.0
    ratios = []
    for _ in range(pairs):
        raw = _timed("", block, lambda: public_key.verify(signature, signed))[2]
        full = _timed("", block, lambda: verify(payload, keys, now))[2]
        decode_total += _timed("", block, lambda: decode_payload(payload))[2]
        raw_total += raw
        full_total += full
        ratios.append(raw / full)
    ops = block * pairs
    return (
        ("raw Ed25519PublicKey.verify", ops, raw_total),
        ("vouchers.codec.verify (offline, full)", ops, full_total),
        ("decode_payload only (no crypto)", ops, decode_total),
        statistics.median(ratios),
    )


# --- (b) issuing ----------------------------------------------------------------------------


def _init_worker(seed: bytes) -> None:
    global _worker_key
    _worker_key = signing_key_from_seed(seed)


def issue_batch(count: int) -> int:
    """Issue ``count`` vouchers: random id, signature, payload, manual code and QR SVG."""
    key = _worker_key
    assert key is not None
    size = 0
    for value in range(1, count + 1):
        payload = encode_voucher(VoucherBody.new(key.kid, value, EXPIRES_AT), key)
        size += len(render_svg(payload)) + len(generate_manual_code())
    return size


def bench_issue_parallel(total: int, workers: int) -> Row:
    chunk = max(1, min(250, total // (workers * 8)))
    batches = [chunk] * (total // chunk) + ([total % chunk] if total % chunk else [])
    context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    with context.Pool(workers, initializer=_init_worker, initargs=(SEED,)) as pool:
        pool.map(issue_batch, [1] * workers)  # warm up: imports and qrcode's blank cache
        start = time.perf_counter()
        sum(pool.imap_unordered(issue_batch, batches))
        elapsed = time.perf_counter() - start
    return f"issue with QR SVG, {workers} processes", total, elapsed


def bench_issue_single(total: int) -> Row:
    _init_worker(SEED)
    issue_batch(2)
    start = time.perf_counter()
    issue_batch(total)
    return "issue with QR SVG, 1 process", total, time.perf_counter() - start


def bench_sign(count: int) -> Row:
    key = signing_key_from_seed(SEED)
    signed = encode_body(VoucherBody.new(key.kid, 2_500, EXPIRES_AT))
    private_key = key.private_key
    return _timed("raw Ed25519PrivateKey.sign, 1 process", count, lambda: private_key.sign(signed))


def bench_qrcode_make(count: int) -> Row:
    key = signing_key_from_seed(SEED)
    payload = encode_voucher(VoucherBody.new(key.kid, 2_500, EXPIRES_AT), key)
    qrcode.make(payload)
    return _timed(
        "qrcode.make default (mask search), 1 process", count, lambda: qrcode.make(payload)
    )


def bench_qrcode_fixed(count: int) -> Row:
    """qrcode alone with the fixed version and mask, its own encoder and SVG path factory."""
    key = signing_key_from_seed(SEED)
    payload = encode_voucher(VoucherBody.new(key.kid, 2_500, EXPIRES_AT), key)

    def render() -> bytes:
        code = qrcode.QRCode(version=6, mask_pattern=MASK_PATTERN)
        code.add_data(
            qrcode.util.QRData(payload.encode(), mode=qrcode.util.MODE_ALPHA_NUM, check_data=False)
        )
        code.make(fit=False)
        return code.make_image(image_factory=SvgPathImage).to_string()

    render()
    return _timed("qrcode fixed version+mask, SvgPathImage, 1 p.", count, render)


# --- report ---------------------------------------------------------------------------------


def _table(rows: list[tuple[Row, str]]) -> str:
    lines = [
        f"| {'measurement':<46} | {'ops':>6} | {'seconds':>7} | {'ops/s':>9} | ratio |",
        f"|{'-' * 48}|{'-' * 8}|{'-' * 9}|{'-' * 11}|{'-' * 7}|",
    ]
    for (label, ops, seconds), ratio in rows:
        lines.append(
            f"| {label:<46} | {ops:>6} | {seconds:>7.3f} | {ops / seconds:>9,.0f} | {ratio:>5} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small counts, for a smoke test")
    parser.add_argument("--vouchers", type=int, default=None, help="vouchers to issue")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)

    quick = args.quick
    issue_total = args.vouchers or (200 if quick else 10_000)
    block, pairs = (100, 6) if quick else (200, 60)

    print(
        f"Python {platform.python_version()}, cryptography {cryptography.__version__} "
        f"({openssl.openssl_version_text()}), qrcode {_version('qrcode')}, "
        f"{os.cpu_count()} CPUs, {platform.machine()}"
    )
    raw, full, decode, verify_ratio = bench_verify(block, pairs)
    sign = bench_sign(block * pairs // 2)
    make = bench_qrcode_make(10 if quick else 100)
    fixed = bench_qrcode_fixed(10 if quick else 200)
    single = bench_issue_single(max(20, issue_total // 5))
    parallel = bench_issue_parallel(issue_total, args.workers)

    rows = [
        (raw, "1.00"),
        (full, f"{verify_ratio:.2f}"),
        (decode, f"{_rate(decode) / _rate(raw):.1f}"),
        (sign, "-"),
        (make, "1.00"),
        (fixed, f"{_rate(fixed) / _rate(make):.1f}"),
        (single, f"{_rate(single) / _rate(make):.1f}"),
        (parallel, f"{_rate(parallel) / _rate(make):.1f}"),
    ]
    print(_table(rows))
    print(
        "ratios: verify rows vs raw Ed25519 verify (median of paired blocks for the full "
        "verify); QR and issue rows vs qrcode.make. "
        f"Issuing on {args.workers} processes = {_rate(parallel) / _rate(sign):.3f} x Ed25519 "
        f"sign/s, {_rate(parallel) / _rate(single):.2f} x one process."
    )
    verdicts = [
        ("offline verify >= 0.7 x raw Ed25519 verify", verify_ratio >= VERIFY_TARGET),
        (f"issuing >= {ISSUE_TARGET:.0f} vouchers/s with QR SVG", _rate(parallel) >= ISSUE_TARGET),
    ]
    for label, met in verdicts:
        print(f"target {label}: {'met' if met else 'MISSED'}")
    return 0


def _version(distribution: str) -> str:
    from importlib.metadata import version

    return version(distribution)


if __name__ == "__main__":
    raise SystemExit(main())
