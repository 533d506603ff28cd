"""Operator work: the audit record, searches, freezing wallets, refunds on a merchant's
behalf, KYC review, and operator accounts (password + TOTP) with their sessions.

Plain Python over a session: no Flask, no commit. Every operator action calls
``record`` in the same transaction as the change it describes.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pyotp
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from wallet.console.models import Operator, OperatorAction, OperatorSession
from wallet.db import utcnow
from wallet.errors import AuthenticationError, Conflict, InvalidRequest, NotFound, Unprocessable
from wallet.ids import looks_like_id, new_id, secret_digest
from wallet.merchants import service as merchants
from wallet.merchants.models import ApiKey, Merchant
from wallet.people import service as people
from wallet.people.models import User
from wallet.principals import Principal
from wallet.purchases import service as purchases
from wallet.purchases.models import Purchase
from wallet.topups.models import Shortfall
from wallet.webhooks.secrets import open_sealed, seal

MAX_REASON = 500
MAX_PAGE = 100
SESSION_LIFETIME = timedelta(hours=12)
SESSION_TOKEN_PREFIX = "op_"  # noqa: S105  (a prefix, not a secret)
TOTP_WINDOW = 1  # one 30 s step either side, for clock drift
ISSUER = "Wallet console"
TOTP_KEK_INFO = b"wallet console totp secrets v1"


def totp_kek(secret_key: bytes) -> bytes:
    """The key that seals TOTP secrets, derived from ``WALLET_SECRET_KEY`` (HKDF)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=TOTP_KEK_INFO).derive(secret_key)


# --- the audit record -----------------------------------------------------------------------

@dataclass(frozen=True)
class Actor:
    """Who acts: an operator key (``key``), an operator account (``operator``) or the CLI."""

    type: str
    id: str
    label: str = ""


def actor_for(who: Principal) -> Actor:
    """The actor behind an operator principal (a key, or an account signed in to /admin)."""
    operator = (who.grant or {}).get("operator_email")
    if operator:
        return Actor("operator", str(who.key_id), str(operator))
    hint = (who.grant or {}).get("hint")
    return Actor("key", str(who.key_id or "unknown"), f"key …{hint}" if hint else "")


def check_reason(reason: object, *, required: bool = True) -> str:
    """A reason of 1 to 500 characters (what the audit will say); a well-formed request
    without one is refused by this rule, not by its schema (422)."""
    text = reason.strip() if isinstance(reason, str) else ""
    if (required and not text) or len(text) > MAX_REASON:
        raise Unprocessable(f"A reason of 1 to {MAX_REASON} characters is required.",
                            code="reason_required", param="reason")
    return text


def record(session: Session, actor: Actor, action: str, *, target_type: str | None = None,
           target_id: str | None = None, reason: str = "", detail: dict[str, Any] | None = None,
           request_id: str | None = None, now: datetime | None = None) -> OperatorAction:
    """Append one audit record (never updated nor deleted afterwards)."""
    row = OperatorAction(
        id=new_id("opa"), actor_type=actor.type, actor_id=actor.id[:64],
        actor_label=actor.label[:320], action=action[:120], target_type=target_type,
        target_id=target_id[:64] if target_id else None, reason=reason[:MAX_REASON],
        detail=detail or {}, request_id=request_id, created_at=now or utcnow())
    session.add(row)
    session.flush()
    return row


def list_actions(session: Session, *, target_type: str | None = None,
                 target_id: str | None = None, action: str | None = None, limit: int = 20,
                 starting_after: str | None = None) -> tuple[list[OperatorAction], bool]:
    """Audit records, newest first; cursor = an action id."""
    query = select(OperatorAction)
    if target_type:
        query = query.where(OperatorAction.target_type == target_type)
    if target_id:
        query = query.where(OperatorAction.target_id == target_id)
    if action:
        query = query.where(OperatorAction.action == action)
    if starting_after:
        anchor = session.scalar(select(OperatorAction.seq).where(
            OperatorAction.id == starting_after)) if looks_like_id(starting_after) else None
        if anchor is None:
            raise NotFound("starting_after is not an id from this list.",
                           code="invalid_cursor", param="starting_after")
        query = query.where(OperatorAction.seq < anchor)
    rows = list(session.scalars(query.order_by(OperatorAction.seq.desc()).limit(limit + 1)))
    return rows[:limit], len(rows) > limit


