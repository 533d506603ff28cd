"""A small typed reference client for the Wallet API.

It is the shape of every call a mobile SDK or a merchant server makes: one
method per endpoint, typed answers, and one exception type carrying the API's
error shape ``{"error": {"type", "code", "message", "param"}}``.

    client = WalletClient("https://wallet.example", token=access_token)
    try:
        purchase = client.purchase(25, "Article: Tides")
    except WalletApiError as err:
        if err.code == "insufficient_credits":
            ...  # err.message says how many credits are available

Every POST that moves value sends an ``Idempotency-Key``; the methods make
one up when the caller gives none, and a caller that retries after a network
error must pass the same key again.

Transport: ``requests`` over HTTP by default; ``FlaskTransport`` runs the same
calls against an app in-process (tests).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

T = TypeVar("T")

# (method, path, json body or None, headers) -> (status, response headers, body)
Transport = Callable[[str, str, Any, dict[str, str]], tuple[int, Mapping[str, str], Any]]


class WalletApiError(Exception):
    """An answer with status >= 400, in the API's one error shape."""

    def __init__(self, status: int, error: Mapping[str, Any]) -> None:
        self.status = status
        self.type: str = str(error.get("type", "api_error"))
        self.code: str = str(error.get("code", "unknown"))
        self.message: str = str(error.get("message", ""))
        self.param: str | None = error.get("param")
        super().__init__(f"{status} {self.code}: {self.message}")


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class Credits:
    total: int
    paid: int
    promotional: int


@dataclass(frozen=True)
class WalletBalance:
    user_id: str
    credits: Credits
    frozen: bool
    next_expiry_credits: int | None
    next_expiry_at: datetime | None

    @classmethod
    def parse(cls, body: Mapping[str, Any]) -> WalletBalance:
        expiry = body.get("next_expiry") or {}
        return cls(body["user_id"], Credits(**body["credits"]), body["frozen"],
                   expiry.get("credits"), _when(expiry.get("expires_at")))


@dataclass(frozen=True)
class Purchase:
    id: str
    amount: int
    refunded: int
    merchant_id: str
    app_id: str
    user_id: str
    description: str
    metadata: dict[str, str]
    balance_after: int
    created_at: datetime
    replayed: bool = False

    @classmethod
    def parse(cls, body: Mapping[str, Any], replayed: bool = False) -> Purchase:
        return cls(body["id"], body["amount"], body["refunded"], body["merchant_id"],
                   body["app_id"], body["user_id"], body["description"],
                   dict(body.get("metadata") or {}), body["balance_after"],
                   datetime.fromisoformat(body["created_at"]), replayed)


@dataclass(frozen=True)
class Refund:
    id: str
    purchase_id: str
    amount: int
    purchase_amount: int
    purchase_refunded: int
    created_at: datetime

    @classmethod
    def parse(cls, body: Mapping[str, Any]) -> Refund:
        return cls(body["id"], body["purchase_id"], body["amount"], body["purchase_amount"],
                   body["purchase_refunded"], datetime.fromisoformat(body["created_at"]))


@dataclass(frozen=True)
class HistoryEntry:
    id: str
    kind: str
    amount: int
    description: str | None
    purchase_id: str | None
    created_at: datetime

    @classmethod
    def parse(cls, body: Mapping[str, Any]) -> HistoryEntry:
        return cls(body["id"], body["kind"], body["amount"], body.get("description"),
                   body.get("purchase_id"), datetime.fromisoformat(body["created_at"]))


@dataclass(frozen=True)
class Grant:
    id: str
    user_id: str
    credits: int
    expires_at: datetime | None
    reason: str

    @classmethod
    def parse(cls, body: Mapping[str, Any]) -> Grant:
        return cls(body["id"], body["user_id"], body["credits"], _when(body.get("expires_at")),
                   body["reason"])


@dataclass(frozen=True)
class Page(Generic[T]):
    data: list[T]
    has_more: bool

    @property
    def next_cursor(self) -> str | None:
        """Pass as ``starting_after`` for the next page."""
        last = self.data[-1] if self.data else None
        return getattr(last, "id", None) if self.has_more else None


@dataclass(frozen=True)
class AccessToken:
    access_token: str
    token_type: str
    expires_in: int
    scope: str


def requests_transport(base_url: str, timeout: float = 10.0) -> Transport:
    """HTTP through one keep-alive ``requests.Session``."""
    import requests

    http = requests.Session()
    root = base_url.rstrip("/")

    def send(method: str, path: str, body: Any, headers: dict[str, str]
             ) -> tuple[int, Mapping[str, str], Any]:
        answer = http.request(method, root + path, json=body, headers=headers, timeout=timeout)
        try:
            payload = answer.json()
        except ValueError:
            payload = {"error": {"type": "api_error", "code": "not_json",
                                 "message": answer.text[:200]}}
        return answer.status_code, answer.headers, payload

    return send


