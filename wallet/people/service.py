"""Signing people up and in. Plain Python over a session; no Flask, no commit."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet.errors import AuthenticationError, Conflict, InvalidRequest
from wallet.ids import new_id
from wallet.people.models import User
from wallet.principals import Principal

MAX_PASSWORD_LENGTH = 1024
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


@cache
def _dummy_hash() -> str:
    """Verified against when the email is unknown, so a miss costs as much as a hit."""
    return hash_password("not-a-real-password-" + "x" * 16)


def _check_password_shape(password: str) -> None:
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidRequest(f"Passwords are at most {MAX_PASSWORD_LENGTH} characters.",
                             code="invalid_password", param="password")


def sign_up(session: Session, email: str, password: str) -> User:
    """A new person with a password (argon2id); 409 ``email_taken`` if the email exists."""
    _check_password_shape(password)
    if not email.isprintable():
        raise InvalidRequest("A valid email address is required.", code="invalid_email",
                             param="email")
    return create_user(session, email, password)


def authenticate(session: Session, email: str, password: str) -> User:
    """The person with this email and password, else ``invalid_credentials`` (401)."""
    _check_password_shape(password)
    try:
        normalised = normalise_email(email)
    except InvalidRequest:
        normalised = None
    if normalised is not None and not normalised.isprintable():
        normalised = None  # control characters never match (and PostgreSQL refuses NUL)
    user = (session.scalar(select(User).where(User.email == normalised))
            if normalised else None)
    if user is None or not user.password_hash:
        password_matches(_dummy_hash(), password)
        raise AuthenticationError("The email or password is wrong.",
                                  code="invalid_credentials")
    if not password_matches(user.password_hash, password):
        raise AuthenticationError("The email or password is wrong.",
                                  code="invalid_credentials")
    return user


def principal_for_session_user(session: Session, user_id: str) -> Principal | None:
    """The person a signed-in session names, or None if they no longer exist."""
    user = session.get(User, user_id)
    return None if user is None else Principal(kind="user", user_id=user.id, via_session=True)
