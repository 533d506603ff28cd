"""``connect`` and ``call``: the generated client with typed errors and safe retries."""

from __future__ import annotations

import inspect
import time
import uuid
from collections.abc import Mapping
from types import ModuleType
from typing import Any

import httpx
from wallet_client import AuthenticatedClient
from wallet_client.models.error import Error

from wallet_sdk.reference import WalletApiError

RETRY_STATUSES = frozenset({503})


def connect(base_url: str, credential: str, *, timeout: float = 30.0) -> AuthenticatedClient:
    """A client sending ``Authorization: Bearer <credential>`` (a key or an access token)."""
    return AuthenticatedClient(base_url=base_url.rstrip("/"), token=credential,
                               timeout=httpx.Timeout(timeout), raise_on_unexpected_status=True)


def new_idempotency_key() -> str:
    return str(uuid.uuid4())


def _error(status: int, parsed: Any, content: bytes) -> WalletApiError:
    if isinstance(parsed, Error):
        detail = parsed.error
        return WalletApiError(status, {"type": detail.type_, "code": detail.code,
                                       "message": detail.message,
                                       "param": detail.param if isinstance(detail.param, str)
                                       else None})
    return WalletApiError(status, {"message": content[:200].decode(errors="replace")})


def call(operation: ModuleType, client: AuthenticatedClient, *, attempts: int = 3,
         **kwargs: Any) -> Any:
    """Run ``operation.sync_detailed(client=client, **kwargs)``; the typed success answer.

    An operation that takes an ``idempotency_key`` gets a fresh one unless given, and the
    same key is sent again on a retry, so a value move happens at most once.
    """
    if "idempotency_key" in inspect.signature(operation.sync_detailed).parameters:
        kwargs.setdefault("idempotency_key", new_idempotency_key())
        tries = max(1, attempts)
    else:
        tries = 1
    for attempt in range(tries):
        try:
            response = operation.sync_detailed(client=client, **kwargs)
        except httpx.TransportError:
            if attempt + 1 == tries:
                raise
            time.sleep(0.2 * 2**attempt)
            continue
        status = int(response.status_code)
        if status in RETRY_STATUSES and attempt + 1 < tries:
            time.sleep(_retry_after(response.headers, attempt))
            continue
        if status >= 400:
            raise _error(status, response.parsed, response.content)
        return response.parsed
    raise AssertionError("unreachable")


def _retry_after(headers: Mapping[str, str], attempt: int) -> float:
    try:
        return min(float(headers.get("Retry-After", "")), 5.0)
    except ValueError:
        return 0.2 * 2**attempt
