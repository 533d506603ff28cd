from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.campaign_in_funding import CampaignInFunding
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="CampaignIn")



@_attrs_define
class CampaignIn:
    """ 
        Attributes:
            count (int):
            value (int):
            funding (CampaignInFunding):
            expires_at (datetime.datetime | Unset):
            label (str | Unset):
     """

    count: int
    value: int
    funding: CampaignInFunding
    expires_at: datetime.datetime | Unset = UNSET
    label: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        count = self.count

        value = self.value

        funding = self.funding.value

        expires_at: str | Unset = UNSET
        if not isinstance(self.expires_at, Unset):
            expires_at = self.expires_at.isoformat()

        label = self.label


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "count": count,
            "value": value,
            "funding": funding,
        })
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if label is not UNSET:
            field_dict["label"] = label

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        count = d.pop("count")

        value = d.pop("value")

        funding = CampaignInFunding(d.pop("funding"))




        _expires_at = d.pop("expires_at", UNSET)
        expires_at: datetime.datetime | Unset
        if isinstance(_expires_at,  Unset):
            expires_at = UNSET
        else:
            expires_at = datetime.datetime.fromisoformat(_expires_at)




        label = d.pop("label", UNSET)

        campaign_in = cls(
            count=count,
            value=value,
            funding=funding,
            expires_at=expires_at,
            label=label,
        )

        return campaign_in

