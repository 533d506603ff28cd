"""The TypeScript SDK (sdk/typescript) against a live production server, with node's test
runner (``make install`` runs ``npm ci`` there; without it these tests fail, never skip):
the generated types (no hand edits: regenerating them from sdk/openapi.json gives the same
file) type-check the helpers and the test, which buys, refunds, redeems a voucher and reads
the merchant's balance."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.installed import installed, node
from tests.support.live_api import LiveApi, live_api

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

PACKAGE = Path(__file__).resolve().parents[1] / "sdk" / "typescript"
BIN = PACKAGE / "node_modules" / ".bin"


def _node() -> str:
    """node, with the package's tools from ``npm ci`` (make install): a failure if missing."""
    found = node()
    installed(BIN / "tsx", "sdk/typescript/node_modules (make install runs npm ci there)")
    return str(found)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    with live_api(tmp_path_factory.mktemp("sdk-typescript")) as running:
        yield running


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd=PACKAGE, capture_output=True, text=True,
                          timeout=300, check=False, env={**os.environ, **(env or {})})


def test_generated_types_are_current_and_check(tmp_path: Path) -> None:
    _node()
    fresh = tmp_path / "schema.d.ts"
    made = _run(str(BIN / "openapi-typescript"), "../openapi.json", "--default-non-nullable",
                "false", "-o", str(fresh))
    assert made.returncode == 0, made.stderr
    assert fresh.read_text() == (PACKAGE / "src" / "schema.d.ts").read_text(), \
        "regenerate: npm --prefix sdk/typescript run generate"
    checked = _run(str(BIN / "tsc"), "--noEmit", "-p", ".")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_node_runs_the_sdk_against_a_live_server(live: LiveApi) -> None:
    ran = _run(_node(), "--import", "tsx", "--test", "test/sdk.test.ts",
               env={"WALLET_URL": live.url, "WALLET_ADMIN_KEY": live.admin_key})
    assert ran.returncode == 0, ran.stdout[-4000:] + ran.stderr[-2000:]
    assert "# pass 2" in ran.stdout and "# fail 0" in ran.stdout, ran.stdout[-2000:]
