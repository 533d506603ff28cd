"""schemathesis against /v1/openapi.json for webhook endpoints, deliveries and events:
no 5xx, and every answer (errors included) matches its documented schema."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.support.buyers import make_world
from tests.support.conformance import assert_api_conforms

PATHS = r"^/v1/(webhook_endpoints|webhook_deliveries|webhook_event_types|events)"


@pytest.mark.slow
def test_api_conforms(app: Flask, session: Session) -> None:
    world = make_world(session)
    session.commit()
    assert_api_conforms(app, PATHS, lambda _path: world.merchant_key, min_operations=11,
                        max_examples=15)
