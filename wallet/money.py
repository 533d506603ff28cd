"""Exact money and credit arithmetic: integers only, Babel for display only.

Money is always an ``int`` of ISO 4217 minor units (cents for USD/EUR, whole won for
KRW); credits are whole ``int`` units. No float ever touches an amount: the only
:class:`~decimal.Decimal` built here is made from a string of the integer and is
used for display.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, localcontext
from functools import lru_cache
from math import gcd

import iso4217
from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency

__all__ = [
    "InvalidAmount",
    "InvalidLocale",
    "InvalidRate",
    "MoneyError",
    "PayoutRate",
    "UnknownCurrency",
    "card_fee",
    "credits_to_money",
    "exponent",
    "format_money",
    "money_to_credits",
    "normalize_currency",
    "parse_minor",
    "round_down_to_step",
    "to_minor_str",
]

_CURRENCY_RE = re.compile(r"[A-Za-z]{3}")
_DECIMAL_RE = re.compile(r"(-?)([0-9]{1,30})(?:\.([0-9]{1,30}))?")
_BASIS_POINTS = 10_000


class MoneyError(ValueError):
    """Base class of every error raised by :mod:`wallet.money`."""


class UnknownCurrency(MoneyError):
    """The code is not an ISO 4217 currency with a minor-unit exponent."""


class InvalidAmount(MoneyError):
    """An amount is not an ``int`` (``bool`` is rejected), is out of range, or is malformed."""


class InvalidRate(MoneyError):
    """A :class:`PayoutRate` is not made of positive integers and a known currency."""


class InvalidLocale(MoneyError):
    """Babel does not know the locale."""


def _require_int(name: str, value: object, *, minimum: int | None = None) -> int:
    """Return ``value`` if it is a real ``int`` (not ``bool``) and at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidAmount(f"{name} must be an integer, got {type(value).__name__}")
    if minimum is not None and value < minimum:
        raise InvalidAmount(f"{name} must be at least {minimum}, got {value}")
    return value


@lru_cache(maxsize=512)
def _lookup_exponent(code: str) -> int:
    try:
        currency = iso4217.Currency(code)
    except ValueError:
        raise UnknownCurrency(f"unknown currency {code!r}") from None
    minor_units = currency.exponent
    if minor_units is None:  # XAU, XXX, ...: ISO 4217 says "N.A."
        raise UnknownCurrency(f"currency {code!r} has no minor unit")
    return minor_units


def normalize_currency(currency: str) -> str:
    """Return the upper-case ISO 4217 code, or raise :class:`UnknownCurrency`."""
    if not isinstance(currency, str) or not _CURRENCY_RE.fullmatch(currency):
        raise UnknownCurrency(f"unknown currency {currency!r}")
    code = currency.upper()
    _lookup_exponent(code)
    return code


def exponent(currency: str) -> int:
    """Number of decimal places of the minor unit (USD 2, KRW 0, BHD 3)."""
    return _lookup_exponent(normalize_currency(currency))


def _to_decimal(amount_minor: int, places: int) -> Decimal:
    """Exact Decimal of ``amount_minor`` scaled by ``10**-places`` (from a string, no context)."""
    return Decimal(f"{amount_minor}E-{places}")


def format_money(amount_minor: int, currency: str, locale: str = "en_US") -> str:
    """Human display of a money amount, e.g. ``499, "USD"`` → ``"$4.99"``. Never rounds."""
    _require_int("amount_minor", amount_minor)
    code = normalize_currency(currency)
    try:
        babel_locale = Locale.parse(locale.replace("-", "_"))  # accepts "en_US" and "en-US"
    except (UnknownLocaleError, ValueError, TypeError, AttributeError) as exc:
        raise InvalidLocale(f"unknown locale {locale!r}") from exc
    places = exponent(code)
    value = _to_decimal(amount_minor, places)
    # Babel quantizes in the current decimal context: give it enough digits for the value
    # (thread-local), so a long amount is never rounded to the default 28 digits.
    with localcontext() as context:
        context.prec = max(context.prec, len(str(abs(amount_minor))) + places + 4)
        # decimal_quantization=False: show every digit of the exact value instead of
        # rounding to CLDR's digits (which differ from ISO 4217 for a few currencies).
        return format_currency(value, code, locale=babel_locale, decimal_quantization=False)


def to_minor_str(amount_minor: int, currency: str) -> str:
    """Plain decimal string for files: ``499, "USD"`` → ``"4.99"``; ``6500, "KRW"`` → ``"6500"``."""
    _require_int("amount_minor", amount_minor)
    places = exponent(currency)
    sign = "-" if amount_minor < 0 else ""
    whole, fraction = divmod(abs(amount_minor), 10**places)
    if places == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{fraction:0{places}d}"


