from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.credits_out import CreditsOut
  from ..models.expiring_soon_out import ExpiringSoonOut
  from ..models.expiry_out import ExpiryOut
  from ..models.freeze_out import FreezeOut
  from ..models.operator_wallet_out_next_expiry_type_0_type_0 import OperatorWalletOutNextExpiryType0Type0





T = TypeVar("T", bound="OperatorWalletOut")



@_attrs_define
class OperatorWalletOut:
    """ 
        Attributes:
            object_ (str):
            user_id (str):
            credits_ (CreditsOut):
            frozen (bool):
            next_expiry (ExpiryOut | None | OperatorWalletOutNextExpiryType0Type0):
            expiring_soon (ExpiringSoonOut):
            low_balance (bool): total below WALLET_LOW_BALANCE_CREDITS (default 100)
            email (str):
            freeze (FreezeOut):
     """

    object_: str
    user_id: str
    credits_: CreditsOut
    frozen: bool
    next_expiry: ExpiryOut | None | OperatorWalletOutNextExpiryType0Type0
    expiring_soon: ExpiringSoonOut
    low_balance: bool
    email: str
    freeze: FreezeOut





    def to_dict(self) -> dict[str, Any]:
        from ..models.credits_out import CreditsOut # noqa: PLC0415
        from ..models.expiring_soon_out import ExpiringSoonOut # noqa: PLC0415
        from ..models.expiry_out import ExpiryOut # noqa: PLC0415
        from ..models.freeze_out import FreezeOut # noqa: PLC0415
        from ..models.operator_wallet_out_next_expiry_type_0_type_0 import OperatorWalletOutNextExpiryType0Type0 # noqa: PLC0415
        object_ = self.object_

        user_id = self.user_id

        credits_ = self.credits_.to_dict()

        frozen = self.frozen

        next_expiry: dict[str, Any] | None
        if isinstance(self.next_expiry, OperatorWalletOutNextExpiryType0Type0):
            next_expiry = self.next_expiry.to_dict()
        elif isinstance(self.next_expiry, ExpiryOut):
            next_expiry = self.next_expiry.to_dict()
        else:
            next_expiry = self.next_expiry

        expiring_soon = self.expiring_soon.to_dict()

        low_balance = self.low_balance

        email = self.email

        freeze = self.freeze.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "object": object_,
            "user_id": user_id,
            "credits": credits_,
            "frozen": frozen,
            "next_expiry": next_expiry,
            "expiring_soon": expiring_soon,
            "low_balance": low_balance,
            "email": email,
            "freeze": freeze,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.credits_out import CreditsOut # noqa: PLC0415
        from ..models.expiring_soon_out import ExpiringSoonOut # noqa: PLC0415
        from ..models.expiry_out import ExpiryOut # noqa: PLC0415
        from ..models.freeze_out import FreezeOut # noqa: PLC0415
        from ..models.operator_wallet_out_next_expiry_type_0_type_0 import OperatorWalletOutNextExpiryType0Type0 # noqa: PLC0415
        d = dict(src_dict)
        object_ = d.pop("object")

        user_id = d.pop("user_id")

        credits_ = CreditsOut.from_dict(d.pop("credits"))




        frozen = d.pop("frozen")

        def _parse_next_expiry(data: object) -> ExpiryOut | None | OperatorWalletOutNextExpiryType0Type0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                next_expiry_type_0_type_0 = OperatorWalletOutNextExpiryType0Type0.from_dict(data)



                return next_expiry_type_0_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                next_expiry_type_1 = ExpiryOut.from_dict(data)



                return next_expiry_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ExpiryOut | None | OperatorWalletOutNextExpiryType0Type0, data)

        next_expiry = _parse_next_expiry(d.pop("next_expiry"))


        expiring_soon = ExpiringSoonOut.from_dict(d.pop("expiring_soon"))




        low_balance = d.pop("low_balance")

        email = d.pop("email")

        freeze = FreezeOut.from_dict(d.pop("freeze"))




        operator_wallet_out = cls(
            object_=object_,
            user_id=user_id,
            credits_=credits_,
            frozen=frozen,
            next_expiry=next_expiry,
            expiring_soon=expiring_soon,
            low_balance=low_balance,
            email=email,
            freeze=freeze,
        )

        return operator_wallet_out