# --- searches -------------------------------------------------------------------------------

def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def search_users(session: Session, q: str | None, *, frozen: bool | None = None,
                 limit: int = 20) -> list[User]:
    """People whose id is ``q`` or whose email contains it (newest first)."""
    query = select(User)
    if q:
        query = query.where(or_(User.id == q.strip(),
                                func.lower(User.email).like(_like(q.strip()), escape="\\")))
    if frozen is not None:
        query = query.where(User.frozen == frozen)
    return list(session.scalars(query.order_by(User.created_at.desc(), User.id).limit(limit)))


def search_merchants(session: Session, q: str | None, *, kyc_status: str | None = None,
                     limit: int = 20) -> list[Merchant]:
    """Merchants whose id is ``q`` or whose name contains it (newest first)."""
    query = select(Merchant)
    if q:
        query = query.where(or_(Merchant.id == q.strip(),
                                func.lower(Merchant.name).like(_like(q.strip()), escape="\\")))
    if kyc_status:
        query = query.where(Merchant.kyc_status == kyc_status)
    return list(session.scalars(
        query.order_by(Merchant.created_at.desc(), Merchant.id).limit(limit)))


def get_user(session: Session, user_id: str) -> User:
    user = session.get(User, user_id) if looks_like_id(user_id) else None
    if user is None:
        raise NotFound("No such user.", code="user_not_found", param="user_id")
    return user


def open_shortfalls(session: Session, user_id: str) -> int:
    return int(session.scalar(select(func.count()).select_from(Shortfall).where(
        Shortfall.user_id == user_id, Shortfall.status == "open")) or 0)


def _last_freeze_action(session: Session, user_id: str) -> OperatorAction | None:
    return session.scalar(
        select(OperatorAction).where(OperatorAction.target_type == "user",
                                     OperatorAction.target_id == user_id,
                                     OperatorAction.action.in_(("wallet.freeze",
                                                                "wallet.unfreeze")))
        .order_by(OperatorAction.seq.desc()).limit(1))


def frozen_by_operator(session: Session, user_id: str) -> bool:
    """Did the operator freeze this wallet (and not unfreeze it since)? Resolving a
    top-up shortfall then leaves it frozen."""
    last = _last_freeze_action(session, user_id)
    return last is not None and last.action == "wallet.freeze"


def freeze_state(session: Session, user: User) -> dict[str, Any]:
    """Why a wallet is frozen: the last operator freeze (reason, when, by whom) and the
    open top-up shortfalls (a claw-back the wallet did not cover freezes it too)."""
    last = _last_freeze_action(session, user.id)
    by_operator = last is not None and last.action == "wallet.freeze" and user.frozen
    return {
        "frozen": user.frozen,
        "reason": last.reason if by_operator and last else None,
        "frozen_at": last.created_at if by_operator and last else None,
        "frozen_by": last.actor_label or last.actor_id if by_operator and last else None,
        "open_shortfalls": open_shortfalls(session, user.id),
    }


# --- freezing -------------------------------------------------------------------------------

