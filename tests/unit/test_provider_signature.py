"""Webhook signatures in Stripe's scheme: t=…,v1=HMAC-SHA256(secret, "t.body")."""

from __future__ import annotations

import hashlib
import hmac

import pytest
import stripe
from hypothesis import given
from hypothesis import strategies as st

from wallet.topups.providers import signature
from wallet.topups.providers.base import InvalidSignature, StaleEvent

SECRET = "whsec_test_secret"
BODY = b'{"id":"evt_1","object":"event","type":"checkout.session.completed"}'
NOW = 1_750_000_000


def test_sign_then_verify_returns_the_signed_timestamp() -> None:
    header = signature.sign(SECRET, BODY, NOW)
    assert header.startswith(f"t={NOW},v1=")
    assert signature.verify(SECRET, BODY, header, now=NOW) == NOW


def test_signature_is_hmac_sha256_of_t_dot_raw_body() -> None:
    expected = hmac.new(SECRET.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert signature.sign(SECRET, BODY, NOW) == f"t={NOW},v1={expected}"


def test_header_matches_stripes_own_helper() -> None:
    ours = signature.sign(SECRET, BODY, NOW)
    theirs = stripe.WebhookSignature.generate_signature_header(BODY.decode(), SECRET, NOW)
    assert ours == theirs
    # and stripe's verifier accepts ours (tolerance off: NOW is a fixed past instant)
    assert stripe.WebhookSignature.verify_header(BODY, ours, SECRET, tolerance=None)


def test_forged_signature_is_rejected() -> None:
    header = f"t={NOW},v1={'ab' * 32}"
    with pytest.raises(InvalidSignature) as info:
        signature.verify(SECRET, BODY, header, now=NOW)
    assert info.value.code == "invalid_signature"


def test_wrong_secret_is_rejected() -> None:
    header = signature.sign("whsec_other", BODY, NOW)
    with pytest.raises(InvalidSignature):
        signature.verify(SECRET, BODY, header, now=NOW)


@pytest.mark.parametrize("header", [None, "", f"t={NOW}", f"t={NOW},v0={'ab' * 32}"])
def test_unsigned_is_rejected(header: str | None) -> None:
    with pytest.raises(InvalidSignature) as info:
        signature.verify(SECRET, BODY, header, now=NOW)
    assert info.value.code == "missing_signature"


@pytest.mark.parametrize(
    "header",
    [
        "garbage",
        f"v1={'ab' * 32}",  # no timestamp
        f"t=abc,v1={'ab' * 32}",
        f"t=-5,v1={'ab' * 32}",
        f"t={NOW},t={NOW},v1={'ab' * 32}",  # two timestamps
        f"t={NOW},v1=ünïcode",  # compare_digest would raise TypeError on non-ASCII str
        "t=" + "1" * 5000,
    ],
)
def test_malformed_headers_are_invalid_signatures(header: str) -> None:
    with pytest.raises(InvalidSignature):
        signature.verify(SECRET, BODY, header, now=NOW)


def test_stale_event_is_rejected_after_300_seconds() -> None:
    header = signature.sign(SECRET, BODY, NOW - 301)
    with pytest.raises(StaleEvent) as info:
        signature.verify(SECRET, BODY, header, now=NOW)
    assert info.value.code == "stale_event"
    assert signature.verify(SECRET, BODY, signature.sign(SECRET, BODY, NOW - 300), now=NOW)


def test_future_event_is_rejected_after_300_seconds() -> None:
    with pytest.raises(StaleEvent):
        signature.verify(SECRET, BODY, signature.sign(SECRET, BODY, NOW + 301), now=NOW)
    assert signature.verify(SECRET, BODY, signature.sign(SECRET, BODY, NOW + 300), now=NOW)


def test_custom_tolerance() -> None:
    header = signature.sign(SECRET, BODY, NOW - 20)
    with pytest.raises(StaleEvent):
        signature.verify(SECRET, BODY, header, now=NOW, tolerance=10)


def test_forged_and_stale_reports_the_signature_first() -> None:
    header = f"t={NOW - 10_000},v1={'ab' * 32}"
    with pytest.raises(InvalidSignature):
        signature.verify(SECRET, BODY, header, now=NOW)


def test_default_now_is_the_wall_clock() -> None:
    import time

    t = int(time.time())
    assert signature.verify(SECRET, BODY, signature.sign(SECRET, BODY, t)) == t
    with pytest.raises(StaleEvent):
        signature.verify(SECRET, BODY, signature.sign(SECRET, BODY, t - 1000))


@given(index=st.integers(min_value=0, max_value=len(BODY) - 1), delta=st.integers(1, 255))
def test_body_altered_by_one_byte_is_rejected(index: int, delta: int) -> None:
    header = signature.sign(SECRET, BODY, NOW)
    altered = bytearray(BODY)
    altered[index] = (altered[index] + delta) % 256
    with pytest.raises(InvalidSignature):
        signature.verify(SECRET, bytes(altered), header, now=NOW)


def test_body_with_extra_byte_is_rejected() -> None:
    header = signature.sign(SECRET, BODY, NOW)
    with pytest.raises(InvalidSignature):
        signature.verify(SECRET, BODY + b" ", header, now=NOW)


def test_timestamp_is_covered_by_the_signature() -> None:
    header = signature.sign(SECRET, BODY, NOW - 1000).replace(f"t={NOW - 1000}", f"t={NOW}")
    with pytest.raises(InvalidSignature):
        signature.verify(SECRET, BODY, header, now=NOW)


def test_several_v1_entries_during_rotation() -> None:
    header = signature.sign_with(["whsec_new", "whsec_old"], BODY, NOW)
    assert header.count("v1=") == 2
    assert signature.verify("whsec_new", BODY, header, now=NOW) == NOW
    assert signature.verify("whsec_old", BODY, header, now=NOW) == NOW
    with pytest.raises(InvalidSignature):
        signature.verify("whsec_other", BODY, header, now=NOW)


def test_any_matching_v1_is_enough_and_other_schemes_are_ignored() -> None:
    good = signature.sign(SECRET, BODY, NOW).split(",")[1]
    header = f"t={NOW},v1={'00' * 32},v0={'11' * 32}, {good}"
    assert signature.verify(SECRET, BODY, header, now=NOW) == NOW


def test_receiver_may_hold_several_secrets() -> None:
    header = signature.sign("whsec_old", BODY, NOW)
    assert signature.verify(["whsec_new", "whsec_old"], BODY, header, now=NOW) == NOW


def test_comparison_is_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(signature.hmac, "compare_digest", spy)
    signature.verify(SECRET, BODY, signature.sign(SECRET, BODY, NOW), now=NOW)
    assert calls


def test_empty_secret_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="secret"):
        signature.sign("", BODY, NOW)
    with pytest.raises(ValueError, match="secret"):
        signature.verify("", BODY, signature.sign(SECRET, BODY, NOW), now=NOW)
