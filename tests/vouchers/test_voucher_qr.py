"""QR images: decoded by an independent decoder (zxing-cpp), version <= 7 at level M, fixed mask."""

from __future__ import annotations

import io
import random
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
import qrcode
import qrcode.util
from PIL import Image, ImageDraw

from vouchers.codec import (
    MAX_EXPIRY,
    MAX_VALUE,
    PAYLOAD_CHARS,
    VoucherBody,
    VoucherFlags,
    encode_voucher,
    verify,
)
from vouchers.keys import PublicKeyInfo, SigningKey, signing_key_from_seed
from vouchers.qr import (
    ALPHANUMERIC,
    ERROR_CORRECTION,
    MASK_PATTERN,
    MAX_VERSION,
    QUIET_ZONE,
    codewords,
    qr_code,
    qr_modules,
    qr_version,
    render_png,
    render_qr,
    render_svg,
)

zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp is the independent QR decoder")

SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return signing_key_from_seed(bytes(range(32)))


@pytest.fixture(scope="module")
def keys(key: SigningKey) -> dict[str, PublicKeyInfo]:
    return {key.kid: key.public_info()}


@pytest.fixture(scope="module")
def largest_payload(key: SigningKey) -> str:
    """Every field at its maximum (the payload length is fixed, but be explicit)."""
    body = VoucherBody(
        kid=key.kid,
        voucher_id=b"\xff" * 16,
        value=MAX_VALUE,
        expires_at=MAX_EXPIRY,
        flags=VoucherFlags.PROMOTIONAL | VoucherFlags.SINGLE_REDEMPTION,
    )
    return encode_voucher(body, key)


def _decode(image: Image.Image) -> Any:
    result = zxingcpp.read_barcode(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert result is not None, "zxing-cpp found no QR code"
    return result


def test_version_is_at_most_7_for_the_largest_voucher(largest_payload: str) -> None:
    assert len(largest_payload) == PAYLOAD_CHARS
    version = qr_version(largest_payload)
    assert version <= MAX_VERSION == 7
    assert version == 6
    assert qr_code(largest_payload).version == version


def test_png_decodes_with_zxing_and_verifies(
    largest_payload: str, keys: dict[str, PublicKeyInfo]
) -> None:
    png = render_png(largest_payload)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    result = _decode(Image.open(io.BytesIO(png)))
    assert result.text == largest_payload
    assert result.ec_level == "M"
    assert int(result.extra["Version"]) == qr_version(largest_payload) <= MAX_VERSION
    assert int(result.extra["DataMask"]) == MASK_PATTERN
    verified = verify(result.text, keys, now=0)
    assert verified.value == MAX_VALUE


def test_many_random_vouchers_decode(key: SigningKey, keys: dict[str, PublicKeyInfo]) -> None:
    for value in (1, 10, 2_500, 10**12):
        payload = encode_voucher(VoucherBody.new(key.kid, value, 2_000_000_000), key)
        result = _decode(Image.open(io.BytesIO(render_png(payload, scale=3))))
        assert verify(result.text, keys, now=0).value == value


def _rasterise_svg(svg: bytes) -> Image.Image:
    """Paint the SVG's path (M x y h w v1 h-w z runs) onto a bitmap; proves the geometry."""
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.tag == f"{SVG_NS}svg"
    _, _, width, height = (int(v) for v in root.attrib["viewBox"].split())
    rect = root.find(f"{SVG_NS}rect")
    path = root.find(f"{SVG_NS}path")
    assert rect is not None
    assert rect.attrib["fill"] == "#fff"
    assert path is not None
    assert path.attrib["fill"] == "#000"
    scale = 6
    image = Image.new("L", (width * scale, height * scale), 255)
    draw = ImageDraw.Draw(image)
    runs = re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3z", path.attrib["d"])
    assert "".join(f"M{x} {y}h{w}v1h-{w}z" for x, y, w in runs) == path.attrib["d"]
    for x, y, w in runs:
        left, top = int(x) * scale, int(y) * scale
        draw.rectangle((left, top, left + int(w) * scale - 1, top + scale - 1), fill=0)
    return image


def test_svg_is_valid_xml_and_decodes(largest_payload: str, keys: dict[str, PublicKeyInfo]) -> None:
    svg = render_svg(largest_payload)
    assert svg.startswith(b"<?xml")
    result = _decode(_rasterise_svg(svg))
    assert result.text == largest_payload
    assert verify(result.text, keys, now=0).value == MAX_VALUE


def test_svg_and_png_show_the_same_modules(largest_payload: str) -> None:
    version, modules = qr_modules(largest_payload)
    side = len(modules) + 2 * QUIET_ZONE
    assert len(modules) == 4 * version + 17
    png = Image.open(io.BytesIO(render_png(largest_payload, scale=1))).convert("L")
    svg = _rasterise_svg(render_svg(largest_payload)).resize((side, side), Image.Resampling.NEAREST)
    assert png.size == (side, side)
    assert png.tobytes() == svg.tobytes()


def test_mask_is_fixed_not_searched(largest_payload: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_search(self: object) -> int:
        raise AssertionError("the mask search must not run")

    monkeypatch.setattr(qrcode.QRCode, "best_mask_pattern", no_search)
    code = qr_code(largest_payload)
    assert code.mask_pattern == MASK_PATTERN
    render_svg(largest_payload)
    render_png(largest_payload)


def test_render_qr_reports_media_type_and_version(largest_payload: str) -> None:
    png = render_qr(largest_payload, "png")
    svg = render_qr(largest_payload, "svg")
    assert (png.media_type, svg.media_type) == ("image/png", "image/svg+xml")
    assert png.version == svg.version == 6
    with pytest.raises(ValueError, match="format"):
        render_qr(largest_payload, "gif")  # type: ignore[arg-type]


@pytest.mark.parametrize("payload", ["wv1:lower", "WV1:€", "WV1:#"])
def test_non_alphanumeric_payloads_are_refused(payload: str) -> None:
    with pytest.raises(ValueError, match="alphanumeric"):
        qr_version(payload)


def test_payloads_above_version_7_are_refused() -> None:
    assert qr_version("A" * 178) == 7
    with pytest.raises(ValueError, match="version"):
        qr_version("A" * 179)


def test_fast_codewords_equal_qrcodes_own_encoder() -> None:
    """codewords() replaces qrcode.util.create_data for speed; it must give identical bytes."""
    rng = random.Random(7)
    for length in range(1, 179):
        payload = "".join(rng.choice(ALPHANUMERIC) for _ in range(length))
        for version in range(qr_version(payload), MAX_VERSION + 1):
            data = qrcode.util.QRData(
                payload.encode("ascii"), mode=qrcode.util.MODE_ALPHA_NUM, check_data=False
            )
            expected = qrcode.util.create_data(version, ERROR_CORRECTION, [data])
            assert codewords(payload, version) == expected, (length, version)


def test_matrix_equals_qrcodes_own_build(largest_payload: str) -> None:
    plain = qrcode.QRCode(version=6, error_correction=ERROR_CORRECTION, mask_pattern=MASK_PATTERN)
    plain.add_data(
        qrcode.util.QRData(
            largest_payload.encode("ascii"), mode=qrcode.util.MODE_ALPHA_NUM, check_data=False
        )
    )
    plain.make(fit=False)
    assert qr_code(largest_payload).modules == plain.modules


def test_codewords_refuse_unsupported_versions() -> None:
    with pytest.raises(ValueError, match="versions 1 to 7"):
        codewords("A", 8)
    with pytest.raises(ValueError, match="fit"):
        codewords("A" * 100, 1)
