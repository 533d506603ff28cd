"""OAuth 2.0 endpoints for apps on phones, and the person's connected apps.

- ``GET/POST /oauth/authorize``: the consent page (signed-in person; caps; CSRF).
- ``POST /oauth/token``: ``authorization_code`` (PKCE S256) and ``refresh_token``.
- ``POST /oauth/revoke``: RFC 7009.
- ``GET /v1/connections``, ``DELETE /v1/connections/{id}``.
- ``POST /v1/users/{id}/tokens``: token exchange for the operator's first-party backend.

``/oauth/token`` and ``/oauth/revoke`` answer errors in RFC 6749 §5.2's shape
(``{"error": "invalid_grant", "error_description": …}``), which OAuth client
libraries expect; everything under ``/v1`` uses the wallet's one error shape.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import InvalidRequestError
from flask import Blueprint as FlaskBlueprint
from flask import Flask, Response, current_app, g, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask.views import MethodView
from flask_smorest import Api
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from wallet.db import INT64_MAX, db, utcnow
from wallet.errors import NotFound, PermissionDenied
from wallet.extensions import limiter
from wallet.merchants.models import App, Merchant
from wallet.oauth import server as oauth_server
from wallet.oauth.models import DEFAULT_SCOPE, OAuthGrant
from wallet.oauth.server import server
from wallet.oauth.service import mint_access_token, revoke_grant
from wallet.people.models import User
from wallet.web.auth import current_principal, principal, requires
from wallet.web.docs import security
from wallet.web.fields import PositiveInt64, Text, looks_like_id
from wallet.web.headers import CSP, talisman
from wallet.web.json_body import Blueprint
from wallet.web.paging import ListArgs, page

web = FlaskBlueprint("oauth", __name__, url_prefix="/oauth", template_folder="templates")
blp = Blueprint("connections", __name__, url_prefix="/v1",
                description="The apps a person connected to their wallet, and token exchange.")

SCOPE_TEXT = {
    "wallet:read": "See your wallet balance and history",
    "purchases:write": "Spend your credits on purchases from this merchant, within the "
                       "limits you set below",
}


def _token_limit() -> str:
    return str(current_app.config.get("OAUTH_TOKEN_RATE_LIMIT", "60 per minute"))


def _no_framing(response: Response) -> Response:
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
    response.headers["Cache-Control"] = "no-store"
    return response


def _error_page(error: OAuth2Error) -> Response:
    page_html = render_template("oauth/error.html", error=error.error,
                                description=error.get_error_description())
    return _no_framing(Response(page_html, status=400))


def _parse_cap(raw: str | None, label: str) -> tuple[int | None, str | None]:
    text = (raw or "").strip()
    if not text:
        return None, None
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None, f"{label} must be a whole number of credits."
    value = int(text)
    if not 1 <= value <= INT64_MAX:
        return None, f"{label} must be at least 1."
    return value, None


def _signed_in_user() -> User | None:
    """The person of a live server-side session (a revoked one is signed out)."""
    who = current_principal()
    if who is None or not who.via_session or who.user_id is None:
        return None
    return db.session.get(User, who.user_id)


# The consent form posts here and is redirected to the app's own redirect URI (another
# origin or a custom scheme), which a ``form-action 'self'`` policy would block.
AUTHORIZE_CSP = {name: value for name, value in CSP.items() if name != "form-action"}


@web.route("/authorize", methods=["GET", "POST"])
@talisman(content_security_policy=AUTHORIZE_CSP)
def authorize() -> ResponseReturnValue:
    """The consent page: app, merchant, scopes and spending caps; approve or deny."""
    user = _signed_in_user()
    if user is None:
        next_url = request.path + ("?" + urlencode(list(request.args.items(multi=True)))
                                   if request.args else "")
        return redirect("/signin?" + urlencode({"next": next_url}), code=303)
    try:
        grant = server.get_consent_grant(end_user=user)
    except OAuth2Error as error:
        if getattr(error, "redirect_uri", None):
            return server.handle_error_response(None, error)
        return _error_page(error)
    except ValueError:  # Authlib refuses to echo control characters in its errors
        return _error_page(InvalidRequestError("The request has invalid characters."))
    client = grant.request.client
    app = client.app
    merchant = db.session.get(Merchant, app.merchant_id)
    existing = db.session.scalar(select(OAuthGrant).where(
        OAuthGrant.user_id == user.id, OAuthGrant.app_id == app.id,
        OAuthGrant.revoked_at.is_(None)))
    context: dict[str, Any] = {
        "app_name": app.name, "merchant_name": merchant.name if merchant else "",
        "user_email": user.email, "action": request.full_path.rstrip("?"),
        "scope_descriptions": [SCOPE_TEXT[s] for s in grant.request.scope.split()
                               if s in SCOPE_TEXT],
        "per_purchase_cap": existing.per_purchase_cap if existing else None,
        "daily_cap": existing.daily_cap if existing else None, "error": None,
    }
    if request.method == "GET":
        return _no_framing(Response(render_template("oauth/authorize.html", **context)))
    approved = request.form.get("decision") == "approve"
    caps: dict[str, int | None] = {}
    for name, label in (("per_purchase_cap", "The limit per purchase"),
                        ("daily_cap", "The daily limit")):
        caps[name], problem = _parse_cap(request.form.get(name), label)
        if problem and approved:
            context.update(error=problem, per_purchase_cap=None, daily_cap=None)
            page_html = render_template("oauth/authorize.html", **context)
            return _no_framing(Response(page_html, status=400))
    g.oauth_caps = caps
    return server.create_authorization_response(grant=grant,
                                                grant_user=user if approved else None)


def _invalid_characters() -> Response:
    """RFC 6749 §5.2 shape, for parameters Authlib cannot even describe."""
    return server.handle_error_response(
        None, InvalidRequestError("The request has invalid characters."))


def _commit_revocations(response: Response) -> Response:
    if response.status_code >= 400 and g.get("oauth_commit_on_error"):
        # A detected token replay revoked the grant: that must stick even
        # though the answer is an error (the request commit point rolls back).
        db.session.commit()
    return response


@web.post("/token")
@limiter.limit(_token_limit, scope="oauth-token")
def token() -> ResponseReturnValue:
    """Authorization code (with PKCE verifier) or refresh token → token pair."""
    try:
        return _commit_revocations(server.create_token_response())
    except OAuth2Error as error:
        return server.handle_error_response(None, error)
    except ValueError:
        return _invalid_characters()


@web.post("/revoke")
@limiter.limit(_token_limit, scope="oauth-revoke")
def revoke() -> ResponseReturnValue:
    """RFC 7009: revoke an access or refresh token (200 even when unknown)."""
    try:
        return server.create_endpoint_response("revocation")
    except OAuth2Error as error:
        return server.handle_error_response(None, error)
    except ValueError:
        return _invalid_characters()


# --- connected apps ---------------------------------------------------------------


class ConnectionOut(Schema):
    id = fields.String(required=True)
    app_id = fields.String(required=True)
    app_name = fields.String(required=True)
    merchant_id = fields.String(required=True)
    merchant_name = fields.String(required=True)
    scope = fields.String(required=True)
    per_purchase_cap = fields.Integer(allow_none=True, required=True)
    daily_cap = fields.Integer(allow_none=True, required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    revoked_at = fields.DateTime(allow_none=True, required=True)


class CapsIn(Schema):
    per_purchase_cap = PositiveInt64(allow_none=True)
    daily_cap = PositiveInt64(allow_none=True)


class ConnectionList(Schema):
    data = fields.List(fields.Nested(ConnectionOut), required=True)
    has_more = fields.Boolean(required=True)


def _describe(grant: OAuthGrant) -> dict[str, Any]:
    app = db.session.get(App, grant.app_id)
    merchant = db.session.get(Merchant, app.merchant_id) if app else None
    return {
        "id": grant.id, "app_id": grant.app_id, "app_name": app.name if app else "",
        "merchant_id": merchant.id if merchant else "",
        "merchant_name": merchant.name if merchant else "", "scope": grant.scope,
        "per_purchase_cap": grant.per_purchase_cap, "daily_cap": grant.daily_cap,
        "created_at": grant.created_at, "updated_at": grant.updated_at,
        "revoked_at": grant.revoked_at,
    }


def _visible_grants() -> Any:
    """The caller's live connections: all of them on a session, its own with a token."""
    who = principal()
    stmt = select(OAuthGrant).where(OAuthGrant.user_id == who.user_id,
                                    OAuthGrant.revoked_at.is_(None))
    if not who.via_session:
        stmt = stmt.where(OAuthGrant.id == who.grant.get("grant_id"))
    return stmt


