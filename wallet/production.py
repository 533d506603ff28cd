"""What production refuses at start (``WALLET_ENV=production``).

The app factory calls ``refuse_unsafe(app)``: it raises ``UnsafeConfiguration``
naming every setting that is missing or weak, and how to make a good one, so a
misconfigured node never serves a request. Refused:

- a secret that is missing, does not decode, is not 32 bytes, or does not look
  random (one byte repeated, few distinct bytes, a counting sequence, a known
  example such as ``changeme``): ``WALLET_SECRET_KEY``, ``WALLET_LEDGER_SIGNING_KEY``,
  ``WALLET_VOUCHER_KEK``, ``WALLET_WEBHOOK_KEK`` and the webhook secret of the provider in use;
- no real payment provider: ``WALLET_TOPUP_PROVIDER`` unset or ``sandbox`` (the
  sandbox sells credits for test cards) unless ``WALLET_ALLOW_SANDBOX_IN_PRODUCTION=1``
  (staging; logged loudly at every start), a Stripe test key likewise;
- no ``WALLET_BASE_URL`` (links in emails), no mail server (password reset), rate
  limits turned off (``WALLET_RATELIMIT_ENABLED=false``: no sign-in lockout).

See ``docs/operations.md``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import re
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask

from wallet.config import DEFAULTS

log = logging.getLogger(__name__)

SECRET_BYTES = 32
MIN_DISTINCT_BYTES = 16
GENERATE = ("python3 -c \"import base64, secrets; "
            "print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())\"")
# Values people paste from examples; compared lower-cased, before decoding.
KNOWN_EXAMPLE_TEXTS = frozenset({
    "changeme", "change-me", "change_me", "secret", "password", "example", "test", "testing",
    "dev", "development", "insecure", "default", "wallet", "none", "null", "xxx", "todo",
})
# SHA-256 of decoded example values that pass the other checks (keep adding as found).
KNOWN_EXAMPLE_DIGESTS = frozenset({
    hashlib.sha256(b"0123456789abcdef0123456789abcdef").hexdigest(),
    hashlib.sha256(b"abcdefghijklmnopqrstuvwxyz012345").hexdigest(),
    hashlib.sha256(b"thisisaverysecretkeyof32bytes!!!").hexdigest(),
})
STRIPE_LIVE_PREFIXES = ("sk_live_", "rk_live_")


class UnsafeConfiguration(RuntimeError):
    """Production refuses to start; the message lists every problem and its fix."""


def decode_base64_secret(text: str) -> bytes:
    """Base64 (standard or URL-safe, padding optional) of the secret bytes."""
    value = text.strip()
    if not re.fullmatch(r"[A-Za-z0-9+/_-]+=*", value):
        raise ValueError("not base64")
    unpadded = value.rstrip("=").replace("+", "-").replace("/", "_")
    try:
        return base64.urlsafe_b64decode(unpadded + "=" * (-len(unpadded) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64") from exc


def weakness(raw: bytes) -> str | None:
    """Why these bytes do not look like 32 random bytes, or None."""
    if len(raw) != SECRET_BYTES:
        return f"decodes to {len(raw)} bytes, not {SECRET_BYTES}"
    if len(set(raw)) == 1:
        return "is one byte repeated"
    if len(set(raw)) < MIN_DISTINCT_BYTES:
        return "has too few distinct bytes to be random"
    steps = {(raw[i + 1] - raw[i]) % 256 for i in range(len(raw) - 1)}
    if len(steps) == 1:
        return "is a counting sequence"
    if hashlib.sha256(raw).hexdigest() in KNOWN_EXAMPLE_DIGESTS:
        return "is a published example value"
    return None


def secret_problem(name: str, value: Any, decode: Callable[[str], bytes]) -> str | None:
    """A message naming ``WALLET_<name>`` when its value is missing or weak, else None."""
    variable = f"WALLET_{name}"
    fix = f"generate one with: {GENERATE}"
    if value is None or value == "":
        return f"{variable} is not set; {fix}"
    text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
    if text.strip().lower() in KNOWN_EXAMPLE_TEXTS:
        return f"{variable} is a known example value; {fix}"
    try:
        raw = decode(text)
    except Exception:
        return f"{variable} does not decode (base64 of {SECRET_BYTES} bytes expected); {fix}"
    why = weakness(raw)
    return None if why is None else f"{variable} {why}; {fix}"


def _kek_decoder(text: str) -> bytes:
    from vouchers.keys import load_kek

    return load_kek(text)


def _truthy(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("1", "true", "yes", "on")


def sandbox_allowed(config: Mapping[str, Any]) -> bool:
    return _truthy(config.get("ALLOW_SANDBOX_IN_PRODUCTION"))


def provider_problems(config: Mapping[str, Any]) -> list[str]:
    """A real provider with its secrets, or the sandbox only with the explicit opt-in."""
    selected = config.get("TOPUP_PROVIDER")
    allow_sandbox = sandbox_allowed(config)
    if not selected:
        return ["WALLET_TOPUP_PROVIDER is not set: production sells credits through a real "
                "payment provider (WALLET_TOPUP_PROVIDER=stripe with WALLET_STRIPE_API_KEY and "
                "WALLET_STRIPE_WEBHOOK_SECRET); the sandbox accepts test cards and is only "
                "for staging, with WALLET_ALLOW_SANDBOX_IN_PRODUCTION=1"]
    selected = str(selected).lower()
    if selected == "sandbox":
        if not allow_sandbox:
            return ["WALLET_TOPUP_PROVIDER=sandbox sells credits for test cards: use stripe, or "
                    "for a staging deployment set WALLET_ALLOW_SANDBOX_IN_PRODUCTION=1"]
        problem = secret_problem("SANDBOX_WEBHOOK_SECRET", config.get("SANDBOX_WEBHOOK_SECRET"),
                                 decode_base64_secret)
        return [problem] if problem else []
    if selected != "stripe":
        return [f"WALLET_TOPUP_PROVIDER={selected!r} is not a provider (use stripe)"]
    problems = []
    api_key = str(config.get("STRIPE_API_KEY") or "")
    if not api_key:
        problems.append("WALLET_STRIPE_API_KEY is not set (the secret or restricted key from "
                        "the Stripe dashboard, sk_live_… or rk_live_…)")
    elif not api_key.startswith(STRIPE_LIVE_PREFIXES) and not allow_sandbox:
        problems.append("WALLET_STRIPE_API_KEY is not a live key (sk_live_… or rk_live_…); a "
                        "test key takes test cards: staging only, with "
                        "WALLET_ALLOW_SANDBOX_IN_PRODUCTION=1")
    webhook = str(config.get("STRIPE_WEBHOOK_SECRET") or "")
    body = webhook.removeprefix("whsec_")
    if not webhook.startswith("whsec_") or len(body) < 24 or len(set(body)) < 8:
        problems.append("WALLET_STRIPE_WEBHOOK_SECRET is missing or not a Stripe signing secret "
                        "(whsec_…, from the webhook endpoint in the Stripe dashboard)")
    return problems


def problems(config: Mapping[str, Any]) -> list[str]:
    """Every reason the configuration is unsafe for production (empty when it is fine)."""
    found = [
        secret_problem("SECRET_KEY", config.get("SECRET_KEY"), decode_base64_secret),
        secret_problem("LEDGER_SIGNING_KEY", config.get("LEDGER_SIGNING_KEY"),
                       decode_base64_secret),
        secret_problem("VOUCHER_KEK", config.get("VOUCHER_KEK"), _kek_decoder),
        secret_problem("WEBHOOK_KEK", config.get("WEBHOOK_KEK"), decode_base64_secret),
        *provider_problems(config),
    ]
    if config.get("BASE_URL") in (None, "", DEFAULTS["BASE_URL"]):
        found.append("WALLET_BASE_URL is not set: the public https URL of the service, used "
                     "in links (password reset emails, checkout return pages)")
    if config.get("RATELIMIT_ENABLED") is False or str(
            config.get("RATELIMIT_ENABLED")).lower() in ("0", "false", "no", "off"):
        found.append("WALLET_RATELIMIT_ENABLED=false would turn off the sign-in lockout and "
                     "every rate limit; leave it unset in production")
    if not config.get("MAIL_SERVER") or not config.get("MAIL_SENDER"):
        found.append("WALLET_MAIL_SERVER and WALLET_MAIL_SENDER are not set: the SMTP server "
                     "and From address of password reset emails")
    return [problem for problem in found if problem]


def refuse_unsafe(app: Flask) -> None:
    """Raise ``UnsafeConfiguration`` in production unless every check passes."""
    if app.config.get("ENV") != "production":
        return
    found = problems(app.config)
    if found:
        raise UnsafeConfiguration(
            "WALLET_ENV=production refuses to start:\n" + "\n".join(f"- {p}" for p in found)
            + "\nSee docs/operations.md.")
    if sandbox_allowed(app.config):
        log.warning("!!! WALLET_ALLOW_SANDBOX_IN_PRODUCTION=1: the sandbox payment provider is "
                    "on and sells credits for TEST CARDS. Staging only, never a real "
                    "deployment. !!!")
