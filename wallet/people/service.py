"""Signing people up and in. Plain Python over a session; no Flask, no commit."""

from __future__ import annotations

from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet.errors import AuthenticationError, InvalidRequest
from wallet.identity import service as identity
from wallet.identity.models import User

MAX_PASSWORD_LENGTH = 1024


@cache
def _dummy_hash() -> str:
    """Verified against when the email is unknown, so a miss costs as much as a hit."""
    return identity.hash_password("not-a-real-password-" + "x" * 16)


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
    return identity.create_user(session, email, password)


def authenticate(session: Session, email: str, password: str) -> User:
    """The person with this email and password, else ``invalid_credentials`` (401)."""
    _check_password_shape(password)
    try:
        normalised = identity.normalise_email(email)
    except InvalidRequest:
        normalised = None
    if normalised is not None and not normalised.isprintable():
        normalised = None  # control characters never match (and PostgreSQL refuses NUL)
    user = (session.scalar(select(User).where(User.email == normalised))
            if normalised else None)
    if user is None or not user.password_hash:
        identity.password_matches(_dummy_hash(), password)
        raise AuthenticationError("The email or password is wrong.",
                                  code="invalid_credentials")
    if not identity.password_matches(user.password_hash, password):
        raise AuthenticationError("The email or password is wrong.",
                                  code="invalid_credentials")
    return user
