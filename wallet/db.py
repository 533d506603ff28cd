"""The declarative base, the Flask-SQLAlchemy extension and engine tuning."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import (
    BigInteger,
    DateTime,
    Integer,
    MetaData,
    String,
    any_,
    bindparam,
    cast,
    event,
    func,
    select,
)
from sqlalchemy.dialects import postgresql, registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# A 64-bit primary key that is still SQLite's rowid alias (SQLite only
# autoincrements a column declared exactly INTEGER PRIMARY KEY).
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")

INT64_MAX = 2**63 - 1


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both engines (SQLite stores naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})


@event.listens_for(Engine, "connect")
def _tune_sqlite(dbapi_connection: Any, connection_record: Any) -> None:
    """WAL, foreign keys, a busy timeout, and no implicit BEGIN from pysqlite."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class SQLiteDialect(SQLiteDialect_pysqlite):
    """pysqlite, whose transactions take SQLite's write lock when they start.

    A deferred transaction that reads and then writes can fail with SQLITE_BUSY
    without waiting when another writer committed in between; BEGIN IMMEDIATE
    queues on busy_timeout instead, so there are no lost updates and no lock
    upgrade deadlocks.

    Sent by the dialect's ``do_begin`` on the DBAPI cursor, where SQLAlchemy's
    documented recipe sends it from a ``begin`` event through ``exec_driver_sql``:
    the same statement at the same moment (a driver error is wrapped by SQLAlchemy
    as any other: ``database is locked`` is still an OperationalError that
    ``wallet.retry`` runs again), without a statement execution of SQLAlchemy's own
    in every transaction, and with no engine-wide event listener (which made every
    statement of every engine look its execution events up): 20-37 µs less CPU per
    transaction, measured under load (benchmarks/README.md, "Session 5").
    Registered for ``sqlite://`` and ``sqlite+pysqlite://`` URLs below.
    """

    supports_statement_cache = True

    def do_begin(self, dbapi_connection: Any) -> None:
        dbapi_connection.cursor().execute("BEGIN IMMEDIATE")


registry.register("sqlite", "wallet.db", "SQLiteDialect")
registry.register("sqlite.pysqlite", "wallet.db", "SQLiteDialect")


def one_of(session: Any, column: Any, values: Iterable[Any]) -> Any:
    """SQL: ``column`` is one of ``values``, bound as ONE parameter whatever their number.

    ``column.in_(values)`` binds a parameter per value: PostgreSQL refuses a statement with
    more than 65,535 (a payout run over 100,000 merchants did), SQLite more than 32,766.
    PostgreSQL gets ``= ANY(array)``, SQLite ``IN (SELECT value FROM json_each(:json))``.
    """
    values = list(values)
    if is_postgres(session):
        array_type = postgresql.ARRAY(column.type)
        return column == any_(cast(bindparam(None, values, type_=array_type), array_type))
    rows = func.json_each(bindparam(None, json.dumps(values), type_=String())).table_valued(
        "value")
    return column.in_(select(rows.c.value))


def is_postgres(session: Any) -> bool:
    """Whether ``session`` (a Session or a Connection) talks to PostgreSQL."""
    bind = session.get_bind() if hasattr(session, "get_bind") else session
    return bool(bind.dialect.name == "postgresql")