@dataclass
class FlaskTransport:
    """Run calls against a Flask app in-process (``app.test_client()``)."""

    app: Any
    _client: Any = field(default=None, init=False)

    def __call__(self, method: str, path: str, body: Any, headers: dict[str, str]
                 ) -> tuple[int, Mapping[str, str], Any]:
        if self._client is None:
            self._client = self.app.test_client()
        from flask import g, has_app_context

        if has_app_context():  # a test's app context outlives requests: forget the caller
            g.pop("principal", None)
        answer = self._client.open(path, method=method, json=body, headers=headers)
        return answer.status_code, answer.headers, answer.get_json(silent=True)


class WalletClient:
    """One credential (user access token, or ``sk_``/``ak_`` key) per client."""

    def __init__(self, base_url: str = "", *, token: str | None = None,
                 transport: Transport | None = None) -> None:
        self.token = token
        self.transport = transport or requests_transport(base_url)

    # -- plumbing
    def _call(self, method: str, path: str, body: Any = None, *, idempotency_key: str | None
              = None, moves_value: bool = False) -> tuple[Any, Mapping[str, str]]:
        headers: dict[str, str] = {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if moves_value:
            headers["Idempotency-Key"] = idempotency_key or str(uuid.uuid4())
        status, answer_headers, payload = self.transport(method, path, body, headers)
        if status >= 400:
            error = payload.get("error") if isinstance(payload, dict) else None
            raise WalletApiError(status, error or {"message": json.dumps(payload)[:200]})
        return payload, answer_headers

    @staticmethod
    def _query(**params: Any) -> str:
        pairs = [f"{k}={v}" for k, v in params.items() if v is not None]
        return ("?" + "&".join(pairs)) if pairs else ""

    # -- the person's wallet (user token or session)
    def wallet(self) -> WalletBalance:
        body, _ = self._call("GET", "/v1/wallet")
        return WalletBalance.parse(body)

    def transactions(self, *, limit: int = 20, starting_after: str | None = None
                     ) -> Page[HistoryEntry]:
        body, _ = self._call("GET", "/v1/wallet/transactions"
                             + self._query(limit=limit, starting_after=starting_after))
        return Page([HistoryEntry.parse(e) for e in body["data"]], body["has_more"])

    # -- purchases (user token through an app)
    def purchase(self, amount: int, description: str, *, metadata: dict[str, str] | None = None,
                 idempotency_key: str | None = None) -> Purchase:
        body: dict[str, Any] = {"amount": amount, "description": description}
        if metadata is not None:
            body["metadata"] = metadata
        answer, headers = self._call("POST", "/v1/purchases", body,
                                     idempotency_key=idempotency_key, moves_value=True)
        return Purchase.parse(answer, headers.get("Idempotent-Replayed") == "true")

    def get_purchase(self, purchase_id: str) -> Purchase:
        body, _ = self._call("GET", f"/v1/purchases/{purchase_id}")
        return Purchase.parse(body)

    def purchases(self, *, limit: int = 20, starting_after: str | None = None
                  ) -> Page[Purchase]:
        body, _ = self._call("GET", "/v1/purchases"
                             + self._query(limit=limit, starting_after=starting_after))
        return Page([Purchase.parse(p) for p in body["data"]], body["has_more"])

    # -- merchant server (sk_ key)
    def refund(self, purchase_id: str, amount: int | None = None, *,
               idempotency_key: str | None = None) -> Refund:
        body = {} if amount is None else {"amount": amount}
        answer, _ = self._call("POST", f"/v1/purchases/{purchase_id}/refunds", body,
                               idempotency_key=idempotency_key, moves_value=True)
        return Refund.parse(answer)

    def merchant_balance(self) -> dict[str, Any]:
        body, _ = self._call("GET", "/v1/balance")
        return dict(body)

    def create_app(self, name: str, redirect_uris: list[str]) -> dict[str, Any]:
        body, _ = self._call("POST", "/v1/apps", {"name": name, "redirect_uris": redirect_uris})
        return dict(body)

    # -- operator (ak_ key)
    def create_user(self, email: str) -> dict[str, Any]:
        body, _ = self._call("POST", "/v1/users", {"email": email})
        return dict(body)

    def create_merchant(self, name: str) -> dict[str, Any]:
        body, _ = self._call("POST", "/v1/merchants", {"name": name})
        return dict(body)

    def user_token(self, user_id: str, app_id: str) -> AccessToken:
        """Token exchange for the operator's first-party backend."""
        body, _ = self._call("POST", f"/v1/users/{user_id}/tokens", {"app_id": app_id})
        return AccessToken(body["access_token"], body["token_type"], body["expires_in"],
                           body["scope"])

    def grant(self, user_id: str, credits: int, reason: str, *,
              expires_at: datetime | None = None, idempotency_key: str | None = None) -> Grant:
        body: dict[str, Any] = {"user_id": user_id, "credits": credits, "reason": reason}
        if expires_at is not None:
            body["expires_at"] = expires_at.isoformat()
        answer, _ = self._call("POST", "/v1/grants", body, idempotency_key=idempotency_key,
                               moves_value=True)
        return Grant.parse(answer)
