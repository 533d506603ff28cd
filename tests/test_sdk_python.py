"""The Python SDK (sdk/python) against a live production server: the generated client
``wallet_client`` (no hand edits: regenerating it from sdk/openapi.json gives the same
files) with the ``wallet_sdk`` helpers creates a person, mints a token, buys, refunds,
redeems a voucher and reads the merchant's balance."""

from __future__ import annotations

import filecmp
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from wallet_client.api.connections import post_user_tokens
from wallet_client.api.grants import post_grants
from wallet_client.api.merchants import post_apps, post_counters, post_merchants
from wallet_client.api.payouts import get_balance
from wallet_client.api.people import post_users
from wallet_client.api.purchases import post_purchases, post_refunds
from wallet_client.api.vouchers import post_voucher_redeem, post_vouchers
from wallet_client.models import (
    AppIn,
    GrantIn,
    IssueIn,
    MerchantCounterIn,
    MerchantIn,
    PurchaseIn,
    RefundIn,
    TokenIn,
    UserIn,
)
from wallet_sdk import WalletApiError, call, connect

from tests.support.installed import installed
from tests.support.live_api import LiveApi, live_api

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

SDK = Path(__file__).resolve().parents[1] / "sdk"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    with live_api(tmp_path_factory.mktemp("sdk-python")) as running:
        yield running


def test_purchase_refund_voucher_and_balance(live: LiveApi) -> None:
    operator = connect(live.url, live.admin_key)
    merchant = call(post_merchants, operator, body=MerchantIn(name="Tides Press"))
    shop = connect(live.url, merchant.secret_key)
    app = call(post_apps, shop, body=AppIn(name="Reader",
                                           redirect_uris=["https://reader.example/cb"]))
    counter = call(post_counters, shop, body=MerchantCounterIn(name="Front desk"))
    person = call(post_users, operator, body=UserIn(email=f"p-{uuid.uuid4().hex[:8]}@ex.org"))
    call(post_grants, operator, body=GrantIn(user_id=person.id, credits_=500,
                                             reason="welcome"))
    token = call(post_user_tokens, operator, user_id=person.id,
                 body=TokenIn(app_id=app.id))

    buyer = connect(live.url, token.access_token)
    purchase = call(post_purchases, buyer, body=PurchaseIn(amount=120,
                                                           description="Article: Tides"))
    assert purchase.amount == 120 and purchase.balance_after == 380
    refund = call(post_refunds, shop, purchase_id=purchase.id, body=RefundIn(amount=20))
    assert refund.amount == 20 and refund.purchase_refunded == 20

    with pytest.raises(WalletApiError) as refused:
        call(post_purchases, buyer, body=PurchaseIn(amount=10**6, description="Too much"))
    assert refused.value.status == 402 and refused.value.code == "insufficient_credits"

    voucher = call(post_vouchers, operator, body=IssueIn(value=50))
    till = connect(live.url, counter.key)
    redeemed = call(post_voucher_redeem, till, body={"code": voucher.code, "amount": 30})
    assert redeemed.amount == 30 and redeemed.merchant_id == merchant.id

    balance = call(get_balance, shop)
    assert balance.merchant_id == merchant.id
    assert balance.earnings.pending == 120 - 20 + 30


def test_the_client_is_generated_without_hand_edits(tmp_path: Path) -> None:
    generator = installed(Path(sys.executable).with_name("openapi-python-client"),
                          "openapi-python-client (the dev extra, make install)")
    out = tmp_path / "wallet_client"
    made = subprocess.run([str(generator), "generate", "--path", str(SDK / "openapi.json"),
                           "--config", str(SDK / "python-generator.yml"), "--output-path",
                           str(out), "--meta", "none"], capture_output=True, text=True,
                          timeout=300, check=False)
    assert made.returncode == 0, made.stderr
    compared = filecmp.dircmp(SDK / "python" / "wallet_client", out,
                              ignore=["__pycache__"])
    differences: list[str] = []

    def collect(node: filecmp.dircmp[str], prefix: str) -> None:
        differences.extend(prefix + name for name in
                           node.diff_files + node.left_only + node.right_only)
        for name, child in node.subdirs.items():
            collect(child, f"{prefix}{name}/")

    collect(compared, "")
    assert differences == [], "regenerate: openapi-python-client generate --path " \
        "sdk/openapi.json --config sdk/python-generator.yml --output-path " \
        "sdk/python/wallet_client --meta none --overwrite"
