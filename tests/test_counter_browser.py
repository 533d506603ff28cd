"""The counter page in Chromium, as a shop assistant uses it, on a phone and a desktop.

- Offline: the page is installed (service worker), the network is cut, the page reloads from
  the cache, a fake camera shows a voucher QR, jsQR decodes it in the browser and the
  signature checks out from the cached keys; nothing can be redeemed until the server is
  back, and then the screen shows the server's answer only.
- The screen always shows the last answer: after a successful Retry no error stays, after
  another till was faster no redeem button stays.
- Plain words, "1 credit", one expiry wording, a void within the window, the end of shift.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import (
    TIMEOUT_MS,
    VIEWPORTS,
    LiveServer,
    broken_words,
    check_page,
    demo_site,
    launch,
    require_chromium,
    wait_until,
    write_y4m,
)
from tests.support.voucher_world import bearer, gift, idem, pending_balance
from vouchers import qr
from wallet.db import db

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The demo world on a real server (SQLite, production-like: TESTING off)."""
    require_chromium()
    with demo_site(tmp_path_factory.mktemp("counter")) as site:
        yield site


def _gift(shop: dict[str, Any], value: int) -> dict[str, Any]:
    return gift(shop["app"].test_client(), shop["user_id"], value)


def _pair(page: Any, shop: dict[str, Any]) -> None:
    page.goto(f"{shop['live'].url}/counter")
    page.wait_for_selector("body[data-state='unpaired']", timeout=TIMEOUT_MS)
    page.fill("#pair-key", shop["counter_key"])
    page.click("#pair-button")
    page.wait_for_selector("body[data-state='ready']", timeout=TIMEOUT_MS)


def _scan(page: Any, text: str) -> None:
    page.fill("#scan-input", text)
    page.press("#scan-input", "Enter")


def _cut(context: Any, live: LiveServer) -> None:
    live.stop()
    context.set_offline(True)


def _restore(context: Any, live: LiveServer) -> None:
    live.start()
    context.set_offline(False)


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_offline_camera_scan_then_retry_online(shop: dict[str, Any], tmp_path: Path,
                                                device: str) -> None:
    from playwright.sync_api import sync_playwright

    voucher = _gift(shop, 120)
    video = tmp_path / "voucher.y4m"
    write_y4m(qr.render_png(voucher["payload"], scale=8), video)
    live: LiveServer = shop["live"]
    decode_calls: list[str] = []
    with sync_playwright() as playwright:
        browser = launch(playwright, video=video)
        context = browser.new_context(viewport=VIEWPORTS[device])
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("request", lambda r: decode_calls.append(r.url) if "/decode" in r.url else None)
        try:
            _pair(page, shop)
            check_page(page, f"counter-{device}-ready")
            # installed: the service worker controls the page and holds the shell and keys
            wait_until(page, "navigator.serviceWorker.controller !== null", TIMEOUT_MS)
            cached = page.evaluate("""caches.keys().then(names => Promise.all(names.map(
                n => caches.open(n).then(c => c.keys()).then(ks => ks.map(k => k.url)))))
                .then(lists => lists.flat())""")
            assert any(url.endswith("/v1/voucher_keys") for url in cached), cached
            assert any(url.endswith("/static/vendor/jsQR.js") for url in cached), cached

            _cut(context, live)
            page.reload()  # from the service worker's cache: no browser error page
            page.wait_for_selector("body[data-state='ready']", timeout=TIMEOUT_MS)
            assert "Front counter" in page.inner_text("#paired-as")
            page.wait_for_selector("body[data-connection='offline']", timeout=TIMEOUT_MS)

            page.click("#camera-start")
            page.wait_for_selector("body[data-state='offline']", timeout=TIMEOUT_MS)
            assert page.get_attribute("body", "data-scanner") in ("jsqr", "barcode-detector")
            assert page.get_attribute("body", "data-offline") == "authentic"
            assert "Authentic signature" in page.inner_text("#authenticity")
            assert page.inner_text("#value") == "120 credits"
            assert page.inner_text("#expiry") == "No expiry"
            assert "cannot be reached" in page.inner_text("#server-status")
            assert page.is_visible("#retry") and not page.is_visible("#redeem-form")
            assert "Nothing was redeemed" in page.inner_text("#result-error")
            check_page(page, f"counter-{device}-offline-authentic")

            _restore(context, live)
            page.click("#retry")
            page.wait_for_selector("body[data-state='verified']", timeout=TIMEOUT_MS)
            # the last answer only: no leftover error, no Retry
            assert not page.is_visible("#result-error") and not page.is_visible("#retry")
            assert page.inner_text("#server-status") == "Valid"
            assert page.inner_text("#remaining") == "120 credits"
            check_page(page, f"counter-{device}-verified")
            page.click("#redeem-all")
            page.wait_for_selector("body[data-state='redeemed']", timeout=TIMEOUT_MS)
            assert page.inner_text("#receipt-amount") == "120"
            check_page(page, f"counter-{device}-receipt")
        finally:
            if live.httpd is None:
                live.start()
            browser.close()
    assert not decode_calls, decode_calls  # decoded in the browser, no frame uploaded
    assert not errors, errors


