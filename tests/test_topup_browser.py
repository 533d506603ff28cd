"""The wallet top-up page in a real browser (Playwright driving Debian's Chromium).

A real server runs on 127.0.0.1 with a free port against a fresh database; the
sandbox checkout page pays through the same webhook code path as a provider.
Screenshots at 390 px and desktop widths go to ``test-artifacts/``.
"""

from __future__ import annotations

import os
import re
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import RISK_OFF, migrated_app
from tests.support.browser import check_page
from tests.support.databases import temporary_database
from wallet.db import db

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _require_browser() -> None:
    if Path(CHROMIUM).exists():
        return
    reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("WALLET_REQUIRE_BROWSER", "") in ("1", "true", "yes"):
        pytest.fail(reason + " and WALLET_REQUIRE_BROWSER=1")
    pytest.skip(reason + "; set WALLET_REQUIRE_BROWSER=1 to fail instead")


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Flask]]:
    """A real HTTP server on a free port over a fresh SQLite database."""
    _require_browser()
    workdir = tmp_path_factory.mktemp("browser")
    with temporary_database("sqlite", workdir) as url:
        app: Flask = migrated_app(url, workdir / "instance", TESTING=False, **RISK_OFF)
        httpd = make_server("127.0.0.1", 0, app, threaded=True)
        base = f"http://127.0.0.1:{httpd.server_port}"
        # WALLET_BASE_URL is left at its default (another port) on purpose: the page
        # must keep the sandbox checkout on its own origin.
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield base, app
        finally:
            httpd.shutdown()
            thread.join(5)
            with app.app_context():
                db.engine.dispose()


@pytest.fixture(scope="module")
def server(live: tuple[str, Flask]) -> str:
    return live[0]


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def shot(page: Any, name: str) -> None:
    """A screenshot, and axe and the no-sideways-scroll check on this page state."""
    check_page(page, f"topup-{name}")


def sign_up(page: Any, base: str) -> str:
    email = f"buyer-{uuid.uuid4().hex[:8]}@example.com"
    page.goto(base + "/")
    page.get_by_role("heading", name="Create an account").wait_for()
    page.get_by_label("Email").nth(1).fill(email)
    page.locator("#signup-password").fill("correct horse battery")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Balance").wait_for()
    return email


def loaded_qr(page: Any, timeout: float = 30) -> None:
    """Wait until the gift QR image has loaded. Polled with ``page.evaluate`` (run over
    CDP): ``wait_for_function`` polls with eval() in the page, which the page's CSP
    (no 'unsafe-eval') refuses."""
    deadline = time.monotonic() + timeout
    while not page.evaluate("document.getElementById('gift-qr').naturalWidth > 0"):
        assert time.monotonic() < deadline, "the gift QR never loaded"
        time.sleep(0.05)


def pay(page: Any, card: str, pack: str = "500 credits", screenshot: str | None = None) -> None:
    page.locator("#packs").get_by_label(re.compile(pack)).check()
    page.get_by_role("button", name="Continue to payment").click()
    page.get_by_role("heading", name=re.compile(r"^Pay ")).wait_for()
    page.get_by_label("Card number").fill(card)
    page.get_by_label(re.compile("Expiry")).fill("12/40")
    page.get_by_label("CVC").fill("123")
    if screenshot:
        shot(page, screenshot)
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    page.wait_for_url(re.compile(r"/return\?topup=top_"))


def test_buy_credits_on_a_phone(browser: Any, server: str) -> None:
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        shot_first = page.goto(server + "/")
        assert shot_first is not None and shot_first.status == 200
        page.get_by_role("heading", name="Sign in").wait_for()
        shot(page, "phone-signed-out")
        sign_up(page, server)
        page.locator("#balance-total").filter(has_text=re.compile(r"^0$")).wait_for()
        shot(page, "phone-wallet")
        pay(page, "4242 4242 4242 4242", screenshot="phone-sandbox-checkout")
        result = page.locator("#result-status")
        result.filter(has_text="500 credits were added").wait_for()
        page.locator("#balance-total").filter(has_text="500").wait_for()
        assert page.locator("#balance-paid").inner_text() == "500"
        shot(page, "phone-return-success")
        # a declined card: the page says so and no credits land
        pay(page, "4000 0000 0000 0002")
        result.filter(has_text="Your card was declined.").wait_for()
        assert "No credits were added" in result.inner_text()
        page.locator("#history li").nth(1).wait_for()
        page.locator("#balance-total").filter(has_text=re.compile(r"^500$")).wait_for()
        shot(page, "phone-return-declined")
        history = page.locator("#history")
        assert history.locator("li").count() == 2
        assert "succeeded" in history.inner_text() and "failed" in history.inner_text()
        assert "$4.99" in history.inner_text()
        # the page never scrolls sideways on a 390 px phone
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= PHONE["width"]
        assert errors == []
    finally:
        context.close()


