from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="CounterKeyRevoked")



@_attrs_define
class CounterKeyRevoked:
    """ 
        Attributes:
            object_ (str):
            counter_id (str):
            revoked_keys (list[str]):
     """

    object_: str
    counter_id: str
    revoked_keys: list[str]





    def to_dict(self) -> dict[str, Any]:
        object_ = self.object_

        counter_id = self.counter_id

        revoked_keys = self.revoked_keys




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "object": object_,
            "counter_id": counter_id,
            "revoked_keys": revoked_keys,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        object_ = d.pop("object")

        counter_id = d.pop("counter_id")

        revoked_keys = cast(list[str], d.pop("revoked_keys"))


        counter_key_revoked = cls(
            object_=object_,
            counter_id=counter_id,
            revoked_keys=revoked_keys,
        )

        return counter_key_revoked

