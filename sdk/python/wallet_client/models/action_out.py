from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.action_out_detail import ActionOutDetail





T = TypeVar("T", bound="ActionOut")



@_attrs_define
class ActionOut:
    """ 
        Attributes:
            object_ (Any):  Default: 'operator_action'.
            id (str):
            actor_type (str):
            actor_id (str):
            actor_label (str):
            action (str):
            target_type (None | str):
            target_id (None | str):
            reason (str):
            detail (ActionOutDetail):
            request_id (None | str):
            created_at (datetime.datetime):
     """

    id: str
    actor_type: str
    actor_id: str
    actor_label: str
    action: str
    target_type: None | str
    target_id: None | str
    reason: str
    detail: ActionOutDetail
    request_id: None | str
    created_at: datetime.datetime
    object_: Any = 'operator_action'





    def to_dict(self) -> dict[str, Any]:
        from ..models.action_out_detail import ActionOutDetail # noqa: PLC0415
        object_ = self.object_

        id = self.id

        actor_type = self.actor_type

        actor_id = self.actor_id

        actor_label = self.actor_label

        action = self.action

        target_type: None | str
        target_type = self.target_type

        target_id: None | str
        target_id = self.target_id

        reason = self.reason

        detail = self.detail.to_dict()

        request_id: None | str
        request_id = self.request_id

        created_at = self.created_at.isoformat()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "object": object_,
            "id": id,
            "actor_type": actor_type,
            "actor_id": actor_id,
            "actor_label": actor_label,
            "action": action,
            "target_type": target_type,
            "target_id": target_id,
            "reason": reason,
            "detail": detail,
            "request_id": request_id,
            "created_at": created_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.action_out_detail import ActionOutDetail # noqa: PLC0415
        d = dict(src_dict)
        object_ = d.pop("object")

        id = d.pop("id")

        actor_type = d.pop("actor_type")

        actor_id = d.pop("actor_id")

        actor_label = d.pop("actor_label")

        action = d.pop("action")

        def _parse_target_type(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        target_type = _parse_target_type(d.pop("target_type"))


        def _parse_target_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        target_id = _parse_target_id(d.pop("target_id"))


        reason = d.pop("reason")

        detail = ActionOutDetail.from_dict(d.pop("detail"))




        def _parse_request_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        request_id = _parse_request_id(d.pop("request_id"))


        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        action_out = cls(
            object_=object_,
            id=id,
            actor_type=actor_type,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            target_type=target_type,
            target_id=target_id,
            reason=reason,
            detail=detail,
            request_id=request_id,
            created_at=created_at,
        )

        return action_out

