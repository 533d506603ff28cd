"""Parse bank status files (CSV, or ISO 20022 camt.054 / camt.053 XML) into payout results.

Bank files are outside input. XML is parsed with the standard library only after a
first expat pass has refused any DTD: no entity declarations, so no external entities
and no entity expansion ("billion laughs") can reach the tree builder.

End-to-end ids in bank files are payout ids with ``_`` written as ``-`` (see
:func:`wallet.payouts.sepa.end_to_end_id`); both spellings are accepted and the
results always carry the payout id.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, NoReturn
from xml.parsers import expat

from wallet.payouts.sepa import payout_id_from_end_to_end

__all__ = [
    "BankStatusError",
    "StatusLine",
    "UnknownStatus",
    "parse_bank_status",
    "parse_camt054",
    "parse_status_csv",
]

Status = Literal["paid", "failed"]
_STATUSES: dict[str, Status] = {"paid": "paid", "failed": "failed"}
_CAMT_NAMESPACES = (
    "{urn:iso:std:iso:20022:tech:xsd:camt.054.",
    "{urn:iso:std:iso:20022:tech:xsd:camt.053.",
)
_CAMT_CONTAINERS = {"BkToCstmrDbtCdtNtfctn": "Ntfctn", "BkToCstmrStmt": "Stmt"}
_UNSET_E2E = "NOTPROVIDED"
_MAX_ID = 64
_MAX_REASON = 500


class BankStatusError(ValueError):
    """The file cannot be read as a bank status file. ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(f"line {line}: {message}" if line is not None else message)
        self.line = line


class UnknownStatus(BankStatusError):
    """A CSV row has a status other than ``paid`` or ``failed``."""


@dataclass(frozen=True)
class StatusLine:
    """Outcome of one payout reported by the bank; ``reason`` is a return code or text."""

    payout_id: str
    status: Status
    reason: str | None = None


def _payout_id(raw: str, line: int | None) -> str:
    value = raw.strip()
    if not value:
        raise BankStatusError("payout id is empty", line)
    if len(value) > _MAX_ID or not value.isprintable():
        raise BankStatusError(f"payout id {value[:_MAX_ID]!r} is not a payout id", line)
    return payout_id_from_end_to_end(value)


def _reason(raw: str | None) -> str | None:
    value = " ".join((raw or "").split())
    return value[:_MAX_REASON] or None


def _as_text(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if isinstance(data, bytes | bytearray):
        try:
            return bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise BankStatusError(f"file is not UTF-8 text: {exc.reason}") from None
    raise BankStatusError(f"expected bytes or str, got {type(data).__name__}")


# --- CSV ---------------------------------------------------------------------------------


def _header_map(header: list[str]) -> dict[str, int]:
    names = [name.strip().lower().removeprefix("\ufeff") for name in header]
    columns = {name: index for index, name in enumerate(names) if name}
    missing = [name for name in ("payout_id", "status") if name not in columns]
    if missing:
        raise BankStatusError(
            f"header must name payout_id, status and optionally reason; missing {missing}", 1
        )
    if len(columns) != len([name for name in names if name]):
        raise BankStatusError("header names a column twice", 1)
    return columns


def _delimiter(first_line: str) -> str:
    return ";" if ";" in first_line and "," not in first_line else ","


def parse_status_csv(data: bytes | str) -> list[StatusLine]:
    """Parse ``payout_id,status,reason`` rows (header required; ``;`` also accepted).

    Header names ignore case and surrounding spaces; statuses are ``paid`` or ``failed``
    in any case; blank rows are skipped. A payout listed twice with the same result
    is kept once; with different results it is an error.
    """
    text = _as_text(data)
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text.partition("\n")[0]))
    try:
        header = next(reader, None)
        if header is None:
            raise BankStatusError("file is empty")
        columns = _header_map(header)
        results: dict[str, StatusLine] = {}
        for row in reader:
            _add_csv_row(results, row, columns, reader.line_num)
    except csv.Error as exc:
        raise BankStatusError(f"malformed CSV: {exc}", reader.line_num) from None
    return list(results.values())


def _add_csv_row(
    results: dict[str, StatusLine], row: list[str], columns: dict[str, int], line: int
) -> None:
    if not any(cell.strip() for cell in row):
        return
    if len(row) <= max(columns["payout_id"], columns["status"]):
        raise BankStatusError("row has too few columns", line)
    payout_id = _payout_id(row[columns["payout_id"]], line)
    raw_status = row[columns["status"]].strip()
    status = _STATUSES.get(raw_status.lower())
    if status is None:
        raise UnknownStatus(f"unknown status {raw_status!r} (expected paid or failed)", line)
    index = columns.get("reason")
    reason = _reason(row[index]) if index is not None and index < len(row) else None
    result = StatusLine(payout_id, status, reason if status == "failed" else None)
    previous = results.get(payout_id)
    if previous is not None and previous.status != status:
        raise BankStatusError(f"payout {payout_id} is both {previous.status} and {status}", line)
    results.setdefault(payout_id, result)


