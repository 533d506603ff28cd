from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.entry_out_object_type_type_1 import EntryOutObjectTypeType1
from ..models.entry_out_object_type_type_2_type_1 import EntryOutObjectTypeType2Type1
from ..models.entry_out_object_type_type_3_type_1 import EntryOutObjectTypeType3Type1
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="EntryOut")



@_attrs_define
class EntryOut:
    """ 
        Attributes:
            id (str):
            kind (str):
            amount (int): Credits, signed from the person's point of view.
            description (None | str):
            object_type (EntryOutObjectTypeType1 | EntryOutObjectTypeType2Type1 | EntryOutObjectTypeType3Type1 | None): what
                the entry is about
            object_id (None | str):
            created_at (datetime.datetime):
            purchase_id (None | str | Unset):
     """

    id: str
    kind: str
    amount: int
    description: None | str
    object_type: EntryOutObjectTypeType1 | EntryOutObjectTypeType2Type1 | EntryOutObjectTypeType3Type1 | None
    object_id: None | str
    created_at: datetime.datetime
    purchase_id: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        kind = self.kind

        amount = self.amount

        description: None | str
        description = self.description

        object_type: None | str
        if isinstance(self.object_type, EntryOutObjectTypeType1):
            object_type = self.object_type.value
        elif isinstance(self.object_type, EntryOutObjectTypeType2Type1):
            object_type = self.object_type.value
        elif isinstance(self.object_type, EntryOutObjectTypeType3Type1):
            object_type = self.object_type.value
        else:
            object_type = self.object_type

        object_id: None | str
        object_id = self.object_id

        created_at = self.created_at.isoformat()

        purchase_id: None | str | Unset
        if isinstance(self.purchase_id, Unset):
            purchase_id = UNSET
        else:
            purchase_id = self.purchase_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "id": id,
            "kind": kind,
            "amount": amount,
            "description": description,
            "object_type": object_type,
            "object_id": object_id,
            "created_at": created_at,
        })
        if purchase_id is not UNSET:
            field_dict["purchase_id"] = purchase_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        kind = d.pop("kind")

        amount = d.pop("amount")

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))


        def _parse_object_type(data: object) -> EntryOutObjectTypeType1 | EntryOutObjectTypeType2Type1 | EntryOutObjectTypeType3Type1 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                object_type_type_1 = EntryOutObjectTypeType1(data)



                return object_type_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                object_type_type_2_type_1 = EntryOutObjectTypeType2Type1(data)



                return object_type_type_2_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                object_type_type_3_type_1 = EntryOutObjectTypeType3Type1(data)



                return object_type_type_3_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EntryOutObjectTypeType1 | EntryOutObjectTypeType2Type1 | EntryOutObjectTypeType3Type1 | None, data)

        object_type = _parse_object_type(d.pop("object_type"))


        def _parse_object_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        object_id = _parse_object_id(d.pop("object_id"))


        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        def _parse_purchase_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        purchase_id = _parse_purchase_id(d.pop("purchase_id", UNSET))


        entry_out = cls(
            id=id,
            kind=kind,
            amount=amount,
            description=description,
            object_type=object_type,
            object_id=object_id,
            created_at=created_at,
            purchase_id=purchase_id,
        )

        return entry_out

