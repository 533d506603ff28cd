"""SEPA credit-transfer batch files (pain.001.001.09, built with ``sepaxml``) and CSV exports.

Every file is validated against the pain.001.001.09 XSD shipped inside ``sepaxml``
(with ``xmlschema``) before it is returned. The XSD is the generic ISO 20022 one, so the
SEPA (EPC) rules it does not express are enforced here: EUR only, amounts between 0.01
and 999,999,999.99, identifiers of at most 35 characters from the SEPA character set,
names and remittance text transliterated to that set.

Payout ids such as ``pay_01H…`` contain ``_``, which is outside the SEPA character set, so
the end-to-end id sent to the bank is the payout id with ``_`` replaced by ``-``
(:func:`end_to_end_id`); :func:`payout_id_from_end_to_end` reverses it. Payout ids must
therefore be made of ``A-Z a-z 0-9 _`` only.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import lru_cache
from importlib import resources

import xmlschema
from sepaxml import SepaTransfer
from text_unidecode import unidecode

from wallet.money import MoneyError, format_money, normalize_currency, to_minor_str
from wallet.payouts.iban import InvalidBic, InvalidIban, validate_bic, validate_iban

__all__ = [
    "CSV_COLUMNS",
    "PAIN001_NAMESPACE",
    "PAIN001_SCHEMA",
    "DebtorAccount",
    "InvalidPayoutLine",
    "Pain001Invalid",
    "PayoutLine",
    "SepaError",
    "UnsupportedCurrency",
    "build_csv",
    "build_pain001",
    "end_to_end_id",
    "payout_id_from_end_to_end",
    "validate_pain001",
]

PAIN001_SCHEMA = "pain.001.001.09"
PAIN001_NAMESPACE = f"urn:iso:std:iso:20022:tech:xsd:{PAIN001_SCHEMA}"
SEPA_CURRENCY = "EUR"
MAX_AMOUNT_MINOR = 99_999_999_999  # EPC: at most 999,999,999.99 EUR per transfer
MAX_NAME = 70
MAX_REMITTANCE = 140
MAX_ID = 35

CSV_COLUMNS = (
    "payout_id",
    "end_to_end_id",
    "merchant_id",
    "holder_name",
    "iban",
    "bic",
    "currency",
    "amount_minor",
    "amount",
    "amount_display",
    "fee_minor",
    "fee",
    "description",
)

_PAYOUT_ID_RE = re.compile(r"[A-Za-z0-9_]{1,35}")
_SEPA_ID_RE = re.compile(r"[A-Za-z0-9/\-?:().,'+ ]{1,35}")
_SEPA_TEXT_DISALLOWED = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")
# EPC217-08 best-practice conversions for common characters outside the SEPA set.
_SEPA_TEXT_MAP = str.maketrans('&_[{]}\\|"`~!#%*;<=>@^$', "+-(())//''-........(..")
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class SepaError(ValueError):
    """Base class of the errors of this module."""


class UnsupportedCurrency(SepaError):
    """SEPA credit transfers are in EUR only."""


class InvalidPayoutLine(SepaError):
    """A payout line (or the debtor, or the batch) cannot go into a bank file."""


class Pain001Invalid(SepaError):
    """The XML does not validate against the pain.001.001.09 schema."""


@dataclass(frozen=True)
class DebtorAccount:
    """The platform's own account that pays the merchants."""

    name: str
    iban: str
    bic: str | None = None


@dataclass(frozen=True)
class PayoutLine:
    """One payout: ``amount_minor`` is what the bank transfers, ``fee_minor`` what was kept."""

    payout_id: str
    merchant_id: str
    holder_name: str
    iban: str
    bic: str | None
    amount_minor: int
    currency: str
    fee_minor: int
    description: str


def end_to_end_id(payout_id: str) -> str:
    """SEPA end-to-end id of a payout: the payout id with ``_`` → ``-``, e.g. ``pay-42``."""
    if not isinstance(payout_id, str) or not _PAYOUT_ID_RE.fullmatch(payout_id):
        raise InvalidPayoutLine(
            f"payout id {payout_id!r} must be 1 to {MAX_ID} characters of A-Z, a-z, 0-9 and _"
        )
    return payout_id.replace("_", "-")


def payout_id_from_end_to_end(e2e: str) -> str:
    """Inverse of :func:`end_to_end_id`."""
    return e2e.replace("-", "_")


def _sepa_text(value: object, max_len: int, what: str) -> str:
    """Transliterate to the SEPA character set, collapse spaces, cut to ``max_len``."""
    if not isinstance(value, str):
        raise InvalidPayoutLine(f"{what} must be a string")
    text = unidecode(value).translate(_SEPA_TEXT_MAP)
    text = " ".join(_SEPA_TEXT_DISALLOWED.sub(" ", text).split())
    return text[:max_len].rstrip()


