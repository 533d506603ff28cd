from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.mismatch_out import MismatchOut





T = TypeVar("T", bound="ReconciliationOut")



@_attrs_define
class ReconciliationOut:
    """ 
        Attributes:
            ok (bool):
            books_balance (int): the sum of every balance: 0 when the books balance
            identity (str):
            mismatched_kinds (list[MismatchOut]):
            vouchers_table (int):
            vouchers_match (bool):
     """

    ok: bool
    books_balance: int
    identity: str
    mismatched_kinds: list[MismatchOut]
    vouchers_table: int
    vouchers_match: bool





    def to_dict(self) -> dict[str, Any]:
        from ..models.mismatch_out import MismatchOut # noqa: PLC0415
        ok = self.ok

        books_balance = self.books_balance

        identity = self.identity

        mismatched_kinds = []
        for mismatched_kinds_item_data in self.mismatched_kinds:
            mismatched_kinds_item = mismatched_kinds_item_data.to_dict()
            mismatched_kinds.append(mismatched_kinds_item)



        vouchers_table = self.vouchers_table

        vouchers_match = self.vouchers_match


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "ok": ok,
            "books_balance": books_balance,
            "identity": identity,
            "mismatched_kinds": mismatched_kinds,
            "vouchers_table": vouchers_table,
            "vouchers_match": vouchers_match,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.mismatch_out import MismatchOut # noqa: PLC0415
        d = dict(src_dict)
        ok = d.pop("ok")

        books_balance = d.pop("books_balance")

        identity = d.pop("identity")

        mismatched_kinds = []
        _mismatched_kinds = d.pop("mismatched_kinds")
        for mismatched_kinds_item_data in (_mismatched_kinds):
            mismatched_kinds_item = MismatchOut.from_dict(mismatched_kinds_item_data)



            mismatched_kinds.append(mismatched_kinds_item)


        vouchers_table = d.pop("vouchers_table")

        vouchers_match = d.pop("vouchers_match")

        reconciliation_out = cls(
            ok=ok,
            books_balance=books_balance,
            identity=identity,
            mismatched_kinds=mismatched_kinds,
            vouchers_table=vouchers_table,
            vouchers_match=vouchers_match,
        )

        return reconciliation_out

