from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="LossOut")



@_attrs_define
class LossOut:
    """ 
        Attributes:
            transaction_id (str):
            credits_ (int):
            created_at (str):
            shortfall_id (None | str):
            topup_id (None | str):
     """

    transaction_id: str
    credits_: int
    created_at: str
    shortfall_id: None | str
    topup_id: None | str





    def to_dict(self) -> dict[str, Any]:
        transaction_id = self.transaction_id

        credits_ = self.credits_

        created_at = self.created_at

        shortfall_id: None | str
        shortfall_id = self.shortfall_id

        topup_id: None | str
        topup_id = self.topup_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "transaction_id": transaction_id,
            "credits": credits_,
            "created_at": created_at,
            "shortfall_id": shortfall_id,
            "topup_id": topup_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        transaction_id = d.pop("transaction_id")

        credits_ = d.pop("credits")

        created_at = d.pop("created_at")

        def _parse_shortfall_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        shortfall_id = _parse_shortfall_id(d.pop("shortfall_id"))


        def _parse_topup_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        topup_id = _parse_topup_id(d.pop("topup_id"))


        loss_out = cls(
            transaction_id=transaction_id,
            credits_=credits_,
            created_at=created_at,
            shortfall_id=shortfall_id,
            topup_id=topup_id,
        )

        return loss_out

