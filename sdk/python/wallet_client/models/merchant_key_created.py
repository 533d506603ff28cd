from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="MerchantKeyCreated")



@_attrs_define
class MerchantKeyCreated:
    """ 
        Attributes:
            id (str):
            kind (str):
            hint (str): Last 4 characters.
            label (str):
            created_at (datetime.datetime):
            revoked_at (datetime.datetime | None):
            secret_key (str): Shown once.
     """

    id: str
    kind: str
    hint: str
    label: str
    created_at: datetime.datetime
    revoked_at: datetime.datetime | None
    secret_key: str





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        kind = self.kind

        hint = self.hint

        label = self.label

        created_at = self.created_at.isoformat()

        revoked_at: None | str
        if isinstance(self.revoked_at, datetime.datetime):
            revoked_at = self.revoked_at.isoformat()
        else:
            revoked_at = self.revoked_at

        secret_key = self.secret_key


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "id": id,
            "kind": kind,
            "hint": hint,
            "label": label,
            "created_at": created_at,
            "revoked_at": revoked_at,
            "secret_key": secret_key,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        kind = d.pop("kind")

        hint = d.pop("hint")

        label = d.pop("label")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        def _parse_revoked_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                revoked_at_type_0 = datetime.datetime.fromisoformat(data)



                return revoked_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        revoked_at = _parse_revoked_at(d.pop("revoked_at"))


        secret_key = d.pop("secret_key")

        merchant_key_created = cls(
            id=id,
            kind=kind,
            hint=hint,
            label=label,
            created_at=created_at,
            revoked_at=revoked_at,
            secret_key=secret_key,
        )

        return merchant_key_created