def set_frozen(session: Session, user_id: str, frozen: bool, *, reason: str, actor: Actor,
               request_id: str | None = None, now: datetime | None = None) -> User:
    """Freeze (no purchases, no gifts) or unfreeze a wallet, with a reason in the audit.

    Unfreezing a wallet with an open top-up shortfall is refused: the operator
    resolves the shortfall (collect or write off), which unfreezes it.
    """
    reason = check_reason(reason)
    user = session.scalar(select(User).where(User.id == user_id).with_for_update()
                          .execution_options(populate_existing=True)
                          ) if looks_like_id(user_id) else None
    if user is None:
        raise NotFound("No such user.", code="user_not_found", param="user_id")
    if user.frozen == frozen:
        raise Conflict(f"This wallet is already {'frozen' if frozen else 'not frozen'}.",
                       code="already_frozen" if frozen else "not_frozen")
    if not frozen and open_shortfalls(session, user.id):
        raise Conflict("This wallet has an open top-up shortfall; resolve it "
                       "(POST /v1/topup_shortfalls/{id}/resolve) to unfreeze.",
                       code="open_shortfall")
    session.execute(update(User).where(User.id == user.id).values(frozen=frozen))
    user.frozen = frozen
    record(session, actor, "wallet.freeze" if frozen else "wallet.unfreeze",
           target_type="user", target_id=user.id, reason=reason, request_id=request_id, now=now)
    return user


# --- purchases and refunds ------------------------------------------------------------------

def get_purchase(session: Session, purchase_id: str) -> Purchase:
    return purchases.get_purchase(session, purchase_id)


def refund_for_merchant(session: Session, purchase_id: str, *, amount: int | None,
                        reason: str, actor: Actor, request_id: str | None = None,
                        now: datetime | None = None) -> dict[str, Any]:
    """Refund a purchase on its merchant's behalf: the merchant's own refund (same ledger
    moves, same ``refund.created`` event to the merchant), with the reason audited."""
    reason = check_reason(reason)
    purchase = purchases.get_purchase(session, purchase_id)
    refund = purchases.refund_purchase(session, purchase.id, merchant_id=purchase.merchant_id,
                                       amount=amount, now=now)
    record(session, actor, "purchase.refund", target_type="purchase", target_id=purchase.id,
           reason=reason, request_id=request_id, now=now,
           detail={"refund_id": refund["id"], "amount": refund["amount"],
                   "merchant_id": purchase.merchant_id, "user_id": purchase.user_id})
    return refund


# --- KYC review -----------------------------------------------------------------------------

KYC_DECISIONS = {"approve": "verified", "reject": "rejected"}


def review_kyc(session: Session, merchant_id: str, decision: str, *, reason: str,
               actor: Actor, request_id: str | None = None,
               now: datetime | None = None) -> Merchant:
    """Approve (``verified``: payouts may start) or reject a merchant's identity check."""
    if decision not in KYC_DECISIONS:
        raise InvalidRequest("decision is approve or reject.", param="decision")
    reason = check_reason(reason, required=decision == "reject")
    if not looks_like_id(merchant_id):
        raise NotFound("No such merchant.", code="merchant_not_found", param="merchant_id")
    before = session.get(Merchant, merchant_id)
    previous = before.kyc_status if before else None
    merchant = merchants.set_kyc(session, merchant_id, KYC_DECISIONS[decision])
    record(session, actor, f"kyc.{decision}", target_type="merchant", target_id=merchant.id,
           reason=reason, request_id=request_id, now=now,
           detail={"from": previous, "to": merchant.kyc_status})
    return merchant


# --- operator accounts ----------------------------------------------------------------------

def create_operator(session: Session, email: str, password: str, *, kek: bytes,
                    totp_secret: str | None = None,
                    now: datetime | None = None) -> tuple[Operator, str]:
    """A new operator account; returns it and its TOTP secret (base32, shown once)."""
    email = people.normalise_email(email)
    if session.scalar(select(Operator.id).where(Operator.email == email)):
        raise Conflict("An operator with this email exists.", code="email_taken",
                       param="email")
    operator_id = new_id("opr")
    totp_secret = totp_secret or pyotp.random_base32()
    operator = Operator(id=operator_id, email=email,
                        password_hash=people.hash_password(password),
                        totp_sealed=seal(totp_secret, kek, operator_id),
                        totp_last_step=0, created_at=now or utcnow())
    session.add(operator)
    session.flush()
    return operator, totp_secret


