"""The auto-reload setting on the wallet page, in Chromium at phone and desktop size:
save a sandbox card, set threshold and pack, on/off, and the last failure. axe on each."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support.browser import VIEWPORTS, check_page, demo_site, launch, require_chromium
from tests.support.voucher_world import fund
from wallet.db import db
from wallet.people import service as people_service
from wallet.subscriptions.cli import reload_all
from wallet.subscriptions.models import AutoReloadRule

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    require_chromium()
    with demo_site(tmp_path_factory.mktemp("autoreload-page")) as found:
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


def person(site: dict[str, Any]) -> tuple[str, str]:
    email = f"p-{uuid.uuid4().hex[:8]}@example.com"
    with site["app"].app_context():
        session = db.session()
        user = people_service.create_user(session, email, PASSWORD)
        fund(session, user.id, 500)
        session.commit()
        return user.id, email


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_the_wallet_page_sets_up_auto_reload_and_shows_the_last_failure(
        browser: Any, site: dict[str, Any], device: str) -> None:
    user_id, email = person(site)
    context = browser.new_context(viewport=VIEWPORTS[device])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(site["url"] + "/")
        page.fill("#signin-email", email)
        page.fill("#signin-password", PASSWORD)
        page.click("#signin-form button[type=submit]")
        page.locator("#ar-status").filter(has_text="no card saved").wait_for()
        page.locator("#ar-pack option").first.wait_for(state="attached")
        check_page(page, f"autoreload-{device}-empty")
        # A card that cannot be saved: the error is shown by the field.
        page.fill("#ar-card-number", "4000 0000 0000 0002")
        page.fill("#ar-exp-month", "12")
        page.fill("#ar-exp-year", "2040")
        page.fill("#ar-cvc", "123")
        page.click("#ar-card-button")
        page.locator("#ar-card-error").filter(has_text="declined").wait_for()
        check_page(page, f"autoreload-{device}-card-error")
        # The sandbox card that saves, then declines every automatic charge.
        page.fill("#ar-card-number", "4000 0000 0000 0341")
        page.click("#ar-card-button")
        page.locator("#ar-status").filter(has_text="card ending 0341").wait_for()
        page.fill("#ar-threshold", "1000")
        page.select_option("#ar-pack", "plus")
        page.click("#ar-button")
        page.locator("#ar-status").filter(has_text="buy pack plus").wait_for()
        page.locator("#notice").filter(has_text="Auto-reload is on.").wait_for()
        assert "below 1,000 credits, buy pack plus" in page.inner_text("#ar-status")
        check_page(page, f"autoreload-{device}-on")
        with site["app"].app_context():
            rule = db.session.get(AutoReloadRule, user_id)
            assert rule is not None and rule.enabled and rule.threshold == 1000
            result = reload_all(datetime.now(UTC))  # 500 < 1,000: the crossing, declined
            assert user_id in result.failed
        page.reload()
        page.locator("#ar-failure").filter(has_text="Your card was declined.").wait_for()
        assert "waits for the balance" in page.inner_text("#ar-status")
        check_page(page, f"autoreload-{device}-failed")
        page.uncheck("#ar-enabled")
        page.click("#ar-button")
        page.locator("#ar-status").filter(has_text="Auto-reload: Off").wait_for()
        check_page(page, f"autoreload-{device}-off")
        assert errors == []
    finally:
        context.close()


def test_with_stripe_the_page_saves_a_card_on_stripes_hosted_page(
        browser: Any, site: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """With the stripe provider the page shows no card fields: "Add a card" opens a
    setup-mode Checkout Session (Stripe's page, stood in for here by a redirect back, as
    Stripe does on success), and the page confirms the session it comes back with."""
    from tests.unit.test_stripe_autoreload import Answers, form
    from tests.unit.test_stripe_provider import make
    from wallet.topups.api import runtime

    user_id, email = person(site)
    intent = {"id": "seti_9", "object": "setup_intent", "status": "succeeded",
              "customer": "cus_9", "payment_method": {"id": "pm_9", "object": "payment_method",
                                                      "card": {"last4": "1881"}}}
    http = Answers(
        (200, {"id": "cus_9", "object": "customer"}),
        (200, {"id": "cs_9", "object": "checkout.session",
               "url": "https://checkout.stripe.test/c/cs_9"}),
        (200, {"id": "cs_9", "object": "checkout.session", "mode": "setup",
               "status": "complete", "customer": "cus_9", "setup_intent": intent}))
    rt = runtime(site["app"])
    monkeypatch.setitem(rt.providers, "stripe", make(http))
    monkeypatch.setattr(rt, "selected", "stripe")
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route("https://checkout.stripe.test/**", lambda route: route.fulfill(
        status=303, headers={"Location": site["url"] + "/?card_setup=cs_9"}))
    try:
        page.goto(site["url"] + "/")
        page.fill("#signin-email", email)
        page.fill("#signin-password", PASSWORD)
        page.click("#signin-form button[type=submit]")
        page.locator("#ar-status").filter(has_text="no card saved").wait_for()
        assert page.locator("#ar-card-fields").is_hidden()
        assert page.locator("#ar-card-checkout").is_visible()
        check_page(page, "autoreload-phone-stripe")
        page.get_by_role("button", name="Add a card").click()
        page.locator("#ar-status").filter(has_text="card ending 1881").wait_for()
        page.locator("#notice").filter(has_text="Card ending 1881 saved").wait_for()
        assert "card_setup" not in page.url
        sent = form(http.requests[1])
        assert sent["mode"] == ["setup"] and sent["customer"] == ["cus_9"]
        assert len(http.requests) == 3
        with site["app"].app_context():
            rule = db.session().get(AutoReloadRule, user_id)
            assert rule is not None
            assert (rule.provider, rule.payment_method_ref, rule.card_last4) == (
                "stripe", "pm_9", "1881")
        assert page.get_by_role("button", name="Replace card").is_visible()
        assert errors == []
    finally:
        context.close()
