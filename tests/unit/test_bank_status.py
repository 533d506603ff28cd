"""wallet.payouts.bank_status: CSV and camt.054 status files into payout results."""

from __future__ import annotations

import pytest

from wallet.payouts.bank_status import (
    BankStatusError,
    StatusLine,
    UnknownStatus,
    parse_bank_status,
    parse_camt054,
    parse_status_csv,
)

# --- CSV -----------------------------------------------------------------------------------


def test_csv_basic() -> None:
    text = "payout_id,status,reason\npay_1,paid,\npay_2,failed,AC04 account closed\n"
    assert parse_status_csv(text) == [
        StatusLine("pay_1", "paid", None),
        StatusLine("pay_2", "failed", "AC04 account closed"),
    ]


def test_csv_tolerates_header_case_whitespace_bom_crlf_and_order() -> None:
    data = "\ufeff Reason , STATUS ,Payout_ID \r\n,PAID, pay_1 \r\n\r\nno money , Failed ,pay_2\r\n"
    assert parse_status_csv(data.encode("utf-8")) == [
        StatusLine("pay_1", "paid", None),
        StatusLine("pay_2", "failed", "no money"),
    ]


def test_csv_reason_column_is_optional_and_semicolons_work() -> None:
    assert parse_status_csv("payout_id;status\npay_1;failed\n") == [
        StatusLine("pay_1", "failed", None)
    ]


def test_csv_accepts_end_to_end_spelling_of_ids() -> None:
    assert parse_status_csv("payout_id,status\npay-1,paid\n") == [StatusLine("pay_1", "paid")]


def test_csv_unknown_status_names_the_line() -> None:
    text = "payout_id,status\npay_1,paid\npay_2,bounced\n"
    with pytest.raises(UnknownStatus, match="line 3: unknown status 'bounced'") as caught:
        parse_status_csv(text)
    assert caught.value.line == 3
    assert isinstance(caught.value, BankStatusError)
    assert isinstance(caught.value, ValueError)


def test_csv_duplicates() -> None:
    same = "payout_id,status\npay_1,paid\npay_1,PAID\n"
    assert parse_status_csv(same) == [StatusLine("pay_1", "paid")]
    with pytest.raises(BankStatusError, match="line 3: payout pay_1 is both paid and failed"):
        parse_status_csv("payout_id,status\npay_1,paid\npay_1,failed\n")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("", "empty"),
        ("id,state\npay_1,paid\n", "missing"),
        ("payout_id,status,status\npay_1,paid,paid\n", "twice"),
        ("payout_id,status\npay_1\n", "line 2: row has too few columns"),
        ("payout_id,status\n ,paid\n", "line 2: payout id is empty"),
        ("payout_id,status\n" + "p" * 100 + ",paid\n", "not a payout id"),
        ("payout_id,status\npay_1,\n", "line 2: unknown status ''"),
        ('payout_id,status\n"pay_1,paid\n', "malformed CSV|too few columns"),
        (b"payout_id,status\npay_\xff,paid\n", "not UTF-8"),
        ("payout_id,status\npay\x00,paid\n", "malformed CSV|not a payout id"),
    ],
)
def test_csv_malformed(data: str | bytes, message: str) -> None:
    with pytest.raises(BankStatusError, match=message):
        parse_status_csv(data)


def test_csv_rejects_other_types() -> None:
    with pytest.raises(BankStatusError, match="bytes or str"):
        parse_status_csv(123)  # type: ignore[arg-type]


# --- camt.054 ------------------------------------------------------------------------------

NS_08 = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"
NS_02 = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"


def tx(e2e: str | None, *, return_code: str | None = None, info: str | None = None) -> str:
    refs = f"<Refs><EndToEndId>{e2e}</EndToEndId></Refs>" if e2e else "<Refs/>"
    rtr = ""
    if return_code or info:
        reason = f"<Rsn><Cd>{return_code}</Cd></Rsn>" if return_code else ""
        extra = f"<AddtlInf>{info}</AddtlInf>" if info else ""
        rtr = f"<RtrInf>{reason}{extra}</RtrInf>"
    return f"<TxDtls>{refs}<Amt Ccy='EUR'>1.00</Amt>{rtr}</TxDtls>"


