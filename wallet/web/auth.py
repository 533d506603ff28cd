"""Who is calling: one principal per request, from a bearer credential or a session.

| credential | principal kind |
| --- | --- |
| ``Authorization: Bearer ak_…`` | ``admin`` (operator) |
| ``Authorization: Bearer sk_…`` | ``merchant`` (merchant server) |
| ``Authorization: Bearer ck_…`` | ``counter`` (counter terminal of one merchant) |
| ``Authorization: Bearer <access token>`` | ``user`` acting through one app (OAuth) |
| session cookie after sign-in | ``user`` on the web pages (no app); the cookie holds a |
| | token of a server-side session (revocable: sign-out everywhere, password reset) |

The capabilities that own each credential resolve it (``init_app`` is given their
resolvers by the app factory). Views declare who may call them with
``@requires("merchant", "admin")``: no or a bad credential answers 401, a valid
credential of another kind 403.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, current_app, g, request, session

from wallet.db import db
from wallet.errors import AuthenticationError, PermissionDenied
from wallet.principals import PRINCIPAL_KINDS, BearerResolver, Principal, SessionResolver

__all__ = ["SESSION_FIELD", "Principal", "closed_loop", "current_principal", "principal",
           "requires"]

SESSION_FIELD = "sid"
EXTENSION = "wallet_auth"

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Resolvers:
    bearer: tuple[BearerResolver, ...]
    session: SessionResolver | None


def init_app(app: Flask, *, bearer: Sequence[BearerResolver],
             session: SessionResolver | None) -> None:
    """Register the resolvers of bearer credentials (asked in order) and of sessions."""
    app.extensions[EXTENSION] = Resolvers(tuple(bearer), session)


def _resolvers() -> Resolvers:
    return cast(Resolvers, current_app.extensions[EXTENSION])


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
    for resolve in _resolvers().bearer:
        found = resolve(db.session(), token)
        if found is not None:
            return found
    raise AuthenticationError("The access token is invalid, expired or revoked.",
                              code="invalid_token")


def _principal_from_session() -> Principal | None:
    token = session.get(SESSION_FIELD)
    resolve = _resolvers().session
    if not token or resolve is None:
        return None
    found = resolve(db.session(), str(token))
    if found is None:
        session.pop(SESSION_FIELD, None)
    return found


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


def closed_loop(*kinds: str) -> Callable[[F], F]:
    """``requires(*kinds)`` where value may leave the loop: a person's credential gets
    its own 403 ``closed_loop`` (people's credits are never paid out)."""

    def decorator(view: F) -> F:
        checked = requires(*kinds)(view)

        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            caller = current_principal()
            if caller is not None and caller.kind == "user":
                raise PermissionDenied(
                    "Credits held by people are closed-loop: they can be spent, gifted or "
                    "refunded, never paid out. Only merchant earnings are paid out, with a "
                    "merchant key.", code="closed_loop")
            return checked(*args, **kwargs)

        wrapper._wallet_principals = kinds  # type: ignore[attr-defined]
        return cast(F, wrapper)

    return decorator