def _operator_by_email(session: Session, email: str, *, lock: bool = False) -> Operator | None:
    """The operator account with this email (normalised as people's), or None."""
    try:
        normalised = people.normalise_email(email)
    except InvalidRequest:
        return None
    if not normalised or not normalised.isprintable():
        return None
    query = select(Operator).where(Operator.email == normalised)
    return session.scalar(query.with_for_update() if lock else query)


def disable_operator(session: Session, email: str, *, reason: str, actor: Actor,
                     now: datetime | None = None) -> tuple[Operator, bool]:
    """Disable an operator account: it can no longer sign in, and its console sessions end
    at once (they are revoked, and a session of a disabled account is refused anyway).

    Audited (``operator.disable``, with the reason and the sessions ended). Returns the
    operator and whether this call disabled it (False: it already was; nothing recorded).
    404 ``operator_not_found``, 422 ``reason_required``."""
    reason = check_reason(reason)
    now = now or utcnow()
    operator = _operator_by_email(session, email, lock=True)
    if operator is None:
        raise NotFound("No operator account has this email.", code="operator_not_found",
                       param="email")
    if operator.disabled_at is not None:
        return operator, False
    operator.disabled_at = now
    ended = session.execute(
        update(OperatorSession).where(OperatorSession.operator_id == operator.id,
                                      OperatorSession.revoked_at.is_(None))
        .values(revoked_at=now))
    record(session, actor, "operator.disable", target_type="operator", target_id=operator.id,
           reason=reason, now=now,
           detail={"email": operator.email,
                   "sessions_ended": int(getattr(ended, "rowcount", 0) or 0)})
    return operator, True


def enable_operator(session: Session, email: str, *, reason: str, actor: Actor,
                    now: datetime | None = None) -> tuple[Operator, bool]:
    """Enable a disabled operator account again: it may sign in (with its password and
    TOTP, unchanged); the sessions that the disable ended stay ended.

    Audited (``operator.enable``, with the reason). Returns the operator and whether this
    call enabled it (False: it was not disabled; nothing recorded).
    404 ``operator_not_found``, 422 ``reason_required``."""
    reason = check_reason(reason)
    now = now or utcnow()
    operator = _operator_by_email(session, email, lock=True)
    if operator is None:
        raise NotFound("No operator account has this email.", code="operator_not_found",
                       param="email")
    if operator.disabled_at is None:
        return operator, False
    operator.disabled_at = None
    record(session, actor, "operator.enable", target_type="operator", target_id=operator.id,
           reason=reason, now=now, detail={"email": operator.email})
    return operator, True


