"""The app factory, configuration, health check and the one error shape."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from wallet import create_app
from wallet.config import decode_secret, instance_secret


def assert_error_shape(body: dict, type_: str, code: str) -> None:
    assert set(body) == {"error"}
    error = body["error"]
    assert {"type", "code", "message", "param"} <= set(error)
    assert (error["type"], error["code"]) == (type_, code)
    assert isinstance(error["message"], str) and error["message"]


def test_healthz(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.headers["X-Request-Id"].startswith("req_")


def test_request_id_is_echoed_when_sane(client: FlaskClient) -> None:
    assert client.get("/healthz", headers={"X-Request-Id": "abc-123"}).headers[
        "X-Request-Id"] == "abc-123"
    assert client.get("/healthz", headers={"X-Request-Id": "bad id <script>"}).headers[
        "X-Request-Id"] != "bad id <script>"


def test_404_has_the_error_shape(client: FlaskClient) -> None:
    response = client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert_error_shape(response.json, "not_found_error", "not_found")


def test_405_has_the_error_shape_and_allow_header(client: FlaskClient) -> None:
    response = client.post("/healthz")
    assert response.status_code == 405
    assert_error_shape(response.json, "invalid_request_error", "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_500_has_the_error_shape(tmp_path: Path) -> None:
    app = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite://"})

    @app.get("/boom-for-test")
    def boom() -> str:
        raise RuntimeError("secret detail")

    response = app.test_client().get("/boom-for-test")
    assert response.status_code == 500
    assert_error_shape(response.json, "api_error", "internal_error")
    assert "secret detail" not in response.get_data(as_text=True)


def test_healthz_reports_an_unreachable_database(tmp_path: Path) -> None:
    app = create_app({
        "TESTING": True, "INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
        "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 1}},
    })
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert_error_shape(response.json, "service_unavailable_error", "database_unavailable")


def test_config_from_prefixed_environment(monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:
    monkeypatch.setenv("WALLET_DATABASE_URL", f"sqlite:///{tmp_path}/env.db")
    monkeypatch.setenv("WALLET_LEDGER_SEAL_BATCH", "42")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/env.db"
    assert app.config["LEDGER_SEAL_BATCH"] == 42


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    monkeypatch.delenv("WALLET_DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/wallet.sqlite3"
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_instance_secrets_are_stable_and_refused_in_production(tmp_path: Path) -> None:
    app = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite://"})
    first = instance_secret(app, "LEDGER_SIGNING_KEY", "ledger_key", 32)
    assert instance_secret(app, "LEDGER_SIGNING_KEY", "ledger_key", 32) == first
    app.config["ENV"] = "production"
    with pytest.raises(RuntimeError, match="WALLET_LEDGER_SIGNING_KEY"):
        instance_secret(app, "LEDGER_SIGNING_KEY", "other_key", 32)
    with pytest.raises(RuntimeError):
        decode_secret("c2hvcnQ", 32, "x")


def test_sqlite_connections_are_tuned(tmp_path: Path) -> None:
    from wallet.db import db

    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    with app.app_context(), db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_proxy_fix_trusts_one_hop_when_enabled(tmp_path: Path) -> None:
    from flask import request

    app = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite://",
                      "PROXY_FIX": True})

    @app.get("/whoami-for-test")
    def whoami() -> dict[str, str]:
        return {"addr": request.remote_addr or "", "scheme": request.scheme}

    answer = app.test_client().get(
        "/whoami-for-test", headers={"X-Forwarded-For": "203.0.113.7",
                                     "X-Forwarded-Proto": "https"})
    assert answer.json == {"addr": "203.0.113.7", "scheme": "https"}
