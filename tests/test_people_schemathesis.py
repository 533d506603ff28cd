"""schemathesis against /v1/openapi.json for people, operator, apps, counters and
connections: no 5xx, and every answer matches its documented schema."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.support.authz import make_principals
from tests.support.conformance import assert_api_conforms

PATHS = r"^/v1/(users|merchants|apps|counters|connections|me|session|signup)"


@pytest.fixture
def credentials(app: Flask, session: Session) -> dict[str, str]:
    p = make_principals(session)
    session.commit()
    return {"admin": p.admin_key, "merchant": p.merchant_key, "user": p.user_token}


def credential_for(path: str, credentials: dict[str, str]) -> str | None:
    if path.startswith(("/v1/users", "/v1/merchants")):
        return credentials["admin"]
    if path.startswith(("/v1/apps", "/v1/counters")):
        return credentials["merchant"]
    if path.startswith(("/v1/me", "/v1/connections")):
        return credentials["user"]
    return None


@pytest.mark.slow
def test_api_conforms(app: Flask, credentials: dict[str, str]) -> None:
    assert_api_conforms(app, PATHS, lambda path: credential_for(path, credentials),
                        min_operations=15)
