from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="VoucherOut")



@_attrs_define
class VoucherOut:
    """ 
        Attributes:
            id (str | Unset):
            status (str | Unset):
            value (int | Unset):
            remaining (int | Unset):
            funding (str | Unset):
            promotional (bool | Unset):
            expires_at (datetime.datetime | None | Unset):
            created_at (datetime.datetime | Unset):
            closed_at (datetime.datetime | None | Unset):
            code_available (bool | Unset): whether GET /v1/vouchers/{id}/code can show the manual code again
            campaign_id (None | str | Unset):
            payload (str | Unset):
            code (str | Unset): manual code, shown once at issue
            qr_png_url (str | Unset):
            qr_svg_url (str | Unset):
     """

    id: str | Unset = UNSET
    status: str | Unset = UNSET
    value: int | Unset = UNSET
    remaining: int | Unset = UNSET
    funding: str | Unset = UNSET
    promotional: bool | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    closed_at: datetime.datetime | None | Unset = UNSET
    code_available: bool | Unset = UNSET
    campaign_id: None | str | Unset = UNSET
    payload: str | Unset = UNSET
    code: str | Unset = UNSET
    qr_png_url: str | Unset = UNSET
    qr_svg_url: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        status = self.status

        value = self.value

        remaining = self.remaining

        funding = self.funding

        promotional = self.promotional

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        closed_at: None | str | Unset
        if isinstance(self.closed_at, Unset):
            closed_at = UNSET
        elif isinstance(self.closed_at, datetime.datetime):
            closed_at = self.closed_at.isoformat()
        else:
            closed_at = self.closed_at

        code_available = self.code_available

        campaign_id: None | str | Unset
        if isinstance(self.campaign_id, Unset):
            campaign_id = UNSET
        else:
            campaign_id = self.campaign_id

        payload = self.payload

        code = self.code

        qr_png_url = self.qr_png_url

        qr_svg_url = self.qr_svg_url


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if id is not UNSET:
            field_dict["id"] = id
        if status is not UNSET:
            field_dict["status"] = status
        if value is not UNSET:
            field_dict["value"] = value
        if remaining is not UNSET:
            field_dict["remaining"] = remaining
        if funding is not UNSET:
            field_dict["funding"] = funding
        if promotional is not UNSET:
            field_dict["promotional"] = promotional
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if closed_at is not UNSET:
            field_dict["closed_at"] = closed_at
        if code_available is not UNSET:
            field_dict["code_available"] = code_available
        if campaign_id is not UNSET:
            field_dict["campaign_id"] = campaign_id
        if payload is not UNSET:
            field_dict["payload"] = payload
        if code is not UNSET:
            field_dict["code"] = code
        if qr_png_url is not UNSET:
            field_dict["qr_png_url"] = qr_png_url
        if qr_svg_url is not UNSET:
            field_dict["qr_svg_url"] = qr_svg_url

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id", UNSET)

        status = d.pop("status", UNSET)

        value = d.pop("value", UNSET)

        remaining = d.pop("remaining", UNSET)

        funding = d.pop("funding", UNSET)

        promotional = d.pop("promotional", UNSET)

        def _parse_expires_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)



                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        expires_at = _parse_expires_at(d.pop("expires_at", UNSET))


        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at,  Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)




        def _parse_closed_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                closed_at_type_0 = datetime.datetime.fromisoformat(data)



                return closed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        closed_at = _parse_closed_at(d.pop("closed_at", UNSET))


        code_available = d.pop("code_available", UNSET)

        def _parse_campaign_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        campaign_id = _parse_campaign_id(d.pop("campaign_id", UNSET))


        payload = d.pop("payload", UNSET)

        code = d.pop("code", UNSET)

        qr_png_url = d.pop("qr_png_url", UNSET)

        qr_svg_url = d.pop("qr_svg_url", UNSET)

        voucher_out = cls(
            id=id,
            status=status,
            value=value,
            remaining=remaining,
            funding=funding,
            promotional=promotional,
            expires_at=expires_at,
            created_at=created_at,
            closed_at=closed_at,
            code_available=code_available,
            campaign_id=campaign_id,
            payload=payload,
            code=code,
            qr_png_url=qr_png_url,
            qr_svg_url=qr_svg_url,
        )

        return voucher_out

