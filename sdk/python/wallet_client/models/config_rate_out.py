from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="ConfigRateOut")



@_attrs_define
class ConfigRateOut:
    """ 
        Attributes:
            credits_ (int):
            money_minor (int):
            chunk_credits (int):
            chunk_minor (int):
     """

    credits_: int
    money_minor: int
    chunk_credits: int
    chunk_minor: int





    def to_dict(self) -> dict[str, Any]:
        credits_ = self.credits_

        money_minor = self.money_minor

        chunk_credits = self.chunk_credits

        chunk_minor = self.chunk_minor


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "credits": credits_,
            "money_minor": money_minor,
            "chunk_credits": chunk_credits,
            "chunk_minor": chunk_minor,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        credits_ = d.pop("credits")

        money_minor = d.pop("money_minor")

        chunk_credits = d.pop("chunk_credits")

        chunk_minor = d.pop("chunk_minor")

        config_rate_out = cls(
            credits_=credits_,
            money_minor=money_minor,
            chunk_credits=chunk_credits,
            chunk_minor=chunk_minor,
        )

        return config_rate_out

