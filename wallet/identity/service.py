"""Creating principals and their keys. Plain Python over a session; no commit."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet.db import utcnow
from wallet.errors import AuthenticationError, Conflict, InvalidRequest, NotFound
from wallet.identity.models import ApiKey, App, Counter, Merchant, User
from wallet.ids import new_id, new_secret, secret_digest

KEY_PREFIX = {"admin": "ak", "secret": "sk", "counter": "ck"}
_hasher = PasswordHasher()


def normalise_email(email: str) -> str:
    value = email.strip().lower()
    local, _, domain = value.partition("@")
    if not local or "." not in domain or len(value) > 320 or any(c.isspace() for c in value):
        raise InvalidRequest("A valid email address is required.", code="invalid_email",
                             param="email")
    return value


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise InvalidRequest("Passwords need at least 8 characters.", code="weak_password",
                             param="password")
    return _hasher.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_user(session: Session, email: str, password: str | None = None) -> User:
    email = normalise_email(email)
    if session.scalar(select(User.id).where(User.email == email)):
        raise Conflict("A user with this email exists.", code="email_taken", param="email")
    user = User(id=new_id("usr"), email=email,
                password_hash=hash_password(password) if password else None)
    session.add(user)
    session.flush()
    return user


def create_merchant(session: Session, name: str) -> Merchant:
    merchant = Merchant(id=new_id("mer"), name=name)
    session.add(merchant)
    session.flush()
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


def revoke_key(session: Session, key_id: str) -> ApiKey:
    key = session.get(ApiKey, key_id)
    if key is None:
        raise NotFound("No such key.", param="key_id")
    key.revoked_at = key.revoked_at or utcnow()
    return key
