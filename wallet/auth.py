"""Who is calling: one principal per request, from a bearer credential or a session.

| credential | principal kind |
| --- | --- |
| ``Authorization: Bearer ak_…`` | ``admin`` (operator) |
| ``Authorization: Bearer sk_…`` | ``merchant`` (merchant server) |
| ``Authorization: Bearer ck_…`` | ``counter`` (counter terminal of one merchant) |
| ``Authorization: Bearer <access token>`` | ``user`` acting through one app (OAuth) |
| session cookie after sign-in | ``user`` on the web pages (no app) |

Views declare who may call them with ``@requires("merchant", "admin")``: no or
a bad credential answers 401, a valid credential of another kind 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, TypeVar, cast

from flask import g, request, session
from sqlalchemy.orm import Session

from wallet.db import db
from wallet.errors import AuthenticationError, PermissionDenied
from wallet.identity.models import User
from wallet.identity.service import key_for_secret

PRINCIPAL_KINDS = frozenset({"admin", "merchant", "counter", "user"})
KEY_KINDS = {"ak_": "admin", "sk_": "merchant", "ck_": "counter"}
SESSION_USER_KEY = "user_id"

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Principal:
    """The authenticated caller of one request."""

    kind: str
    merchant_id: str | None = None
    counter_id: str | None = None
    user_id: str | None = None
    app_id: str | None = None
    key_id: str | None = None
    via_session: bool = False
    grant: dict[str, Any] = field(default_factory=dict)

    @property
    def scope_key(self) -> str:
        """A stable name for the caller, e.g. to scope Idempotency-Keys."""
        parts = [self.kind, self.key_id or "", self.merchant_id or "", self.counter_id or "",
                 self.user_id or "", self.app_id or ""]
        return ":".join(parts)


# Resolvers for bearer tokens that are not API keys (OAuth access tokens). The
# OAuth module registers one; it returns a Principal or None when it does not
# recognise the token.
BearerResolver = Callable[[Session, str], "Principal | None"]
bearer_resolvers: list[BearerResolver] = []


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("Use 'Authorization: Bearer <credential>'.",
                                  code="invalid_authorization_header")
    return token.strip()


def _principal_for_token(token: str) -> Principal:
    for prefix, kind in KEY_KINDS.items():
        if token.startswith(prefix):
            key = key_for_secret(db.session(), token)
            expected = {"admin": "admin", "merchant": "secret", "counter": "counter"}[kind]
            if key.kind != expected:
                raise AuthenticationError("The API key is invalid or revoked.",
                                          code="invalid_api_key")
            return Principal(kind=kind, merchant_id=key.merchant_id,
                             counter_id=key.counter_id, key_id=key.id)
    for resolve in bearer_resolvers:
        principal = resolve(db.session(), token)
        if principal is not None:
            return principal
    raise AuthenticationError("The access token is invalid, expired or revoked.",
                              code="invalid_token")


def _principal_from_session() -> Principal | None:
    user_id = session.get(SESSION_USER_KEY)
    if not user_id:
        return None
    user = db.session.get(User, user_id)
    if user is None:
        session.pop(SESSION_USER_KEY, None)
        return None
    return Principal(kind="user", user_id=user.id, via_session=True)


def current_principal() -> Principal | None:
    """The request's principal (cached in ``g``), or None when anonymous."""
    if "principal" not in g:
        token = _bearer_token()
        g.principal = _principal_for_token(token) if token else _principal_from_session()
    return cast("Principal | None", g.principal)


def requires(*kinds: str) -> Callable[[F], F]:
    """Allow only principals of these kinds: 401 without credentials, 403 for others."""
    unknown = set(kinds) - PRINCIPAL_KINDS
    if unknown:
        raise ValueError(f"unknown principal kinds {unknown}")

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            principal = current_principal()
            if principal is None:
                raise AuthenticationError()
            if principal.kind not in kinds:
                raise PermissionDenied(
                    f"This endpoint is for {' or '.join(sorted(kinds))} credentials, "
                    f"not {principal.kind}.", code="wrong_principal",
                )
            return view(*args, **kwargs)

        wrapper._wallet_principals = kinds  # type: ignore[attr-defined]
        return cast(F, wrapper)

    return decorator


def principal() -> Principal:
    """The principal of a view guarded by ``requires`` (never None there)."""
    found = current_principal()
    if found is None:
        raise AuthenticationError()
    return found