def parse_minor(text: str, currency: str, *, allow_negative: bool = False) -> int:
    """Parse ``"4.99"`` into ``499`` minor units exactly; too many decimals is an error.

    Accepts ``[-]digits[.digits]`` only (surrounding whitespace ignored): no exponent, no
    grouping, no currency sign. A minus sign needs ``allow_negative=True``.
    """
    places = exponent(currency)
    if not isinstance(text, str):
        raise InvalidAmount(f"amount must be a string, got {type(text).__name__}")
    match = _DECIMAL_RE.fullmatch(text.strip())
    if match is None:
        raise InvalidAmount(f"{text!r} is not a decimal amount such as 12.34")
    sign, whole, fraction = match.group(1), match.group(2), match.group(3) or ""
    if sign and not allow_negative:
        raise InvalidAmount(f"{text!r} is negative")
    if len(fraction) > places:
        raise InvalidAmount(
            f"{text!r} has {len(fraction)} decimals; {normalize_currency(currency)} allows {places}"
        )
    value = int(whole) * 10**places + int(fraction.ljust(places, "0") or "0")
    return -value if sign else value


@dataclass(frozen=True)
class PayoutRate:
    """``credits`` credits are worth ``money_minor`` minor units of ``currency``.

    Conversion works in *chunks*: the smallest whole number of credits that is worth a
    whole number of minor units, ``chunk_credits = credits / g`` for ``chunk_minor =
    money_minor / g`` with ``g = gcd(credits, money_minor)``. For the usual rates where
    ``money_minor`` divides ``credits`` (100 credits = 1 cent), a chunk is one minor unit.
    """

    credits: int
    money_minor: int
    currency: str

    def __post_init__(self) -> None:
        for name in ("credits", "money_minor"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise InvalidRate(f"{name} must be a positive integer, got {value!r}")
        try:
            code = normalize_currency(self.currency)
        except UnknownCurrency as exc:
            raise InvalidRate(str(exc)) from exc
        object.__setattr__(self, "currency", code)

    @property
    def chunk_credits(self) -> int:
        """Fewest credits that convert exactly into whole minor units."""
        return self.credits // gcd(self.credits, self.money_minor)

    @property
    def chunk_minor(self) -> int:
        """Minor units that :attr:`chunk_credits` credits are worth."""
        return self.money_minor // gcd(self.credits, self.money_minor)


def _require_rate(rate: object) -> PayoutRate:
    if not isinstance(rate, PayoutRate):
        raise InvalidRate(f"rate must be a PayoutRate, got {type(rate).__name__}")
    return rate


def credits_to_money(credits: int, rate: PayoutRate) -> tuple[int, int]:
    """Convert credits into ``(money_minor, leftover_credits)`` exactly.

    Only whole chunks convert, so no value is created or lost:
    ``money_minor * rate.credits == (credits - leftover) * rate.money_minor`` and
    ``0 <= leftover < rate.chunk_credits``. The leftover stays in the balance.
    Example: 100 credits = 1 cent, 1050 credits → ``(10, 50)``.
    """
    _require_int("credits", credits, minimum=0)
    rate = _require_rate(rate)
    chunks, leftover = divmod(credits, rate.chunk_credits)
    return chunks * rate.chunk_minor, leftover


def money_to_credits(money_minor: int, rate: PayoutRate) -> int:
    """Fewest credits whose conversion yields at least ``money_minor`` (exact for whole chunks).

    ``credits_to_money(money_to_credits(m, rate), rate) == (m, 0)`` whenever ``m`` is a
    multiple of ``rate.chunk_minor``; otherwise the result converts to slightly more.
    """
    _require_int("money_minor", money_minor, minimum=0)
    rate = _require_rate(rate)
    chunks = -(-money_minor // rate.chunk_minor)  # ceiling division, integers only
    return chunks * rate.chunk_credits


def card_fee(amount_minor: int, percent_bp: int, fixed_minor: int) -> int:
    """Card fee of one charge: ``percent_bp`` basis points (rounded half up) plus ``fixed_minor``.

    ``card_fee(499, 290, 30) == 44`` (2.9% of 4.99 is 14.471 → 14, plus 30).
    """
    _require_int("amount_minor", amount_minor, minimum=0)
    _require_int("percent_bp", percent_bp, minimum=0)
    _require_int("fixed_minor", fixed_minor, minimum=0)
    percent_part = (amount_minor * percent_bp + _BASIS_POINTS // 2) // _BASIS_POINTS
    return percent_part + fixed_minor


def round_down_to_step(amount: int, step: int) -> int:
    """Largest multiple of ``step`` that is not above ``amount`` (both non-negative, step > 0)."""
    _require_int("amount", amount, minimum=0)
    _require_int("step", step, minimum=1)
    return amount - amount % step