def _connection(connection_id: str) -> OAuthGrant:
    grant = (db.session.scalar(_visible_grants().where(OAuthGrant.id == connection_id))
             if looks_like_id(connection_id) else None)
    if grant is None:
        raise NotFound("No such connection.", param="connection_id")
    return grant


@blp.route("/connections")
class Connections(MethodView):
    @requires("user")
    @blp.doc(**security("user"))
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, ConnectionList)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The person's connected apps with their caps (a user token sees its own)."""
        result = page(db.session(), _visible_grants(), OAuthGrant, limit=args["limit"],
                      starting_after=args.get("starting_after"))
        return {"data": [_describe(grant) for grant in result["data"]],
                "has_more": result["has_more"]}


@blp.route("/connections/<string:connection_id>")
class ConnectionResource(MethodView):
    @requires("user")
    @blp.doc(**security("user"))
    @blp.response(200, ConnectionOut)
    def get(self, connection_id: str) -> dict[str, Any]:
        grant = _connection(connection_id)
        return _describe(grant)

    @requires("user")
    @blp.doc(**security("user"))
    @blp.arguments(CapsIn)
    @blp.response(200, ConnectionOut)
    def patch(self, data: dict[str, Any], connection_id: str) -> dict[str, Any]:
        """Change the spending caps (null = no cap). Only the person, on the web
        session: an app cannot raise its own limits."""
        if not principal().via_session:
            raise PermissionDenied("Only the person, signed in, changes an app's caps.",
                                   code="session_required")
        grant = _connection(connection_id)
        for name in ("per_purchase_cap", "daily_cap"):
            if name in data:
                setattr(grant, name, data[name])
        grant.updated_at = utcnow()
        db.session.flush()
        return _describe(grant)

    @requires("user")
    @blp.doc(**security("user"))
    @blp.response(200, ConnectionOut)
    def delete(self, connection_id: str) -> dict[str, Any]:
        """Disconnect an app: every token it holds stops working at once."""
        grant = _connection(connection_id)
        revoke_grant(db.session(), grant)
        return _describe(grant)


