from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.churn_out import ChurnOut





T = TypeVar("T", bound="SummaryOut")



@_attrs_define
class SummaryOut:
    """ 
        Attributes:
            object_ (str):
            active_subscribers (int):
            monthly_recurring_credits (int):
            churn_30d (ChurnOut):
     """

    object_: str
    active_subscribers: int
    monthly_recurring_credits: int
    churn_30d: ChurnOut





    def to_dict(self) -> dict[str, Any]:
        from ..models.churn_out import ChurnOut # noqa: PLC0415
        object_ = self.object_

        active_subscribers = self.active_subscribers

        monthly_recurring_credits = self.monthly_recurring_credits

        churn_30d = self.churn_30d.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "object": object_,
            "active_subscribers": active_subscribers,
            "monthly_recurring_credits": monthly_recurring_credits,
            "churn_30d": churn_30d,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.churn_out import ChurnOut # noqa: PLC0415
        d = dict(src_dict)
        object_ = d.pop("object")

        active_subscribers = d.pop("active_subscribers")

        monthly_recurring_credits = d.pop("monthly_recurring_credits")

        churn_30d = ChurnOut.from_dict(d.pop("churn_30d"))




        summary_out = cls(
            object_=object_,
            active_subscribers=active_subscribers,
            monthly_recurring_credits=monthly_recurring_credits,
            churn_30d=churn_30d,
        )

        return summary_out