def _sepa_reference(value: object, what: str) -> str:
    """An identifier (MsgId, PmtInfId): SEPA characters, no leading/trailing or double ``/``."""
    if not isinstance(value, str):
        raise InvalidPayoutLine(f"{what} must be a string")
    ref = value.replace("_", "-")
    if (
        not _SEPA_ID_RE.fullmatch(ref)
        or ref.startswith(("/", " "))
        or ref.endswith(("/", " "))
        or "//" in ref
    ):
        raise InvalidPayoutLine(
            f"{what} {value!r} must be 1 to {MAX_ID} SEPA characters, without leading, "
            "trailing or double '/'"
        )
    return ref


def _int_field(line: PayoutLine, name: str, minimum: int) -> int:
    value = getattr(line, name)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidPayoutLine(
            f"payout {line.payout_id}: {name} must be an integer of at least {minimum}"
        )
    return value


def _check_line(line: object, *, sepa: bool) -> PayoutLine:
    """Validate one line and return it with normalised currency, IBAN and BIC."""
    if not isinstance(line, PayoutLine):
        raise InvalidPayoutLine(f"expected a PayoutLine, got {type(line).__name__}")
    end_to_end_id(line.payout_id)
    try:
        currency = normalize_currency(line.currency)
    except MoneyError as exc:
        raise InvalidPayoutLine(f"payout {line.payout_id}: {exc}") from exc
    if sepa and currency != SEPA_CURRENCY:
        raise UnsupportedCurrency(
            f"payout {line.payout_id} is in {currency}; SEPA transfers are in EUR only"
        )
    amount = _int_field(line, "amount_minor", 1)
    _int_field(line, "fee_minor", 0)
    if sepa and amount > MAX_AMOUNT_MINOR:
        raise InvalidPayoutLine(f"payout {line.payout_id}: amount is above the SEPA maximum")
    if not isinstance(line.merchant_id, str) or not line.merchant_id:
        raise InvalidPayoutLine(f"payout {line.payout_id}: merchant_id is missing")
    if not _sepa_text(line.holder_name, MAX_NAME, "holder_name"):
        raise InvalidPayoutLine(f"payout {line.payout_id}: holder name is empty")
    _sepa_text(line.description, MAX_REMITTANCE, "description")
    try:
        iban = validate_iban(line.iban, require_sepa=sepa)
        bic = validate_bic(line.bic) if line.bic else None
    except (InvalidIban, InvalidBic) as exc:
        raise InvalidPayoutLine(f"payout {line.payout_id}: {exc}") from exc
    return replace(line, iban=iban, bic=bic, currency=currency)


def _check_lines(lines: Iterable[PayoutLine], *, sepa: bool) -> list[PayoutLine]:
    checked = [_check_line(line, sepa=sepa) for line in lines]
    seen: set[str] = set()
    for line in checked:
        if line.payout_id in seen:
            raise InvalidPayoutLine(f"payout {line.payout_id} appears twice in the batch")
        seen.add(line.payout_id)
    return checked


def _check_debtor(debtor: object) -> DebtorAccount:
    if not isinstance(debtor, DebtorAccount):
        raise InvalidPayoutLine(f"expected a DebtorAccount, got {type(debtor).__name__}")
    name = _sepa_text(debtor.name, MAX_NAME, "debtor name")
    if not name:
        raise InvalidPayoutLine("debtor name is empty")
    try:
        iban = validate_iban(debtor.iban, require_sepa=True)
        bic = validate_bic(debtor.bic) if debtor.bic else None
    except (InvalidIban, InvalidBic) as exc:
        raise InvalidPayoutLine(f"debtor account: {exc}") from exc
    return DebtorAccount(name, iban, bic)


def _payment(line: PayoutLine, execution_date: date) -> dict[str, object]:
    """The payment dict that ``SepaTransfer.add_payment`` expects."""
    payment: dict[str, object] = {
        "name": _sepa_text(line.holder_name, MAX_NAME, "holder_name"),
        "IBAN": line.iban,
        "amount": line.amount_minor,
        "execution_date": execution_date,
        "description": _sepa_text(line.description, MAX_REMITTANCE, "description")
        or end_to_end_id(line.payout_id),
        "endtoend_id": end_to_end_id(line.payout_id),
    }
    if line.bic:
        payment["BIC"] = line.bic
    return payment


