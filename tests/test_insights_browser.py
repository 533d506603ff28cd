"""The merchant page's insights in Chromium, on a phone (390 x 844) and a desktop window:
tiles, heatmap, top items and cohorts show what GET /v1/insights answers; an empty shop
shows its empty states; axe finds nothing critical or serious; no sideways scroll."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from tests.support.browser import check_page, launch, require_chromium, serve, wait_until
from tests.support.insights_world import busy_shop, make_shop
from wallet.db import db

TIMEOUT_MS = 20_000
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def site(engine_name: str, committed_app: Flask) -> Iterator[dict[str, Any]]:
    if engine_name != "sqlite":
        pytest.skip("the page is engine-independent; it runs on SQLite")
    require_chromium()
    with committed_app.app_context():
        shop = busy_shop(db.session())
        empty = make_shop(db.session(), users=1)
        db.session.commit()
        db.session.remove()
    with serve(committed_app) as live:
        yield {"url": live.url, "shop": shop, "empty": empty, "app": committed_app}


def sign_in(page: Any, url: str, key: str) -> None:
    page.goto(f"{url}/merchant")
    page.fill("#key", key)
    page.click("#key-form button[type=submit]")
    wait_until(page, "document.getElementById('insights').dataset.loaded")


def shown(page: Any, element: str) -> str:
    return str(page.inner_text(f"#{element}")).strip()


@pytest.mark.parametrize("size", SIZES)
def test_the_insights_show_what_the_api_answers(site: dict[str, Any], size: str) -> None:
    from playwright.sync_api import sync_playwright

    shop = site["shop"]
    client = site["app"].test_client()
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport=SIZES[size])
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        sign_in(page, site["url"], shop.merchant_key)
        page.select_option("#insights-days", "365")
        # the 12 months' window has loaded (its span, not today's date: midnight may pass)
        wait_until(page, "(([from, to]) => to && Date.parse(to) - Date.parse(from) > "
                         "300 * 86400000)((document.getElementById('insights').dataset"
                         ".loaded || '..').split('..'))")
        window = page.get_attribute("#insights", "data-loaded").split("..")
        answer = client.get("/v1/insights", query_string={"from": window[0], "to": window[1]},
                            headers={"Authorization": f"Bearer {shop.merchant_key}"}).json
        totals = answer["totals"]
        assert shown(page, "ins-purchases") == f"{totals['purchases']:,}" == "9"
        assert shown(page, "ins-credits") == f"{totals['credits']:,}" == "2,771"
        assert shown(page, "ins-buyers") == str(totals["unique_buyers"]) == "4"
        assert shown(page, "ins-repeat") == "100 %"
        assert shown(page, "ins-vouchers") == "1"
        assert page.is_hidden("#insights-empty")
        # the heatmap: one cell per weekday and hour, counts as the API has them
        counts = page.eval_on_selector_all(
            "#heatmap tbody td", "cells => cells.map(c => Number(c.dataset.count))")
        assert counts == [c for row in answer["by_hour_weekday"]["purchases"] for c in row]
        busiest = page.locator("#heatmap td.l4")
        assert busiest.count() >= 1
        # cohorts: a row per first-purchase month, the retention the API computed
        cohort_rows = page.locator("#cohorts tbody tr")
        assert cohort_rows.count() == len(answer["cohorts"]) == 3
        assert cohort_rows.first.inner_text().split()[:2] == ["2026-09", "2"]
        # the charts are drawn (Chart.js on canvas) with the API's data
        drawn = page.evaluate("""() => ['chart-days', 'chart-items', 'chart-sizes'].map(id => {
            const chart = Chart.getChart(id);
            return chart ? chart.data.datasets[0].data : null; })""")
        days, items, sizes = drawn
        assert sum(days) == totals["credits"]
        assert items == [i["credits"] for i in answer["by_item"]]
        assert sizes == [s["purchases"] for s in answer["purchase_sizes"]]
        labels = page.evaluate("Chart.getChart('chart-items').data.labels")
        assert labels[0] == "Party tray"
        ticks = page.evaluate("Chart.getChart('chart-sizes').scales.y.ticks.map(t => t.value)")
        assert all(float(t).is_integer() for t in ticks)
        check_page(page, f"merchant-insights-{size}")
        browser.close()
    assert errors == []


@pytest.mark.parametrize("size", SIZES)
def test_an_empty_shop_shows_empty_states(site: dict[str, Any], size: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport=SIZES[size])
        sign_in(page, site["url"], site["empty"].merchant_key)
        assert page.is_visible("#insights-empty") and page.is_hidden("#insights-charts")
        assert shown(page, "ins-purchases") == "0" and shown(page, "ins-repeat") == "0 %"
        wait_until(page, "!document.getElementById('chart-empty').hidden")
        assert page.is_hidden("#chart-figure")
        check_page(page, f"merchant-insights-empty-{size}")
        browser.close()
