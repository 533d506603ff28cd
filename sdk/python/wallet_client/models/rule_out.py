from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.rule_out_card_setup import RuleOutCardSetup
from ..models.rule_out_state import RuleOutState
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.card_out import CardOut
  from ..models.rule_out_card_type_0_type_0 import RuleOutCardType0Type0





T = TypeVar("T", bound="RuleOut")



@_attrs_define
class RuleOut:
    """ 
        Attributes:
            object_ (str):
            card_setup (RuleOutCardSetup): How a card is saved with this provider: ``form`` posts the sandbox's test card to
                /card, ``checkout`` opens Stripe's hosted page through /card/checkout.
            card (CardOut | None | RuleOutCardType0Type0):
            enabled (bool):
            threshold (int | None):
            pack_id (None | str):
            currency (None | str):
            state (RuleOutState):
            failures (int):
            last_failure_message (None | str):
            last_failure_at (datetime.datetime | None):
            topup_id (None | str):
            disabled_reason (None | str):
     """

    object_: str
    card_setup: RuleOutCardSetup
    card: CardOut | None | RuleOutCardType0Type0
    enabled: bool
    threshold: int | None
    pack_id: None | str
    currency: None | str
    state: RuleOutState
    failures: int
    last_failure_message: None | str
    last_failure_at: datetime.datetime | None
    topup_id: None | str
    disabled_reason: None | str





    def to_dict(self) -> dict[str, Any]:
        from ..models.card_out import CardOut # noqa: PLC0415
        from ..models.rule_out_card_type_0_type_0 import RuleOutCardType0Type0 # noqa: PLC0415
        object_ = self.object_

        card_setup = self.card_setup.value

        card: dict[str, Any] | None
        if isinstance(self.card, RuleOutCardType0Type0):
            card = self.card.to_dict()
        elif isinstance(self.card, CardOut):
            card = self.card.to_dict()
        else:
            card = self.card

        enabled = self.enabled

        threshold: int | None
        threshold = self.threshold

        pack_id: None | str
        pack_id = self.pack_id

        currency: None | str
        currency = self.currency

        state = self.state.value

        failures = self.failures

        last_failure_message: None | str
        last_failure_message = self.last_failure_message

        last_failure_at: None | str
        if isinstance(self.last_failure_at, datetime.datetime):
            last_failure_at = self.last_failure_at.isoformat()
        else:
            last_failure_at = self.last_failure_at

        topup_id: None | str
        topup_id = self.topup_id

        disabled_reason: None | str
        disabled_reason = self.disabled_reason


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "object": object_,
            "card_setup": card_setup,
            "card": card,
            "enabled": enabled,
            "threshold": threshold,
            "pack_id": pack_id,
            "currency": currency,
            "state": state,
            "failures": failures,
            "last_failure_message": last_failure_message,
            "last_failure_at": last_failure_at,
            "topup_id": topup_id,
            "disabled_reason": disabled_reason,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.card_out import CardOut # noqa: PLC0415
        from ..models.rule_out_card_type_0_type_0 import RuleOutCardType0Type0 # noqa: PLC0415
        d = dict(src_dict)
        object_ = d.pop("object")

        card_setup = RuleOutCardSetup(d.pop("card_setup"))




        def _parse_card(data: object) -> CardOut | None | RuleOutCardType0Type0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                card_type_0_type_0 = RuleOutCardType0Type0.from_dict(data)



                return card_type_0_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                card_type_1 = CardOut.from_dict(data)



                return card_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CardOut | None | RuleOutCardType0Type0, data)

        card = _parse_card(d.pop("card"))


        enabled = d.pop("enabled")

        def _parse_threshold(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        threshold = _parse_threshold(d.pop("threshold"))


        def _parse_pack_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        pack_id = _parse_pack_id(d.pop("pack_id"))


        def _parse_currency(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        currency = _parse_currency(d.pop("currency"))


        state = RuleOutState(d.pop("state"))




        failures = d.pop("failures")

        def _parse_last_failure_message(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_failure_message = _parse_last_failure_message(d.pop("last_failure_message"))


        def _parse_last_failure_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_failure_at_type_0 = datetime.datetime.fromisoformat(data)



                return last_failure_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_failure_at = _parse_last_failure_at(d.pop("last_failure_at"))


        def _parse_topup_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        topup_id = _parse_topup_id(d.pop("topup_id"))


        def _parse_disabled_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        disabled_reason = _parse_disabled_reason(d.pop("disabled_reason"))


        rule_out = cls(
            object_=object_,
            card_setup=card_setup,
            card=card,
            enabled=enabled,
            threshold=threshold,
            pack_id=pack_id,
            currency=currency,
            state=state,
            failures=failures,
            last_failure_message=last_failure_message,
            last_failure_at=last_failure_at,
            topup_id=topup_id,
            disabled_reason=disabled_reason,
        )

        return rule_out

