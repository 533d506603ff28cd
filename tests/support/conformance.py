"""schemathesis against our own /v1/openapi.json, one operation at a time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

ERROR_FIELDS = {"type", "code", "message", "param"}


def assert_api_conforms(
    app: Flask,
    path_regex: str,
    credential_for: Callable[[str], str | None],
    *,
    min_operations: int,
    max_examples: int = 15,
) -> None:
    """No 5xx, and every answer (errors included) matches its documented schema.

    ``credential_for(path)`` names the bearer credential to call a path with.
    Requests the spec would call valid may still be refused (e.g. metadata key
    rules OpenAPI 3.0 cannot state), so that one check is left out.
    """
    schema = schemathesis.openapi.from_wsgi("/v1/openapi.json", app).include(
        path_regex=path_regex)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= min_operations

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=max_examples, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def check(case: Any) -> None:
            credential = credential_for(case.path)
            headers = {"Authorization": f"Bearer {credential}"} if credential else {}
            response = case.call(headers=headers)
            assert response.status_code < 500, response.text
            case.validate_response(response, headers=headers,
                                   excluded_checks=[positive_data_acceptance])
            if response.status_code >= 400:
                assert set(response.json()["error"]) == ERROR_FIELDS

        check()
