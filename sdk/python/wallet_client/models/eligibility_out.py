from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.eligibility_out_next_payout_type_0_type_0 import EligibilityOutNextPayoutType0Type0
  from ..models.next_payout_out import NextPayoutOut
  from ..models.reason_out import ReasonOut





T = TypeVar("T", bound="EligibilityOut")



@_attrs_define
class EligibilityOut:
    """ 
        Attributes:
            object_ (str):
            eligible (bool):
            reasons (list[ReasonOut]):
            currency (str):
            available_value (int):
            available_value_display (str):
            minimum (int):
            minimum_display (str):
            missing (int):
            missing_display (str):
            next_payout (EligibilityOutNextPayoutType0Type0 | NextPayoutOut | None):
     """

    object_: str
    eligible: bool
    reasons: list[ReasonOut]
    currency: str
    available_value: int
    available_value_display: str
    minimum: int
    minimum_display: str
    missing: int
    missing_display: str
    next_payout: EligibilityOutNextPayoutType0Type0 | NextPayoutOut | None





    def to_dict(self) -> dict[str, Any]:
        from ..models.eligibility_out_next_payout_type_0_type_0 import EligibilityOutNextPayoutType0Type0 # noqa: PLC0415
        from ..models.next_payout_out import NextPayoutOut # noqa: PLC0415
        from ..models.reason_out import ReasonOut # noqa: PLC0415
        object_ = self.object_

        eligible = self.eligible

        reasons = []
        for reasons_item_data in self.reasons:
            reasons_item = reasons_item_data.to_dict()
            reasons.append(reasons_item)



        currency = self.currency

        available_value = self.available_value

        available_value_display = self.available_value_display

        minimum = self.minimum

        minimum_display = self.minimum_display

        missing = self.missing

        missing_display = self.missing_display

        next_payout: dict[str, Any] | None
        if isinstance(self.next_payout, EligibilityOutNextPayoutType0Type0):
            next_payout = self.next_payout.to_dict()
        elif isinstance(self.next_payout, NextPayoutOut):
            next_payout = self.next_payout.to_dict()
        else:
            next_payout = self.next_payout


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "object": object_,
            "eligible": eligible,
            "reasons": reasons,
            "currency": currency,
            "available_value": available_value,
            "available_value_display": available_value_display,
            "minimum": minimum,
            "minimum_display": minimum_display,
            "missing": missing,
            "missing_display": missing_display,
            "next_payout": next_payout,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.eligibility_out_next_payout_type_0_type_0 import EligibilityOutNextPayoutType0Type0 # noqa: PLC0415
        from ..models.next_payout_out import NextPayoutOut # noqa: PLC0415
        from ..models.reason_out import ReasonOut # noqa: PLC0415
        d = dict(src_dict)
        object_ = d.pop("object")

        eligible = d.pop("eligible")

        reasons = []
        _reasons = d.pop("reasons")
        for reasons_item_data in (_reasons):
            reasons_item = ReasonOut.from_dict(reasons_item_data)



            reasons.append(reasons_item)


        currency = d.pop("currency")

        available_value = d.pop("available_value")

        available_value_display = d.pop("available_value_display")

        minimum = d.pop("minimum")

        minimum_display = d.pop("minimum_display")

        missing = d.pop("missing")

        missing_display = d.pop("missing_display")

        def _parse_next_payout(data: object) -> EligibilityOutNextPayoutType0Type0 | NextPayoutOut | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                next_payout_type_0_type_0 = EligibilityOutNextPayoutType0Type0.from_dict(data)



                return next_payout_type_0_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                next_payout_type_1 = NextPayoutOut.from_dict(data)



                return next_payout_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EligibilityOutNextPayoutType0Type0 | NextPayoutOut | None, data)

        next_payout = _parse_next_payout(d.pop("next_payout"))


        eligibility_out = cls(
            object_=object_,
            eligible=eligible,
            reasons=reasons,
            currency=currency,
            available_value=available_value,
            available_value_display=available_value_display,
            minimum=minimum,
            minimum_display=minimum_display,
            missing=missing,
            missing_display=missing_display,
            next_payout=next_payout,
        )

        return eligibility_out

