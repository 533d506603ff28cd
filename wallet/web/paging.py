"""Cursor pagination: ``limit`` (1..100, default 20) and ``starting_after`` (an id).

Rows are ordered by ``(created_at, id)`` (or newest first); the answer is
``{"data": [...], "has_more": bool}``.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate
from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import Session

from wallet.errors import NotFound


class ListArgs(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    starting_after = fields.String(validate=validate.Regexp(r"^[A-Za-z0-9_-]{1,64}$"))


def page(session: Session, stmt: Select[Any], model: Any, *, limit: int,
         starting_after: str | None, newest_first: bool = False) -> dict[str, Any]:
    """One page of ``stmt`` (a select of ``model`` rows, already filtered)."""
    if starting_after is not None:
        anchor = session.execute(
            stmt.with_only_columns(model.created_at, model.id).where(model.id == starting_after)
        ).first()
        if anchor is None:
            raise NotFound("starting_after is not an id from this list.",
                                 code="invalid_cursor", param="starting_after")
        created, ident = anchor
        if newest_first:
            stmt = stmt.where(or_(model.created_at < created,
                                  and_(model.created_at == created, model.id < ident)))
        else:
            stmt = stmt.where(or_(model.created_at > created,
                                  and_(model.created_at == created, model.id > ident)))
    order = ((model.created_at.desc(), model.id.desc()) if newest_first
             else (model.created_at, model.id))
    rows = list(session.scalars(stmt.order_by(*order).limit(limit + 1)))
    return {"data": rows[:limit], "has_more": len(rows) > limit}


__all__ = ["ListArgs", "page"]
