from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.purchase_in_metadata_type_0 import PurchaseInMetadataType0





T = TypeVar("T", bound="PurchaseIn")



@_attrs_define
class PurchaseIn:
    """ 
        Attributes:
            amount (int): Credits, a whole number.
            description (str):
            metadata (None | PurchaseInMetadataType0 | Unset):
     """

    amount: int
    description: str
    metadata: None | PurchaseInMetadataType0 | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.purchase_in_metadata_type_0 import PurchaseInMetadataType0 # noqa: PLC0415
        amount = self.amount

        description = self.description

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, PurchaseInMetadataType0):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "amount": amount,
            "description": description,
        })
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.purchase_in_metadata_type_0 import PurchaseInMetadataType0 # noqa: PLC0415
        d = dict(src_dict)
        amount = d.pop("amount")

        description = d.pop("description")

        def _parse_metadata(data: object) -> None | PurchaseInMetadataType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metadata_type_0 = PurchaseInMetadataType0.from_dict(data)



                return metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PurchaseInMetadataType0 | Unset, data)

        metadata = _parse_metadata(d.pop("metadata", UNSET))


        purchase_in = cls(
            amount=amount,
            description=description,
            metadata=metadata,
        )

        return purchase_in

