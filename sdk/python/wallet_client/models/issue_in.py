from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.issue_in_funding import IssueInFunding
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="IssueIn")



@_attrs_define
class IssueIn:
    """ 
        Attributes:
            value (int):
            expires_at (datetime.datetime | Unset):
            funding (IssueInFunding | Unset): operator only; default promotion
     """

    value: int
    expires_at: datetime.datetime | Unset = UNSET
    funding: IssueInFunding | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        value = self.value

        expires_at: str | Unset = UNSET
        if not isinstance(self.expires_at, Unset):
            expires_at = self.expires_at.isoformat()

        funding: str | Unset = UNSET
        if not isinstance(self.funding, Unset):
            funding = self.funding.value



        field_dict: dict[str, Any] = {}

        field_dict.update({
            "value": value,
        })
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if funding is not UNSET:
            field_dict["funding"] = funding

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        value = d.pop("value")

        _expires_at = d.pop("expires_at", UNSET)
        expires_at: datetime.datetime | Unset
        if isinstance(_expires_at,  Unset):
            expires_at = UNSET
        else:
            expires_at = datetime.datetime.fromisoformat(_expires_at)




        _funding = d.pop("funding", UNSET)
        funding: IssueInFunding | Unset
        if isinstance(_funding,  Unset):
            funding = UNSET
        else:
            funding = IssueInFunding(_funding)




        issue_in = cls(
            value=value,
            expires_at=expires_at,
            funding=funding,
        )

        return issue_in

