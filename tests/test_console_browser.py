"""The operator console (/admin) in Chromium on a 390 x 844 phone and a desktop: sign in
with the operator key or an operator account with a TOTP code, and what the page shows is
what the API says (search results, a wallet's balance, the liability figures, a freeze
round trip, a refund on the merchant's behalf, the KYC queue). Every state passes axe and
never scrolls sideways."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pyotp
import pytest

from tests.support.browser import (
    VIEWPORTS,
    check_page,
    demo_site,
    launch,
    require_chromium,
    wait_until,
)
from tests.support.voucher_world import bearer, fund, idem
from wallet.console import service as console
from wallet.db import db
from wallet.merchants import service as merchants_service
from wallet.oauth.service import mint_access_token
from wallet.people import service as people_service

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    require_chromium()
    with demo_site(tmp_path_factory.mktemp("console-pages")) as found:
        yield found


@pytest.fixture(scope="module")
def browser(site: dict[str, Any]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as running:
        chromium = launch(running)
        try:
            yield chromium
        finally:
            chromium.close()


def credits(n: int) -> str:
    return f"{n:,} credits"


def shopper(site: dict[str, Any]) -> dict[str, Any]:
    """A person with 900 paid credits and two purchases (100 and 35) at the demo app."""
    email = f"shopper-{uuid.uuid4().hex[:8]}@example.com"
    with site["app"].app_context():
        user = people_service.create_user(db.session(), email)
        fund(db.session(), user.id, 900)
        token, _ = mint_access_token(db.session(), user_id=user.id, app_id=site["app_id"])
        db.session.commit()
        user_id = user.id
    client = site["app"].test_client()
    bought = [client.post("/v1/purchases", json={"amount": amount, "description": what},
                          headers=idem(bearer(token))).get_json()
              for amount, what in ((100, "Long read"), (35, "Sticker"))]
    return {"id": user_id, "email": email, "purchases": bought}


def api(site: dict[str, Any], path: str) -> Any:
    answer = site["app"].test_client().get(path, headers=bearer(site["admin_key"]))
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()


def sign_in_with_key(page: Any, site: dict[str, Any]) -> None:
    page.goto(site["url"] + "/admin")
    page.locator("#key").fill(site["admin_key"])
    page.click("#key-form button[type=submit]")
    page.locator("#console:not([hidden])").wait_for()
    page.locator("#reconciled .status").wait_for()


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_the_console_shows_what_the_api_says(browser: Any, site: dict[str, Any],
                                             device: str) -> None:
    person = shopper(site)
    with site["app"].app_context():
        waiting = merchants_service.create_merchant(db.session(), f"Bakery {device}")
        db.session.commit()
        waiting_id = waiting.id
    context = browser.new_context(viewport=VIEWPORTS[device])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(site["url"] + "/admin")
        page.locator("#signin:not([hidden])").wait_for()
        check_page(page, f"console-{device}-signin")
        sign_in_with_key(page, site)

        report = api(site, "/v1/reports/liabilities")
        assert page.inner_text("#l-paid") == credits(report["credits_outstanding"]["credits_paid"])
        assert page.inner_text("#l-earnings") == credits(
            report["merchant_earnings_payable"]["total"])
        assert page.inner_text("#l-owed") == credits(report["total_owed"])
        assert page.inner_text("#l-losses") == "no losses account"
        assert "Reconciled with the ledger" in page.inner_text("#reconciled")
        kyc = page.locator("#kyc li").filter(has_text=f"Bakery {device}")
        kyc.wait_for()
        check_page(page, f"console-{device}-signed-in")

        page.fill("#q", person["email"])
        page.click("#search-form button[type=submit]")
        found = api(site, "/v1/users?q=" + person["email"])["data"]
        assert [u["id"] for u in found] == [person["id"]]
        wait_until(page, "document.querySelectorAll('#people li').length === 1")
        hit = page.locator("#people li").filter(has_text=person["id"])
        hit.wait_for()
        hit.get_by_role("button", name="Open").click()
        page.locator("#p-id").filter(has_text=person["id"]).wait_for()
        wallet = api(site, f"/v1/users/{person['id']}/wallet")
        assert page.inner_text("#p-total") == credits(wallet["credits"]["total"]) == credits(765)
        assert page.locator("#history li").count() == 3
        assert page.locator("#purchases li").count() == 2
        check_page(page, f"console-{device}-person")

        # freeze with a reason, then unfreeze: the API agrees at every step
        page.fill("#freeze-reason", f"Chargeback pattern ({device})")
        page.click("#freeze-button")
        page.locator("#notice").filter(has_text="The wallet is frozen.").wait_for()
        frozen = api(site, f"/v1/users/{person['id']}/wallet")
        assert frozen["frozen"] is True
        assert frozen["freeze"]["reason"] == f"Chargeback pattern ({device})"
        assert page.inner_text("#p-state") == "Frozen"
        assert f"Chargeback pattern ({device})" in page.inner_text("#p-why")
        page.locator("#audit li").filter(has_text="wallet.freeze").first.wait_for()
        check_page(page, f"console-{device}-frozen")
        page.fill("#freeze-reason", "Customer called, verified")
        page.click("#freeze-button")
        page.locator("#notice").filter(has_text="active again").wait_for()
        assert api(site, f"/v1/users/{person['id']}/wallet")["frozen"] is False
        assert page.inner_text("#p-state") == "Active"

        # refund the sticker on the merchant's behalf
        sticker = page.locator("#purchases li").filter(has_text="Sticker")
        sticker.get_by_role("button", name="Refund").click()
        page.locator("#refund-dialog[open]").wait_for()
        check_page(page, f"console-{device}-refund", full_page=False)
        page.fill("#refund-reason", "Bought twice by mistake")
        page.click("#refund-form button[type=submit]")
        page.locator("#notice").filter(has_text="Refunded 35 credits.").wait_for()
        sticker_id = person["purchases"][1]["id"]
        assert api(site, f"/v1/purchases/{sticker_id}")["refunded"] == 35
        page.locator("#p-total").filter(has_text=re.compile("^800 credits$")).wait_for()
        audit = api(site, f"/v1/operator_actions?target_id={sticker_id}")["data"]
        assert [a["reason"] for a in audit] == ["Bought twice by mistake"]

        # KYC: approve the waiting merchant
        kyc = page.locator("#kyc li").filter(has_text=f"Bakery {device}")
        kyc.get_by_role("button", name="Approve").click()
        page.locator("#notice").filter(has_text="is verified").wait_for()
        assert api(site, f"/v1/merchants/{waiting_id}")["kyc_status"] == "verified"
        report = api(site, "/v1/reports/liabilities")
        page.locator("#l-paid").filter(
            has_text=credits(report["credits_outstanding"]["credits_paid"])).wait_for()
        check_page(page, f"console-{device}-after-actions")
        assert errors == []
    finally:
        context.close()


def test_operator_account_with_totp(browser: Any, site: dict[str, Any]) -> None:
    from wallet.console.api import totp_kek

    email = f"ops-{uuid.uuid4().hex[:6]}@example.com"
    with site["app"].test_request_context():
        _operator, secret = console.create_operator(db.session(), email, "operator password",
                                                    kek=totp_kek())
        db.session.commit()
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    try:
        page.goto(site["url"] + "/admin")
        page.fill("#email", email)
        page.fill("#password", "operator password")
        page.fill("#code", "123456" if pyotp.TOTP(secret).now() != "123456" else "654321")
        page.click("#account-form button[type=submit]")
        page.locator("#error").filter(has_text="wrong").wait_for()
        check_page(page, "console-phone-signin-refused")
        page.fill("#password", "operator password")
        page.fill("#code", pyotp.TOTP(secret).now())
        page.click("#account-form button[type=submit]")
        page.locator("#console:not([hidden])").wait_for()
        assert page.inner_text("#who") == email
        page.locator("#audit li").filter(has_text="console.sign_in").first.wait_for()
        page.click("#signout")
        page.locator("#signin:not([hidden])").wait_for()
        page.goto(site["url"] + "/admin")
        page.locator("#signin:not([hidden])").wait_for()
    finally:
        context.close()


def test_payout_run_and_bank_files(browser: Any, site: dict[str, Any]) -> None:
    from tests.support.payout_fixtures import available_directly, make_merchant

    with site["app"].app_context():
        merchant_id = make_merchant(db.session(), f"Payee {uuid.uuid4().hex[:6]}")
        available_directly(db.session(), merchant_id, 1_000_000)
        db.session.commit()
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    try:
        sign_in_with_key(page, site)
        before = len(api(site, "/v1/payout_batches?limit=100")["data"])
        page.click("#run-payouts")
        page.locator("#notice").filter(has_text="Payout run:").wait_for()
        batches = api(site, "/v1/payout_batches?limit=100")["data"]
        assert len(batches) == before + 1
        batch = batches[0]
        row = page.locator("#batches li").filter(has_text=batch["id"])
        row.wait_for()
        assert f"{batch['payout_count']} payouts" in row.inner_text()
        check_page(page, "console-phone-payout-run")
        csv = page.request.get(site["url"] + row.get_by_role("link", name=re.compile(
            "CSV file")).get_attribute("href"))
        assert csv.ok and csv.text() == site["app"].test_client().get(
            f"/v1/payout_batches/{batch['id']}/csv", headers=bearer(site["admin_key"])).text
        row.get_by_role("button", name="Mark submitted").click()
        page.locator("#batches li").filter(has_text=batch["id"]).filter(
            has_text="submitted ").wait_for()
        assert api(site, "/v1/payout_batches?limit=1")["data"][0]["submitted_at"]
        actions = [a["action"] for a in api(site, "/v1/operator_actions?limit=5")["data"]]
        assert actions[:2] == [f"POST /v1/payout_batches/{batch['id']}/submit",
                               "POST /v1/payout_runs"]
    finally:
        context.close()


def test_a_late_session_read_does_not_undo_the_sign_in(browser: Any, site: dict[str, Any]) -> None:
    """CI once saw an approve refused 403 csrf_failed: the page read the session again while
    signed out, the operator signed in before that answer came, and the late answer (the old
    session's CSRF token) replaced the new one. Here every session read after the first is
    answered at once (with the cookie of that moment) but delivered to the page only after the
    sign-in; the sign-out that follows needs the new token and must go through."""
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    reads: list[Any] = []
    held: list[tuple[Any, Any]] = []

    def hold_later_reads(route: Any) -> None:
        if route.request.method == "GET":
            reads.append(route)
            if len(reads) > 1:  # answered now, with the cookie of now; delivered later
                held.append((route, route.fetch()))
                return
        route.continue_()

    page.route("**/v1/console/session", hold_later_reads)
    try:
        page.goto(site["url"] + "/admin")
        page.locator("#signin:not([hidden])").wait_for()
        page.locator("#key").fill(site["admin_key"])
        page.click("#key-form button[type=submit]")
        page.locator("#console:not([hidden])").wait_for()
        page.locator("#reconciled .status").wait_for()
        assert len(reads) == 1, "the page reads the session once, at start"
        for route, answer in held:
            with page.expect_response(lambda r: r.request.method == "GET"
                                      and r.url.endswith("/v1/console/session")):
                route.fulfill(response=answer)
        page.unroute("**/v1/console/session")
        page.click("#signout")
        page.locator("#signin:not([hidden]), #error:not([hidden])").first.wait_for()
        assert page.locator("#error").is_hidden(), page.inner_text("#error")
        assert page.locator("#signin").is_visible()
    finally:
        context.close()
