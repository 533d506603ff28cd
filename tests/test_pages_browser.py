"""Every other page in Chromium, at 390 px and on a desktop: sign-in and sign-up, the app
consent page and its error page, the merchant page, the API docs and the unpaired counter.

One look (the shared stylesheet and the favicon on every page), no inline script or style
(the pages run under ``script-src 'self'``), axe clean, no sideways scroll.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from PIL import Image

from tests.support.browser import VIEWPORTS, check_page, demo_site, launch, require_chromium
from tests.support.oauth_client import authorize_url, pkce_pair
from wallet.demo import DEMO_EMAIL, DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DEMO_REDIRECT = "http://127.0.0.1:5000/oauth/demo-callback"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    require_chromium()
    with demo_site(tmp_path_factory.mktemp("pages")) as found:
        yield found


@pytest.fixture(scope="module")
def browser(site: dict[str, Any]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(params=["phone", "desktop"])
def page(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=VIEWPORTS[request.param])
    page = context.new_page()
    page.device = request.param
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
        assert errors == []
    finally:
        context.close()


def _one_look(page: Any) -> None:
    """The shared stylesheet and the favicon, and the shared top bar."""
    sheets = page.evaluate("Array.from(document.styleSheets, s => s.href || 'inline')")
    assert any(s.endswith("/static/style.css") for s in sheets), sheets
    assert "inline" not in sheets, sheets
    assert page.evaluate("document.querySelector('link[rel=icon]').href").endswith("wallet.svg")
    assert page.locator("header.bar").count() == 1
    assert page.evaluate("getComputedStyle(document.querySelector('header.bar'))"
                         ".backgroundColor") in ("rgb(31, 95, 191)", "rgb(91, 60, 196)")


def test_sign_in_sign_up_and_consent(page: Any, site: dict[str, Any]) -> None:
    _, challenge = pkce_pair()
    url = site["url"] + authorize_url(site["app_id"], DEMO_REDIRECT, challenge,
                                      scope="wallet:read purchases:write")
    page.goto(url)  # not signed in: the sign-in page, which comes back here after
    page.get_by_role("heading", name="Sign in").wait_for()
    _one_look(page)
    check_page(page, f"pages-{page.device}-signin")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_role("heading", name="Create an account").wait_for()
    page.fill("#email", DEMO_EMAIL)
    page.fill("#password", "long enough password")
    page.get_by_role("button", name="Create account").click()
    page.locator("p.error").wait_for()  # that email is taken
    check_page(page, f"pages-{page.device}-signup-error")
    page.get_by_role("link", name="Sign in").click()
    page.fill("#email", DEMO_EMAIL)
    page.fill("#password", DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name=re.compile("^Connect")).wait_for()
    assert "Demo Reader" in page.inner_text("main")
    _one_look(page)
    check_page(page, f"pages-{page.device}-consent")
    page.fill("#per_purchase_cap", "99999999999999999999")  # past int64: the server says so
    page.get_by_role("button", name="Allow").click()
    page.locator("p.error").wait_for()
    check_page(page, f"pages-{page.device}-consent-error")


def test_oauth_error_page(page: Any, site: dict[str, Any]) -> None:
    page.goto(site["url"] + "/signin")
    page.fill("#email", DEMO_EMAIL)
    page.fill("#password", DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto(site["url"] + "/oauth/authorize?response_type=code&client_id=app_nope")
    page.get_by_role("heading", name="This app cannot be connected").wait_for()
    _one_look(page)
    check_page(page, f"pages-{page.device}-oauth-error")


def test_merchant_page(page: Any, site: dict[str, Any]) -> None:
    page.goto(site["url"] + "/merchant")
    page.get_by_role("heading", name="Your secret key").wait_for()
    _one_look(page)
    check_page(page, f"pages-{page.device}-merchant-signin")
    page.fill("#key", site["merchant_key"])
    page.get_by_role("button", name="Show earnings").click()
    page.locator("#pending").filter(has_text=re.compile(r"\d")).wait_for()
    # earnings over time: a Chart.js canvas, or the empty state before any earnings
    page.locator("#chart-figure:not([hidden]) canvas, #chart-empty:not([hidden])").first.wait_for()
    page.locator("#insights[data-loaded]").wait_for(state="attached")
    for section in ("earnings", "insights", "over-time", "fees-section", "payouts-section"):
        assert page.locator(f"section#{section}.card").count() == 1, section
    check_page(page, f"pages-{page.device}-merchant-dashboard")
    page.get_by_role("button", name="Forget key").click()
    page.get_by_role("heading", name="Your secret key").wait_for()


def test_api_docs_page(page: Any, site: dict[str, Any]) -> None:
    page.goto(site["url"] + "/v1/docs")
    page.locator("section.op").first.wait_for()
    _one_look(page)
    check_page(page, f"pages-{page.device}-api-docs")
    page.fill("#credential", site["counter_key"])
    operation = page.locator("section.op").filter(has_text="/v1/vouchers/counter").first
    operation.get_by_role("button", name="Send").click()
    operation.locator("pre.result").filter(has_text="200").wait_for()
    assert "Front counter" in operation.locator("pre.result").inner_text()


def test_counter_unpaired_and_the_icons(page: Any, site: dict[str, Any]) -> None:
    page.goto(site["url"] + "/counter")
    page.get_by_role("heading", name="Pair this device").wait_for()
    _one_look(page)
    check_page(page, f"pages-{page.device}-counter-unpaired")
    page.fill("#pair-key", "ck_wrong")
    page.get_by_role("button", name="Pair").click()
    page.locator("#pair-error").filter(has_text="not accepted").wait_for()
    check_page(page, f"pages-{page.device}-counter-pair-error")
    manifest = page.evaluate("fetch('/counter/manifest.webmanifest').then(r => r.json())")
    assert manifest["start_url"] == "/counter" and manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        path = urlsplit(icon["src"]).path
        answer = page.request.get(site["url"] + path)
        assert answer.ok, path
        if icon["type"] == "image/png":
            with Image.open(io.BytesIO(answer.body())) as image:
                assert f"{image.width}x{image.height}" == icon["sizes"]
    favicon = page.request.get(site["url"] + "/favicon.ico")
    assert favicon.ok and favicon.headers["content-type"].startswith("image/svg+xml")


PAGES = ["/", "/counter", "/merchant", "/v1/docs", "/signin", "/signup", "/admin"]


@pytest.mark.parametrize("path", PAGES)
def test_no_inline_script_or_style(site: dict[str, Any], path: str) -> None:
    """Everything runs under ``script-src 'self'; style-src 'self'``."""
    html = site["app"].test_client().get(path).get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
    assert "<style" not in html and " style=" not in html, path
    assert re.search(r"\son[a-z]+=", html) is None, path  # no inline event handlers
