"""QR images of voucher payloads (PNG and SVG), built with ``qrcode`` for fast bulk rendering.

The symbol is fixed up front instead of searched for: alphanumeric mode, error correction M,
the smallest version that fits (computed from the payload length and cached), and one fixed
mask pattern. ``qrcode.make`` tries all eight masks and scores each; skipping that search is
the first speed-up. The second: the final codewords (bit stream + Reed-Solomon) are computed
here with an integer LFSR from qrcode's own tables instead of qrcode's generic polynomial class,
then qrcode places and masks them (tests prove the bytes and the matrix are identical). The
images are written straight from the module matrix (one SVG path, one PIL raster), which is
much cheaper than drawing module by module through qrcode's image factories.
"""

from __future__ import annotations

import io
import re
from functools import cache, lru_cache
from typing import Literal, NamedTuple

import qrcode
import qrcode.base
import qrcode.constants
import qrcode.LUT
import qrcode.util
from PIL import Image

ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
MASK_PATTERN = 2
"""Mask 2 (column % 3 == 0) had the lowest average and worst-case ISO 18004 penalty over a
sample of voucher payloads; any mask is valid for decoders."""
MAX_VERSION = 7
QUIET_ZONE = 4
"""The 4-module light margin the standard asks for."""
ALPHANUMERIC = qrcode.util.ALPHA_NUM.decode("ascii")

_ALNUM_RE = re.compile(r"[0-9A-Z $%*+\-./:]*")
_DARK_RUN = re.compile(rb"\x01+")
_TO_GREY = bytes.maketrans(b"\x00\x01", b"\xff\x00")  # light module -> white, dark -> black


class RenderedQr(NamedTuple):
    """Image bytes with the media type and the QR version they use."""

    content: bytes
    media_type: str
    version: int


