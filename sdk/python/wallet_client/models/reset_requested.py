from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="ResetRequested")



@_attrs_define
class ResetRequested:
    """ 
        Attributes:
            sent (bool): always true: the answer does not say whether the email has an account
     """

    sent: bool





    def to_dict(self) -> dict[str, Any]:
        sent = self.sent


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "sent": sent,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        sent = d.pop("sent")

        reset_requested = cls(
            sent=sent,
        )

        return reset_requested

