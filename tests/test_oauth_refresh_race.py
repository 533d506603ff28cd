"""Two concurrent refreshes with one refresh token: at most one new pair, on both engines."""

from __future__ import annotations

import threading

import pytest
from flask import Flask

from tests.support.oauth_client import exchange, get_code, refresh, sign_in
from wallet.db import db
from wallet.merchants import service as merchants_service
from wallet.people import service as people_service

REDIRECT = "https://race.example/cb"


@pytest.mark.slow
def test_concurrent_refresh_issues_at_most_one_pair(committed_app: Flask) -> None:
    with committed_app.app_context():
        merchant = merchants_service.create_merchant(db.session(), "Race")
        app = merchants_service.create_app_client(db.session(), merchant.id, "Race app", [REDIRECT])
        user = people_service.create_user(db.session(), "race@example.com")
        app_id, user_id = app.id, user.id
        db.session.commit()
    browser = committed_app.test_client()
    csrf = sign_in(browser, user_id)
    code, verifier = get_code(browser, app_id, REDIRECT, csrf)
    first = exchange(browser, app_id, code, verifier, REDIRECT).get_json()

    statuses: list[int] = []
    barrier = threading.Barrier(4)

    def worker() -> None:
        client = committed_app.test_client()
        barrier.wait()
        statuses.append(refresh(client, app_id, first["refresh_token"]).status_code)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses)[0] in (200, 400)
    assert statuses.count(200) <= 1, statuses
    assert all(status in (200, 400) for status in statuses), statuses
