from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="ShiftSummaryOut")



@_attrs_define
class ShiftSummaryOut:
    """ 
        Attributes:
            counter_id (str):
            since (datetime.datetime):
            until (datetime.datetime):
            count (int): redemptions, voided too
            total (int): credits, voided too
            voided_count (int):
            voided_total (int):
            net_total (int): total - voided_total
            void_window_seconds (int):
     """

    counter_id: str
    since: datetime.datetime
    until: datetime.datetime
    count: int
    total: int
    voided_count: int
    voided_total: int
    net_total: int
    void_window_seconds: int





    def to_dict(self) -> dict[str, Any]:
        counter_id = self.counter_id

        since = self.since.isoformat()

        until = self.until.isoformat()

        count = self.count

        total = self.total

        voided_count = self.voided_count

        voided_total = self.voided_total

        net_total = self.net_total

        void_window_seconds = self.void_window_seconds


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "counter_id": counter_id,
            "since": since,
            "until": until,
            "count": count,
            "total": total,
            "voided_count": voided_count,
            "voided_total": voided_total,
            "net_total": net_total,
            "void_window_seconds": void_window_seconds,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        counter_id = d.pop("counter_id")

        since = datetime.datetime.fromisoformat(d.pop("since"))




        until = datetime.datetime.fromisoformat(d.pop("until"))




        count = d.pop("count")

        total = d.pop("total")

        voided_count = d.pop("voided_count")

        voided_total = d.pop("voided_total")

        net_total = d.pop("net_total")

        void_window_seconds = d.pop("void_window_seconds")

        shift_summary_out = cls(
            counter_id=counter_id,
            since=since,
            until=until,
            count=count,
            total=total,
            voided_count=voided_count,
            voided_total=voided_total,
            net_total=net_total,
            void_window_seconds=void_window_seconds,
        )

        return shift_summary_out

