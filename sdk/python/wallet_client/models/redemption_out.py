from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="RedemptionOut")



@_attrs_define
class RedemptionOut:
    """ 
        Attributes:
            redemption_id (str | Unset):
            voucher_id (str | Unset):
            amount (int | Unset):
            remaining (int | Unset):
            merchant_id (None | str | Unset):
            counter_id (None | str | Unset):
            user_id (None | str | Unset):
            credited_to (None | str | Unset):
            created_at (datetime.datetime | Unset):
            voided_at (datetime.datetime | None | Unset):
     """

    redemption_id: str | Unset = UNSET
    voucher_id: str | Unset = UNSET
    amount: int | Unset = UNSET
    remaining: int | Unset = UNSET
    merchant_id: None | str | Unset = UNSET
    counter_id: None | str | Unset = UNSET
    user_id: None | str | Unset = UNSET
    credited_to: None | str | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    voided_at: datetime.datetime | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        redemption_id = self.redemption_id

        voucher_id = self.voucher_id

        amount = self.amount

        remaining = self.remaining

        merchant_id: None | str | Unset
        if isinstance(self.merchant_id, Unset):
            merchant_id = UNSET
        else:
            merchant_id = self.merchant_id

        counter_id: None | str | Unset
        if isinstance(self.counter_id, Unset):
            counter_id = UNSET
        else:
            counter_id = self.counter_id

        user_id: None | str | Unset
        if isinstance(self.user_id, Unset):
            user_id = UNSET
        else:
            user_id = self.user_id

        credited_to: None | str | Unset
        if isinstance(self.credited_to, Unset):
            credited_to = UNSET
        else:
            credited_to = self.credited_to

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        voided_at: None | str | Unset
        if isinstance(self.voided_at, Unset):
            voided_at = UNSET
        elif isinstance(self.voided_at, datetime.datetime):
            voided_at = self.voided_at.isoformat()
        else:
            voided_at = self.voided_at


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if redemption_id is not UNSET:
            field_dict["redemption_id"] = redemption_id
        if voucher_id is not UNSET:
            field_dict["voucher_id"] = voucher_id
        if amount is not UNSET:
            field_dict["amount"] = amount
        if remaining is not UNSET:
            field_dict["remaining"] = remaining
        if merchant_id is not UNSET:
            field_dict["merchant_id"] = merchant_id
        if counter_id is not UNSET:
            field_dict["counter_id"] = counter_id
        if user_id is not UNSET:
            field_dict["user_id"] = user_id
        if credited_to is not UNSET:
            field_dict["credited_to"] = credited_to
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if voided_at is not UNSET:
            field_dict["voided_at"] = voided_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        redemption_id = d.pop("redemption_id", UNSET)

        voucher_id = d.pop("voucher_id", UNSET)

        amount = d.pop("amount", UNSET)

        remaining = d.pop("remaining", UNSET)

        def _parse_merchant_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        merchant_id = _parse_merchant_id(d.pop("merchant_id", UNSET))


        def _parse_counter_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        counter_id = _parse_counter_id(d.pop("counter_id", UNSET))


        def _parse_user_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user_id = _parse_user_id(d.pop("user_id", UNSET))


        def _parse_credited_to(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        credited_to = _parse_credited_to(d.pop("credited_to", UNSET))


        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at,  Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)




        def _parse_voided_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                voided_at_type_0 = datetime.datetime.fromisoformat(data)



                return voided_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        voided_at = _parse_voided_at(d.pop("voided_at", UNSET))


        redemption_out = cls(
            redemption_id=redemption_id,
            voucher_id=voucher_id,
            amount=amount,
            remaining=remaining,
            merchant_id=merchant_id,
            counter_id=counter_id,
            user_id=user_id,
            credited_to=credited_to,
            created_at=created_at,
            voided_at=voided_at,
        )

        return redemption_out

