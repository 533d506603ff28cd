"""Vouchers on the server: keys, issuing, verify, redeem, claim, revoke and expiry.

Plain Python over a SQLAlchemy session: no Flask, no commit, typed errors
(``wallet.errors``). Value lives in the ledger: issuing moves credits from the funder into
``VOUCHERS_OUTSTANDING``; every later change moves them out again (to a merchant's pending
earnings, a person's wallet, back to the funder, or to breakage).

Exactly once: a voucher's ``remaining`` only shrinks through one conditional statement,
``UPDATE vouchers SET remaining = remaining - :amount WHERE id = :id AND status = 'active'
AND remaining >= :amount AND (not expired)``. PostgreSQL re-checks the WHERE clause after
waiting for a concurrent writer's row lock (READ COMMITTED), SQLite runs writers one at a time
(``BEGIN IMMEDIATE``), so on both engines the sum of successful redemptions never exceeds the
value. Every path takes the voucher row before the ledger rows, so there is one lock order.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Select, Table, and_, case, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from vouchers import codec, manual_code
from vouchers.errors import (
    InvalidManualCode,
    KeyMaterialError,
    MalformedVoucher,
    UnsupportedVersion,
    VoucherError,
    VoucherExpired,
)
from vouchers.keys import (
    KeyStatus,
    PublicKeyInfo,
    SigningKey,
    decrypt_private_key,
    encrypt_private_key,
    generate_signing_key,
    seal,
    unseal,
)
from vouchers.models import (
    Voucher,
    VoucherCampaign,
    VoucherKey,
    VoucherRedemption,
)
from wallet.db import INT64_MAX, is_postgres, utcnow
from wallet.errors import (
    Conflict,
    InvalidRequest,
    NotFound,
    PermissionDenied,
    Unprocessable,
)
from wallet.ids import looks_like_id, new_id
from wallet.ledger import chart
from wallet.ledger.chart import Kind
from wallet.ledger.core import Move, hold, post
from wallet.merchants.models import Counter, Merchant
from wallet.people.models import User
from wallet.risk.config import RiskConfig
from wallet.webhooks.events import emit

vouchers_t = cast(Table, Voucher.__table__)

DEFAULT_RISK = RiskConfig()
FAILURE_LIMIT = 5
"""Failed manual-code look-ups allowed per counter or person within ``FAILURE_WINDOW``."""
MERCHANT_FAILURE_LIMIT = 20
"""… per merchant, over all its counters (a merchant may create counters without limit)."""
GLOBAL_FAILURE_LIMIT = 500
"""… for the whole service: the ceiling on guesses, whoever makes them."""
FAILURE_WINDOW = timedelta(minutes=15)
MAX_CAMPAIGN = 100_000
FUNDING_ACCOUNT = {"promotion": Kind.PROMOTIONS, "gift_card": Kind.GIFT_CARD_CLEARING}


# --- errors -----------------------------------------------------------------------------------


class VoucherRejected(Unprocessable):
    """The payload is well-formed but not an authentic voucher (key, signature)."""

    code = "voucher_rejected"


class VoucherStateError(Conflict):
    """The voucher exists but cannot be used this way now (spent, revoked, expired…)."""

    code = "voucher_unavailable"


class VoucherNotFound(NotFound):
    code = "voucher_not_found"
    default_message = "No such voucher."


def _rejected(error: VoucherError, param: str) -> Exception:
    """Map a format error of ``vouchers.errors`` to the wallet's typed errors."""
    if isinstance(error, MalformedVoucher | UnsupportedVersion | InvalidManualCode):
        return Unprocessable(error.message, code=f"voucher_{error.code}", param=param)
    if isinstance(error, VoucherExpired):
        return VoucherStateError("The voucher has expired.", code="voucher_expired", param=param)
    return VoucherRejected(error.message, code=f"voucher_{error.code}", param=param)


# --- keys -------------------------------------------------------------------------------------

