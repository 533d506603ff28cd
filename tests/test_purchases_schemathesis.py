"""schemathesis against /v1/openapi.json for purchases, refunds, grants and the wallet:
no 5xx, and every answer matches its documented schema."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.support.buyers import make_world, top_up, user_token
from tests.support.conformance import assert_api_conforms
from wallet.merchants import service as merchants_service

PATHS = r"^/v1/(purchases|wallet|grants)"


@pytest.fixture
def credentials(app: Flask, session: Session) -> dict[str, str]:
    world = make_world(session)
    top_up(session, world.user_ids[0], 10**9)
    token = user_token(session, world.user_ids[0], world.app_id)
    _, admin = merchants_service.issue_key(session, "admin")
    session.commit()
    return {"user": token, "merchant": world.merchant_key, "admin": admin}


def credential_for(path: str, credentials: dict[str, str]) -> str:
    if path == "/v1/grants":
        return credentials["admin"]
    if path.endswith("/refunds"):
        return credentials["merchant"]
    return credentials["user"]


@pytest.mark.slow
def test_api_conforms(app: Flask, credentials: dict[str, str]) -> None:
    """Each operation in turn, positive and negative data, on both engines."""
    assert_api_conforms(app, PATHS, lambda path: credential_for(path, credentials),
                        min_operations=6, max_examples=20)
