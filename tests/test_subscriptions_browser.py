"""Subscriptions on the wallet page (list, next charge, cancel at period end, resume) and
the merchant page's subscribers section, in Chromium; axe on every state."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.browser import VIEWPORTS, check_page, demo_site, launch, require_chromium
from tests.support.voucher_world import fund
from wallet.db import db
from wallet.people import service as people_service
from wallet.subscriptions import service
from wallet.subscriptions.models import Subscription

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    require_chromium()
    with demo_site(tmp_path_factory.mktemp("subscription-pages")) as found:
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


def subscribed_person(site: dict[str, Any]) -> tuple[str, str, str]:
    """A person with 500 credits subscribed to a 120-credit monthly plan: (user, email, sub)."""
    email = f"p-{uuid.uuid4().hex[:8]}@example.com"
    with site["app"].app_context():
        session = db.session()
        user = people_service.create_user(session, email, PASSWORD)
        fund(session, user.id, 500)
        plan = service.create_plan(session, site["merchant_id"], name="Gold club",
                                   amount=120, interval="month")
        sub = service.subscribe(session, user_id=user.id, plan_id=plan.id, merchant_id=None,
                                app_id=None)
        session.commit()
        return user.id, email, sub.id


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_the_wallet_page_lists_cancels_and_resumes_subscriptions(
        browser: Any, site: dict[str, Any], device: str) -> None:
    _, email, sub_id = subscribed_person(site)
    context = browser.new_context(viewport=VIEWPORTS[device])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(site["url"] + "/")
        page.fill("#signin-email", email)
        page.fill("#signin-password", PASSWORD)
        page.click("#signin-form button[type=submit]")
        item = page.locator("#subs li").first
        item.filter(has_text="next charge").wait_for()
        text = item.inner_text()
        assert "Gold club" in text and "120 credits every month" in text and "Active" in text
        page.locator("#balance-total").filter(has_text=re.compile(r"^380$")).wait_for()
        check_page(page, f"subscriptions-{device}-listed")
        item.get_by_role("button", name="Cancel Gold club").click()
        page.locator("#confirm[open]").wait_for()
        check_page(page, f"subscriptions-{device}-cancel-confirm", full_page=False)
        page.click("#confirm-yes")
        page.locator("#subs li").filter(has_text="no further charge").wait_for()
        page.locator("#notice").filter(has_text="Gold club ends on").wait_for()
        with site["app"].app_context():
            found = db.session.get(Subscription, sub_id)
            assert found is not None and found.cancel_at_period_end
        check_page(page, f"subscriptions-{device}-ending")
        page.get_by_role("button", name="Resume Gold club").click()
        page.locator("#subs li").filter(has_text="next charge").wait_for()
        with site["app"].app_context():
            found = db.session.get(Subscription, sub_id)
            assert found is not None and not found.cancel_at_period_end
        assert errors == []
    finally:
        context.close()


def test_the_merchant_page_shows_subscribers_recurring_credits_and_churn(
        browser: Any, site: dict[str, Any]) -> None:
    subscribed_person(site)
    with site["app"].app_context():
        figures = service.merchant_summary(db.session(), site["merchant_id"])
    assert figures["active_subscribers"] >= 1
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    try:
        page.goto(site["url"] + "/merchant")
        page.fill("#key", site["merchant_key"])
        page.click("#key-form button[type=submit]")
        page.locator("#subs-active").filter(
            has_text=re.compile(rf"^{figures['active_subscribers']}$")).wait_for()
        assert page.inner_text("#subs-mrc") == f"{figures['monthly_recurring_credits']:,}"
        assert page.inner_text("#subs-churn").endswith("%")
        check_page(page, "subscriptions-merchant-section")
    finally:
        context.close()