# --- camt.054 / camt.053 -------------------------------------------------------------------


class _Forbidden(Exception):
    pass


def _forbid(*_args: Any) -> NoReturn:
    raise _Forbidden


def _parse_xml(data: bytes | str) -> ET.Element:
    """Parse untrusted XML: refuse DTDs (hence entities) first, then build the tree."""
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    raw = raw.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")  # stray UTF-8 BOM / blank lines
    guard = expat.ParserCreate()
    guard.StartDoctypeDeclHandler = _forbid
    guard.EntityDeclHandler = _forbid
    guard.ExternalEntityRefHandler = _forbid
    try:
        guard.Parse(raw, True)
    except _Forbidden:
        raise BankStatusError("XML with a DTD or entities is not accepted") from None
    except expat.ExpatError as exc:
        raise BankStatusError(f"not well-formed XML: {exc}", exc.lineno) from None
    try:
        return ET.fromstring(raw)  # noqa: S314 - DTDs were refused above
    except ET.ParseError as exc:
        raise BankStatusError(f"not well-formed XML: {exc}") from None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _children(element: ET.Element, name: str) -> Iterator[ET.Element]:
    return (child for child in element if _local(child.tag) == name)


def _child(element: ET.Element | None, *path: str) -> ET.Element | None:
    """First element at ``path`` (local names, any namespace), or None."""
    for name in path:
        if element is None:
            return None
        element = next(_children(element, name), None)
    return element


def _text(element: ET.Element | None, *path: str) -> str | None:
    found = _child(element, *path)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _entry_status(entry: ET.Element) -> str:
    """``Sts`` is a code in camt.05x.001.02-07 and ``Sts/Cd`` (or ``Prtry``) from .08 on."""
    status = _text(entry, "Sts", "Cd") or _text(entry, "Sts", "Prtry") or _text(entry, "Sts")
    if status is None:
        raise BankStatusError("camt entry has no status (Sts)")
    return status.upper()


def _return_reason(tx: ET.Element) -> str | None:
    info = _child(tx, "RtrInf")
    if info is None:
        return None
    return (
        _text(info, "Rsn", "Cd")
        or _text(info, "Rsn", "Prtry")
        or _reason(_text(info, "AddtlInf"))
        or "returned"
    )


def _entry_lines(entry: ET.Element) -> Iterator[StatusLine]:
    if _entry_status(entry) != "BOOK":
        return  # pending or information only: not a final result yet
    reversed_ = (_text(entry, "RvslInd") or "").lower() in ("true", "1")
    debit = _text(entry, "CdtDbtInd") == "DBIT"
    for details in _children(entry, "NtryDtls"):
        for tx in _children(details, "TxDtls"):
            e2e = _text(tx, "Refs", "EndToEndId")
            if e2e is None or e2e == _UNSET_E2E:
                continue
            reason = _return_reason(tx)
            if reason is not None or reversed_:
                yield StatusLine(_payout_id(e2e, None), "failed", reason or "reversed")
            elif debit:
                yield StatusLine(_payout_id(e2e, None), "paid", None)


def _entries(root: ET.Element) -> Iterable[ET.Element]:
    if _local(root.tag) != "Document" or not root.tag.startswith(_CAMT_NAMESPACES):
        raise BankStatusError("not a camt.054 or camt.053 document")
    message = next(iter(root), None)
    container = _CAMT_CONTAINERS.get(_local(message.tag)) if message is not None else None
    if message is None or container is None:
        raise BankStatusError("camt document has no BkToCstmrDbtCdtNtfctn or BkToCstmrStmt")
    reports = _children(message, container)
    return (entry for report in reports for entry in _children(report, "Ntry"))


def parse_camt054(data: bytes | str) -> list[StatusLine]:
    """Payout results of a camt.054 notification (camt.053 statements work too).

    A booked (``BOOK``) debit entry pays the payouts named by its transactions'
    ``Refs/EndToEndId``; an entry with ``RvslInd`` true, or a transaction with ``RtrInf``,
    fails them with the return reason code (e.g. ``AC04``). Pending entries and
    transactions without an end-to-end id are skipped. When a payout is both booked and
    returned in one file, the return wins.
    """
    results: dict[str, StatusLine] = {}
    for entry in _entries(_parse_xml(data)):
        for line in _entry_lines(entry):
            previous = results.get(line.payout_id)
            if previous is None or line.status == "failed":
                results[line.payout_id] = line
    return list(results.values())


def parse_bank_status(data: bytes | str) -> list[StatusLine]:
    """Parse a status file, telling XML (camt) from CSV by its first character."""
    if isinstance(data, bytes | bytearray):
        looks_like_xml = bytes(data).removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<")
    else:
        looks_like_xml = isinstance(data, str) and data.lstrip("\ufeff \t\r\n").startswith("<")
    return parse_camt054(data) if looks_like_xml else parse_status_csv(data)
