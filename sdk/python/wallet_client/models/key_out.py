from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="KeyOut")



@_attrs_define
class KeyOut:
    """ 
        Attributes:
            kid (str | Unset):
            kty (str | Unset):
            crv (str | Unset):
            x (str | Unset):
            alg (str | Unset):
            use (str | Unset):
            status (str | Unset):
     """

    kid: str | Unset = UNSET
    kty: str | Unset = UNSET
    crv: str | Unset = UNSET
    x: str | Unset = UNSET
    alg: str | Unset = UNSET
    use: str | Unset = UNSET
    status: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        kid = self.kid

        kty = self.kty

        crv = self.crv

        x = self.x

        alg = self.alg

        use = self.use

        status = self.status


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if kid is not UNSET:
            field_dict["kid"] = kid
        if kty is not UNSET:
            field_dict["kty"] = kty
        if crv is not UNSET:
            field_dict["crv"] = crv
        if x is not UNSET:
            field_dict["x"] = x
        if alg is not UNSET:
            field_dict["alg"] = alg
        if use is not UNSET:
            field_dict["use"] = use
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kid = d.pop("kid", UNSET)

        kty = d.pop("kty", UNSET)

        crv = d.pop("crv", UNSET)

        x = d.pop("x", UNSET)

        alg = d.pop("alg", UNSET)

        use = d.pop("use", UNSET)

        status = d.pop("status", UNSET)

        key_out = cls(
            kid=kid,
            kty=kty,
            crv=crv,
            x=x,
            alg=alg,
            use=use,
            status=status,
        )

        return key_out

