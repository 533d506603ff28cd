"""schemathesis against /v1/openapi.json for the console's own paths (audit, liability
report, payout batches, console sign-in; people and merchants are in
tests/test_people_schemathesis.py): no 5xx, every answer matches its documented schema."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.support.authz import make_principals
from tests.support.conformance import assert_api_conforms

PATHS = r"^/v1/(operator_actions|reports/liabilities|payout_batches$|console/session)"


@pytest.mark.slow
def test_console_api_conforms(app: Flask, session: Session) -> None:
    admin = make_principals(session).admin_key
    session.commit()
    assert_api_conforms(app, PATHS, lambda path: None if "console" in path else admin,
                        min_operations=5)