@lru_cache(maxsize=64)
def _version_for_length(length: int) -> int:
    # Alphanumeric mode: 4-bit mode indicator, 9-bit character count (versions 1-9),
    # 11 bits per pair of characters and 6 for a trailing odd one.
    needed = 4 + 9 + 11 * (length // 2) + 6 * (length % 2)
    limits = qrcode.util.BIT_LIMIT_TABLE[ERROR_CORRECTION]
    for version in range(1, MAX_VERSION + 1):
        if needed <= limits[version]:
            return version
    raise ValueError(
        f"a {length}-character payload needs a QR version above {MAX_VERSION} at level M"
    )


def qr_version(payload: str) -> int:
    """The smallest QR version (at most 7) that holds ``payload`` in alphanumeric mode at M."""
    _check_alphanumeric(payload)
    return _version_for_length(len(payload))


def _check_alphanumeric(payload: str) -> None:
    if not isinstance(payload, str) or not _ALNUM_RE.fullmatch(payload):
        raise ValueError("QR alphanumeric mode takes only 0-9, A-Z, space and $%*+-./:")


def qr_code(payload: str) -> qrcode.QRCode:
    """A compiled ``qrcode.QRCode`` for ``payload`` with fixed version, level and mask.

    The data is added the ordinary way (so ``get_matrix`` and image factories work) but the
    final codewords are precomputed by :func:`codewords`, a faster equivalent of
    ``qrcode.util.create_data`` (the tests check they are identical), before qrcode places
    them with the fixed mask.
    """
    version = qr_version(payload)
    code = qrcode.QRCode(
        version=version,
        error_correction=ERROR_CORRECTION,
        mask_pattern=MASK_PATTERN,
        border=QUIET_ZONE,
    )
    code.add_data(
        qrcode.util.QRData(
            payload.encode("ascii"), mode=qrcode.util.MODE_ALPHA_NUM, check_data=False
        )
    )
    code.data_cache = codewords(payload, version)
    code.makeImpl(False, MASK_PATTERN)
    return code


# --- codewords ------------------------------------------------------------------------------
# qrcode's own create_data spends most of a render in a generic polynomial class. The same
# bytes come out of an LFSR whose register is one Python int, using qrcode's tables
# (RS block layout, generator polynomials, GF(256) exp/log).

_ALNUM_VALUE = bytes.maketrans(ALPHANUMERIC.encode("ascii"), bytes(range(45)))
_PAD = b"\xec\x11"


def codewords(payload: str, version: int) -> list[int]:
    """Final codewords (data then error correction, interleaved) of an alphanumeric payload."""
    _check_alphanumeric(payload)
    if not 1 <= version <= MAX_VERSION:
        raise ValueError(f"only QR versions 1 to {MAX_VERSION} are supported")
    blocks = qrcode.base.rs_blocks(version, ERROR_CORRECTION)
    data = _data_codewords(payload, sum(block.data_count for block in blocks))
    data_blocks, ec_blocks = [], []
    offset = 0
    for block in blocks:
        chunk = data[offset : offset + block.data_count]
        offset += block.data_count
        data_blocks.append(chunk)
        ec_blocks.append(_ec_codewords(chunk, block.total_count - block.data_count))
    return _interleave(data_blocks) + _interleave(ec_blocks)


def _data_codewords(payload: str, capacity: int) -> bytes:
    values = payload.encode("ascii").translate(_ALNUM_VALUE)
    count = len(values)
    acc = (qrcode.util.MODE_ALPHA_NUM << 9) | count  # 4-bit mode, 9-bit count (versions 1-9)
    for first, second in zip(values[0::2], values[1::2], strict=False):
        acc = (acc << 11) | (first * 45 + second)
    bits = 13 + 11 * (count // 2)
    if count % 2:
        acc = (acc << 6) | values[-1]
        bits += 6
    limit = capacity * 8
    if bits > limit:
        raise ValueError("the payload does not fit this QR version")
    terminator = min(4, limit - bits)
    padding = (-(bits + terminator)) % 8
    bits += terminator + padding
    filled = bits // 8
    return (acc << (terminator + padding)).to_bytes(filled, "big") + (_PAD * capacity)[
        : capacity - filled
    ]


@cache
def _ec_table(ec_count: int) -> tuple[int, ...]:
    """For each feedback byte f: f times the generator (leading 1 dropped) as one int."""
    generator = _generator(ec_count)
    return tuple(
        int.from_bytes(bytes(_gf_mul(factor, g) for g in generator), "big") for factor in range(256)
    )


def _generator(ec_count: int) -> list[int]:
    known = qrcode.LUT.rsPoly_LUT.get(ec_count)
    if known is not None:
        return list(known[1:])
    poly = [1]  # (x - a^0)(x - a^1)...(x - a^(n-1)), highest power first
    for i in range(ec_count):
        root = qrcode.base.gexp(i)
        poly = [a ^ _gf_mul(b, root) for a, b in zip([*poly, 0], [0, *poly], strict=True)]
    return poly[1:]


def _gf_mul(a: int, b: int) -> int:
    if a == 0 or b == 0:
        return 0
    return qrcode.base.gexp(qrcode.base.glog(a) + qrcode.base.glog(b))


def _ec_codewords(data: bytes, ec_count: int) -> bytes:
    """Reed-Solomon remainder of data(x) * x^n modulo the generator, via an int LFSR."""
    table = _ec_table(ec_count)
    shift = 8 * (ec_count - 1)
    mask = (1 << (8 * ec_count)) - 1
    register = 0
    for byte in data:
        register = ((register << 8) & mask) ^ table[byte ^ (register >> shift)]
    return register.to_bytes(ec_count, "big")


def _interleave(blocks: list[bytes]) -> list[int]:
    longest = max(len(block) for block in blocks)
    return [block[i] for i in range(longest) for block in blocks if i < len(block)]


def qr_modules(payload: str) -> tuple[int, list[list[bool]]]:
    """The QR version and the module matrix (True = dark), without the quiet zone."""
    code = qr_code(payload)
    return code.version, code.modules


def svg_from_modules(
    modules: list[list[bool]], *, scale: int = 8, border: int = QUIET_ZONE
) -> bytes:
    """A standalone SVG: white background and one path of horizontal dark runs."""
    side = len(modules) + 2 * border
    parts = []
    for y, row in enumerate(modules, start=border):
        for run in _DARK_RUN.finditer(bytes(row)):
            width = run.end() - run.start()
            parts.append(f"M{run.start() + border} {y}h{width}v1h-{width}z")
    size = side * scale
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{size}" height="{size}" '
        f'viewBox="0 0 {side} {side}" shape-rendering="crispEdges">'
        f'<rect width="{side}" height="{side}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(parts)}"/></svg>\n'
    ).encode("ascii")


def png_from_modules(
    modules: list[list[bool]], *, scale: int = 8, border: int = QUIET_ZONE
) -> bytes:
    """A 1-bit greyscale PNG, ``scale`` pixels per module."""
    count = len(modules)
    side = count + 2 * border
    light_row = b"\xff" * side
    margin = b"\xff" * border
    rows = [light_row] * border
    rows += [margin + bytes(row).translate(_TO_GREY) + margin for row in modules]
    rows += [light_row] * border
    image = Image.frombytes("L", (side, side), b"".join(rows)).convert(
        "1", dither=Image.Dither.NONE
    )
    image = image.resize((side * scale, side * scale), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def render_svg(payload: str, *, scale: int = 8) -> bytes:
    """SVG bytes of the payload's QR code."""
    return svg_from_modules(qr_modules(payload)[1], scale=scale)


def render_png(payload: str, *, scale: int = 8) -> bytes:
    """PNG bytes of the payload's QR code."""
    return png_from_modules(qr_modules(payload)[1], scale=scale)


def render_qr(payload: str, fmt: Literal["png", "svg"], *, scale: int = 8) -> RenderedQr:
    """Render ``payload`` as PNG or SVG, with its media type and QR version."""
    version, modules = qr_modules(payload)
    if fmt == "svg":
        return RenderedQr(svg_from_modules(modules, scale=scale), "image/svg+xml", version)
    if fmt == "png":
        return RenderedQr(png_from_modules(modules, scale=scale), "image/png", version)
    raise ValueError(f"unknown QR image format {fmt!r}")
