from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.voucher_summary_out_status import VoucherSummaryOutStatus
from typing import cast
import datetime






T = TypeVar("T", bound="VoucherSummaryOut")



@_attrs_define
class VoucherSummaryOut:
    """ 
        Attributes:
            id (str):
            status (VoucherSummaryOutStatus):
            value (int):
            remaining (int):
            funding (str):
            promotional (bool):
            expires_at (datetime.datetime | None):
            created_at (datetime.datetime):
            closed_at (datetime.datetime | None):
            campaign_id (None | str):
            code_available (bool): whether GET /v1/vouchers/{id}/code can show the manual code again
            qr_png_url (str):
            qr_svg_url (str):
     """

    id: str
    status: VoucherSummaryOutStatus
    value: int
    remaining: int
    funding: str
    promotional: bool
    expires_at: datetime.datetime | None
    created_at: datetime.datetime
    closed_at: datetime.datetime | None
    campaign_id: None | str
    code_available: bool
    qr_png_url: str
    qr_svg_url: str





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        status = self.status.value

        value = self.value

        remaining = self.remaining

        funding = self.funding

        promotional = self.promotional

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        created_at = self.created_at.isoformat()

        closed_at: None | str
        if isinstance(self.closed_at, datetime.datetime):
            closed_at = self.closed_at.isoformat()
        else:
            closed_at = self.closed_at

        campaign_id: None | str
        campaign_id = self.campaign_id

        code_available = self.code_available

        qr_png_url = self.qr_png_url

        qr_svg_url = self.qr_svg_url


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "id": id,
            "status": status,
            "value": value,
            "remaining": remaining,
            "funding": funding,
            "promotional": promotional,
            "expires_at": expires_at,
            "created_at": created_at,
            "closed_at": closed_at,
            "campaign_id": campaign_id,
            "code_available": code_available,
            "qr_png_url": qr_png_url,
            "qr_svg_url": qr_svg_url,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        status = VoucherSummaryOutStatus(d.pop("status"))




        value = d.pop("value")

        remaining = d.pop("remaining")

        funding = d.pop("funding")

        promotional = d.pop("promotional")

        def _parse_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)



                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expires_at = _parse_expires_at(d.pop("expires_at"))


        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        def _parse_closed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                closed_at_type_0 = datetime.datetime.fromisoformat(data)



                return closed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        closed_at = _parse_closed_at(d.pop("closed_at"))


        def _parse_campaign_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        campaign_id = _parse_campaign_id(d.pop("campaign_id"))


        code_available = d.pop("code_available")

        qr_png_url = d.pop("qr_png_url")

        qr_svg_url = d.pop("qr_svg_url")

        voucher_summary_out = cls(
            id=id,
            status=status,
            value=value,
            remaining=remaining,
            funding=funding,
            promotional=promotional,
            expires_at=expires_at,
            created_at=created_at,
            closed_at=closed_at,
            campaign_id=campaign_id,
            code_available=code_available,
            qr_png_url=qr_png_url,
            qr_svg_url=qr_svg_url,
        )

        return voucher_summary_out