def provisioning_uri(operator: Operator, totp_secret: str) -> str:
    """The ``otpauth://`` URI an authenticator app scans (as a QR code)."""
    return pyotp.TOTP(totp_secret).provisioning_uri(name=operator.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The URI as an SVG QR code (the ``qrcode`` package)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return str(image.to_string(encoding="unicode"))


def _accepted_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step a 6-digit code is valid for (within the drift window), else None."""
    totp = pyotp.TOTP(secret)
    step = int(now.timestamp()) // totp.interval
    for offset in range(-TOTP_WINDOW, TOTP_WINDOW + 1):
        candidate = step + offset
        if secrets.compare_digest(totp.at(candidate * totp.interval), code):
            return candidate
    return None


def authenticate_operator(session: Session, email: str, password: str, code: str, *,
                          kek: bytes, now: datetime | None = None) -> Operator:
    """The operator with this email, password and a fresh TOTP code; a code works once."""
    now = now or utcnow()
    operator = _operator_by_email(session, email)
    if operator is None or operator.disabled_at is not None:
        people.password_matches(people._dummy_hash(), password)
        raise AuthenticationError("The email, password or code is wrong.",
                                  code="invalid_credentials")
    step = None
    if people.password_matches(operator.password_hash, password):
        clean = code.strip().replace(" ", "")
        if clean.isdigit() and len(clean) == 6:
            step = _accepted_step(open_sealed(operator.totp_sealed, kek, operator.id), clean, now)
    if step is None:
        raise AuthenticationError("The email, password or code is wrong.",
                                  code="invalid_credentials")
    used = session.execute(
        update(Operator).where(Operator.id == operator.id, Operator.totp_last_step < step)
        .values(totp_last_step=step))
    if not getattr(used, "rowcount", 0):
        raise AuthenticationError("This code was used already; wait for the next one.",
                                  code="totp_reused")
    return operator


def start_session(session: Session, *, operator_id: str | None = None,
                  api_key_id: str | None = None, now: datetime | None = None,
                  lifetime: timedelta = SESSION_LIFETIME) -> tuple[OperatorSession, str]:
    """A console session; returns it and the cookie token (``op_…``, shown once)."""
    now = now or utcnow()
    token = SESSION_TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = OperatorSession(id=new_id("ops"), operator_id=operator_id, api_key_id=api_key_id,
                          token_digest=secret_digest(token), created_at=now,
                          expires_at=now + lifetime)
    session.add(row)
    session.flush()
    return row, token


def sign_in_with_key(session: Session, secret: str) -> ApiKey:
    """The live operator key (``ak_…``) behind a console sign-in, else 401."""
    if not isinstance(secret, str) or not secret.startswith("ak_"):
        raise AuthenticationError("That is not a live operator key.", code="invalid_api_key")
    key = merchants.key_for_secret(session, secret)
    if key.kind != "admin":
        raise AuthenticationError("That is not a live operator key.", code="invalid_api_key")
    return key


def _live_session(session: Session, token: str, now: datetime) -> OperatorSession | None:
    if not token.startswith(SESSION_TOKEN_PREFIX) or len(token) > 100:
        return None
    row = session.scalar(select(OperatorSession).where(
        OperatorSession.token_digest == secret_digest(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    return row


def principal_for_operator_session(session: Session, token: str,
                                   now: datetime | None = None) -> Principal | None:
    """The operator a console session names; None once it ended or its credential did
    (revoked key, disabled account)."""
    row = _live_session(session, token, now or utcnow())
    if row is None:
        return None
    if row.api_key_id is not None:
        key = session.get(ApiKey, row.api_key_id)
        if key is None or key.revoked_at is not None or key.kind != "admin":
            return None
        return Principal(kind="admin", key_id=key.id, via_session=True,
                         grant={"hint": key.hint, "console_session": row.id})
    operator = session.get(Operator, row.operator_id)
    if operator is None or operator.disabled_at is not None:
        return None
    return Principal(kind="admin", key_id=operator.id, via_session=True,
                     grant={"operator_email": operator.email, "console_session": row.id})


def end_session(session: Session, token: object, now: datetime | None = None) -> None:
    """Sign one console browser out."""
    if isinstance(token, str):
        row = _live_session(session, token, now or utcnow())
        if row is not None:
            row.revoked_at = now or utcnow()
            session.flush()


def principal_for_session(session: Session, token: str) -> Principal | None:
    """The session resolver of the app: console tokens (``op_…``) here, people's there."""
    if token.startswith(SESSION_TOKEN_PREFIX):
        return principal_for_operator_session(session, token)
    return people.principal_for_session_token(session, token)


def purge_sessions(session: Session, now: datetime | None = None) -> int:
    """Delete expired or signed-out console sessions; returns how many."""
    now = now or utcnow()
    gone = session.execute(delete(OperatorSession).where(or_(
        OperatorSession.expires_at <= now, OperatorSession.revoked_at.is_not(None))))
    return int(getattr(gone, "rowcount", 0) or 0)