_decrypted: dict[tuple[str, bytes], SigningKey] = {}


def create_key(session: Session, kek: bytes) -> VoucherKey:
    """Generate a new active signing key, stored encrypted under ``kek``."""
    existing = set(session.scalars(select(VoucherKey.kid)))
    signing = generate_signing_key(existing)
    row = VoucherKey(
        kid=signing.kid, public_key=signing.public_bytes,
        encrypted_private_key=encrypt_private_key(signing, kek), status=KeyStatus.ACTIVE.value,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def rotate_key(session: Session, kek: bytes) -> VoucherKey:
    """A new active key; every other active key is retired (its vouchers stay valid)."""
    now = utcnow()
    for old in session.scalars(select(VoucherKey).where(VoucherKey.status == "active")):
        old.status, old.retired_at = KeyStatus.RETIRED.value, now
    session.flush()
    return create_key(session, kek)


def revoke_key(session: Session, kid: str) -> VoucherKey:
    """Revoke a compromised key: every voucher it signed stops verifying, here and offline."""
    row = session.get(VoucherKey, kid)
    if row is None:
        raise NotFound("No such voucher key.", code="voucher_key_not_found", param="kid")
    if row.status != KeyStatus.REVOKED.value:
        row.status, row.revoked_at = KeyStatus.REVOKED.value, utcnow()
    session.flush()
    return row


def list_keys(session: Session) -> list[VoucherKey]:
    return list(session.scalars(select(VoucherKey).order_by(VoucherKey.created_at)))


def public_keys(session: Session) -> dict[str, PublicKeyInfo]:
    """Every published key by kid, as :func:`vouchers.codec.verify` takes them."""
    return {
        row.kid: PublicKeyInfo.from_public_bytes(row.public_key, row.status)
        for row in list_keys(session)
    }


def signing_key(session: Session, kek: bytes) -> SigningKey:
    """The newest active key, decrypted (created on first use when there is none)."""
    row = session.scalars(
        select(VoucherKey).where(VoucherKey.status == "active")
        .order_by(VoucherKey.created_at.desc()).limit(1)
    ).first()
    if row is None:
        row = create_key(session, kek)
    cached = _decrypted.get((row.kid, kek))
    if cached is None:
        try:
            cached = decrypt_private_key(row.encrypted_private_key, kek, row.kid)
        except KeyMaterialError as exc:
            raise RuntimeError(f"voucher key {row.kid}: {exc.message} (wrong KEK?)") from exc
        _decrypted[(row.kid, kek)] = cached
    return cached


# --- issuing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedVoucher:
    """A new voucher with its bearer secrets (payload and manual code), shown once."""

    voucher: Voucher
    payload: str
    code: str


def _check_value(value: object, param: str = "value") -> int:
    if type(value) is not int or not 0 < value <= INT64_MAX:
        raise InvalidRequest(f"{param} must be a whole number of credits between 1 and "
                             f"{INT64_MAX}.", code="invalid_amount", param=param)
    return value


def _check_expiry(expires_at: datetime | None, now: datetime) -> datetime | None:
    if expires_at is None:
        return None
    if expires_at.tzinfo is None:
        raise InvalidRequest("expires_at needs a time zone.", code="invalid_expiry",
                             param="expires_at")
    seconds = codec.unix_seconds(expires_at)
    if expires_at <= now or seconds > codec.MAX_EXPIRY:
        raise Unprocessable("expires_at must be in the future (and before 2106).",
                             code="invalid_expiry", param="expires_at")
    return datetime.fromtimestamp(seconds, UTC)  # whole seconds, as signed


def _new_voucher(
    key: SigningKey, kek: bytes, value: int, expires_at: datetime | None,
    flags: codec.VoucherFlags, **row: Any,
) -> IssuedVoucher:
    body = codec.VoucherBody.new(key.kid, value, expires_at, flags)
    payload = codec.encode_voucher(body, key)
    code = manual_code.generate_manual_code()
    voucher_id = new_id("vch")
    voucher = Voucher(
        id=voucher_id, body_id=body.voucher_id_hex, kid=key.kid, value=value,
        remaining=value, flags=int(flags), status="active", payload=payload,
        code_digest=manual_code.code_digest(code).hex(),
        code_sealed=seal(code.encode("ascii"), kek, voucher_id.encode("ascii")),
        expires_at=expires_at, created_at=utcnow(), **row,
    )
    return IssuedVoucher(voucher, payload, code)


def issue_gift(
    session: Session, *, user_id: str, value: int, kek: bytes,
    expires_at: datetime | None = None, now: datetime | None = None,
    risk: RiskConfig = DEFAULT_RISK,
) -> IssuedVoucher:
    """A person turns own credits into a voucher (paid credits into VOUCHERS_OUTSTANDING),
    under the gift rules of ``wallet.risk`` (settled credits only, daily cap, velocity)."""
    now = now or utcnow()
    value = _check_value(value)
    expires_at = _check_expiry(expires_at, now)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.", param="user_id")
    if user.frozen:
        raise PermissionDenied("This wallet is frozen.", code="wallet_frozen")
    from wallet.risk.service import check_gift

    check_gift(session, risk, user_id, value, now)
    issued = _new_voucher(signing_key(session, kek), kek, value, expires_at,
                          codec.VoucherFlags.NONE, funding="user", funder_user_id=user_id)
    session.add(issued.voucher)
    session.flush()
    _debit_person(session, user_id, value, f"voucher:issue:{issued.voucher.id}",
                  {"voucher_id": issued.voucher.id})
    return issued


def issue_operator_voucher(
    session: Session, *, value: int, funding: str, kek: bytes,
    expires_at: datetime | None = None, now: datetime | None = None,
) -> IssuedVoucher:
    """One operator voucher: a campaign of one."""
    _campaign, issued = issue_campaign(session, count=1, value=value, funding=funding, kek=kek,
                                       expires_at=expires_at, now=now)
    return issued[0]


def issue_campaign(
    session: Session, *, count: int, value: int, funding: str, kek: bytes,
    expires_at: datetime | None = None, label: str = "", now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[VoucherCampaign, list[IssuedVoucher]]:
    """``count`` vouchers of ``value``, funded by one ledger transaction from the promotions
    or gift-card clearing account; ``progress(n)`` is called as vouchers are made."""
    now = now or utcnow()
    if type(count) is not int or not 1 <= count <= MAX_CAMPAIGN:
        raise InvalidRequest(f"count must be between 1 and {MAX_CAMPAIGN}.",
                             code="invalid_count", param="count")
    value = _check_value(value)
    if funding not in FUNDING_ACCOUNT:
        raise InvalidRequest("funding is 'promotion' or 'gift_card'.", code="invalid_funding",
                             param="funding")
    if value * count > INT64_MAX:
        raise Unprocessable("count x value exceeds the int64 range.", code="invalid_amount",
                             param="value")
    expires_at = _check_expiry(expires_at, now)
    flags = codec.VoucherFlags.PROMOTIONAL if funding == "promotion" else codec.VoucherFlags.NONE
    campaign = VoucherCampaign(id=f"cmp_{secrets.token_urlsafe(12)}", label=label[:200],
                               funding=funding, voucher_count=count, value=value,
                               expires_at=expires_at, created_at=now)
    session.add(campaign)
    session.flush()
    key = signing_key(session, kek)
    issued: list[IssuedVoucher] = []
    for start in range(0, count, 500):
        chunk = [
            _new_voucher(key, kek, value, expires_at, flags, funding=funding,
                         campaign_id=campaign.id)
            for _ in range(min(500, count - start))
        ]
        session.add_all([item.voucher for item in chunk])
        session.flush()
        issued.extend(chunk)
        if progress is not None:
            progress(len(chunk))
    source = chart.platform_account(session, FUNDING_ACCOUNT[funding])
    outstanding = chart.platform_account(session, Kind.VOUCHERS_OUTSTANDING)
    posted = post(
        session, reference=f"voucher:campaign:{campaign.id}", kind="voucher_issue",
        moves=[Move(debit=source.id, credit=outstanding.id, amount=value * count)],
        metadata={"campaign_id": campaign.id, "count": count, "value": value},
    )
    campaign.transaction_id = posted.id
    return campaign, issued


# --- moving credits to and from people ---------------------------------------------------------


def _debit_person(
    session: Session, user_id: str, amount: int, reference: str, meta: dict[str, Any]
) -> int:
    """Take ``amount`` of a person's paid credits into VOUCHERS_OUTSTANDING.

    Gifts are funded from paid credits only: promotional credits are the operator's grant to
    this person and must not become a transferable (and non-expiring, once claimed) voucher.
    """
    paid = chart.user_account(session, user_id, Kind.USER_PAID)
    outstanding = chart.platform_account(session, Kind.VOUCHERS_OUTSTANDING)
    return post(session, reference=reference, kind="voucher_issue",
                moves=[Move(debit=paid.id, credit=outstanding.id, amount=amount)],
                metadata=meta).id


def _pay_out(
    session: Session, voucher: Voucher, amount: int, to_account: int, reference: str,
    kind: str, meta: dict[str, Any],
) -> int:
    outstanding = chart.platform_account(session, Kind.VOUCHERS_OUTSTANDING)
    return post(session, reference=reference, kind=kind,
                moves=[Move(debit=outstanding.id, credit=to_account, amount=amount)],
                metadata={"voucher_id": voucher.id, **meta}).id


def _funder_account(session: Session, voucher: Voucher) -> int:
    if voucher.funding == "user":
        assert voucher.funder_user_id is not None
        return chart.user_account(session, voucher.funder_user_id, Kind.USER_PAID).id
    return chart.platform_account(session, FUNDING_ACCOUNT[voucher.funding]).id


def _credit_claim(
    session: Session, voucher: Voucher, user_id: str, amount: int, redemption_id: str,
    now: datetime,
) -> int:
    """Move a claimed voucher's value into a wallet; returns the ledger transaction id.

    Gifts and gift cards become paid credits. Promotional vouchers become a promotional lot
    (``wallet.credits``) that expires with the voucher: the value goes back to PROMOTIONS and
    is granted from there as a lot, so it is spent and expired like any other promotion.
    """
    reference = f"voucher:claim:{redemption_id}"
    meta = {"redemption_id": redemption_id, "user_id": user_id}
    if voucher.funding != "promotion":
        paid = chart.user_account(session, user_id, Kind.USER_PAID)
        return _pay_out(session, voucher, amount, paid.id, reference, "voucher_claim", meta)
    from wallet.credits import service as credits

    promotions = chart.platform_account(session, Kind.PROMOTIONS)
    txn = _pay_out(session, voucher, amount, promotions.id, reference, "voucher_claim", meta)
    credits.grant_promotional(session, user_id, amount, voucher.expires_at,
                              f"Voucher {voucher.id}", f"{reference}:lot", now=now)
    return txn


# --- finding a voucher -------------------------------------------------------------------------


@dataclass(frozen=True)
class Presented:
    """What a counter or a person presented: a verified payload or a manual code."""

    voucher: Voucher
    by_code: bool
    signed_expired: bool = False


def find_by_payload(session: Session, payload: object, now: datetime | None = None) -> Presented:
    """Verify the signature from the published keys, then load the voucher's row."""
    if not isinstance(payload, str):
        raise InvalidRequest("payload is text.", code="voucher_malformed", param="payload")
    expired = False
    try:
        verified = codec.verify(payload, public_keys(session), now or utcnow())
        body_id = verified.body.voucher_id_hex
    except VoucherExpired as exc:
        expired, body_id = True, exc.voucher_id.hex()
    except VoucherError as exc:
        raise _rejected(exc, "payload") from None
    voucher = session.scalars(select(Voucher).where(Voucher.body_id == body_id)).first()
    if voucher is None:
        raise VoucherNotFound("The voucher is authentic but unknown here.", param="payload")
    return Presented(voucher, by_code=False, signed_expired=expired)


class UnknownManualCode(VoucherNotFound):
    """A well-formed manual code that matches no voucher: counts towards the lockout."""

    code = "voucher_code_unknown"
    default_message = "No voucher has this code."


def find_by_code(session: Session, code: object) -> Presented:
    """Look a manual code up by digest; raises UnknownManualCode (a failed guess: the API
    counts it towards the caller's lockout, ``wallet.web.lockouts``)."""
    if not isinstance(code, str):
        raise InvalidRequest("code is text.", code="voucher_malformed_code", param="code")
    try:
        digest = manual_code.code_digest(code).hex()
    except InvalidManualCode as exc:
        raise _rejected(exc, "code") from None
    voucher = session.scalars(select(Voucher).where(Voucher.code_digest == digest)).first()
    if voucher is None:
        raise UnknownManualCode(param="code")
    key = session.get(VoucherKey, voucher.kid)
    if key is not None and key.status == KeyStatus.REVOKED.value:
        raise VoucherRejected("The voucher was signed with a revoked key.",
                              code="voucher_revoked_key", param="code")
    return Presented(voucher, by_code=True)


def present(
    session: Session, *, payload: object = None, code: object = None,
    now: datetime | None = None,
) -> Presented:
    """Exactly one of ``payload`` or ``code``."""
    if (payload is None) == (code is None):
        raise InvalidRequest("Send either payload or code.", code="payload_or_code",
                             param="payload")
    if payload is not None:
        return find_by_payload(session, payload, now)
    return find_by_code(session, code)


# --- state ------------------------------------------------------------------------------------


def effective_status(voucher: Voucher, now: datetime | None = None) -> str:
    """The stored status, or ``expired`` once an active voucher's expiry has passed."""
    now = now or utcnow()
    if voucher.status == "active" and voucher.expires_at is not None and voucher.expires_at <= now:
        return "expired"
    return voucher.status


@dataclass(frozen=True)
class VoucherState:
    voucher: Voucher
    status: str

    @property
    def remaining(self) -> int:
        return self.voucher.remaining if self.status == "active" else 0


def verify(
    session: Session, *, payload: object = None, code: object = None,
    now: datetime | None = None,
) -> VoucherState:
    """Read-only: authenticity, status and what is left."""
    now = now or utcnow()
    found = present(session, payload=payload, code=code, now=now)
    return VoucherState(found.voucher, effective_status(found.voucher, now))


def _unavailable(voucher: Voucher, now: datetime, amount: int | None = None) -> Exception:
    status = effective_status(voucher, now)
    if status == "active" and amount is not None:
        return VoucherStateError(
            f"Only {voucher.remaining} credits are left on this voucher.",
            code="voucher_insufficient_remaining", param="amount",
        )
    message = {
        "redeemed": "The voucher has already been redeemed.",
        "claimed": "The voucher has already been claimed.",
        "revoked": "The voucher has been revoked.",
        "expired": "The voucher has expired.",
    }.get(status, "The voucher cannot be used.")
    return VoucherStateError(message, code=f"voucher_{status}")


def _take(session: Session, voucher: Voucher, amount: int, now: datetime,
          closing_status: str) -> int | None:
    """The one conditional decrement; returns the new remaining, or None when refused."""
    remaining = session.execute(
        update(vouchers_t)
        .where(
            vouchers_t.c.id == voucher.id,
            vouchers_t.c.status == "active",
            vouchers_t.c.remaining >= amount,
            or_(vouchers_t.c.expires_at.is_(None), vouchers_t.c.expires_at > now),
        )
        .values(
            remaining=vouchers_t.c.remaining - amount,
            status=case((vouchers_t.c.remaining - amount == 0, closing_status),
                        else_=vouchers_t.c.status),
            closed_at=case((vouchers_t.c.remaining - amount == 0, now),
                           else_=vouchers_t.c.closed_at),
        )
        .returning(vouchers_t.c.remaining)
    ).scalar()
    session.expire(voucher)
    return None if remaining is None else int(remaining)


@dataclass(frozen=True)
class RedemptionResult:
    redemption: VoucherRedemption
    voucher: Voucher

    @property
    def remaining(self) -> int:
        return self.redemption.remaining_after


def redemption_row_view(r: VoucherRedemption) -> dict[str, Any]:
    """A redemption as the API lists it."""
    return {"redemption_id": r.id, "voucher_id": r.voucher_id, "amount": r.amount,
            "remaining": r.remaining_after, "merchant_id": r.merchant_id,
            "counter_id": r.counter_id, "user_id": r.user_id, "credited_to": None,
            "created_at": r.created_at, "voided_at": r.voided_at}


def redemption_view(result: RedemptionResult) -> dict[str, Any]:
    """A redemption or claim as the API returns it (and its event carries it)."""
    credited = None
    if result.redemption.kind == "claim":
        credited = "promotional" if result.voucher.funding == "promotion" else "paid"
    return {**redemption_row_view(result.redemption), "credited_to": credited}


def redeem(
    session: Session, *, counter_id: str, payload: object = None, code: object = None,
    amount: int | None = None, now: datetime | None = None,
) -> RedemptionResult:
    """Redeem ``amount`` (default: all that is left) at a counter, for its merchant."""
    now = now or utcnow()
    counter = session.get(Counter, counter_id)
    if counter is None:
        raise NotFound("No such counter.", param="counter_id")
    found = present(session, payload=payload, code=code, now=now)
    voucher = found.voucher
    if amount is not None:
        _check_value(amount, "amount")
    if effective_status(voucher, now) != "active":
        raise _unavailable(voucher, now)
    wanted = voucher.remaining if amount is None else amount
    if voucher.flags & codec.VoucherFlags.SINGLE_REDEMPTION and wanted != voucher.value:
        raise VoucherStateError("This voucher must be redeemed in full, in one go.",
                                code="voucher_single_redemption", param="amount")
    if wanted <= 0:
        raise _unavailable(voucher, now)
    left = _take(session, voucher, wanted, now, "redeemed")
    if left is None:
        raise _unavailable(voucher, now, amount)
    redemption_id = new_id("red")
    earnings = chart.merchant_account(session, counter.merchant_id, Kind.MERCHANT_PENDING)
    txn = _pay_out(session, voucher, wanted, earnings.id, f"voucher:redeem:{redemption_id}",
                   "voucher_redeem", {"redemption_id": redemption_id, "counter_id": counter.id,
                                      "merchant_id": counter.merchant_id})
    redemption = VoucherRedemption(
        id=redemption_id, voucher_id=voucher.id, kind="redeem", amount=wanted,
        remaining_after=left, merchant_id=counter.merchant_id, counter_id=counter.id,
        transaction_id=txn, created_at=now,
    )
    session.add(redemption)
    session.flush()
    result = RedemptionResult(redemption, voucher)
    emit(session, "voucher.redeemed", redemption_view(result), counter.merchant_id)
    return result


def claim(
    session: Session, *, user_id: str, payload: object = None, code: object = None,
    now: datetime | None = None,
) -> RedemptionResult:
    """Move everything left on a voucher into a person's wallet."""
    now = now or utcnow()
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.", param="user_id")
    if user.frozen:
        raise PermissionDenied("This wallet is frozen.", code="wallet_frozen")
    found = present(session, payload=payload, code=code, now=now)
    voucher = found.voucher
    if effective_status(voucher, now) != "active" or voucher.remaining <= 0:
        raise _unavailable(voucher, now)
    wanted = voucher.remaining
    left = _take(session, voucher, wanted, now, "claimed")
    if left is None:
        raise _unavailable(voucher, now)
    redemption_id = new_id("red")
    txn = _credit_claim(session, voucher, user_id, wanted, redemption_id, now)
    redemption = VoucherRedemption(
        id=redemption_id, voucher_id=voucher.id, kind="claim", amount=wanted,
        remaining_after=left, user_id=user_id, transaction_id=txn, created_at=now,
    )
    session.add(redemption)
    session.flush()
    result = RedemptionResult(redemption, voucher)
    emit(session, "voucher.claimed", redemption_view(result))
    return result


# --- closing: revoke and expire -----------------------------------------------------------------


def _close(session: Session, voucher_id: str, status: str, now: datetime,
           only_expired: bool) -> tuple[Voucher, int] | None:
    """Set remaining to 0 and close the voucher; returns (voucher, amount taken) or None."""
    voucher = session.get(Voucher, voucher_id, populate_existing=True)
    if voucher is None:
        return None
    for _ in range(20):
        if voucher.status != "active":
            return None
        if only_expired and effective_status(voucher, now) != "expired":
            return None
        seen = voucher.remaining
        conditions = [vouchers_t.c.id == voucher.id, vouchers_t.c.status == "active",
                      vouchers_t.c.remaining == seen]
        if only_expired:
            conditions.append(and_(vouchers_t.c.expires_at.is_not(None),
                                   vouchers_t.c.expires_at <= now))
        done = cast(CursorResult[Any], session.execute(
            update(vouchers_t).where(*conditions)
            .values(remaining=0, status=status, closed_at=now)
        )).rowcount
        session.expire(voucher)
        if done == 1:
            return voucher, seen
        session.refresh(voucher)  # a redemption got in between: look again
    raise Conflict("The voucher is busy; try again.", code="voucher_busy")


def revoke(
    session: Session, voucher_id: str, *, user_id: str | None = None, operator: bool = False,
    now: datetime | None = None,
) -> Voucher:
    """The issuer cancels a voucher; what is left returns to whoever funded it."""
    now = now or utcnow()
    voucher = get_for_issuer(session, voucher_id, user_id=user_id, operator=operator)
    if voucher.status != "active":
        raise _unavailable(voucher, now)
    closed = _close(session, voucher.id, "revoked", now, only_expired=False)
    if closed is None:
        raise _unavailable(session.get(Voucher, voucher_id, populate_existing=True) or voucher,
                           now)
    voucher, amount = closed
    if amount > 0:
        _pay_out(session, voucher, amount, _funder_account(session, voucher),
                 f"voucher:revoke:{voucher.id}", "voucher_revoke", {"funding": voucher.funding})
    session.refresh(voucher)
    return voucher


def get_for_issuer(
    session: Session, voucher_id: str, *, user_id: str | None = None, operator: bool = False
) -> Voucher:
    """The voucher if the caller issued it: its funder, or the operator for any voucher.

    Someone else's voucher answers 404, so ids cannot be probed.
    """
    voucher = session.get(Voucher, voucher_id) if looks_like_id(voucher_id) else None
    if voucher is None or not (operator or (user_id and voucher.funder_user_id == user_id)):
        raise VoucherNotFound(param="id")
    return voucher


def expire_due(
    session: Session, *, now: datetime | None = None, limit: int = 500,
) -> list[tuple[str, int]]:
    """Close up to ``limit`` expired vouchers; returns (voucher id, amount returned).

    Safe to run concurrently and repeatedly: each voucher is closed by one conditional
    UPDATE and its ledger transaction has a per-voucher reference. Value goes back to the
    funding person; promotions and gift cards sold become breakage.
    """
    now = now or utcnow()
    query = (
        select(Voucher.id)
        .where(Voucher.status == "active", Voucher.expires_at.is_not(None),
               Voucher.expires_at <= now)
        .order_by(Voucher.expires_at, Voucher.id).limit(limit)
    )
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    done: list[tuple[str, int]] = []
    claimed = session.scalars(query).all()
    _hold_expiry_accounts(session, claimed)
    for voucher_id in claimed:
        closed = _close(session, voucher_id, "expired", now, only_expired=True)
        if closed is None:
            continue
        voucher, amount = closed
        if amount > 0:
            to = (_funder_account(session, voucher) if voucher.funding == "user"
                  else chart.platform_account(session, Kind.BREAKAGE).id)
            _pay_out(session, voucher, amount, to, f"voucher:expire:{voucher.id}",
                     "voucher_expire", {"funding": voucher.funding})
        done.append((voucher.id, amount))
    return done


def _hold_expiry_accounts(session: Session, voucher_ids: Sequence[str]) -> None:
    """Hold, in the global lock order, every balance row an expiry run posts to: the
    outstanding account, breakage and the funders' paid accounts."""
    if not voucher_ids:
        return
    funders = session.scalars(
        select(Voucher.funder_user_id).where(Voucher.id.in_(voucher_ids),
                                             Voucher.funder_user_id.is_not(None)).distinct()
    ).all()
    accounts = [chart.user_account(session, user_id, Kind.USER_PAID).id
                for user_id in funders if user_id is not None]
    accounts += [chart.platform_account(session, kind).id
                 for kind in (Kind.VOUCHERS_OUTSTANDING, Kind.BREAKAGE)]
    hold(session, accounts)


# --- reading ----------------------------------------------------------------------------------


def person_vouchers(user_id: str, status: str | None = None) -> Select[Any]:
    """The vouchers a person gifted (filter it, page it with ``wallet.web.paging``).

    ``status`` is the effective one: ``active`` leaves out the expired ones not yet closed by
    ``vouchers expire``, and ``expired`` includes them.
    """
    query = select(Voucher).where(Voucher.funder_user_id == user_id)
    now = utcnow()
    not_yet_expired = or_(Voucher.expires_at.is_(None), Voucher.expires_at > now)
    if status == "active":
        query = query.where(Voucher.status == "active", not_yet_expired)
    elif status == "expired":
        query = query.where(or_(Voucher.status == "expired",
                                and_(Voucher.status == "active", ~not_yet_expired)))
    elif status is not None:
        query = query.where(Voucher.status == status)
    return query


def manual_code_of(voucher: Voucher, kek: bytes) -> str | None:
    """The voucher's manual code for its issuer, or None when it was not kept (older ones)."""
    if voucher.code_sealed is None:
        return None
    return unseal(voucher.code_sealed, kek, voucher.id.encode("ascii")).decode("ascii")


def counter_info(session: Session, counter_id: str) -> tuple[Counter, Merchant]:
    counter = session.get(Counter, counter_id)
    merchant = session.get(Merchant, counter.merchant_id) if counter else None
    if counter is None or merchant is None:
        raise NotFound("No such counter.", param="counter_id")
    return counter, merchant


def campaign_vouchers(session: Session, campaign_id: str) -> Sequence[Voucher]:
    return session.scalars(
        select(Voucher).where(Voucher.campaign_id == campaign_id).order_by(Voucher.created_at)
    ).all()


def redemptions(session: Session, voucher_ids: Iterable[str]) -> list[VoucherRedemption]:
    return list(session.scalars(
        select(VoucherRedemption).where(VoucherRedemption.voucher_id.in_(list(voucher_ids)))
        .order_by(VoucherRedemption.created_at)
    ))


__all__ = [
    "FAILURE_LIMIT", "FAILURE_WINDOW", "IssuedVoucher", "RedemptionResult", "UnknownManualCode",
    "VoucherNotFound", "VoucherRejected", "VoucherState", "VoucherStateError",
    "claim", "create_key", "effective_status", "expire_due", "issue_campaign",
    "issue_gift", "issue_operator_voucher", "list_keys", "public_keys",
    "redeem", "revoke", "revoke_key", "rotate_key", "signing_key", "verify",
]
