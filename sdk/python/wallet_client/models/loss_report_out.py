from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.loss_out import LossOut
  from ..models.open_shortfall_out import OpenShortfallOut





T = TypeVar("T", bound="LossReportOut")



@_attrs_define
class LossReportOut:
    """ 
        Attributes:
            object_ (Any):  Default: 'loss_report'.
            losses (list[LossOut]):
            lost_credits (int):
            recovered_credits (int):
            restored_credits (int):
            open_shortfalls (list[OpenShortfallOut]):
            open_shortfall_credits (int):
     """

    losses: list[LossOut]
    lost_credits: int
    recovered_credits: int
    restored_credits: int
    open_shortfalls: list[OpenShortfallOut]
    open_shortfall_credits: int
    object_: Any = 'loss_report'





    def to_dict(self) -> dict[str, Any]:
        from ..models.loss_out import LossOut # noqa: PLC0415
        from ..models.open_shortfall_out import OpenShortfallOut # noqa: PLC0415
        object_ = self.object_

        losses = []
        for losses_item_data in self.losses:
            losses_item = losses_item_data.to_dict()
            losses.append(losses_item)



        lost_credits = self.lost_credits

        recovered_credits = self.recovered_credits

        restored_credits = self.restored_credits

        open_shortfalls = []
        for open_shortfalls_item_data in self.open_shortfalls:
            open_shortfalls_item = open_shortfalls_item_data.to_dict()
            open_shortfalls.append(open_shortfalls_item)



        open_shortfall_credits = self.open_shortfall_credits


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "object": object_,
            "losses": losses,
            "lost_credits": lost_credits,
            "recovered_credits": recovered_credits,
            "restored_credits": restored_credits,
            "open_shortfalls": open_shortfalls,
            "open_shortfall_credits": open_shortfall_credits,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.loss_out import LossOut # noqa: PLC0415
        from ..models.open_shortfall_out import OpenShortfallOut # noqa: PLC0415
        d = dict(src_dict)
        object_ = d.pop("object")

        losses = []
        _losses = d.pop("losses")
        for losses_item_data in (_losses):
            losses_item = LossOut.from_dict(losses_item_data)



            losses.append(losses_item)


        lost_credits = d.pop("lost_credits")

        recovered_credits = d.pop("recovered_credits")

        restored_credits = d.pop("restored_credits")

        open_shortfalls = []
        _open_shortfalls = d.pop("open_shortfalls")
        for open_shortfalls_item_data in (_open_shortfalls):
            open_shortfalls_item = OpenShortfallOut.from_dict(open_shortfalls_item_data)



            open_shortfalls.append(open_shortfalls_item)


        open_shortfall_credits = d.pop("open_shortfall_credits")

        loss_report_out = cls(
            object_=object_,
            losses=losses,
            lost_credits=lost_credits,
            recovered_credits=recovered_credits,
            restored_credits=restored_credits,
            open_shortfalls=open_shortfalls,
            open_shortfall_credits=open_shortfall_credits,
        )

        return loss_report_out

