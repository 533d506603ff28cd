"""schemathesis against /v1/openapi.json for people, operator, apps, counters and
connections: no 5xx, and every answer matches its documented schema."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import (
    positive_data_acceptance,
    response_schema_conformance,
)
from sqlalchemy.orm import Session

from tests.support.authz import make_principals

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
    from flask import g, has_app_context

    schema = schemathesis.openapi.from_wsgi("/v1/openapi.json", app).include(
        path_regex=PATHS)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case: Any) -> None:
            if has_app_context():
                g.pop("principal", None)
            credential = credential_for(case.path, credentials)
            headers = {"Authorization": f"Bearer {credential}"} if credential else {}
            response = case.call(headers=headers)
            assert response.status_code < 500, response.text
            excluded = [positive_data_acceptance]
            if response.status_code < 400:
                case.validate_response(response, headers=headers, excluded_checks=excluded)
                return
            case.validate_response(response, headers=headers,
                                   excluded_checks=[*excluded, response_schema_conformance])
            error = response.json()["error"]
            assert set(error) == {"type", "code", "message", "param"}, error

        check()
