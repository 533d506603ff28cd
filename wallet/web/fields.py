"""Marshmallow fields for hostile input: text without control characters, strict ints."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from marshmallow import ValidationError, fields, validate

from wallet.db import INT64_MAX
from wallet.ids import looks_like_id


def get_by_id(session: Any, model: Any, ident: str) -> Any:
    """``session.get(model, ident)``, or None for a string that is not an id."""
    return session.get(model, ident) if looks_like_id(ident) else None


def reject_control_characters(value: str) -> None:
    """No C0/C1 controls, no unpaired surrogates, no NUL (PostgreSQL text refuses it)."""
    for char in value:
        category = unicodedata.category(char)
        if category in ("Cc", "Cs"):
            raise ValidationError("Control characters are not allowed.")


class Text(fields.String):
    """A string of at most ``max_length`` characters without control characters."""

    def __init__(self, *, max_length: int = 200, min_length: int = 0, **kwargs: Any) -> None:
        validators: list[Callable[[Any], Any]] = [
            validate.Length(min=min_length, max=max_length), reject_control_characters]
        extra = kwargs.pop("validate", None)
        if extra is not None:
            validators.extend(extra if isinstance(extra, list) else [extra])
        super().__init__(validate=validators, **kwargs)


def PositiveInt64(**kwargs: Any) -> fields.Integer:
    """A strict JSON integer in 1..2^63-1 (booleans, floats and strings refused)."""
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=INT64_MAX), **kwargs)


# No C0/C1 control characters and no lone surrogates, stated as a pattern so the
# OpenAPI document says it too.
NO_CONTROLS = validate.Regexp(r"^[^\x00-\x1f\x7f-\x9f\ud800-\udfff]*$",
                              error="Control characters are not allowed.")


def PlainText(max_length: int, **kwargs: Any) -> fields.String:
    """1 to ``max_length`` characters without control characters (a documented pattern)."""
    return fields.String(validate=[validate.Length(min=1, max=max_length), NO_CONTROLS],
                         **kwargs)
