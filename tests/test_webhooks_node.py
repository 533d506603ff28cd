"""A merchant's Node.js server verifies our webhooks with ``standardwebhooks`` from npm
(``tests/node/verify.js``; ``make install`` runs ``npm ci`` there)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from tests.support.installed import installed, node
from tests.support.webhook_receiver import Receiver
from wallet.webhooks.events import to_json
from wallet.webhooks.safety import UrlPolicy
from wallet.webhooks.secrets import new_secret
from wallet.webhooks.sender import Message, Sender

NODE_DIR = Path(__file__).resolve().parent / "node"


def _node_verify(secret: str, headers: dict[str, str],
                 body: str) -> subprocess.CompletedProcess[str]:
    found = node()
    installed(NODE_DIR / "node_modules" / "standardwebhooks",
              "tests/node/node_modules (make install runs npm ci there)")
    return subprocess.run([str(found), str(NODE_DIR / "verify.js")], cwd=NODE_DIR, text=True,
                          input=json.dumps({"secret": secret, "headers": headers, "body": body}),
                          capture_output=True, timeout=60, check=False)


def test_node_verifies_a_delivery_and_refuses_a_forgery() -> None:
    old, new = new_secret(), new_secret()
    raw: list[tuple[dict[str, str], str]] = []

    def keep(handler: Any) -> bool:
        raw.append((dict(handler.headers.items()), handler.body.decode()))
        handler.send_response(204)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
        return True

    receiver = Receiver([], respond=keep).start()
    body = to_json({"id": "evt_node", "object": "event", "type": "payout.paid",
                    "timestamp": "2026-12-01T07:20:12.845191+00:00", "merchant_id": "mer_1",
                    "data": {"holder_name": "Café Ünïcode & Co", "amount_display": "€31.80"}})
    sender = Sender(UrlPolicy.development())
    try:
        [outcome] = sender.send([Message("dlv_1", 1, "whe_1", receiver.url, "evt_node",
                                         body.encode(), (new, old))])  # during a rotation
    finally:
        sender.close()
        receiver.stop()
    assert outcome.ok and outcome.status_code == 204
    headers, delivered = raw[0]
    for secret in (new, old):
        verified = _node_verify(secret, headers, delivered)
        assert verified.returncode == 0, verified.stderr
        assert json.loads(verified.stdout)["data"]["holder_name"] == "Café Ünïcode & Co"
    forged = _node_verify(new, headers, delivered.replace("31.80", "9999.00"))
    assert forged.returncode == 1 and "No matching signature" in forged.stderr
    assert _node_verify(new_secret(), headers, delivered).returncode == 1
