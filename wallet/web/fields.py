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
    """A string of at most ``max_length`` characters without control characters (the
    rule is a documented pattern too)."""

    def __init__(self, *, max_length: int = 200, min_length: int = 0, **kwargs: Any) -> None:
        extra = kwargs.pop("validate", None)
        extra = [] if extra is None else extra if isinstance(extra, list) else [extra]
        # the document shows one pattern: a field's own, or else the no-controls one
        own_pattern = any(isinstance(v, validate.Regexp) for v in extra)
        validators: list[Callable[[Any], Any]] = [
            validate.Length(min=min_length, max=max_length), *extra,
            reject_control_characters if own_pattern else NO_CONTROLS]
        super().__init__(validate=validators, **kwargs)


def PositiveInt64(**kwargs: Any) -> fields.Integer:
    """A strict JSON integer in 1..2^63-1 (booleans, floats and strings refused)."""
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=INT64_MAX), **kwargs)


# No C0/C1 control characters and no lone surrogates, stated as a pattern so the
# OpenAPI document says it too.
class NoControls(validate.Regexp):
    """The documented pattern (C0/C1 controls; JSON Schema regexes cannot name lone
    surrogates), and ``reject_control_characters`` for the surrogates as well."""

    def __call__(self, value: Any) -> Any:
        if isinstance(value, str):
            reject_control_characters(value)
        return super().__call__(value)


NO_CONTROLS = NoControls(r"^[^\x00-\x1f\x7f-\x9f]*$",
                         error="Control characters are not allowed.")


def PlainText(max_length: int, **kwargs: Any) -> fields.String:
    """1 to ``max_length`` characters without control characters (a documented pattern)."""
    return fields.String(validate=[validate.Length(min=1, max=max_length), NO_CONTROLS],
                         **kwargs)