# --- token exchange (operator) ------------------------------------------------------


class TokenIn(Schema):
    app_id = Text(required=True, min_length=1, max_length=64)
    per_purchase_cap = PositiveInt64(allow_none=True)
    daily_cap = PositiveInt64(allow_none=True)
    scope = Text(max_length=200, load_default=DEFAULT_SCOPE)
    expires_in = fields.Integer(strict=True, load_default=3600,
                                validate=validate.Range(min=60, max=86400))


class TokenOut(Schema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_in = fields.Integer(required=True)
    scope = fields.String(required=True)
    connection_id = fields.String(required=True)


@blp.route("/users/<string:user_id>/tokens")
class UserTokens(MethodView):
    @requires("admin")
    @blp.doc(**security("admin", session=False))
    @blp.arguments(TokenIn)
    @blp.response(201, TokenOut)
    def post(self, data: dict[str, Any], user_id: str) -> dict[str, Any]:
        """Token exchange: an access token for this person and one app (no refresh token).

        Caps given here replace the connection's; an omitted cap keeps its value.
        """
        token, record = mint_access_token(
            db.session(), user_id=user_id, app_id=data["app_id"], scope=data["scope"],
            per_purchase_cap=data.get("per_purchase_cap"), daily_cap=data.get("daily_cap"),
            expires_in=data["expires_in"],
        )
        return {"access_token": token, "token_type": "Bearer",
                "expires_in": data["expires_in"], "scope": record.scope,
                "connection_id": record.grant_id}


def register(app: Flask, api: Api) -> None:
    """The authorization server, its /oauth pages and the connections API."""
    oauth_server.init_app(app)
    api.register_blueprint(blp)
    app.register_blueprint(web)
