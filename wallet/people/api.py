"""People: sign up, sign in and out (session cookie), ``GET /v1/me``, and the
operator's ``/v1/users``.

JSON API (``/v1``) and the HTML form pages (``/signin``, ``/signup``, ``/signout``,
``/forgot``, ``/reset``). Sessions are server-side (``web_sessions``; the cookie holds a
token): sign-out ends one, ``DELETE /v1/sessions`` all of them, a password reset all
of them but the browser that reset. Failed sign-ins are limited per client address and
per email for every worker and node (``wallet.web.lockouts``), reset emails likewise.
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Blueprint as FlaskBlueprint
from flask import Flask, current_app, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask.views import MethodView
from flask_limiter.util import get_remote_address
from flask_smorest import Api
from limits import parse_many
from marshmallow import Schema, ValidationError, fields, validate

from wallet.db import db
from wallet.errors import AuthenticationError, NotFound, WalletError
from wallet.extensions import limiter
from wallet.oauth.models import OAuthGrant
from wallet.people import csrf
from wallet.people import service as people
from wallet.people.models import User
from wallet.web import lockouts, mail
from wallet.web.auth import SESSION_FIELD, current_principal, principal, requires
from wallet.web.docs import security
from wallet.web.fields import Text, get_by_id
from wallet.web.json_body import Blueprint
from wallet.web.lockouts import Rule
from wallet.web.urls import public_url

blp = Blueprint("people", __name__, url_prefix="/v1",
                description="People: sign-up, sign-in, the signed-in person.")
web = FlaskBlueprint("people_web", __name__, template_folder="templates")

log = logging.getLogger(__name__)
DEFAULT_SIGNIN_LIMIT = "10 per minute;100 per hour"
SESSION_LIFETIME_DAYS = 14


def signin_checks(email: str) -> list[tuple[Rule, str]]:
    """``WALLET_SIGNIN_RATE_LIMIT`` (failed sign-ins) per email and per client address."""
    spec = str(current_app.config.get("SIGNIN_RATE_LIMIT", DEFAULT_SIGNIN_LIMIT))
    account = hashlib.sha256(email.strip().lower()[:320].encode()).hexdigest()[:40]
    checks = []
    for i, item in enumerate(parse_many(spec)):
        window = timedelta(seconds=item.get_expiry())
        checks.append((Rule(f"signin-email-{i}", item.amount, window), account))
        checks.append((Rule(f"signin-addr-{i}", item.amount, window),
                       get_remote_address() or "-"))
    return checks


@contextmanager
def signin_attempt(email: str) -> Iterator[None]:
    """Count a sign-in as failed until the password matched (shared by every worker)."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        yield
        return
    with lockouts.attempt(signin_checks(email), failure=AuthenticationError,
                          code="rate_limited",
                          message="Too many failed sign-ins; try again in {seconds} seconds."):
        yield


signup_limit = limiter.limit(lambda: str(current_app.config.get("SIGNUP_RATE_LIMIT",
                                                              "20 per hour")),
                             scope="signup-ip")


class UserIn(Schema):
    email = Text(required=True, max_length=320)
    password = fields.String(validate=validate.Length(min=8, max=1024))


class UserOut(Schema):
    id = fields.String(required=True)
    email = fields.String(required=True)
    frozen = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)


class Credentials(Schema):
    email = Text(required=True, max_length=320)
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))


class PersonOut(Schema):
    id = fields.String(required=True)
    email = fields.String(required=True)
    frozen = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)


class SessionOut(Schema):
    user = fields.Nested(PersonOut, allow_none=True, required=True)
    csrf_token = fields.String(required=True)


class SessionsEnded(Schema):
    ended = fields.Integer(required=True, metadata={"description": "sessions signed out"})
    csrf_token = fields.String(required=True)


class ResetRequestIn(Schema):
    email = Text(required=True, max_length=320)


class ResetRequested(Schema):
    sent = fields.Boolean(required=True, metadata={
        "description": "always true: the answer does not say whether the email has an account"})


class ResetConfirmIn(Schema):
    token = Text(required=True, max_length=100)
    password = fields.String(required=True, validate=validate.Length(min=8, max=1024))


class ConnectionInfo(Schema):
    id = fields.String(required=True)
    app_id = fields.String(required=True)
    scope = fields.String(required=True)
    per_purchase_cap = fields.Integer(allow_none=True, required=True)
    daily_cap = fields.Integer(allow_none=True, required=True)


class MeOut(PersonOut):
    app_id = fields.String(allow_none=True, required=True)
    merchant_id = fields.String(allow_none=True, required=True)
    via = fields.String(required=True, metadata={"enum": ["session", "token"]})
    connection = fields.Nested(ConnectionInfo, allow_none=True, required=True)


def sign_in_session(user: User) -> None:
    """Start a fresh server-side session for this person (nothing carried over, new CSRF
    token); the cookie holds only its token."""
    end_session()
    _row, token = people.start_session(db.session(), user.id,
                                       lifetime=current_app.permanent_session_lifetime)
    session[SESSION_FIELD] = token
    session.permanent = True
    csrf.rotate()


