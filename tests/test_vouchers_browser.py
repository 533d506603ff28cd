"""The counter page in Chromium: camera scan (fake camera fed a voucher QR) and a
keyboard-wedge scanner, each followed by a redemption and a receipt.

Chromium headless on Linux has no BarcodeDetector backend, so the camera frames are decoded
in the browser by jsQR (from npm); the server decode stays the last fallback.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import RISK_OFF
from tests.support.browser import (
    ARTIFACTS,
    TIMEOUT_MS,
    check_page,
    launch,
    require_chromium,
    write_y4m,
)
from tests.support.voucher_world import gift, pending_balance, world
from vouchers import qr
from wallet.db import db

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def live(engine_name: str, committed_app: Flask) -> Iterator[dict[str, Any]]:
    """A real HTTP server on 127.0.0.1 over a fresh database, with two vouchers issued."""
    if engine_name != "sqlite":
        pytest.skip("the browser flow is engine-independent; it runs on SQLite")
    require_chromium()
    committed_app.config.update(RISK_OFF)
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
        browser = launch(playwright, video=video)
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
        assert scanner in ("jsqr", "barcode-detector")
        (ARTIFACTS / "counter-scanner.txt").write_text(f"camera decoded by: {scanner}\n")
        assert page.inner_text("#remaining") == "120 credits"
        check_page(page, "counter-camera-verified")
        page.click("#redeem-all")
        page.wait_for_selector("body[data-state='redeemed']", timeout=TIMEOUT_MS)
        assert page.inner_text("#receipt-amount") == "120"
        assert page.inner_text("#receipt-voucher") == camera["id"]
        check_page(page, "counter-camera-receipt")

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
        check_page(page, "counter-wedge-receipt")

        # 3. a forged voucher is flagged offline and never sent to be redeemed
        page.click("#next")
        forged = wedge["payload"][:-3] + ("AAA" if wedge["payload"][-3:] != "AAA" else "BBB")
        page.fill("#scan-input", forged)
        page.press("#scan-input", "Enter")
        page.wait_for_selector("body[data-state='rejected']", timeout=TIMEOUT_MS)
        assert "NOT authentic" in page.inner_text("#authenticity") or \
            "malformed" in page.inner_text("#authenticity")
        check_page(page, "counter-forged")

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
        check_page(page, "counter-tablet-portrait")
        browser.close()

    assert not errors, errors
    with committed_app.app_context():
        assert pending_balance(db.session(), live["merchant_id"]) == 220
        db.session.rollback()
