"""Opaque prefixed identifiers and high-entropy secrets."""

from __future__ import annotations

import hashlib
import re
import secrets

ID_PREFIXES = frozenset({"usr", "mer", "app", "ctr", "key", "pur", "ref", "vch", "pay", "txn",
                         "top", "grt", "bat", "red", "ses", "pwr", "evt", "whe", "dlv",
                         "opa", "opr", "ops", "pln", "sub", "rev"})


ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def looks_like_id(value: object) -> bool:
    """Could this be one of our ids (``usr_…``)? Anything else cannot match a row."""
    return isinstance(value, str) and ID_PATTERN.match(value) is not None


def new_id(prefix: str, nbytes: int = 12) -> str:
    """``prefix_`` followed by ``nbytes`` of randomness, URL-safe."""
    if prefix not in ID_PREFIXES:
        raise ValueError(f"unknown id prefix {prefix!r}")
    return f"{prefix}_{secrets.token_urlsafe(nbytes)}"


def new_secret(prefix: str) -> str:
    """A 256-bit secret such as ``sk_…``; shown once, stored only as a digest."""
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def secret_digest(secret: str) -> str:
    """SHA-256 of a high-entropy secret: enough, since it cannot be guessed."""
    return hashlib.sha256(secret.encode()).hexdigest()
