from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.post_authorize_body_decision import PostAuthorizeBodyDecision
from ..types import UNSET, Unset






T = TypeVar("T", bound="PostAuthorizeBody")



@_attrs_define
class PostAuthorizeBody:
    """ 
        Attributes:
            decision (PostAuthorizeBodyDecision):
            per_purchase_cap (str | Unset):
            daily_cap (str | Unset):
            csrf_token (str | Unset):
     """

    decision: PostAuthorizeBodyDecision
    per_purchase_cap: str | Unset = UNSET
    daily_cap: str | Unset = UNSET
    csrf_token: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        decision = self.decision.value

        per_purchase_cap = self.per_purchase_cap

        daily_cap = self.daily_cap

        csrf_token = self.csrf_token


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "decision": decision,
        })
        if per_purchase_cap is not UNSET:
            field_dict["per_purchase_cap"] = per_purchase_cap
        if daily_cap is not UNSET:
            field_dict["daily_cap"] = daily_cap
        if csrf_token is not UNSET:
            field_dict["csrf_token"] = csrf_token

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        decision = PostAuthorizeBodyDecision(d.pop("decision"))




        per_purchase_cap = d.pop("per_purchase_cap", UNSET)

        daily_cap = d.pop("daily_cap", UNSET)

        csrf_token = d.pop("csrf_token", UNSET)

        post_authorize_body = cls(
            decision=decision,
            per_purchase_cap=per_purchase_cap,
            daily_cap=daily_cap,
            csrf_token=csrf_token,
        )


        post_authorize_body.additional_properties = d
        return post_authorize_body

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
