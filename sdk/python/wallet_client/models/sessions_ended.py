from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="SessionsEnded")



@_attrs_define
class SessionsEnded:
    """ 
        Attributes:
            ended (int): sessions signed out
            csrf_token (str):
     """

    ended: int
    csrf_token: str





    def to_dict(self) -> dict[str, Any]:
        ended = self.ended

        csrf_token = self.csrf_token


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "ended": ended,
            "csrf_token": csrf_token,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        ended = d.pop("ended")

        csrf_token = d.pop("csrf_token")

        sessions_ended = cls(
            ended=ended,
            csrf_token=csrf_token,
        )

        return sessions_ended

