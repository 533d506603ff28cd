from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.kyc_review_in_decision import KycReviewInDecision
from ..types import UNSET, Unset






T = TypeVar("T", bound="KycReviewIn")



@_attrs_define
class KycReviewIn:
    """ 
        Attributes:
            decision (KycReviewInDecision):
            reason (str | Unset):  Default: ''.
     """

    decision: KycReviewInDecision
    reason: str | Unset = ''





    def to_dict(self) -> dict[str, Any]:
        decision = self.decision.value

        reason = self.reason


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "decision": decision,
        })
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        decision = KycReviewInDecision(d.pop("decision"))




        reason = d.pop("reason", UNSET)

        kyc_review_in = cls(
            decision=decision,
            reason=reason,
        )

        return kyc_review_in

