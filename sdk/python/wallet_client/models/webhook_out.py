from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="WebhookOut")



@_attrs_define
class WebhookOut:
    """ 
        Attributes:
            received (bool):
            event_id (str):
            type_ (str):
            outcome (str):
            topup_id (None | str):
            duplicate (bool):
     """

    received: bool
    event_id: str
    type_: str
    outcome: str
    topup_id: None | str
    duplicate: bool





    def to_dict(self) -> dict[str, Any]:
        received = self.received

        event_id = self.event_id

        type_ = self.type_

        outcome = self.outcome

        topup_id: None | str
        topup_id = self.topup_id

        duplicate = self.duplicate


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "received": received,
            "event_id": event_id,
            "type": type_,
            "outcome": outcome,
            "topup_id": topup_id,
            "duplicate": duplicate,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        received = d.pop("received")

        event_id = d.pop("event_id")

        type_ = d.pop("type")

        outcome = d.pop("outcome")

        def _parse_topup_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        topup_id = _parse_topup_id(d.pop("topup_id"))


        duplicate = d.pop("duplicate")

        webhook_out = cls(
            received=received,
            event_id=event_id,
            type_=type_,
            outcome=outcome,
            topup_id=topup_id,
            duplicate=duplicate,
        )

        return webhook_out

