"""The risk review queue on the operator console (/admin) in Chromium on a 390 x 844 phone
and a desktop: reviews the concentration rule opened are listed with their figures, one is
approved and one rejected with a reason through the console session (cookie + CSRF token),
and the page, ``GET /v1/risk/reviews`` and both audits (the operators' and the risk one)
agree. Every state passes axe and never scrolls sideways."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from tests.support.browser import VIEWPORTS, check_page, demo_site, launch, require_chromium
from tests.support.payout_fixtures import make_merchant, purchases
from tests.support.voucher_world import bearer
from wallet.db import db
from wallet.risk import reviews
from wallet.risk.config import load_risk_config
from wallet.risk.models import AuditRecord

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    require_chromium()
    with demo_site(tmp_path_factory.mktemp("console-risk")) as found:
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


def api(site: dict[str, Any], path: str) -> Any:
    answer = site["app"].test_client().get(path, headers=bearer(site["admin_key"]))
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()


def held_merchant(site: dict[str, Any], name: str) -> tuple[str, str]:
    """A merchant whose 12,000 credits of earnings all came from one wallet, flagged by the
    concentration rule (30-day window): its merchant id and open review id."""
    config = load_risk_config({"RISK_CONCENTRATION_WINDOW_DAYS": 30})
    with site["app"].app_context():
        merchant_id = make_merchant(db.session(), name, schedule="manual")
        purchases(db.session(), merchant_id, 3, 4_000, tag=uuid.uuid4().hex[:6])
        assert reviews.hold_concentrated(db.session(), config, [merchant_id]) == {merchant_id}
        review = reviews.under_review(db.session(), merchant_id)
        assert review is not None and review.status == "open"
        db.session.commit()
        return merchant_id, review.id


def review_in_api(site: dict[str, Any], review_id: str) -> dict[str, Any]:
    listed = api(site, "/v1/risk/reviews?status=all&limit=100")["data"]
    return next(r for r in listed if r["id"] == review_id)


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_the_console_decides_risk_reviews(browser: Any, site: dict[str, Any],
                                          device: str) -> None:
    tag = uuid.uuid4().hex[:6]
    good_id, good_review = held_merchant(site, f"Corner shop {device} {tag}")
    bad_id, bad_review = held_merchant(site, f"Self-dealer {device} {tag}")
    context = browser.new_context(viewport=VIEWPORTS[device])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(site["url"] + "/admin")
        page.locator("#key").fill(site["admin_key"])
        page.click("#key-form button[type=submit]")
        page.locator("#console:not([hidden])").wait_for()

        # what the page lists is what the API lists as open, with the rule's figures
        good = page.locator("#risk-reviews li").filter(has_text=good_review)
        bad = page.locator("#risk-reviews li").filter(has_text=bad_review)
        good.wait_for()
        bad.wait_for()
        open_ids = {r["id"] for r in api(site, "/v1/risk/reviews?limit=100")["data"]}
        assert {good_review, bad_review} <= open_ids
        assert page.locator("#risk-reviews li").count() == len(open_ids)
        listed = review_in_api(site, good_review)
        assert listed["detail"]["earned"] == 12_000
        assert listed["detail"]["top_wallets_percent"] == 100
        text = good.inner_text()
        for shown in (f"Corner shop {device} {tag}", "concentration", "few wallets",
                      "earned 12,000 credits in 30 days", "1 paying wallet(s)",
                      "top wallets 100 %", good_id):
            assert shown in text, (shown, text)
        check_page(page, f"console-{device}-risk-reviews")

        # no reason, no decision: the page says so and the review stays open
        bad.get_by_role("button", name="Reject").click()
        page.locator("#error").filter(has_text="A reason is needed").wait_for()
        assert review_in_api(site, bad_review)["status"] == "open"

        good.get_by_role("textbox").fill("Known shop, one big customer")
        good.get_by_role("button", name="Approve").click()
        page.locator("#notice").filter(has_text="approved: payouts go ahead").wait_for()
        bad.get_by_role("textbox").fill(f"Self-dealing ({device})")
        bad.get_by_role("button", name="Reject").click()
        page.locator("#notice").filter(has_text="rejected: payouts stay held").wait_for()

        approved, rejected = review_in_api(site, good_review), review_in_api(site, bad_review)
        assert (approved["status"], approved["reason"]) == ("approved",
                                                            "Known shop, one big customer")
        assert (rejected["status"], rejected["reason"]) == ("rejected", f"Self-dealing ({device})")
        assert approved["decided_at"] and rejected["decided_at"]
        page.locator("#risk-reviews li").filter(has_text=good_review).wait_for(state="detached")
        page.locator("#risk-reviews li").filter(has_text=bad_review).wait_for(state="detached")
        open_now = api(site, "/v1/risk/reviews?limit=100")["data"]
        assert {good_review, bad_review}.isdisjoint(r["id"] for r in open_now)

        # both audits: the operators' (who, what, why) and the risk rules' own
        for review_id, action, reason in (
                (good_review, "risk_review.approve", "Known shop, one big customer"),
                (bad_review, "risk_review.reject", f"Self-dealing ({device})")):
            audit = api(site, f"/v1/operator_actions?target_id={review_id}")["data"]
            assert [(a["action"], a["target_type"], a["reason"], a["actor_type"])
                    for a in audit] == [(action, "risk_review", reason, "key")]
            page.locator("#audit li").filter(has_text=review_id).first.wait_for()
        with site["app"].app_context():
            risk_audit = db.session().scalars(select(AuditRecord).where(
                AuditRecord.subject_id.in_([good_review, bad_review]))
                .order_by(AuditRecord.created_at)).all()
            assert sorted((r.action, r.reason) for r in risk_audit) == [
                ("review.approved", "Known shop, one big customer"),
                ("review.rejected", f"Self-dealing ({device})")]
            assert all(r.actor.startswith("operator:key_") for r in risk_audit)
        merchant = api(site, f"/v1/risk/merchants/{bad_id}")
        assert [r["status"] for r in merchant["reviews"]] == ["rejected"]
        check_page(page, f"console-{device}-risk-decided")
        assert errors == []
    finally:
        context.close()