def entry(
    txs: str, *, status: str = "BOOK", side: str = "DBIT", reversal: bool = False, v08: bool = True
) -> str:
    sts = f"<Sts><Cd>{status}</Cd></Sts>" if v08 else f"<Sts>{status}</Sts>"
    rvsl = "<RvslInd>true</RvslInd>" if reversal else ""
    return (
        f"<Ntry><Amt Ccy='EUR'>1.00</Amt><CdtDbtInd>{side}</CdtDbtInd>{rvsl}{sts}"
        f"<BookgDt><Dt>2025-03-04</Dt></BookgDt><NtryDtls>{txs}</NtryDtls></Ntry>"
    )


def camt(*entries: str, ns: str = NS_08, root: str = "BkToCstmrDbtCdtNtfctn") -> bytes:
    container = "Stmt" if root == "BkToCstmrStmt" else "Ntfctn"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{ns}"><{root}>'
        f"<GrpHdr><MsgId>N1</MsgId><CreDtTm>2025-03-04T08:00:00</CreDtTm></GrpHdr>"
        f"<{container}><Id>1</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>"
        f"{''.join(entries)}</{container}></{root}></Document>"
    ).encode()


def test_camt054_booked_returned_reversed_pending() -> None:
    document = camt(
        entry(tx("pay-1") + tx("pay-2")),  # batch booking: two payouts in one debit
        entry(tx("pay-3", return_code="AC04", info="Closed account"), side="CRDT"),
        entry(tx("pay-4"), side="CRDT", reversal=True),
        entry(tx("pay-5"), status="PDNG"),  # not final yet
        entry(tx(None) + tx("NOTPROVIDED")),  # nothing to match
        entry(tx("TOPUP-INCOMING"), side="CRDT"),  # money coming in, not a payout
        entry(tx("pay-2", return_code="MS03"), side="CRDT"),  # pay_2 came back later
        entry(tx("pay-6", info="Beneficiary deceased"), side="CRDT"),
    )
    assert parse_camt054(document) == [
        StatusLine("pay_1", "paid", None),
        StatusLine("pay_2", "failed", "MS03"),
        StatusLine("pay_3", "failed", "AC04"),
        StatusLine("pay_4", "failed", "reversed"),
        StatusLine("pay_6", "failed", "Beneficiary deceased"),
    ]


def test_camt054_version_02_status_as_text() -> None:
    document = camt(entry(tx("pay_1"), v08=False), ns=NS_02)
    assert parse_camt054(document) == [StatusLine("pay_1", "paid")]


def test_camt053_statement_is_accepted_too() -> None:
    document = camt(
        entry(tx("pay-1")),
        ns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02",
        root="BkToCstmrStmt",
    )
    assert parse_camt054(document) == [StatusLine("pay_1", "paid")]


def test_camt054_as_str() -> None:
    assert parse_camt054(camt(entry(tx("pay-1"))).decode()) == [StatusLine("pay_1", "paid")]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">&lol2;</Document>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">&xxe;</Document>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE Document SYSTEM "http://example.invalid/camt.dtd">
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"/>"""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (BILLION_LAUGHS, "DTD or entities"),
        (EXTERNAL_ENTITY, "DTD or entities"),
        (EXTERNAL_DTD, "DTD or entities"),
        (b"<Document><unclosed></Document>", "not well-formed"),
        (b"<", "not well-formed"),
        (b"<Document xmlns='urn:other'/>", "not a camt"),
        (
            b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:pain.001.001.09'>"
            b"<CstmrCdtTrfInitn/></Document>",
            "not a camt",
        ),
        (b"<Document xmlns='" + NS_08.encode() + b"'/>", "no BkToCstmrDbtCdtNtfctn"),
        (b"<Document xmlns='" + NS_08.encode() + b"'><Other/></Document>", "no BkToCstmr"),
        (
            camt(entry(tx("pay-1")).replace("<Sts><Cd>BOOK</Cd></Sts>", "")),
            "no status",
        ),
    ],
)
def test_camt054_malformed(data: bytes, message: str) -> None:
    with pytest.raises(BankStatusError, match=message):
        parse_camt054(data)


# --- dispatch ------------------------------------------------------------------------------


def test_parse_bank_status_detects_the_format() -> None:
    assert parse_bank_status(b"\xef\xbb\xbf  " + camt(entry(tx("pay-1")))) == [
        StatusLine("pay_1", "paid")
    ]
    assert parse_bank_status(camt(entry(tx("pay-1"))).decode()) == [StatusLine("pay_1", "paid")]
    assert parse_bank_status("payout_id,status\npay_1,failed\n") == [StatusLine("pay_1", "failed")]
    assert parse_bank_status(b"payout_id,status\npay_1,paid\n") == [StatusLine("pay_1", "paid")]