def end_session() -> None:
    """Sign this browser out: its server-side session is revoked, the cookie cleared."""
    people.end_session(db.session(), session.get(SESSION_FIELD))
    session.clear()
    csrf.rotate()


def signed_in_user() -> User | None:
    """The person of this browser's live session, if any."""
    who = current_principal()
    if who is None or not who.via_session or who.kind != "user":
        return None  # (an operator's console session is not a person's)
    return db.session.get(User, who.user_id)


def session_body(user: User | None) -> dict[str, Any]:
    return {"user": user, "csrf_token": csrf.token()}


@blp.route("/signup")
class SignUp(MethodView):
    @signup_limit
    @blp.arguments(Credentials)
    @blp.response(201, SessionOut)
    def post(self, data: dict[str, str]) -> dict[str, Any]:
        """Create an account with email and password, and sign in."""
        user = people.sign_up(db.session(), data["email"], data["password"])
        sign_in_session(user)
        return session_body(user)


@blp.route("/session")
class SessionResource(MethodView):
    @blp.response(200, SessionOut)
    def get(self) -> dict[str, Any]:
        """The signed-in person (or null) and the session's CSRF token."""
        return session_body(signed_in_user())

    @blp.arguments(Credentials)
    @blp.response(200, SessionOut)
    def post(self, data: dict[str, str]) -> dict[str, Any]:
        """Sign in with email and password; sets the session cookie (failures are limited:
        429 with ``Retry-After``)."""
        with signin_attempt(data["email"]):
            user = people.authenticate(db.session(), data["email"], data["password"])
        sign_in_session(user)
        return session_body(user)

    @blp.response(200, SessionOut)
    def delete(self) -> dict[str, Any]:
        """Sign out (needs ``X-CSRF-Token`` when signed in)."""
        end_session()
        return session_body(None)


@blp.route("/sessions")
class Sessions(MethodView):
    @requires("user")
    @blp.doc(**security("user"))
    @blp.response(200, SessionsEnded)
    def delete(self) -> dict[str, Any]:
        """Sign out everywhere: every session of the person ends (this one too)."""
        user_id = principal().user_id
        assert user_id is not None
        ended = people.end_all_sessions(db.session(), user_id)
        session.clear()
        csrf.rotate()
        return {"ended": ended, "csrf_token": csrf.token()}


def reset_checks(email: str) -> list[tuple[Rule, str]]:
    """Reset emails per address asked for and per client address (every request counts)."""
    hour = timedelta(hours=1)
    config = current_app.config
    account = hashlib.sha256(email.strip().lower()[:320].encode()).hexdigest()[:40]
    return [(Rule("reset-email", int(config.get("PASSWORD_RESETS_PER_EMAIL", 3)), hour),
             account),
            (Rule("reset-addr", int(config.get("PASSWORD_RESETS_PER_ADDRESS", 10)), hour),
             get_remote_address() or "-")]


def send_reset_link(email: str) -> None:
    """Email a reset link if a person has this address; the answer never says (rate limited)."""
    lockouts.spend(reset_checks(email), code="rate_limited",
                   message="Too many password reset requests; try again in {seconds} seconds.")
    minutes = int(current_app.config.get("PASSWORD_RESET_TTL_MINUTES", 30))
    started = people.start_password_reset(db.session(), email,
                                          lifetime=timedelta(minutes=minutes))
    if started is None:
        return
    user, token = started
    link = public_url("reset?" + urlencode({"token": token}))
    text = ("Someone (hopefully you) asked to reset the password of your Wallet account.\n\n"
            f"Choose a new password here within {minutes} minutes:\n\n{link}\n\n"
            "The link works once. Setting a new password signs out every other browser. "
            "If you did not ask for this, ignore this email: your password stays as it is.\n")
    try:
        mail.send(current_app, user.email, "Reset your Wallet password", text)
    except (OSError, smtplib.SMTPException):
        # The answer stays the same (it must not tell whether the email has an account);
        # the operator sees the failure, the person may ask again.
        log.exception("could not send the password reset email (user %s)", user.id)


@blp.route("/password_resets")
class PasswordResets(MethodView):
    @blp.arguments(ResetRequestIn)
    @blp.response(202, ResetRequested)
    def post(self, data: dict[str, str]) -> dict[str, Any]:
        """Email a single-use password reset link (the same answer whether or not the email
        has an account; rate limited per email and per address)."""
        send_reset_link(data["email"])
        return {"sent": True}


@blp.route("/password_resets/confirm")
class PasswordResetConfirm(MethodView):
    @blp.arguments(ResetConfirmIn)
    @blp.response(200, SessionOut)
    def post(self, data: dict[str, str]) -> dict[str, Any]:
        """Set a new password with a reset token: every session of the person ends, and
        this browser is signed in with a new one."""
        user = people.reset_password(db.session(), data["token"], data["password"])
        sign_in_session(user)
        return session_body(user)


