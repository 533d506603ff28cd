"""The credit price list: which credit packs can be bought, in which currency, for how much.

Operators configure it with a JSON file (the built-in default is
``wallet/topups/default_prices.json``)::

    {
      "version": 1,
      "currencies": {
        "USD": [
          {"id": "starter", "price_minor": 499, "credits": 500},
          {"id": "plus", "price_minor": 999, "credits": 1000, "bonus_credits": 100}
        ],
        "KRW": [{"id": "starter", "price_minor": 6500, "credits": 500}]
      }
    }

``price_minor`` is an integer of ISO 4217 minor units (499 = 4.99 USD; KRW has no
minor unit, so 6500 = 6,500 KRW). Every number must be a JSON integer: ``4.99``
or ``499.0`` are rejected, never rounded. Validation is strict: unknown keys,
duplicate keys, non-positive amounts, unknown currencies and a pack id used twice
in one currency are errors. The same pack id may (and usually does) appear in
several currencies; a pack is identified by ``(id, currency)``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from typing import Any

from wallet.errors import Unprocessable
from wallet.money import UnknownCurrency, format_money, normalize_currency

DEFAULT_PRICES_RESOURCE = "default_prices.json"
MAX_PRICE_MINOR = 99_999_999  # the largest single charge card providers accept (Stripe)
MAX_CREDITS = 10**12
MAX_PACKS_PER_CURRENCY = 50
MAX_FILE_BYTES = 1_000_000
PACK_ID_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")

_TOP_KEYS = frozenset({"version", "currencies"})
_PACK_REQUIRED = frozenset({"id", "price_minor", "credits"})
_PACK_KEYS = _PACK_REQUIRED | {"bonus_credits"}


class PriceListError(ValueError):
    """The price list file is invalid; the message says where and why."""


class UnknownPack(Unprocessable):
    """No pack with this id is sold in this currency."""

    code = "unknown_pack"
    default_message = "No such credit pack in this currency."


def _check_int(name: str, value: object, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        kind = "a decimal number" if isinstance(value, Decimal | float) else type(value).__name__
        raise PriceListError(f"{name} must be a JSON integer, got {kind} {value!r}")
    if not minimum <= value <= maximum:
        raise PriceListError(f"{name} must be between {minimum} and {maximum}, got {value}")
    return value


@dataclass(frozen=True, slots=True)
class Pack:
    """``credits + bonus_credits`` credits for ``price_minor`` minor units of ``currency``."""

    id: str
    currency: str
    price_minor: int
    credits: int
    bonus_credits: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not PACK_ID_RE.fullmatch(self.id):
            raise PriceListError(
                f"pack id {self.id!r} must be 1-40 characters of a-z, 0-9, '_' or '-'"
            )
        try:
            code = normalize_currency(self.currency)
        except UnknownCurrency as exc:
            raise PriceListError(f"{self.currency!r} is not an ISO 4217 currency") from exc
        if code != self.currency:
            raise PriceListError(f"currency must be upper case: {self.currency!r}")
        _check_int("price_minor", self.price_minor, 1, MAX_PRICE_MINOR)
        _check_int("credits", self.credits, 1, MAX_CREDITS)
        _check_int("bonus_credits", self.bonus_credits, 0, MAX_CREDITS)

    @property
    def total_credits(self) -> int:
        """Credits that land in the wallet: paid credits plus the bonus."""
        return self.credits + self.bonus_credits

    def price_display(self, locale: str = "en_US") -> str:
        """The price formatted for people, e.g. ``$4.99`` or ``₩6,500``."""
        return format_money(self.price_minor, self.currency, locale)

    def to_api(self, locale: str = "en_US") -> dict[str, Any]:
        """JSON-ready form: integer amounts with a display string beside the money."""
        return {
            "id": self.id,
            "currency": self.currency,
            "price_minor": self.price_minor,
            "price_display": self.price_display(locale),
            "credits": self.credits,
            "bonus_credits": self.bonus_credits,
            "total_credits": self.total_credits,
        }


class PriceList:
    """Packs per currency, in the order the operator listed them."""

    def __init__(self, packs: Iterable[Pack]) -> None:
        by_currency: dict[str, list[Pack]] = {}
        for pack in packs:
            same = by_currency.setdefault(pack.currency, [])
            if any(other.id == pack.id for other in same):
                raise PriceListError(f"duplicate pack id {pack.id!r} in {pack.currency}")
            same.append(pack)
        if not by_currency:
            raise PriceListError("the price list has no packs")
        self._packs: dict[str, tuple[Pack, ...]] = {
            code: tuple(items) for code, items in by_currency.items()
        }

    def currencies(self) -> tuple[str, ...]:
        """Currencies that have at least one pack."""
        return tuple(self._packs)

    def packs_for(self, currency: str) -> tuple[Pack, ...]:
        """Packs sold in ``currency`` (case-insensitive); empty when none."""
        return self._packs.get(currency.upper(), ()) if isinstance(currency, str) else ()

    def get(self, pack_id: str, currency: str) -> Pack:
        """The pack ``pack_id`` in ``currency``; raises ``UnknownPack``."""
        packs = self.packs_for(currency)
        if not packs:
            raise UnknownPack(f"Credit packs are not sold in {currency!r}.", param="currency")
        for pack in packs:
            if pack.id == pack_id:
                return pack
        raise UnknownPack(f"No credit pack {pack_id!r} in {currency.upper()}.", param="pack_id")

    def to_api(self, currency: str, locale: str = "en_US") -> list[dict[str, Any]]:
        """The packs of one currency in their API form."""
        return [pack.to_api(locale) for pack in self.packs_for(currency)]

    def __iter__(self) -> Iterator[Pack]:
        return (pack for packs in self._packs.values() for pack in packs)

    def __len__(self) -> int:
        return sum(len(packs) for packs in self._packs.values())

    @classmethod
    def from_dict(cls, data: object) -> PriceList:
        """Build from the parsed JSON document; raises ``PriceListError``."""
        return cls(_parse_document(data))

    @classmethod
    def from_json(cls, text: str | bytes) -> PriceList:
        """Build from JSON text; raises ``PriceListError``."""
        return cls.from_dict(_loads(text))

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> PriceList:
        """Build from a JSON file; raises ``PriceListError`` (also for unreadable files)."""
        try:
            with open(path, "rb") as handle:
                raw = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise PriceListError(f"cannot read price list {os.fspath(path)!r}: {exc}") from exc
        if len(raw) > MAX_FILE_BYTES:
            raise PriceListError(f"price list {os.fspath(path)!r} is larger than 1 MB")
        try:
            return cls.from_json(raw)
        except PriceListError as exc:
            raise PriceListError(f"{os.fspath(path)}: {exc}") from exc

    @classmethod
    def default(cls) -> PriceList:
        """The built-in price list shipped with the package."""
        raw = resources.files("wallet.topups").joinpath(DEFAULT_PRICES_RESOURCE).read_bytes()
        return cls.from_json(raw)


def load_price_list(path: str | os.PathLike[str] | None = None) -> PriceList:
    """The operator's price list at ``path``, or the built-in default when ``path`` is empty."""
    return PriceList.from_file(path) if path else PriceList.default()


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise PriceListError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise PriceListError(f"{name} is not a number")


