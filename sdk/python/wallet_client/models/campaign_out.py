from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.voucher_out import VoucherOut





T = TypeVar("T", bound="CampaignOut")



@_attrs_define
class CampaignOut:
    """ 
        Attributes:
            id (str | Unset):
            label (str | Unset):
            funding (str | Unset):
            count (int | Unset):
            value (int | Unset):
            expires_at (datetime.datetime | None | Unset):
            vouchers (list[VoucherOut] | Unset):
     """

    id: str | Unset = UNSET
    label: str | Unset = UNSET
    funding: str | Unset = UNSET
    count: int | Unset = UNSET
    value: int | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET
    vouchers: list[VoucherOut] | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.voucher_out import VoucherOut # noqa: PLC0415
        id = self.id

        label = self.label

        funding = self.funding

        count = self.count

        value = self.value

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        vouchers: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.vouchers, Unset):
            vouchers = []
            for vouchers_item_data in self.vouchers:
                vouchers_item = vouchers_item_data.to_dict()
                vouchers.append(vouchers_item)




        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if id is not UNSET:
            field_dict["id"] = id
        if label is not UNSET:
            field_dict["label"] = label
        if funding is not UNSET:
            field_dict["funding"] = funding
        if count is not UNSET:
            field_dict["count"] = count
        if value is not UNSET:
            field_dict["value"] = value
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if vouchers is not UNSET:
            field_dict["vouchers"] = vouchers

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.voucher_out import VoucherOut # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id", UNSET)

        label = d.pop("label", UNSET)

        funding = d.pop("funding", UNSET)

        count = d.pop("count", UNSET)

        value = d.pop("value", UNSET)

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


        _vouchers = d.pop("vouchers", UNSET)
        vouchers: list[VoucherOut] | Unset = UNSET
        if _vouchers is not UNSET:
            vouchers = []
            for vouchers_item_data in _vouchers:
                vouchers_item = VoucherOut.from_dict(vouchers_item_data)



                vouchers.append(vouchers_item)


        campaign_out = cls(
            id=id,
            label=label,
            funding=funding,
            count=count,
            value=value,
            expires_at=expires_at,
            vouchers=vouchers,
        )

        return campaign_out

