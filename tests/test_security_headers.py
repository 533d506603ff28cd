"""Security headers: a strict CSP (no inline script or style) on every page, nosniff on
every response, no framing, no referrer, HSTS in production over https; and Chromium
loads every page without one CSP violation."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from tests.conftest import migrated_app
from tests.support.databases import temporary_database
from tests.support.oauth_client import authorize_url, pkce_pair
from tests.support.sessions import start_session
from tests.support.topup_helpers import CSRF, checkout, new_user
from tests.test_production_config import production_config
from wallet import create_app
from wallet.db import db
from wallet.merchants import service as merchants

CHROMIUM = "/usr/bin/chromium"
STATIC_PAGES = ["/", "/return", "/signin", "/signup", "/forgot", "/reset?token=x",
                "/merchant", "/counter", "/v1/docs", "/admin"]


class InlineFinder(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, style elements and
    attributes, event handler attributes, ``javascript:`` URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self._in_script = True
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.append("inline <script>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False


def inline_code(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


def assert_page_headers(response: Any, what: str) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives.get("script-src") == "'self'", (what, csp)
    assert directives.get("style-src") == "'self'", (what, csp)
    assert directives.get("default-src") == "'self'", (what, csp)
    assert directives.get("frame-ancestors") == "'none'", (what, csp)
    assert directives.get("object-src") == "'none'", (what, csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, (what, csp)
    assert headers.get("X-Frame-Options") == "DENY", what
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("Referrer-Policy") == "no-referrer", what


def pages(client: FlaskClient, session: Session) -> dict[str, Any]:
    """Every HTML page, signed in where a page needs it (sandbox checkout, consent)."""
    user = new_user(session)
    merchant = merchants.create_merchant(session, "Headers shop")
    app = merchants.create_app_client(session, merchant.id, "Headers app",
                                      ["https://app.example/cb"])
    session.commit()
    start_session(client, user.id, CSRF)
    topup = checkout(client).json
    answers = {path: client.get(path) for path in STATIC_PAGES}
    answers["sandbox checkout"] = client.get(topup["checkout_url"].split("5000", 1)[-1])
    answers["oauth consent"] = client.get(authorize_url(app.id, "https://app.example/cb",
                                                        pkce_pair()[1]))
    return answers


def test_every_page_has_a_strict_csp_and_no_inline_code(client: FlaskClient,
                                                        session: Session) -> None:
    for what, response in pages(client, session).items():
        assert response.status_code == 200, (what, response.status_code)
        assert_page_headers(response, what)
        assert inline_code(response.get_data(as_text=True)) == [], what
    counter = client.get("/counter")
    assert counter.headers["Permissions-Policy"].startswith("camera=(self)")
    # the wallet page scans a voucher to claim it; other pages get no camera
    assert client.get("/").headers["Permissions-Policy"].startswith("camera=(self)")
    assert "camera=()" in client.get("/signin").headers["Permissions-Policy"]
    consent = client.get(authorize_url("app_x", "https://app.example/cb", pkce_pair()[1]))
    assert "form-action" not in consent.headers["Content-Security-Policy"]  # redirects out


def test_every_response_sends_nosniff(app: Flask, client: FlaskClient) -> None:
    paths = {"/healthz", "/v1/openapi.json", "/v1/voucher_keys", "/v1/prices",
             "/static/wallet.js", "/static/style.css", "/v1/nothing-here", "/v1/wallet"}
    for rule in app.url_map.iter_rules():
        if "GET" in (rule.methods or set()) and "<" not in rule.rule:
            paths.add(rule.rule)
    for path in sorted(paths):
        response = client.get(path)
        assert response.headers.get("X-Content-Type-Options") == "nosniff", path
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], path
    posted = client.post("/v1/purchases", data=b"[" * 4000, content_type="application/json")
    assert posted.status_code == 400 and posted.headers["X-Content-Type-Options"] == "nosniff"


def test_hsts_only_in_production_over_https(tmp_path: Path, client: FlaskClient) -> None:
    assert "Strict-Transport-Security" not in client.get(
        "/healthz", base_url="https://localhost").headers
    production = create_app(production_config(tmp_path, PROXY_FIX=True))
    with production.app_context():
        from flask_migrate import upgrade

        upgrade()
    web = production.test_client()
    secure = web.get("/healthz", base_url="https://wallet.example.org")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=63072000")
    assert "includeSubDomains" in secure.headers["Strict-Transport-Security"]
    proxied = web.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in proxied.headers
    plain = web.get("/healthz")
    assert plain.status_code == 200 and "Strict-Transport-Security" not in plain.headers
    cookies = web.get("/v1/session", base_url="https://wallet.example.org"
                      ).headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("wallet_session="))
    assert "Secure" in session_cookie and "HttpOnly" in session_cookie
    assert all("Secure" in c for c in cookies)


# --- in a real browser -------------------------------------------------------------------


def _require_browser() -> None:
    if Path(CHROMIUM).exists():
        return
    reason = f"Chromium not found at {CHROMIUM}"
    if os.environ.get("WALLET_REQUIRE_BROWSER", "") in ("1", "true", "yes"):
        pytest.fail(reason + " and WALLET_REQUIRE_BROWSER=1")
    pytest.skip(reason)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, Flask]]:
    _require_browser()
    with temporary_database("sqlite", tmp_path) as url:
        app = migrated_app(url, tmp_path / "instance", TESTING=False)
        httpd = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{httpd.server_port}", app
        finally:
            httpd.shutdown()
            thread.join(5)
            with app.app_context():
                db.engine.dispose()


COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@pytest.mark.browser
@pytest.mark.slow
def test_pages_load_in_chromium_without_csp_violations(live: tuple[str, Flask]) -> None:
    from playwright.sync_api import sync_playwright

    base, app = live
    client = app.test_client()
    with app.app_context():
        found = pages(client, db.session())
    del found
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.add_init_script(COLLECT_VIOLATIONS)
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text)
                    if "Content Security Policy" in m.text else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            for path in STATIC_PAGES:
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                violations = page.evaluate("window.__cspViolations")
                assert violations == [], (path, violations)
            page.goto(base + "/v1/docs")
            page.get_by_role("heading", name="Wallet API").wait_for()  # its script ran
            page.goto(base + "/signin")
            assert page.evaluate(
                "getComputedStyle(document.body).fontFamily").startswith("system-ui")
            assert errors == [], errors
        finally:
            browser.close()