@blp.route("/me")
class Me(MethodView):
    @requires("user")
    @blp.doc(**security("user"))
    @blp.response(200, MeOut)
    def get(self) -> dict[str, Any]:
        """The person behind a user token or a session."""
        who = principal()
        user = db.session.get(User, who.user_id)
        grant = (db.session.get(OAuthGrant, who.grant["grant_id"])
                 if who.grant.get("grant_id") else None)
        return {
            "id": user.id if user else who.user_id, "email": user.email if user else "",
            "frozen": bool(user and user.frozen),
            "created_at": user.created_at if user else None,
            "app_id": who.app_id, "merchant_id": who.merchant_id,
            "via": "session" if who.via_session else "token",
            "connection": grant,
        }


ADMIN = security("admin", session=False)


@blp.route("/users")
class Users(MethodView):
    @requires("admin")
    @blp.doc(**ADMIN)
    @blp.arguments(UserIn)
    @blp.response(201, UserOut)
    def post(self, data: dict[str, Any]) -> User:
        """Create a person (a password is optional: they may sign in later)."""
        return people.create_user(db.session(), data["email"], data.get("password"))


@blp.route("/users/<string:user_id>")
class UserResource(MethodView):
    @requires("admin")
    @blp.doc(**ADMIN)
    @blp.response(200, UserOut)
    def get(self, user_id: str) -> User:
        user = get_by_id(db.session, User, user_id)
        if user is None:
            raise NotFound("No such user.", param="user_id")
        return user


# --- HTML pages -------------------------------------------------------------------


def safe_next(value: str | None) -> str:
    """A local path to go to after sign-in; anything else goes home."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return "/"
    return value


@web.route("/signin", methods=["GET", "POST"])
def signin_page() -> ResponseReturnValue:
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("people/signin.html", next_url=next_url, error=None)
    email = request.form.get("email", "")
    try:
        with signin_attempt(email):
            user = people.authenticate(db.session(), email, request.form.get("password", ""))
    except WalletError as error:
        page = render_template("people/signin.html", next_url=next_url, error=error.message,
                               email=email[:320])
        if isinstance(error, lockouts.LockedOut):
            return page, 429, {"Retry-After": str(error.retry_after)}
        return page, 401
    sign_in_session(user)
    return redirect(next_url, code=303)


@web.route("/signup", methods=["GET", "POST"])
@signup_limit
def signup_page() -> ResponseReturnValue:
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("people/signup.html", next_url=next_url, error=None)
    try:
        email = request.form.get("email", "")
        Credentials().load({"email": email, "password": request.form.get("password", "")})
        user = people.sign_up(db.session(), email, request.form.get("password", ""))
    except WalletError as error:
        page = render_template("people/signup.html", next_url=next_url, error=error.message)
        return page, 409 if error.code == "email_taken" else 400
    except ValidationError:
        page = render_template("people/signup.html", next_url=next_url,
                               error="Check the email and password.")
        return page, 400
    sign_in_session(user)
    return redirect(next_url, code=303)


@web.post("/signout")
def signout_page() -> ResponseReturnValue:
    if request.form.get("everywhere"):
        who = current_principal()
        if who is not None and who.via_session and who.user_id:
            people.end_all_sessions(db.session(), who.user_id)
    end_session()
    return redirect(url_for("people_web.signin_page"), code=303)


@web.route("/forgot", methods=["GET", "POST"])
def forgot_page() -> ResponseReturnValue:
    """Ask for a password reset link by email."""
    if request.method == "GET":
        return render_template("people/forgot.html", sent=False, error=None)
    email = request.form.get("email", "")[:320]
    try:
        send_reset_link(email)
    except lockouts.LockedOut as error:
        return render_template("people/forgot.html", sent=False, error=error.message,
                               email=email), 429, {"Retry-After": str(error.retry_after)}
    return render_template("people/forgot.html", sent=True, error=None, email=email)


@web.route("/reset", methods=["GET", "POST"])
def reset_page() -> ResponseReturnValue:
    """Choose a new password from a reset link; signs out every other browser."""
    token = request.values.get("token", "")[:100]
    if request.method == "GET":
        return render_template("people/reset.html", token=token, error=None)
    try:
        ResetConfirmIn().load({"token": token, "password": request.form.get("password", "")})
        user = people.reset_password(db.session(), token, request.form.get("password", ""))
    except ValidationError:
        return render_template("people/reset.html", token=token,
                               error="Choose a password of at least 8 characters."), 400
    except WalletError as error:
        return render_template("people/reset.html", token=token, error=error.message), 400
    sign_in_session(user)
    return redirect("/", code=303)


def register(app: Flask, api: Api) -> None:
    """The people API, the sign-in pages and CSRF protection of the session."""
    app.permanent_session_lifetime = timedelta(
        days=int(app.config.get("SESSION_LIFETIME_DAYS", SESSION_LIFETIME_DAYS)))
    csrf.init_app(app)
    api.register_blueprint(blp)
    app.register_blueprint(web)
