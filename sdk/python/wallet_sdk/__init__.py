"""Thin hand-written helpers over the generated client ``wallet_client``.

- ``connect(base_url, credential)``: an ``AuthenticatedClient`` for one bearer credential;
- ``call(operation, client, **kwargs)``: run a generated operation, return its typed
  answer or raise ``WalletApiError`` (the API's one error shape), sending a fresh
  ``Idempotency-Key`` to operations that require one and retrying them safely (same key)
  after a network error or a 503;
- ``WalletClient``: the small reference client (one method per call, typed dataclasses).
"""

from wallet_sdk.helpers import WalletApiError, call, connect, new_idempotency_key
from wallet_sdk.reference import FlaskTransport, WalletClient

__all__ = ["FlaskTransport", "WalletApiError", "WalletClient", "call", "connect",
           "new_idempotency_key"]
