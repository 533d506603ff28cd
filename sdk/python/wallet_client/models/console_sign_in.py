from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="ConsoleSignIn")



@_attrs_define
class ConsoleSignIn:
    """ 
        Attributes:
            key (str | Unset): An operator key ak_…; or email, password and code.
            email (str | Unset):
            password (str | Unset):
            code (str | Unset): The 6-digit TOTP code.
     """

    key: str | Unset = UNSET
    email: str | Unset = UNSET
    password: str | Unset = UNSET
    code: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        key = self.key

        email = self.email

        password = self.password

        code = self.code


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if key is not UNSET:
            field_dict["key"] = key
        if email is not UNSET:
            field_dict["email"] = email
        if password is not UNSET:
            field_dict["password"] = password
        if code is not UNSET:
            field_dict["code"] = code

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        key = d.pop("key", UNSET)

        email = d.pop("email", UNSET)

        password = d.pop("password", UNSET)

        code = d.pop("code", UNSET)

        console_sign_in = cls(
            key=key,
            email=email,
            password=password,
            code=code,
        )

        return console_sign_in