def build_pain001(
    batch_id: str,
    lines: Sequence[PayoutLine],
    debtor: DebtorAccount,
    execution_date: date,
    *,
    created_at: datetime | None = None,
) -> bytes:
    """SEPA credit-transfer file (pain.001.001.09, UTF-8) paying every line, schema-validated.

    ``batch_id`` becomes the message and payment-information id, so the same inputs
    (with the same ``created_at``) give the same bytes.
    """
    msg_id = _sepa_reference(batch_id, "batch id")
    if isinstance(execution_date, datetime) or not isinstance(execution_date, date):
        raise InvalidPayoutLine("execution_date must be a date (not a datetime)")
    checked = _check_lines(lines, sepa=True)
    if not checked:
        raise InvalidPayoutLine("a SEPA batch needs at least one payout")
    account = _check_debtor(debtor)
    config: dict[str, object] = {
        "name": account.name,
        "IBAN": account.iban,
        "batch": True,
        "currency": SEPA_CURRENCY,
    }
    if account.bic:
        config["BIC"] = account.bic
    transfer = SepaTransfer(config, schema=PAIN001_SCHEMA, clean=True)
    for line in checked:
        transfer.add_payment(_payment(line, execution_date))
    raw: bytes = transfer.export(validate=False)
    document = _set_identifiers(raw, msg_id, created_at or datetime.now(UTC))
    validate_pain001(document)
    return document


def _set_identifiers(raw: bytes, msg_id: str, created_at: datetime) -> bytes:
    """Replace sepaxml's random MsgId/PmtInfId and its local-time CreDtTm with ours."""
    root = ET.fromstring(raw)  # noqa: S314 - our own output, not outside input
    ns = {"p": PAIN001_NAMESPACE}
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", ns)
    infos = root.findall("p:CstmrCdtTrfInitn/p:PmtInf", ns)
    if header is None or len(infos) != 1:
        raise Pain001Invalid("unexpected pain.001 layout from sepaxml")
    _set_text(header, "p:MsgId", msg_id, ns)
    _set_text(header, "p:CreDtTm", created_at.isoformat(timespec="seconds"), ns)
    _set_text(infos[0], "p:PmtInfId", msg_id, ns)
    # Write the namespace as a plain default xmlns (as sepaxml does) rather than through
    # ElementTree's process-wide prefix registry.
    for element in root.iter():
        element.tag = element.tag.rpartition("}")[2]
    root.set("xmlns", PAIN001_NAMESPACE)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def _set_text(parent: ET.Element, path: str, text: str, ns: dict[str, str]) -> None:
    node = parent.find(path, ns)
    if node is None:
        raise Pain001Invalid(f"pain.001 from sepaxml has no {path}")
    node.text = text


@lru_cache(maxsize=1)
def _schema() -> xmlschema.XMLSchema:
    """The pain.001.001.09 XSD that ships inside sepaxml, parsed once (about 0.7 s)."""
    xsd = resources.files("sepaxml").joinpath("schemas", f"{PAIN001_SCHEMA}.xsd")
    with resources.as_file(xsd) as path:
        return xmlschema.XMLSchema(str(path))


def validate_pain001(document: bytes) -> None:
    """Raise :class:`Pain001Invalid` unless ``document`` is valid against pain.001.001.09."""
    schema = _schema()
    try:
        error = next(iter(schema.iter_errors(io.BytesIO(document))), None)
    except (ET.ParseError, xmlschema.XMLSchemaException) as exc:
        raise Pain001Invalid(f"not well-formed XML: {exc}") from exc
    if error is not None:
        reason = error.reason or str(error)
        raise Pain001Invalid(f"pain.001 does not match its schema at {error.path}: {reason}")


def _csv_cell(value: str) -> str:
    """Neutralise spreadsheet formulas in text that came from merchants (CSV injection)."""
    return "'" + value if value.startswith(_FORMULA_PREFIXES) else value


def build_csv(lines: Sequence[PayoutLine]) -> str:
    """CSV twin of a batch (any currency), one row per payout, header :data:`CSV_COLUMNS`.

    Amounts appear three ways: integer minor units, plain decimal (``4.99``) and
    display (``€4.99``). Lines end with ``\\n``; write the text with ``newline=""``.
    """
    checked = _check_lines(lines, sepa=False)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for line in checked:
        writer.writerow(
            [
                line.payout_id,
                end_to_end_id(line.payout_id),
                _csv_cell(line.merchant_id),
                _csv_cell(line.holder_name),
                line.iban,
                line.bic or "",
                line.currency,
                str(line.amount_minor),
                to_minor_str(line.amount_minor, line.currency),
                format_money(line.amount_minor, line.currency),
                str(line.fee_minor),
                to_minor_str(line.fee_minor, line.currency),
                _csv_cell(line.description),
            ]
        )
    return out.getvalue()
