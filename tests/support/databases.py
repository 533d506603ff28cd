"""Throw-away databases for tests: a SQLite file or a uniquely named PostgreSQL db."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

POSTGRES_ADMIN_URL = os.environ.get(
    "WALLET_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
ENGINES = ("sqlite", "postgresql")


def postgres_required() -> bool:
    return os.environ.get("WALLET_REQUIRE_POSTGRES", "") in ("1", "true", "yes")


def skip_or_fail_without_postgres() -> None:
    """Skip when PostgreSQL is unreachable, unless CI forces these tests on."""
    try:
        engine = create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except OperationalError as exc:
        reason = f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {exc.orig}"
        if postgres_required():
            pytest.fail(reason + " (WALLET_REQUIRE_POSTGRES=1)")
        pytest.skip(reason + "; set WALLET_REQUIRE_POSTGRES=1 to fail instead")


@contextmanager
def temporary_database(engine_name: str, workdir: Path) -> Iterator[str]:
    """Yield the URL of a new, empty database and drop it afterwards."""
    if engine_name == "sqlite":
        path = workdir / f"wallet-{uuid.uuid4().hex[:10]}.sqlite3"
        yield f"sqlite:///{path}"
        return
    skip_or_fail_without_postgres()
    name = f"wallet_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(
            hide_password=False
        )
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
