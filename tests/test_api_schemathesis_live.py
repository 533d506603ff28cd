"""Schemathesis against the live app (gunicorn, production settings, PostgreSQL) with
every check on, once per principal: operator, merchant, user (OAuth token) and counter.

Every operation whose documented security accepts the principal's credential is called
with generated data (positive and negative); any disagreement between the document and
the behaviour fails the test. ``max_examples`` keeps each run within a minute or so.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.config import SchemathesisConfig

from tests.support.live_api import live_api, world

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

MAX_EXAMPLES = 6
# Schema-valid data may still be refused by the state of things, which no schema states:
# not enough credits (402), a conflict (409), a rule such as a past expiry, an IBAN's
# checksum or a merchant without KYC (422), an id that does not exist (404).
POSITIVE_STATUSES = ["2xx", "3xx", "401", "402", "403", "404", "409", "422", "429", "5xx"]
SCHEMES = {"operator": "adminKey", "merchant": "merchantKey", "user": "userToken",
           "counter": "counterKey"}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """A production server and one credential per principal (made through the API)."""
    with live_api(tmp_path_factory.mktemp("schemathesis-live")) as running:
        yield running.url, world(running)


def accepts(operation: Any, scheme: str) -> bool:
    requirements = operation.definition.raw.get("security", [])
    return any(scheme in requirement for requirement in requirements)


@pytest.mark.parametrize("principal", list(SCHEMES))
def test_document_and_behaviour_agree(live: tuple[str, dict[str, str]],
                                      principal: str) -> None:
    base, credentials = live
    config = SchemathesisConfig.from_dict({"checks": {"positive_data_acceptance": {
        "expected-statuses": POSITIVE_STATUSES}}})
    schema = schemathesis.openapi.from_url(f"{base}/v1/openapi.json", config=config)
    operations = [result.ok() for result in schema.get_all_operations()]
    mine = [op for op in operations if accepts(op, SCHEMES[principal])]
    assert mine, principal
    headers = {"Authorization": f"Bearer {credentials[principal]}"}
    http = requests.Session()
    failures: list[str] = []

    for operation in mine:
        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        def check(case: Any) -> None:
            response = case.call(base_url=base, session=http, headers=headers)
            case.validate_response(response, headers=headers)

        try:
            check()
        except BaseException as failure:  # a FailureGroup: report every operation
            failures.append(f"{operation.method.upper()} {operation.path}: {str(failure)[:1500]}")
    assert failures == [], "\n\n".join(failures)