def test_the_screen_follows_the_last_answer(shop: dict[str, Any]) -> None:
    """Another till redeems first: no redeem button stays; words, not codes."""
    from playwright.sync_api import sync_playwright

    voucher = _gift(shop, 30)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport=VIEWPORTS["phone"])
        try:
            _pair(page, shop)
            _scan(page, voucher["payload"])
            page.wait_for_selector("body[data-state='verified']", timeout=TIMEOUT_MS)
            other = shop["app"].test_client().post(
                "/v1/vouchers/redeem", json={"payload": voucher["payload"]},
                headers=idem(bearer(shop["other_counter_key"])))
            assert other.status_code == 200
            page.click("#redeem-all")
            page.wait_for_selector("body[data-state='unavailable']", timeout=TIMEOUT_MS)
            assert not page.is_visible("#redeem-form") and not page.is_visible("#retry")
            assert page.inner_text("#server-status") == "Already spent"
            assert page.inner_text("#remaining") == "0 credits"
            assert page.inner_text("#result-error") == "This voucher has already been spent."
            check_page(page, "counter-phone-spent-elsewhere")

            page.click("#cancel")
            _scan(page, "WV1:NOT-A-VOUCHER")
            page.wait_for_selector("body[data-state='rejected']", timeout=TIMEOUT_MS)
            _scan(page, "ABCDEF")
            page.wait_for_selector("#result-error:has-text('not a valid voucher code')",
                                   timeout=TIMEOUT_MS)
            body = page.inner_text("body")
            assert not re.search(r"\b[a-z]+_[a-z_]+\b", body), body  # no developer codes
            check_page(page, "counter-phone-bad-code")
        finally:
            browser.close()


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_receipt_words_void_and_end_of_shift(shop: dict[str, Any], device: str) -> None:
    from playwright.sync_api import sync_playwright

    voucher = _gift(shop, 5)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport=VIEWPORTS[device])
        try:
            _pair(page, shop)
            # the manual code: the same expiry wording as a QR
            _scan(page, voucher["code"])
            page.wait_for_selector("body[data-state='verified']", timeout=TIMEOUT_MS)
            assert page.inner_text("#expiry") == "No expiry"
            page.fill("#redeem-amount", "1")
            page.click("#redeem-part")
            page.wait_for_selector("body[data-state='redeemed']", timeout=TIMEOUT_MS)
            assert page.inner_text("#receipt-headline") == "Redeemed 1 credit"
            assert page.inner_text("#receipt-remaining") == "4 credits"
            # never a word split over two lines ("A|rticles", "4:15:|51"); ids are codes
            assert broken_words(page, "#receipt h2, #receipt p, #receipt dt, "
                                      "#receipt dd:not(.id)") == []
            check_page(page, f"counter-{device}-receipt-one-credit")

            pending = pending_balance_of(shop)
            page.click("#void")
            page.wait_for_selector("#confirm[open]")
            check_page(page, f"counter-{device}-void-confirm", full_page=False)
            page.click("#confirm-yes")
            page.wait_for_selector("body[data-state='voided']", timeout=TIMEOUT_MS)
            assert page.is_visible("#receipt-voided") and not page.is_visible("#void")
            assert page.inner_text("#receipt-remaining") == "5 credits"
            assert pending_balance_of(shop) == pending - 1
            check_page(page, f"counter-{device}-voided")

            page.click("#next")
            _scan(page, voucher["payload"])
            page.wait_for_selector("body[data-state='verified']", timeout=TIMEOUT_MS)
            assert page.inner_text("#remaining") == "5 credits"
            page.click("#redeem-all")
            page.wait_for_selector("body[data-state='redeemed']", timeout=TIMEOUT_MS)

            page.click("#shift-open")
            page.wait_for_selector("#shift-list li", timeout=TIMEOUT_MS)
            summary = shift_summary(shop)
            assert page.inner_text("#shift-count") == str(summary["count"])
            assert page.inner_text("#shift-net") == f"{summary['net_total']} credits"
            assert page.locator("#shift-list .status.voided").count() >= 1
            check_page(page, f"counter-{device}-end-of-shift")
        finally:
            browser.close()


def pending_balance_of(shop: dict[str, Any]) -> int:
    with shop["app"].app_context():
        found = pending_balance(db.session(), shop["merchant_id"])
        db.session.rollback()
        return found


def shift_summary(shop: dict[str, Any]) -> dict[str, Any]:
    client = shop["app"].test_client()
    answer = client.get("/v1/vouchers/redemptions/summary", headers=bearer(shop["counter_key"]))
    assert answer.status_code == 200
    return dict(answer.json)
