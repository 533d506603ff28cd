"""wallet.payouts.sepa: pain.001.001.09 batch files validated against the XSD, CSV export."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sepaxml.validation import ValidationError as SepaxmlValidationError
from sepaxml.validation import try_valid_xml

from wallet.money import PayoutRate, credits_to_money, money_to_credits, round_down_to_step
from wallet.payouts.sepa import (
    CSV_COLUMNS,
    PAIN001_NAMESPACE,
    DebtorAccount,
    InvalidPayoutLine,
    Pain001Invalid,
    PayoutLine,
    SepaError,
    UnsupportedCurrency,
    build_csv,
    build_pain001,
    end_to_end_id,
    payout_id_from_end_to_end,
    validate_pain001,
)

NS = {"p": PAIN001_NAMESPACE}
DEBTOR = DebtorAccount("Wallet Platform GmbH", "DE89 3704 0044 0532 0130 00", "COBADEFFXXX")
EXECUTION = date(2025, 3, 3)
CREATED = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def line(payout_id: str = "pay_1", **changes: Any) -> PayoutLine:
    base = PayoutLine(
        payout_id=payout_id,
        merchant_id="mer_1",
        holder_name="Zoë Müller & Söhne",
        iban="NL91ABNA0417164300",
        bic=None,
        amount_minor=1234,
        currency="EUR",
        fee_minor=25,
        description=f"Wallet payout {payout_id}",
    )
    return replace(base, **changes)


LINES = [
    line("pay_1"),
    line(
        "pay_2",
        merchant_id="mer_2",
        holder_name="Bob Baker",
        iban="GB82WEST12345698765432",
        bic="NWBKGB2L",
        amount_minor=5,
        fee_minor=0,
    ),
]


def build(lines: list[PayoutLine] = LINES, batch_id: str = "pob_2025_03") -> bytes:
    return build_pain001(batch_id, lines, DEBTOR, EXECUTION, created_at=CREATED)


def parse(document: bytes) -> ET.Element:
    return ET.fromstring(document)  # noqa: S314 - our own output


def texts(document: bytes, path: str) -> list[str]:
    return [node.text or "" for node in parse(document).findall(path, NS)]


def test_pain001_is_valid_and_carries_the_batch() -> None:
    document = build()
    validate_pain001(document)
    try_valid_xml(document, "pain.001.001.09")  # sepaxml's own validator agrees
    root = parse(document)
    assert root.tag == f"{{{PAIN001_NAMESPACE}}}Document"
    header = "p:CstmrCdtTrfInitn/p:GrpHdr/"
    assert texts(document, header + "p:MsgId") == ["pob-2025-03"]
    assert texts(document, header + "p:CreDtTm") == ["2025-03-01T09:30:00+00:00"]
    assert texts(document, header + "p:NbOfTxs") == ["2"]
    assert texts(document, header + "p:CtrlSum") == ["12.39"]
    assert texts(document, header + "p:InitgPty/p:Nm") == ["Wallet Platform GmbH"]
    info = "p:CstmrCdtTrfInitn/p:PmtInf/"
    assert texts(document, info + "p:ReqdExctnDt/p:Dt") == ["2025-03-03"]
    assert texts(document, info + "p:DbtrAcct/p:Id/p:IBAN") == ["DE89370400440532013000"]
    assert texts(document, info + "p:DbtrAgt/p:FinInstnId/p:BICFI") == ["COBADEFFXXX"]
    assert texts(document, info + "p:PmtTpInf/p:SvcLvl/p:Cd") == ["SEPA"]
    assert texts(document, info + "p:ChrgBr") == ["SLEV"]
    tx = info + "p:CdtTrfTxInf/"
    assert texts(document, tx + "p:PmtId/p:EndToEndId") == ["pay-1", "pay-2"]
    assert texts(document, tx + "p:Amt/p:InstdAmt") == ["12.34", "0.05"]
    assert {n.get("Ccy") for n in root.iterfind(tx + "p:Amt/p:InstdAmt", NS)} == {"EUR"}
    assert texts(document, tx + "p:Cdtr/p:Nm") == ["Zoe Muller + Sohne", "Bob Baker"]
    assert texts(document, tx + "p:CdtrAcct/p:Id/p:IBAN") == [
        "NL91ABNA0417164300",
        "GB82WEST12345698765432",
    ]
    assert texts(document, tx + "p:CdtrAgt/p:FinInstnId/p:BICFI") == ["NWBKGB2L"]
    assert texts(document, tx + "p:RmtInf/p:Ustrd") == [
        "Wallet payout pay-1",
        "Wallet payout pay-2",
    ]


def test_pain001_is_deterministic_for_a_batch() -> None:
    assert build() == build()
    assert build().startswith(b'<?xml version="1.0" encoding="UTF-8"?>')


def test_worked_scenario_payout_amount_and_remainder_in_the_file() -> None:
    rate = PayoutRate(credits=120, money_minor=1, currency="EUR")
    money, leftover = credits_to_money(1_000 * 7, rate)
    assert (money, leftover) == (58, 40)
    gross = round_down_to_step(money, 50)
    fee = 25
    payout = line("pay_scenario", amount_minor=gross - fee, fee_minor=fee)
    document = build([payout])
    validate_pain001(document)
    assert texts(document, ".//p:InstdAmt") == ["0.25"]
    assert texts(document, ".//p:GrpHdr/p:CtrlSum") == ["0.25"]
    assert 7_000 - money_to_credits(gross, rate) == 1_000  # credits that stay earned


def test_default_created_at_is_now() -> None:
    document = build_pain001("b1", [line()], DEBTOR, EXECUTION)
    stamp = texts(document, ".//p:GrpHdr/p:CreDtTm")[0]
    assert datetime.fromisoformat(stamp).tzinfo is not None


def test_debtor_without_bic() -> None:
    debtor = DebtorAccount("Platform", "DE89370400440532013000")
    document = build_pain001("b1", [line()], debtor, EXECUTION, created_at=CREATED)
    validate_pain001(document)
    assert texts(document, ".//p:DbtrAgt/p:FinInstnId/p:BICFI") == []


def test_long_names_and_descriptions_are_cut_to_sepa_limits() -> None:
    document = build([line(holder_name="N" * 200, description="D" * 300)])
    assert texts(document, ".//p:Cdtr/p:Nm") == ["N" * 70]
    assert texts(document, ".//p:Ustrd") == ["D" * 140]


def test_empty_description_falls_back_to_end_to_end_id() -> None:
    assert texts(build([line(description="   ")]), ".//p:Ustrd") == ["pay-1"]


@pytest.mark.parametrize(
    "mutate",
    [
        lambda xml: xml.replace(b"<IBAN>NL91ABNA0417164300</IBAN>", b"<IBAN>not an iban</IBAN>"),
        lambda xml: xml.replace(b"<MsgId>pob-2025-03</MsgId>", b""),
        lambda xml: xml.replace(b"<ChrgBr>SLEV</ChrgBr>", b"<ChrgBr>SLEV</ChrgBr><Oops/>"),
        lambda xml: xml.replace(b'Ccy="EUR">12.34', b'Ccy="EUR">12.345678'),
        lambda xml: xml.replace(b"<BICFI>NWBKGB2L</BICFI>", b"<BICFI>nope</BICFI>"),
        lambda xml: xml.replace(b"pain.001.001.09", b"pain.001.001.03"),
        lambda xml: xml.replace(b"pay-1", b"p" * 36),
        lambda xml: xml.replace(b"</Document>", b""),
        lambda xml: b"not xml at all",
    ],
)
def test_tampered_documents_fail_validation(mutate: object) -> None:
    document = build()
    tampered = mutate(document)  # type: ignore[operator]
    assert tampered != document
    with pytest.raises(Pain001Invalid):
        validate_pain001(tampered)


def test_sepaxml_validator_also_rejects_a_tampered_document() -> None:
    tampered = build().replace(b"<IBAN>NL91ABNA0417164300</IBAN>", b"<IBAN>x</IBAN>")
    with pytest.raises(SepaxmlValidationError):
        try_valid_xml(tampered, "pain.001.001.09")


def test_non_euro_is_refused() -> None:
    with pytest.raises(UnsupportedCurrency, match="EUR only"):
        build([line(currency="USD")])
    assert issubclass(UnsupportedCurrency, SepaError)
    assert issubclass(SepaError, ValueError)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount_minor": 0}, "amount_minor"),
        ({"amount_minor": -5}, "amount_minor"),
        ({"amount_minor": 12.34}, "amount_minor"),
        ({"amount_minor": True}, "amount_minor"),
        ({"amount_minor": 100_000_000_000}, "SEPA maximum"),
        ({"fee_minor": -1}, "fee_minor"),
        ({"iban": "DE88370400440532013000"}, "checksum"),
        ({"iban": "KZ86125KZT5004100100"}, "SEPA zone"),
        ({"bic": "NOPE"}, "BIC"),
        ({"holder_name": "  "}, "holder name"),
        ({"holder_name": "🙂"}, "holder name"),
        ({"merchant_id": ""}, "merchant_id"),
        ({"payout_id": "pay-1"}, "payout id"),
        ({"payout_id": "pay 1"}, "payout id"),
        ({"payout_id": "p" * 36}, "payout id"),
        ({"payout_id": ""}, "payout id"),
        ({"currency": "XYZ"}, "unknown currency"),
    ],
)
def test_bad_lines_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidPayoutLine, match=message):
        build([line(**changes)])


def test_batch_level_errors() -> None:
    with pytest.raises(InvalidPayoutLine, match="at least one"):
        build([])
    with pytest.raises(InvalidPayoutLine, match="twice"):
        build([line("pay_1"), line("pay_1")])
    with pytest.raises(InvalidPayoutLine, match="batch id"):
        build(batch_id="/batch")
    with pytest.raises(InvalidPayoutLine, match="batch id"):
        build(batch_id="b" * 36)
    with pytest.raises(InvalidPayoutLine, match="execution_date"):
        build_pain001("b1", LINES, DEBTOR, datetime(2025, 3, 3))
    with pytest.raises(InvalidPayoutLine, match="debtor"):
        build_pain001("b1", LINES, replace(DEBTOR, iban="DE00"), EXECUTION)
    with pytest.raises(InvalidPayoutLine, match="PayoutLine"):
        build_pain001("b1", [("pay_1",)], DEBTOR, EXECUTION)  # type: ignore[list-item]


@settings(max_examples=50)
@given(st.from_regex(r"[A-Za-z0-9_]{1,35}", fullmatch=True))
def test_end_to_end_id_round_trip(payout_id: str) -> None:
    e2e = end_to_end_id(payout_id)
    assert "_" not in e2e
    assert len(e2e) <= 35
    assert payout_id_from_end_to_end(e2e) == payout_id


# --- CSV -----------------------------------------------------------------------------------


def test_csv_of_the_batch() -> None:
    rows = list(csv.DictReader(io.StringIO(build_csv(LINES))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[0] == {
        "payout_id": "pay_1",
        "end_to_end_id": "pay-1",
        "merchant_id": "mer_1",
        "holder_name": "Zoë Müller & Söhne",
        "iban": "NL91ABNA0417164300",
        "bic": "",
        "currency": "EUR",
        "amount_minor": "1234",
        "amount": "12.34",
        "amount_display": "€12.34",
        "fee_minor": "25",
        "fee": "0.25",
        "description": "Wallet payout pay_1",
    }
    assert rows[1]["amount_minor"] == "5"
    assert rows[1]["amount"] == "0.05"
    assert rows[1]["bic"] == "NWBKGB2L"
    assert rows[1]["iban"] == "GB82WEST12345698765432"


def test_csv_allows_other_currencies() -> None:
    krw = line("pay_k", currency="KRW", amount_minor=9100, fee_minor=500)
    (row,) = csv.DictReader(io.StringIO(build_csv([krw])))
    assert (row["amount"], row["amount_display"], row["fee"]) == ("9100", "₩9,100", "500")


def test_csv_neutralises_spreadsheet_formulas() -> None:
    evil = line(holder_name='=HYPERLINK("http://x")', description="@SUM(A1)")
    (row,) = csv.DictReader(io.StringIO(build_csv([evil])))
    assert row["holder_name"].startswith("'=")
    assert row["description"] == "'@SUM(A1)"


def test_csv_validates_lines() -> None:
    with pytest.raises(InvalidPayoutLine):
        build_csv([line(iban="DE88370400440532013000")])
    with pytest.raises(InvalidPayoutLine, match="twice"):
        build_csv([line(), line()])
    assert build_csv([]) == ",".join(CSV_COLUMNS) + "\n"
