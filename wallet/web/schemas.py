"""Schemas shared by every blueprint: the one error shape."""

from __future__ import annotations

from marshmallow import Schema, fields


class ErrorDetailSchema(Schema):
    type = fields.String(required=True)
    code = fields.String(required=True)
    message = fields.String(required=True)
    param = fields.String(allow_none=True)


class ErrorSchema(Schema):
    """``{"error": {"type", "code", "message", "param"}}``, for every error status."""

    error = fields.Nested(ErrorDetailSchema, required=True)
