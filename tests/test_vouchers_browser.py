"""The counter page in Chromium: camera scan (fake camera fed a voucher QR) and a
keyboard-wedge scanner, each followed by a redemption and a receipt.

Chromium headless on Linux usually has no BarcodeDetector backend, so the camera path goes
through the server-side decode (``POST /v1/vouchers/decode``), as on such real browsers.
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from werkzeug.serving import make_server

from tests.support.voucher_world import gift, pending_balance, world
from vouchers import qr
from wallet.db import db

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
TIMEOUT_MS = 20_000

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is not installed (apt-get install -y chromium)"
    if os.environ.get("WALLET_REQUIRE_BROWSER", "") in ("1", "true", "yes"):
        pytest.fail(reason + " and WALLET_REQUIRE_BROWSER=1")
    pytest.skip(reason + "; set WALLET_REQUIRE_BROWSER=1 to fail instead")


def write_y4m(png: bytes, path: Path, width: int = 640, height: int = 480,
              frames: int = 10) -> None:
    """A raw YUV 4:2:0 video (header says C420) showing the QR on a grey background."""
    code = Image.open(io.BytesIO(png)).convert("L")
    side = min(width, height) - 80
    frame = Image.new("L", (width, height), 170)
    frame.paste(code.resize((side, side), Image.Resampling.NEAREST),
                ((width - side) // 2, (height - side) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * ((width // 2) * (height // 2))
    with path.open("wb") as handle:
        handle.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420\n".encode("ascii"))
        for _ in range(frames):
            handle.write(b"FRAME\n" + luma + chroma + chroma)


@pytest.fixture
def live(engine_name: str, committed_app: Flask) -> Iterator[dict[str, Any]]:
    """A real HTTP server on 127.0.0.1 over a fresh database, with two vouchers issued."""
    if engine_name != "sqlite":
        pytest.skip("the browser flow is engine-independent; it runs on SQLite")
    _require_chromium()
    with committed_app.app_context():
        w = world(db.session())
        db.session.commit()
    client = committed_app.test_client()
    w["camera_voucher"] = gift(client, w["user_id"], 120)
    w["wedge_voucher"] = gift(client, w["user_id"], 100)
    server = make_server("127.0.0.1", 0, committed_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    w["base_url"] = f"http://127.0.0.1:{server.server_port}"
    try:
        yield w
    finally:
        server.shutdown()
        thread.join(timeout=10)


def _browser(playwright: Any, video: Path) -> Any:
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True,
        args=["--no-sandbox", "--use-fake-ui-for-media-stream",
              "--use-fake-device-for-media-stream",
              f"--use-file-for-fake-video-capture={video}",
              "--disable-background-networking", "--disable-component-update",
              "--no-first-run", "--disable-sync", "--disable-gpu"],
    )


def _pair(page: Any, live: dict[str, Any]) -> None:
    page.goto(f"{live['base_url']}/counter")
    page.fill("#pair-key", live["counter_key"])
    page.click("#pair-button")
    page.wait_for_selector("#paired-as:has-text('Front counter')", timeout=TIMEOUT_MS)


def test_camera_scan_and_keyboard_wedge_redeem(live: dict[str, Any], committed_app: Flask,
                                               tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    camera = live["camera_voucher"]
    video = tmp_path / "voucher.y4m"
    write_y4m(qr.render_png(camera["payload"], scale=8), video)
    assert video.read_bytes().startswith(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420\n")
    errors: list[str] = []

    with sync_playwright() as playwright:
        browser = _browser(playwright, video)
        page = browser.new_page(viewport={"width": 1024, "height": 768})  # a tablet
        page.on("pageerror", lambda error: errors.append(str(error)))
        _pair(page, live)
        assert "Demo Coffee" in page.inner_text("#paired-as")

        # 1. camera → offline signature check → server verify → redeem all → receipt
        page.click("#camera-start")
        page.wait_for_selector("body[data-offline='authentic']", timeout=TIMEOUT_MS)
        assert "Authentic" in page.inner_text("#authenticity")
        page.wait_for_selector("body[data-state='verified']", timeout=TIMEOUT_MS)
        scanner = page.get_attribute("body", "data-scanner")
        assert scanner in ("server", "barcode-detector")
        (ARTIFACTS / "counter-scanner.txt").write_text(f"camera decoded by: {scanner}\n")
        assert page.inner_text("#remaining") == "120 credits"
        page.screenshot(path=str(ARTIFACTS / "counter-camera-verified.png"))
        page.click("#redeem-all")
        page.wait_for_selector("body[data-state='redeemed']", timeout=TIMEOUT_MS)
        assert page.inner_text("#receipt-amount") == "120"
        assert page.inner_text("#receipt-voucher") == camera["id"]
        page.screenshot(path=str(ARTIFACTS / "counter-camera-receipt.png"))

        # 2. keyboard wedge: the scanner "types" the payload (lower case, as some do) + Enter
        page.click("#next")
        wedge = live["wedge_voucher"]
        page.keyboard.type(wedge["payload"].lower(), delay=0)
        page.keyboard.press("Enter")
        page.wait_for_selector("body[data-state='verified']", timeout=TIMEOUT_MS)
        assert page.get_attribute("body", "data-offline") == "authentic"
        page.fill("#redeem-amount", "30")
        page.click("#redeem-part")
        page.wait_for_selector("body[data-state='redeemed']", timeout=TIMEOUT_MS)
        assert page.inner_text("#receipt-amount") == "30"
        assert page.inner_text("#receipt-remaining") == "70 credits"
        page.screenshot(path=str(ARTIFACTS / "counter-wedge-receipt.png"))

        # 3. a forged voucher is flagged offline and never sent to be redeemed
        page.click("#next")
        forged = wedge["payload"][:-3] + ("AAA" if wedge["payload"][-3:] != "AAA" else "BBB")
        page.fill("#scan-input", forged)
        page.press("#scan-input", "Enter")
        page.wait_for_selector("body[data-state='rejected']", timeout=TIMEOUT_MS)
        assert "NOT authentic" in page.inner_text("#authenticity") or \
            "malformed" in page.inner_text("#authenticity")
        page.screenshot(path=str(ARTIFACTS / "counter-forged.png"))

        # 4. the manual code of the wedge voucher: server-only check, redeem the rest
        page.click("#cancel")
        page.fill("#scan-input", wedge["code"])
        page.press("#scan-input", "Enter")
        page.wait_for_selector("body[data-state='verified']", timeout=TIMEOUT_MS)
        assert page.get_attribute("body", "data-offline") == "manual"
        page.click("#redeem-all")
        page.wait_for_selector("body[data-state='redeemed']", timeout=TIMEOUT_MS)
        assert page.inner_text("#receipt-amount") == "70"

        # 5. pairing survives a reload (localStorage)
        page.reload()
        page.wait_for_selector("body[data-state='ready']", timeout=TIMEOUT_MS)
        assert "Front counter" in page.inner_text("#paired-as")
        page.set_viewport_size({"width": 768, "height": 1024})  # a tablet, portrait
        assert page.evaluate("document.documentElement.scrollWidth") <= 768
        page.screenshot(path=str(ARTIFACTS / "counter-tablet-portrait.png"))
        browser.close()

    assert not errors, errors
    with committed_app.app_context():
        assert pending_balance(db.session(), live["merchant_id"]) == 220
        db.session.rollback()
