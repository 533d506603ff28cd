from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.person_out import PersonOut
  from ..models.session_out_user_type_0_type_0 import SessionOutUserType0Type0





T = TypeVar("T", bound="SessionOut")



@_attrs_define
class SessionOut:
    """ 
        Attributes:
            user (None | PersonOut | SessionOutUserType0Type0):
            csrf_token (str):
     """

    user: None | PersonOut | SessionOutUserType0Type0
    csrf_token: str





    def to_dict(self) -> dict[str, Any]:
        from ..models.person_out import PersonOut # noqa: PLC0415
        from ..models.session_out_user_type_0_type_0 import SessionOutUserType0Type0 # noqa: PLC0415
        user: dict[str, Any] | None
        if isinstance(self.user, SessionOutUserType0Type0):
            user = self.user.to_dict()
        elif isinstance(self.user, PersonOut):
            user = self.user.to_dict()
        else:
            user = self.user

        csrf_token = self.csrf_token


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "user": user,
            "csrf_token": csrf_token,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.person_out import PersonOut # noqa: PLC0415
        from ..models.session_out_user_type_0_type_0 import SessionOutUserType0Type0 # noqa: PLC0415
        d = dict(src_dict)
        def _parse_user(data: object) -> None | PersonOut | SessionOutUserType0Type0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                user_type_0_type_0 = SessionOutUserType0Type0.from_dict(data)



                return user_type_0_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                user_type_1 = PersonOut.from_dict(data)



                return user_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PersonOut | SessionOutUserType0Type0, data)

        user = _parse_user(d.pop("user"))


        csrf_token = d.pop("csrf_token")

        session_out = cls(
            user=user,
            csrf_token=csrf_token,
        )

        return session_out

