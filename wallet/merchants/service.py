"""Merchants, apps, counters and API keys. Plain Python over a session; no commit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet.db import utcnow
from wallet.errors import AuthenticationError, InvalidRequest, NotFound
from wallet.ids import new_id, new_secret, secret_digest
from wallet.merchants.models import ApiKey, App, Counter, Merchant
from wallet.principals import Principal

KEY_PREFIX = {"admin": "ak", "secret": "sk", "counter": "ck"}
# The principal each kind of key proves.
PRINCIPAL_KIND = {"admin": "admin", "secret": "merchant", "counter": "counter"}


def create_merchant(session: Session, name: str) -> Merchant:
    merchant = Merchant(id=new_id("mer"), name=name)
    session.add(merchant)
    session.flush()
    return merchant


def get_merchant(session: Session, merchant_id: str, *, param: str = "merchant_id") -> Merchant:
    """The merchant, or 404 ``merchant_not_found`` naming ``param``."""
    merchant = session.get(Merchant, merchant_id)
    if merchant is None:
        raise NotFound("No such merchant.", code="merchant_not_found", param=param)
    return merchant


def set_kyc(session: Session, merchant_id: str, status: str) -> Merchant:
    merchant = get_merchant(session, merchant_id, param="id")
    if status not in ("pending", "verified", "rejected"):
        raise InvalidRequest("status is verified, rejected or pending.", param="status")
    merchant.kyc_status = status
    session.flush()
    from wallet.risk.service import record_kyc

    record_kyc(session, merchant_id, status)
    return merchant


def create_app_client(
    session: Session, merchant_id: str, name: str, redirect_uris: list[str]
) -> App:
    app = App(id=new_id("app"), merchant_id=merchant_id, name=name, redirect_uris=redirect_uris)
    session.add(app)
    session.flush()
    return app


def create_counter(session: Session, merchant_id: str, name: str) -> Counter:
    counter = Counter(id=new_id("ctr"), merchant_id=merchant_id, name=name)
    session.add(counter)
    session.flush()
    return counter


def issue_key(
    session: Session,
    kind: str,
    *,
    merchant_id: str | None = None,
    counter_id: str | None = None,
    label: str = "",
    secret: str | None = None,
) -> tuple[ApiKey, str]:
    """Create a key and return it with its secret, which is never stored."""
    secret = secret or new_secret(KEY_PREFIX[kind])
    if not secret.startswith(KEY_PREFIX[kind] + "_"):
        raise InvalidRequest(f"{kind} keys start with {KEY_PREFIX[kind]}_")
    key = ApiKey(
        id=new_id("key"), kind=kind, digest=secret_digest(secret), hint=secret[-4:],
        merchant_id=merchant_id, counter_id=counter_id, label=label,
    )
    session.add(key)
    session.flush()
    return key, secret


def key_for_secret(session: Session, secret: str) -> ApiKey:
    """The live key whose secret this is, else AuthenticationError.

    Lookup is by SHA-256 digest, so no comparison ever runs on the secret itself.
    """
    key = session.scalar(select(ApiKey).where(ApiKey.digest == secret_digest(secret)))
    if key is None or key.revoked_at is not None:
        raise AuthenticationError("The API key is invalid or revoked.", code="invalid_api_key")
    return key


def revoke_counter_key(session: Session, merchant_id: str, counter_id: str,
                       actor: str) -> list[ApiKey]:
    """Revoke every live key of a merchant's counter (a lost tablet); they stop at once."""
    counter = session.get(Counter, counter_id)
    if counter is None or counter.merchant_id != merchant_id:
        raise NotFound("No such counter.", code="counter_not_found", param="counter_id")
    keys = list(session.scalars(select(ApiKey).where(
        ApiKey.counter_id == counter_id, ApiKey.kind == "counter")))
    now = utcnow()
    for key in keys:
        key.revoked_at = key.revoked_at or now
    session.flush()
    from wallet.risk.service import audit

    audit(session, "counter_key.revoked", counter_id, actor, now=now,
          detail={"merchant_id": merchant_id, "keys": [k.id for k in keys]})
    return keys


def revoke_key(session: Session, key_id: str) -> ApiKey:
    key = session.get(ApiKey, key_id)
    if key is None:
        raise NotFound("No such key.", param="key_id")
    key.revoked_at = key.revoked_at or utcnow()
    return key


def principal_for_api_key(session: Session, token: str) -> Principal | None:
    """The principal an ``ak_``/``sk_``/``ck_`` key proves; None for other credentials."""
    kind = next((k for k, prefix in KEY_PREFIX.items() if token.startswith(prefix + "_")), None)
    if kind is None:
        return None
    key = key_for_secret(session, token)
    if key.kind != kind:
        raise AuthenticationError("The API key is invalid or revoked.", code="invalid_api_key")
    return Principal(kind=PRINCIPAL_KIND[kind], merchant_id=key.merchant_id,
                     counter_id=key.counter_id, key_id=key.id)
