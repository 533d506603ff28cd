from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="OpenShortfallOut")



@_attrs_define
class OpenShortfallOut:
    """ 
        Attributes:
            id (str):
            user_id (str):
            topup_id (str):
            credits_ (int):
            reason (str):
     """

    id: str
    user_id: str
    topup_id: str
    credits_: int
    reason: str





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        user_id = self.user_id

        topup_id = self.topup_id

        credits_ = self.credits_

        reason = self.reason


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "id": id,
            "user_id": user_id,
            "topup_id": topup_id,
            "credits": credits_,
            "reason": reason,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        user_id = d.pop("user_id")

        topup_id = d.pop("topup_id")

        credits_ = d.pop("credits")

        reason = d.pop("reason")

        open_shortfall_out = cls(
            id=id,
            user_id=user_id,
            topup_id=topup_id,
            credits_=credits_,
            reason=reason,
        )

        return open_shortfall_out

