"""Manual voucher codes: 85 random bits in Crockford base32 plus a mod-37 check character.

Display form ``XXXXXX-XXXXXX-XXXXXC`` (17 data symbols + 1 check symbol in three groups of six).
The code is a lookup key for the server, not a signed voucher: it needs the server to redeem.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from vouchers.errors import MalformedManualCode, ManualCodeCheckFailed

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford base32 symbols for the values 0..31 (no I, L, O, U)."""
CHECK_ALPHABET = ALPHABET + "*~$=U"
"""Crockford check symbols for the values 0..36."""
DATA_SYMBOLS = 17
CODE_BITS = DATA_SYMBOLS * 5  # 85
CODE_LENGTH = DATA_SYMBOLS + 1
GROUP_SIZE = 6
MAX_INPUT_CHARS = 64

# Crockford symbol -> the digit int(..., 32) reads as the same value.
_TO_INT_DIGITS = str.maketrans(ALPHABET, "0123456789ABCDEFGHIJKLMNOPQRSTUV")
# Input normalisation: read I and L as 1, O as 0; drop hyphens and whitespace.
_NORMALISE = str.maketrans({"I": "1", "L": "1", "O": "0", "-": None, " ": None, "\t": None})
_DATA_SET = frozenset(ALPHABET)
_CHECK_SET = frozenset(CHECK_ALPHABET)


def check_symbol(data: str) -> str:
    """The Crockford check symbol of canonical data symbols: their value modulo 37."""
    return CHECK_ALPHABET[int(data.translate(_TO_INT_DIGITS), 32) % 37]


def generate_manual_code() -> str:
    """A fresh random code in display form, e.g. ``4F9KTZ-0QW1MX-7BC2D7``."""
    number = secrets.randbits(CODE_BITS)
    data = "".join(ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(DATA_SYMBOLS)))
    return format_manual_code(data + check_symbol(data))


def format_manual_code(code: str) -> str:
    """Group a normalised code for display: ``XXXXXX-XXXXXX-XXXXXX``."""
    canonical = normalize_manual_code(code)
    return "-".join(canonical[i : i + GROUP_SIZE] for i in range(0, CODE_LENGTH, GROUP_SIZE))


def normalize_manual_code(text: str) -> str:
    """Canonical 18-symbol form of typed input; raises MalformedManualCode / ManualCodeCheckFailed.

    Case-insensitive; I and L read as 1, O as 0; hyphens, spaces and tabs are ignored.
    """
    if not isinstance(text, str) or len(text) > MAX_INPUT_CHARS or not text.isascii():
        raise MalformedManualCode()
    code = text.strip().upper().translate(_NORMALISE)
    if len(code) != CODE_LENGTH:
        raise MalformedManualCode(f"a manual code has {CODE_LENGTH} symbols")
    data, check = code[:DATA_SYMBOLS], code[DATA_SYMBOLS]
    if not _DATA_SET.issuperset(data) or check not in _CHECK_SET:
        raise MalformedManualCode("the manual code contains a character that is not allowed")
    if check_symbol(data) != check:
        raise ManualCodeCheckFailed()
    return code


def is_valid_manual_code(text: str) -> bool:
    """Whether the input normalises to a code with a correct check character."""
    try:
        normalize_manual_code(text)
    except (MalformedManualCode, ManualCodeCheckFailed):
        return False
    return True


def code_digest(code: str, pepper: bytes | None = None) -> bytes:
    """32-byte digest to store and look up instead of the code.

    SHA-256 of the normalised ASCII code (85 random bits make it infeasible to brute-force);
    with a server ``pepper``, HMAC-SHA256 keyed by it instead.
    """
    canonical = normalize_manual_code(code).encode("ascii")
    if pepper is not None:
        return hmac.new(pepper, canonical, hashlib.sha256).digest()
    return hashlib.sha256(canonical).digest()
