"""Signing people up and in, their server-side sessions and password resets.

Plain Python over a session; no Flask, no commit.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from functools import cache
from typing import Any, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Table, delete, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from wallet.db import utcnow
from wallet.errors import AuthenticationError, Conflict, InvalidRequest, Unprocessable
from wallet.ids import new_id, secret_digest
from wallet.people.models import PasswordReset, User, WebSession
from wallet.principals import Principal

MAX_PASSWORD_LENGTH = 1024
_hasher = PasswordHasher()


def normalise_email(email: str) -> str:
    value = email.strip().lower()
    local, _, domain = value.partition("@")
    if not local or "." not in domain or len(value) > 320 or any(c.isspace() for c in value):
        raise Unprocessable("A valid email address is required.", code="invalid_email",
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
        raise Unprocessable("A valid email address is required.", code="invalid_email",
                             param="email")
    return create_user(session, email, password)


def authenticate(session: Session, email: str, password: str) -> User:
    """The person with this email and password, else ``invalid_credentials`` (401)."""
    _check_password_shape(password)
    try:
        normalised = normalise_email(email)
    except Unprocessable:
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


SESSION_LIFETIME = timedelta(days=14)
RESET_LIFETIME = timedelta(minutes=30)
sessions_t = cast(Table, WebSession.__table__)
resets_t = cast(Table, PasswordReset.__table__)


class InvalidResetToken(InvalidRequest):
    code = "reset_token_invalid"
    default_message = "This password reset link is invalid, used or expired; ask for a new one."


def start_session(session: Session, user_id: str, *, lifetime: timedelta = SESSION_LIFETIME,
                  now: datetime | None = None) -> tuple[WebSession, str]:
    """A new server-side session; returns it and the token for the cookie (shown once)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    row = WebSession(id=new_id("ses"), user_id=user_id, token_digest=secret_digest(token),
                     created_at=now, expires_at=now + lifetime)
    session.add(row)
    session.flush()
    return row, token


def session_for_token(session: Session, token: object,
                      now: datetime | None = None) -> WebSession | None:
    """The live (not revoked, not expired) session of a cookie token, else None."""
    if not isinstance(token, str) or not token or len(token) > 100:
        return None
    row = session.scalar(select(WebSession).where(
        WebSession.token_digest == secret_digest(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= (now or utcnow()):
        return None
    return row


def end_session(session: Session, token: object, now: datetime | None = None) -> None:
    """Sign one browser out (its row is revoked)."""
    row = session_for_token(session, token, now)
    if row is not None:
        row.revoked_at = now or utcnow()
        session.flush()


def end_all_sessions(session: Session, user_id: str, *, keep: str | None = None,
                     now: datetime | None = None) -> int:
    """Sign every browser of this person out (but ``keep``, a session id); returns how many."""
    query = update(sessions_t).where(sessions_t.c.user_id == user_id,
                                     sessions_t.c.revoked_at.is_(None))
    if keep is not None:
        query = query.where(sessions_t.c.id != keep)
    result = session.execute(query.values(revoked_at=now or utcnow()))
    return int(cast(CursorResult[Any], result).rowcount or 0)


def principal_for_session_token(session: Session, token: str) -> Principal | None:
    """The person a signed-in session cookie names, or None (signed out, expired, revoked)."""
    row = session_for_token(session, token)
    if row is None or session.get(User, row.user_id) is None:
        return None
    return Principal(kind="user", user_id=row.user_id, via_session=True)


def start_password_reset(session: Session, email: str, *,
                         lifetime: timedelta = RESET_LIFETIME,
                         now: datetime | None = None) -> tuple[User, str] | None:
    """A single-use reset token for the person with this email (None if there is none)."""
    try:
        normalised = normalise_email(email)
    except Unprocessable:
        return None
    if not normalised.isprintable():
        return None
    user = session.scalar(select(User).where(User.email == normalised))
    if user is None:
        return None
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    session.add(PasswordReset(id=new_id("pwr"), user_id=user.id,
                              token_digest=secret_digest(token), created_at=now,
                              expires_at=now + lifetime))
    session.flush()
    return user, token


def reset_password(session: Session, token: object, password: str,
                   now: datetime | None = None) -> User:
    """Use a reset token once: new password, every session of the person signed out."""
    _check_password_shape(password)
    new_hash = hash_password(password)
    now = now or utcnow()
    if not isinstance(token, str) or not token or len(token) > 100:
        raise InvalidResetToken(param="token")
    used = session.execute(
        update(resets_t)
        .where(resets_t.c.token_digest == secret_digest(token), resets_t.c.used_at.is_(None),
               resets_t.c.expires_at > now)
        .values(used_at=now).returning(resets_t.c.user_id)
    ).scalar()
    if used is None:
        raise InvalidResetToken(param="token")
    user = session.get(User, used)
    if user is None:
        raise InvalidResetToken(param="token")
    user.password_hash = new_hash
    session.execute(update(resets_t).where(resets_t.c.user_id == user.id,
                                           resets_t.c.used_at.is_(None)).values(used_at=now))
    end_all_sessions(session, user.id, now=now)
    session.flush()
    return user


def purge_sessions_and_resets(session: Session, now: datetime | None = None) -> int:
    """Delete expired or revoked sessions and expired or used reset tokens."""
    now = now or utcnow()
    gone = session.execute(delete(sessions_t).where(or_(
        sessions_t.c.expires_at <= now, sessions_t.c.revoked_at.is_not(None))))
    used = session.execute(delete(resets_t).where(or_(
        resets_t.c.expires_at <= now, resets_t.c.used_at.is_not(None))))
    return sum(int(cast(CursorResult[Any], r).rowcount or 0) for r in (gone, used))
