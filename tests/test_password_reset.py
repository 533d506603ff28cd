"""Account recovery and revocable sessions, the way a person uses them: a real SMTP server
(aiosmtpd on a free port) receives the reset email; the link works once, for a short time,
and signs every other browser out; sign-out everywhere ends every session server-side."""

from __future__ import annotations

import re
import socket
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet.people import service as people
from wallet.people.models import PasswordReset, WebSession

PASSWORD = "first-password-1"
NEW_PASSWORD = "second-password-2"


class Inbox:
    """An SMTP handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.arrived:
            self.messages.append(message_from_bytes(envelope.original_content))
            self.arrived.notify_all()
        return "250 OK"

    def wait(self, count: int) -> list[Message]:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.messages) >= count, timeout=10)
        return self.messages


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def inbox(app: Flask) -> Iterator[Inbox]:
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    saved = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_SENDER")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SENDER="wallet@test")
    try:
        yield handler
    finally:
        app.config.update(saved)
        controller.stop()


def signed_in_client(app: Flask, email: str, password: str = PASSWORD) -> FlaskClient:
    browser = app.test_client()
    answer = browser.post("/v1/session", json={"email": email, "password": password})
    assert answer.status_code == 200, answer.json
    browser.environ_base["HTTP_X_CSRF_TOKEN"] = answer.json["csrf_token"]
    return browser


def who(browser: FlaskClient) -> str | None:
    user = browser.get("/v1/session").json["user"]
    return None if user is None else str(user["email"])


def form_csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def reset_link(message: Message) -> str:
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    found = re.search(r"(https?://\S+/reset\?token=\S+)", body)
    assert found, body
    return found.group(1)


def new_person(session: Session) -> str:
    email = f"reset-{uuid.uuid4().hex[:8]}@example.com"
    people.create_user(session, email, PASSWORD)
    session.commit()
    return email


def test_reset_by_email_once_and_every_other_session_ends(app: Flask, session: Session,
                                                          inbox: Inbox) -> None:
    email = new_person(session)
    phone, laptop = signed_in_client(app, email), signed_in_client(app, email)
    assert who(phone) == email and who(laptop) == email

    browser = app.test_client()
    page = browser.get("/forgot").get_data(as_text=True)
    asked = browser.post("/forgot", data={"email": email.upper(), "csrf_token": form_csrf(page)})
    assert asked.status_code == 200 and "we sent it a link" in asked.get_data(as_text=True)
    message = inbox.wait(1)[0]
    assert message["To"] == email and message["From"] == "wallet@test"
    link = reset_link(message)
    token = link.split("token=", 1)[1]
    # only a digest of the token is stored
    stored = session.scalars(select(PasswordReset.token_digest)).all()
    assert token not in stored and len(stored) == 1

    path = link.split("://", 1)[1].split("/", 1)[1]
    form = browser.get("/" + path)
    assert form.status_code == 200 and "Choose a new password" in form.get_data(as_text=True)
    done = browser.post("/reset", data={"token": token, "password": NEW_PASSWORD,
                                        "csrf_token": form_csrf(form.get_data(as_text=True))})
    assert done.status_code == 303 and done.headers["Location"] == "/"
    assert who(browser) == email  # the browser that reset is signed in
    assert who(phone) is None and who(laptop) is None  # every other session ended
    assert phone.get("/v1/wallet").status_code == 401

    csrf = browser.get("/v1/session").json["csrf_token"]
    again = browser.post("/v1/password_resets/confirm", headers={"X-CSRF-Token": csrf},
                         json={"token": token, "password": "third-password-3"})
    assert again.status_code == 400
    assert again.json["error"]["code"] == "reset_token_invalid"
    assert app.test_client().post("/v1/session", json={
        "email": email, "password": PASSWORD}).status_code == 401
    assert who(signed_in_client(app, email, NEW_PASSWORD)) == email


def test_unknown_email_gets_the_same_answer_and_no_mail(client: FlaskClient,
                                                         inbox: Inbox) -> None:
    answer = client.post("/v1/password_resets", json={"email": "nobody@example.com"})
    assert answer.status_code == 202 and answer.json == {"sent": True}
    assert inbox.messages == []


def test_reset_links_expire(app: Flask, session: Session) -> None:
    email = new_person(session)
    started = people.start_password_reset(session, email, lifetime=timedelta(minutes=30))
    assert started is not None
    _user, token = started
    session.commit()
    with pytest.raises(people.InvalidResetToken):
        people.reset_password(session, token, NEW_PASSWORD,
                              now=people.utcnow() + timedelta(minutes=31))
    answer = app.test_client().post("/v1/password_resets/confirm",
                                    json={"token": "x" * 43, "password": NEW_PASSWORD})
    assert answer.status_code == 400
    people.reset_password(session, token, NEW_PASSWORD)  # still good within its 30 minutes


def test_reset_requests_are_rate_limited(app: Flask, session: Session, inbox: Inbox) -> None:
    email = new_person(session)
    client = app.test_client()
    for _ in range(3):
        assert client.post("/v1/password_resets", json={"email": email}).status_code == 202
    limited = client.post("/v1/password_resets", json={"email": email})
    assert limited.status_code == 429
    assert limited.json["error"]["code"] == "rate_limited"
    assert 3500 <= int(limited.headers["Retry-After"]) <= 3600
    assert len(inbox.wait(3)) == 3


def test_development_writes_the_mail_to_the_instance_folder(app: Flask, session: Session) -> None:
    email = new_person(session)
    assert not app.config.get("MAIL_SERVER")
    before = set((Path(app.instance_path) / "mail").glob("*.eml"))
    answer = app.test_client().post("/v1/password_resets", json={"email": email})
    assert answer.status_code == 202
    written = set((Path(app.instance_path) / "mail").glob("*.eml")) - before
    assert len(written) == 1
    message = message_from_bytes(written.pop().read_bytes())
    assert message["To"] == email and "/reset?token=" in reset_link(message)


def test_sign_out_everywhere_and_old_cookies_are_dead(app: Flask, session: Session) -> None:
    email = new_person(session)
    phone, laptop = signed_in_client(app, email), signed_in_client(app, email)
    cookie = phone.get_cookie("wallet_session")
    assert cookie is not None
    ended = laptop.delete("/v1/sessions")
    assert ended.status_code == 200 and ended.json["ended"] == 2
    assert who(phone) is None and who(laptop) is None
    # a copy of the signed cookie taken before does not sign anyone in: it is server-side
    thief = app.test_client()
    thief.set_cookie("wallet_session", cookie.value)
    assert who(thief) is None and thief.get("/v1/wallet").status_code == 401
    # signing out one browser ends only that one
    first, second = signed_in_client(app, email), signed_in_client(app, email)
    assert first.delete("/v1/session").status_code == 200
    assert who(first) is None and who(second) == email
    rows = session.scalars(select(WebSession).where(WebSession.revoked_at.is_(None))).all()
    assert len([r for r in rows if r.user_id == second.get("/v1/me").json["id"]]) == 1


def test_purge_command_deletes_ended_sessions_and_used_links(app: Flask, session: Session,
                                                             runner: Any) -> None:
    email = new_person(session)
    browser = signed_in_client(app, email)
    browser.delete("/v1/session")
    result = runner.invoke(args=["people", "purge"])
    assert result.exit_code == 0 and '"purged": 1' in result.output
