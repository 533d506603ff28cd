"""Outgoing mail (password reset links) through a configurable SMTP server.

- ``WALLET_MAIL_SERVER`` / ``WALLET_MAIL_PORT`` (25; 465 with ``WALLET_MAIL_USE_SSL``, 587
  with ``WALLET_MAIL_USE_TLS`` for STARTTLS), ``WALLET_MAIL_USERNAME`` /
  ``WALLET_MAIL_PASSWORD``, ``WALLET_MAIL_SENDER`` (the From address). Required in
  production (``wallet.production``).
- Without ``WALLET_MAIL_SERVER`` (development) every message is written to
  ``instance/mail/*.eml`` and its path logged, so ``make run`` works offline.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import Flask

from wallet.db import utcnow

log = logging.getLogger(__name__)
DEFAULT_SENDER = "Wallet <wallet@localhost>"
TIMEOUT_SECONDS = 10


def _truthy(value: object) -> bool:
    return value is True or str(value).strip().lower() in ("1", "true", "yes", "on")


def compose(app: Flask, to: str, subject: str, text: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = str(app.config.get("MAIL_SENDER") or DEFAULT_SENDER)
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="wallet")
    message.set_content(text)
    return message


def send(app: Flask, to: str, subject: str, text: str) -> Path | None:
    """Send one plain-text message; returns the file written instead in development."""
    message = compose(app, to, subject, text)
    config = app.config
    server = config.get("MAIL_SERVER")
    if not server:
        folder = Path(app.instance_path) / "mail"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{utcnow():%Y%m%dT%H%M%S}-{secrets.token_hex(4)}.eml"
        path.write_bytes(bytes(message))
        path.chmod(0o600)
        log.info("no WALLET_MAIL_SERVER: mail to %s (%s) written to %s", to, subject, path)
        return path
    use_ssl = _truthy(config.get("MAIL_USE_SSL"))
    port = int(config.get("MAIL_PORT") or (465 if use_ssl else 25))
    context = ssl.create_default_context()
    smtp: smtplib.SMTP = (smtplib.SMTP_SSL(str(server), port, timeout=TIMEOUT_SECONDS,
                                           context=context) if use_ssl
                          else smtplib.SMTP(str(server), port, timeout=TIMEOUT_SECONDS))
    with smtp:
        if _truthy(config.get("MAIL_USE_TLS")):
            smtp.starttls(context=context)
        if config.get("MAIL_USERNAME"):
            smtp.login(str(config["MAIL_USERNAME"]), str(config.get("MAIL_PASSWORD") or ""))
        smtp.send_message(message)
    return None