def test_currency_selector_and_desktop_layout(browser: Any, server: str) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        sign_up(page, server)
        page.get_by_label("Currency").select_option("KRW")
        page.locator("#packs").filter(has_text="₩6,500").wait_for()
        assert "₩32,500" in page.locator("#packs").inner_text()
        shot(page, "desktop-wallet-krw")
        pay(page, "4242424242424242", pack="1,100 credits")
        page.locator("#balance-total").filter(has_text="1,100").wait_for()
        page.locator("#history").filter(has_text="₩13,000").wait_for()
        shot(page, "desktop-return-success")
    finally:
        context.close()


def test_keyboard_only_purchase(browser: Any, server: str) -> None:
    """Sign up and buy without the mouse: Tab, arrows, Space and Enter only."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(server + "/")
        page.get_by_role("heading", name="Create an account").wait_for()
        email = f"keys-{uuid.uuid4().hex[:8]}@example.com"
        page.locator("#signup-email").focus()
        page.keyboard.type(email)
        page.keyboard.press("Tab")
        page.keyboard.type("correct horse battery")
        page.keyboard.press("Enter")
        page.get_by_role("heading", name="Balance").wait_for()
        page.locator("#packs input").first.wait_for()
        page.locator("#currency").focus()
        page.keyboard.press("Tab")  # into the pack radio group (first pack checked)
        page.keyboard.press("ArrowDown")  # second pack
        assert page.evaluate("document.activeElement.value") == "plus"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "buy-button"
        page.keyboard.press("Enter")
        page.get_by_role("heading", name=re.compile(r"^Pay ")).wait_for()
        page.locator("#card_number").focus()
        page.keyboard.type("4242 4242 4242 4242")
        page.keyboard.press("Tab")
        page.keyboard.type("12/40")
        page.keyboard.press("Tab")
        page.keyboard.type("123")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/return\?topup=top_"))
        page.locator("#balance-total").filter(has_text="1,100").wait_for()
    finally:
        context.close()


def test_limit_errors_are_shown_in_words(browser: Any, server: str) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        sign_up(page, server)
        for _ in range(7):  # 7 x 2,900 credits of open checkouts passes the 20,000 daily limit
            page.goto(server + "/")
            page.locator("#packs input").first.wait_for()
            page.locator("#packs").get_by_label(re.compile("2,900 credits")).check()
            page.get_by_role("button", name="Continue to payment").click()
            outcome = page.locator("#buy-error, h1:text-matches('^Pay ')").first
            outcome.wait_for()
            if page.locator("#buy-error").is_visible():
                break
        error = page.locator("#buy-error")
        assert "limited to 20,000 credits per 24 hours" in error.inner_text()
        shot(page, "phone-limit-error")
    finally:
        context.close()


def test_connected_apps_can_be_revoked(browser: Any, live: tuple[str, Flask]) -> None:
    from sqlalchemy import select

    from wallet.merchants import service as merchants_service
    from wallet.oauth.service import mint_access_token
    from wallet.people.models import User

    base, app = live
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        email = sign_up(page, base)
        with app.app_context():
            session = db.session()
            user = session.scalar(select(User).where(User.email == email))
            assert user is not None
            merchant = merchants_service.create_merchant(session, "Daily News")
            news = merchants_service.create_app_client(session, merchant.id, "News Reader",
                                              ["https://news.example/cb"])
            mint_access_token(session, user_id=user.id, app_id=news.id, daily_cap=300)
            session.commit()
            db.session.remove()
        page.reload()
        apps = page.locator("#apps")
        apps.filter(has_text="News Reader").wait_for()
        assert "300 per day" in apps.inner_text()
        shot(page, "phone-connected-apps")
        page.get_by_role("button", name="Disconnect News Reader").click()
        page.locator("#confirm[open]").wait_for()  # a disconnect is confirmed first
        shot(page, "phone-disconnect-confirm")
        page.locator("#confirm-yes").click()
        page.locator("#notice").filter(has_text="News Reader was disconnected.").wait_for()
        page.locator("#apps-empty").wait_for()
        assert apps.locator("li").count() == 0
    finally:
        context.close()


def test_gift_credits_as_a_voucher(browser: Any, server: str) -> None:
    """The page turns paid credits into a voucher and shows a QR that really decodes."""
    import io

    import zxingcpp
    from PIL import Image

    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        sign_up(page, server)
        pay(page, "4242 4242 4242 4242")
        page.locator("#balance-total").filter(has_text=re.compile(r"^500$")).wait_for()
        page.get_by_label("Credits to gift").fill("abc")
        page.get_by_role("button", name="Create voucher").click()
        page.locator("#gift-error").filter(has_text="whole number").wait_for()
        page.get_by_label("Credits to gift").fill("120")
        page.get_by_role("button", name="Create voucher").click()
        page.locator("#gift-result").wait_for()
        loaded_qr(page)
        page.locator("#balance-total").filter(has_text=re.compile(r"^380$")).wait_for()
        assert re.fullmatch(r"[0-9A-Z]{6}-[0-9A-Z]{6}-[0-9A-Z*~$=U]{6}",
                            page.locator("#gift-code").inner_text())
        shot(page, "phone-gift-voucher")
        image = Image.open(io.BytesIO(page.locator("#gift-qr").screenshot()))
        decoded = zxingcpp.read_barcodes(image)
        assert decoded
        assert decoded[0].text.startswith("WV1:")
    finally:
        context.close()
