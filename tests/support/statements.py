"""What the statements a block of code sends bind: for tests that a step's SQL does not grow
with the number of rows it handles."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session


@contextmanager
def most_parameters(session: Session) -> Iterator[list[int]]:
    """Yields a one-item list holding, once the block ends, the most parameters one
    statement (not an executemany) bound on the session's engine inside it."""
    most = [0]

    def count(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
              executemany: bool) -> None:
        if not executemany and parameters:
            most[0] = max(most[0], len(parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield most
    finally:
        event.remove(engine, "before_cursor_execute", count)


@contextmanager
def statement_count(session: Session) -> Iterator[list[int]]:
    """Yields a one-item list holding, once the block ends, how many statements the
    session's engine (or connection) sent inside it."""
    sent = [0]

    def count(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
              executemany: bool) -> None:
        sent[0] += 1

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", count)
