"""The wallet page in Chromium, as a person uses it, on a 390 x 844 phone and a desktop.

Vouchers found again after a reload (QR and code on demand, copy, share, print, revoke),
claiming a voucher by code and by camera, history entries in words with links and printable
receipts, editing an app's caps and confirming a disconnect, low-balance and expiry notices.
Every page state visited passes axe (no critical or serious violation) and never scrolls
sideways.
"""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import (
    TIMEOUT_MS,
    VIEWPORTS,
    broken_words,
    check_page,
    demo_site,
    launch,
    require_chromium,
    wait_until,
    write_y4m,
)
from tests.support.voucher_world import bearer, fund, gift, idem, paid_balance
from vouchers import qr
from vouchers.models import Voucher
from wallet.credits import service as credits
from wallet.db import db, utcnow
from wallet.oauth.service import mint_access_token
from wallet.people import service as people_service

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "correct horse battery"
RECORD_PRINT_AND_SHARE = """
  window.__printed = [];
  window.print = () => window.__printed.push(document.body.dataset.print || "page");
  window.__shared = [];
  navigator.share = (data) => { window.__shared.push(data); return Promise.resolve(); };
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    require_chromium()
    with demo_site(tmp_path_factory.mktemp("wallet-pages")) as found:
        yield found


@pytest.fixture(scope="module")
def playwright(site: dict[str, Any]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="module")
def browser(playwright: Any) -> Iterator[Any]:
    chromium = launch(playwright)
    try:
        yield chromium
    finally:
        chromium.close()


def person(site: dict[str, Any], credits_: int = 0) -> tuple[str, str]:
    """A new person with ``credits_`` paid credits: (user id, email)."""
    email = f"p-{uuid.uuid4().hex[:8]}@example.com"
    with site["app"].app_context():
        user = people_service.create_user(db.session(), email, PASSWORD)
        if credits_:
            fund(db.session(), user.id, credits_)
        db.session.commit()
        return user.id, email


def open_wallet(context: Any, site: dict[str, Any], email: str) -> Any:
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    page.goto(site["url"] + "/")
    page.fill("#signin-email", email)
    page.fill("#signin-password", PASSWORD)
    page.click("#signin-form button[type=submit]")
    page.get_by_role("heading", name="Balance").wait_for()
    page.locator("#activity li, #activity-empty:not([hidden])").first.wait_for()
    return page


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_vouchers_are_found_again_shared_printed_and_revoked(
    browser: Any, site: dict[str, Any], device: str
) -> None:
    user_id, email = person(site, 1000)
    context = browser.new_context(viewport=VIEWPORTS[device])
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site["url"])
    context.add_init_script(RECORD_PRINT_AND_SHARE)
    page = open_wallet(context, site, email)
    try:
        page.fill("#gift-value", "120")
        page.click("#gift-button")
        page.locator("#gift-result").wait_for()
        code = page.inner_text("#gift-code")
        page.locator("#balance-total").filter(has_text=re.compile(r"^880$")).wait_for()
        check_page(page, f"wallet-{device}-gift-made")

        page.reload()  # the voucher does not disappear any more
        item = page.locator("#vouchers li.voucher").first
        item.wait_for()
        assert "120 credits voucher" in item.inner_text()
        assert "Active" in item.inner_text() and "Nothing used yet" in item.inner_text()
        assert "No expiry" in item.inner_text()
        item.locator("summary").click()
        item.locator("code.code").filter(has_text=code).wait_for()
        wait_until(page,
            "document.querySelector('#vouchers li img.qr') && "
            "document.querySelector('#vouchers li img.qr').naturalWidth > 0")
        check_page(page, f"wallet-{device}-voucher-shown-again")
        payload = _decode(item.locator("img.qr").screenshot())
        with site["app"].app_context():
            voucher = db.session.query(Voucher).filter_by(funder_user_id=user_id).one()
            assert payload == voucher.payload
            voucher_id = voucher.id

        item.get_by_role("button", name=re.compile("^Copy code")).click()
        page.locator("#notice").filter(has_text="was copied").wait_for()
        assert page.evaluate("navigator.clipboard.readText()") == code
        item.get_by_role("button", name=re.compile("^Share")).click()
        shared = page.evaluate("window.__shared")
        assert len(shared) == 1 and code in shared[0]["text"]
        item.get_by_role("button", name=re.compile("^Print")).click()
        wait_until(page, "window.__printed.length === 1")
        assert page.evaluate("window.__printed") == ["voucher"]
        assert page.inner_text("#print-voucher-code") == code
        _assert_prints_only(page, "voucher", "#print-voucher")

        # partly spent at a counter: the list says what is left
        client = site["app"].test_client()
        spent = client.post("/v1/vouchers/redeem", json={"payload": payload, "amount": 20},
                            headers=idem(bearer(site["counter_key"])))
        assert spent.status_code == 200
        page.reload()
        item = page.locator(f"#voucher-{voucher_id}")
        item.filter(has_text="100 credits of 120 left").wait_for()

        item.get_by_role("button", name=re.compile("^Revoke")).click()
        page.locator("#confirm[open]").wait_for()
        check_page(page, f"wallet-{device}-revoke-confirm", full_page=False)
        page.click("#confirm-no")  # keep it: nothing happens
        assert "Active" in item.inner_text()
        item.get_by_role("button", name=re.compile("^Revoke")).click()
        page.click("#confirm-yes")
        page.locator("#notice").filter(has_text="100 credits came back").wait_for()
        page.locator(f"#voucher-{voucher_id}").filter(has_text="Revoked").wait_for()
        page.locator("#balance-total").filter(has_text=re.compile(r"^980$")).wait_for()
        check_page(page, f"wallet-{device}-voucher-revoked")
        with site["app"].app_context():
            assert paid_balance(db.session(), user_id) == 980
        assert page.errors == []
    finally:
        context.close()


def test_without_web_share_there_is_no_share_button(browser: Any, site: dict[str, Any]) -> None:
    _, email = person(site, 50)
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = open_wallet(context, site, email)
    try:
        if page.evaluate("'share' in navigator"):
            pytest.skip("this Chromium has the Web Share API")
        page.fill("#gift-value", "5")
        page.click("#gift-button")
        page.locator("#gift-actions button").first.wait_for()
        labels = page.locator("#gift-actions button").all_inner_texts()
        assert labels == ["Copy code", "Print"]
    finally:
        context.close()


def test_claim_by_code_and_by_camera(playwright: Any, site: dict[str, Any],
                                     tmp_path: Path) -> None:
    giver, _ = person(site, 500)
    client = site["app"].test_client()
    by_code = gift(client, giver, 40)
    by_camera = gift(client, giver, 25)
    video = tmp_path / "gift.y4m"
    write_y4m(qr.render_png(by_camera["payload"], scale=8), video)
    receiver, email = person(site)
    browser = launch(playwright, video=video)  # its camera shows the voucher's QR
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = open_wallet(context, site, email)
    try:
        page.fill("#claim-input", "NOT-A-CODE")
        page.click("#claim-button")
        page.locator("#claim-error:not([hidden])").wait_for()
        check_page(page, "wallet-phone-claim-error")
        page.fill("#claim-input", by_code["code"].lower())
        page.click("#claim-button")
        page.locator("#claim-result").filter(has_text="40 credits were added").wait_for()
        page.locator("#balance-total").filter(has_text=re.compile(r"^40$")).wait_for()
        page.fill("#claim-input", by_code["code"])
        page.click("#claim-button")
        page.locator("#claim-error").filter(has_text="already claimed").wait_for()

        page.click("#claim-camera-start")
        page.locator("#claim-result").filter(has_text="25 credits were added").wait_for(
            timeout=TIMEOUT_MS)
        assert page.get_attribute("body", "data-scanner") in ("jsqr", "barcode-detector")
        page.locator("#balance-total").filter(has_text=re.compile(r"^65$")).wait_for()
        assert not page.is_visible("#claim-camera")
        page.locator("#activity").filter(has_text="Voucher claimed").wait_for()
        check_page(page, "wallet-phone-claimed")
        assert page.errors == []
    finally:
        browser.close()
    with site["app"].app_context():
        assert paid_balance(db.session(), receiver) == 65


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_activity_in_words_with_links_and_receipts(browser: Any, site: dict[str, Any],
                                                   device: str) -> None:
    user_id, email = person(site)
    context = browser.new_context(viewport=VIEWPORTS[device])
    context.add_init_script(RECORD_PRINT_AND_SHARE)
    page = open_wallet(context, site, email)
    try:
        currency, pack, price = ("USD", "500 credits", "$4.99") if device == "phone" else (
            "KRW", "1,100 credits", "₩13,000")
        page.get_by_label("Currency").select_option(currency)
        page.locator("#packs").filter(has_text=price).wait_for()
        page.locator("#packs").get_by_label(re.compile(pack)).check()
        page.get_by_role("button", name="Continue to payment").click()
        page.get_by_label("Card number").fill("4242 4242 4242 4242")
        page.get_by_label(re.compile("Expiry")).fill("12/40")
        page.get_by_label("CVC").fill("123")
        check_page(page, f"wallet-{device}-sandbox-checkout")
        page.get_by_role("button", name=re.compile(r"^Pay ")).click()
        page.locator("#result-status").filter(has_text="were added").wait_for()
        purchase = _buy(site, user_id, 7, "Sticker pack")
        page.fill("#gift-value", "3")
        page.click("#gift-button")
        page.locator("#gift-result").wait_for()
        page.reload()

        activity = page.locator("#activity")
        activity.filter(has_text="Voucher gifted").wait_for()
        text = activity.inner_text()
        for label in ("Top-up", "Purchase", "Voucher gifted"):
            assert label in text, text
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), text  # no raw kinds
        assert "Sticker pack" in text
        check_page(page, f"wallet-{device}-activity")

        # the purchase's receipt, printable
        page.get_by_role("link", name=re.compile("^Receipt of the purchase")).click()
        page.locator("#receipt-facts").filter(has_text="Sticker pack").wait_for()
        receipt = page.inner_text("#receipt")
        assert "Demo Coffee & Articles" in receipt and "7 credits" in receipt
        assert purchase in receipt and "None" in receipt  # no fee
        assert broken_words(page, "#receipt dt, #receipt dd:not(.id)") == []
        check_page(page, f"wallet-{device}-purchase-receipt")
        page.click("#receipt-print")
        assert page.evaluate("window.__printed") == ["receipt"]
        _assert_prints_only(page, "receipt", "#receipt")
        page.click("#receipt-close")
        page.locator("#app").wait_for()

        # the top-up's receipt, with the price in its currency
        page.get_by_role("link", name=re.compile("^Receipt of the top-up")).first.click()
        page.locator("#receipt-facts").filter(has_text=price).wait_for()
        assert f"{price} ({currency})" in page.inner_text("#receipt")
        check_page(page, f"wallet-{device}-topup-receipt")
        page.go_back()
        page.locator("#app").wait_for()

        # a gift entry leads to the voucher in "My vouchers"
        page.get_by_role("link", name=re.compile("^See voucher")).first.click()
        focused = page.evaluate("document.activeElement.id")
        assert focused.startswith("voucher-vch_"), focused
        assert page.errors == []
    finally:
        context.close()


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_caps_are_edited_and_a_disconnect_is_confirmed(browser: Any, site: dict[str, Any],
                                                       device: str) -> None:
    user_id, email = person(site, 150)
    with site["app"].app_context():
        mint_access_token(db.session(), user_id=user_id, app_id=site["app_id"], daily_cap=300)
        db.session.commit()
    context = browser.new_context(viewport=VIEWPORTS[device])
    page = open_wallet(context, site, email)
    try:
        apps = page.locator("#apps")
        apps.filter(has_text="300 per day").wait_for()
        page.get_by_role("button", name="Edit limits of Demo Reader").click()
        page.get_by_label("Most per purchase").fill("abc")
        page.get_by_role("button", name="Save limits of Demo Reader").click()
        apps.locator(".field-error").filter(has_text="whole number").wait_for()
        check_page(page, f"wallet-{device}-caps-error")
        page.get_by_label("Most per purchase").fill("50")
        page.get_by_label("Most per day").fill("")
        page.get_by_role("button", name="Save limits of Demo Reader").click()
        page.locator("#notice").filter(has_text="limits of Demo Reader were saved").wait_for()
        apps.filter(has_text="up to 50 per purchase").wait_for()
        assert "per day" not in apps.inner_text()
        check_page(page, f"wallet-{device}-caps-saved")

        page.get_by_role("button", name="Disconnect Demo Reader").click()
        page.locator("#confirm[open]").wait_for()
        page.keyboard.press("Escape")  # changed their mind
        assert not page.locator("#confirm[open]").count()
        assert "Demo Reader" in apps.inner_text()
        page.get_by_role("button", name="Disconnect Demo Reader").click()
        page.click("#confirm-yes")
        page.locator("#apps-empty").wait_for()
        assert page.errors == []
    finally:
        context.close()


def test_low_balance_and_expiring_credits_notices(browser: Any, site: dict[str, Any]) -> None:
    user_id, email = person(site, 20)
    with site["app"].app_context():
        credits.grant_promotional(db.session(), user_id, 15, utcnow() + timedelta(days=3),
                                  "Welcome", f"notice-{user_id}")
        db.session.commit()
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = open_wallet(context, site, email)
    try:
        page.locator("#low-balance").wait_for()
        expiring = page.locator("#expiring")
        expiring.filter(has_text="15 credits of promotional credit expire within 7 days").wait_for()
        check_page(page, "wallet-phone-notices")
        page.click("#low-balance a")
        assert page.evaluate("document.activeElement.id") == "buy-title"
    finally:
        context.close()


def _assert_prints_only(page: Any, kind: str, selector: str) -> None:
    """On paper (print media), only ``selector`` of the main content is shown."""
    page.evaluate("(k) => { document.body.dataset.print = k; }", kind)
    page.emulate_media(media="print")
    try:
        shown = page.evaluate("""() => Array.from(document.querySelectorAll('main > *'))
            .filter(e => getComputedStyle(e).display !== 'none').map(e => '#' + e.id)""")
        assert shown == [selector], shown
    finally:
        page.emulate_media(media="screen")
        page.evaluate("() => { delete document.body.dataset.print; }")


def _buy(site: dict[str, Any], user_id: str, amount: int, description: str) -> str:
    with site["app"].app_context():
        token, _ = mint_access_token(db.session(), user_id=user_id, app_id=site["app_id"])
        db.session.commit()
    answer = site["app"].test_client().post(
        "/v1/purchases", json={"amount": amount, "description": description},
        headers=idem(bearer(token)))
    assert answer.status_code == 201, answer.json
    return str(answer.json["id"])


def _decode(png: bytes) -> str:
    import zxingcpp
    from PIL import Image

    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert found, "no QR code in the screenshot"
    return str(found[0].text)
