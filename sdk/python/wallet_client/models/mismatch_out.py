from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="MismatchOut")



@_attrs_define
class MismatchOut:
    """ 
        Attributes:
            kind (str):
            balances (int):
            postings (int):
     """

    kind: str
    balances: int
    postings: int





    def to_dict(self) -> dict[str, Any]:
        kind = self.kind

        balances = self.balances

        postings = self.postings


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "kind": kind,
            "balances": balances,
            "postings": postings,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kind = d.pop("kind")

        balances = d.pop("balances")

        postings = d.pop("postings")

        mismatch_out = cls(
            kind=kind,
            balances=balances,
            postings=postings,
        )

        return mismatch_out

