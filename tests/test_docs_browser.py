"""The API docs page on a 390 px phone and a desktop: every operation of the document is
listed, an operation can be tried with a credential, axe finds nothing serious, and the
page never scrolls sideways."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.browser import VIEWPORTS, check_page, demo_site, launch, require_chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    require_chromium()
    with demo_site(tmp_path_factory.mktemp("docs-page")) as found:
        yield found


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_docs_page_works_on_a_phone(site: dict[str, Any], device: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as running:
        browser = launch(running)
        try:
            page = browser.new_context(viewport=VIEWPORTS[device]).new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(site["url"] + "/v1/docs")
            page.locator("section.op").first.wait_for()
            spec = page.evaluate("fetch('/v1/openapi.json').then(r => r.json())")
            count = sum(1 for item in spec["paths"].values() for method in item
                        if method in ("get", "post", "put", "patch", "delete"))
            assert page.locator("section.op").count() == count
            assert page.locator("#links a").count() == count
            check_page(page, f"docs-{device}")

            page.fill("#credential", site["merchant_key"])
            balance = page.locator("section.op", has=page.locator(
                "p.sec", has_text="getBalance")).first
            balance.get_by_role("button", name="Send").click()
            result = balance.locator("pre.result")
            result.filter(has_text="200").wait_for()
            assert '"object":"balance"' in result.inner_text().replace(" ", "")
            purchase = page.locator("section.op", has=page.locator(
                "p.sec", has_text="postPurchases")).first
            assert purchase.locator("input[name=idem]").input_value()
            check_page(page, f"docs-{device}-tried")
            assert errors == []
        finally:
            browser.close()