def _loads(text: str | bytes) -> Any:
    try:
        return json.loads(
            text,
            parse_float=Decimal,  # never build a float; the validator rejects it by type
            parse_constant=_reject_constant,
            object_pairs_hook=_no_duplicate_keys,
        )
    except (ValueError, UnicodeDecodeError) as exc:
        if isinstance(exc, PriceListError):
            raise
        raise PriceListError(f"not valid JSON: {exc}") from exc


def _parse_document(data: object) -> list[Pack]:
    if not isinstance(data, Mapping):
        raise PriceListError("the price list must be a JSON object")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise PriceListError(f"unknown top-level keys: {sorted(unknown)}")
    if "version" in data and (isinstance(data["version"], bool) or data["version"] != 1):
        raise PriceListError(f"unsupported version {data['version']!r} (expected 1)")
    currencies = data.get("currencies")
    if not isinstance(currencies, Mapping) or not currencies:
        raise PriceListError("'currencies' must be a non-empty object of currency -> packs")
    packs: list[Pack] = []
    for code, items in currencies.items():
        packs.extend(_parse_currency(code, items))
    return packs


def _parse_currency(code: str, items: object) -> list[Pack]:
    if not isinstance(items, list) or not items:
        raise PriceListError(f"currencies.{code} must be a non-empty list of packs")
    if len(items) > MAX_PACKS_PER_CURRENCY:
        raise PriceListError(f"currencies.{code} has more than {MAX_PACKS_PER_CURRENCY} packs")
    return [_parse_pack(code, index, item) for index, item in enumerate(items)]


def _parse_pack(code: str, index: int, item: object) -> Pack:
    where = f"currencies.{code}[{index}]"
    if not isinstance(item, Mapping):
        raise PriceListError(f"{where} must be an object")
    missing = _PACK_REQUIRED - set(item)
    unknown = set(item) - _PACK_KEYS
    if missing or unknown:
        raise PriceListError(
            f"{where}: missing keys {sorted(missing)}, unknown keys {sorted(unknown)}"
        )
    try:
        return Pack(
            id=item["id"],
            currency=code,
            price_minor=item["price_minor"],
            credits=item["credits"],
            bonus_credits=item.get("bonus_credits", 0),
        )
    except PriceListError as exc:
        raise PriceListError(f"{where}: {exc}") from exc
