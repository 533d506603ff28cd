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
from flask import (
    Flask,
    Response,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
)
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
from wallet.oauth.models import ALL_SCOPES, DEFAULT_SCOPE, OAuthGrant
from wallet.oauth.server import server
from wallet.oauth.service import mint_access_token, revoke_grant
from wallet.people.models import User
from wallet.web.auth import current_principal, principal, requires
from wallet.web.docs import add_path, security
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
    "subscriptions:write": "Start and manage subscriptions to this merchant's plans, "
                           "charged in credits every period until you cancel",
}


def _recurring_plans(merchant_id: str, scope: str) -> list[dict[str, Any]]:
    """The recurring amounts a person agrees to be asked for (scope subscriptions:write)."""
    if "subscriptions:write" not in scope.split():
        return []
    from wallet.subscriptions.service import plans_query

    plans = db.session.scalars(plans_query(merchant_id, include_archived=False).limit(20))
    return [{"name": p.name, "amount": p.amount, "interval": p.interval,
             "trial_days": p.trial_days} for p in plans]


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
            return oauth_server.with_issuer(server.handle_error_response(None, error))
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
        "recurring_plans": _recurring_plans(app.merchant_id, grant.request.scope),
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
    return oauth_server.with_issuer(server.create_authorization_response(
        grant=grant, grant_user=user if approved else None))


def _invalid_characters() -> Response:
    """RFC 6749 §5.2 shape, for parameters Authlib cannot even describe."""
    return server.handle_error_response(
        None, InvalidRequestError("The request has invalid characters."))


@web.post("/token")
@limiter.limit(_token_limit, scope="oauth-token")
def token() -> ResponseReturnValue:
    """Authorization code (with PKCE verifier) or refresh token → token pair."""
    try:
        return server.create_token_response()
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


well_known = FlaskBlueprint("oauth_metadata", __name__)


@well_known.get("/.well-known/oauth-authorization-server")
def authorization_server_metadata() -> Response:
    """RFC 8414 metadata: endpoints, PKCE S256, public clients, RFC 9207 ``iss``."""
    response = jsonify(oauth_server.metadata())
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


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
        db.session.refresh(grant, with_for_update=True)
        before = (grant.per_purchase_cap, grant.daily_cap)
        for name in ("per_purchase_cap", "daily_cap"):
            if name in data:
                setattr(grant, name, data[name])
        if (grant.per_purchase_cap, grant.daily_cap) != before:
            grant.version += 1  # signed tokens carry the caps: the old ones stop at once
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


SCOPE_CHOICE = "|".join(ALL_SCOPES.split())


class TokenIn(Schema):
    app_id = Text(required=True, min_length=1, max_length=64)
    per_purchase_cap = PositiveInt64(allow_none=True)
    daily_cap = PositiveInt64(allow_none=True)
    scope = Text(max_length=200, load_default=DEFAULT_SCOPE, validate=validate.Regexp(
        rf"^({SCOPE_CHOICE})( ({SCOPE_CHOICE}))*$", error="Unknown scope."))
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


# --- the OAuth endpoints in the OpenAPI document ----------------------------------------

OAUTH_ERROR = {"type": "object", "required": ["error"], "properties": {
    "error": {"type": "string", "description": "RFC 6749 §5.2 error code, e.g. "
                                               "`invalid_grant`."},
    "error_description": {"type": "string"}, "error_uri": {"type": "string"}}}
OAUTH_ERROR_ANSWER = {"description": "RFC 6749 §5.2 error.",
                      "content": {"application/json": {"schema": OAUTH_ERROR}}}
FORM = "application/x-www-form-urlencoded"
HTML = {"text/html": {"schema": {"type": "string"}}}
REDIRECT = {"description": "To the app's redirect URI with `code` (or `error`), `state` and "
                           "`iss` (RFC 9207); or to /signin when no one is signed in.",
            "headers": {"Location": {"schema": {"type": "string"}}}}
AUTHORIZE_PARAMETERS = [
    {"in": "query", "name": name, "required": required, "schema": schema}
    for name, required, schema in (
        ("response_type", True, {"type": "string", "enum": ["code"]}),
        ("client_id", True, {"type": "string"}),
        ("redirect_uri", True, {"type": "string"}),
        ("scope", False, {"type": "string"}),
        ("state", False, {"type": "string"}),
        ("code_challenge", True, {"type": "string"}),
        ("code_challenge_method", True, {"type": "string", "enum": ["S256"]}),
    )
]
TOKEN_RESPONSE = {"type": "object", "required": ["access_token", "token_type", "expires_in"],
                  "properties": {"access_token": {"type": "string"},
                                 "token_type": {"type": "string", "enum": ["Bearer"]},
                                 "expires_in": {"type": "integer"},
                                 "refresh_token": {"type": "string"},
                                 "scope": {"type": "string"}}}
METADATA = {"type": "object", "required": ["issuer", "authorization_endpoint",
                                           "token_endpoint", "response_types_supported"],
            "additionalProperties": True,
            "properties": {"issuer": {"type": "string"},
                           "authorization_endpoint": {"type": "string"},
                           "token_endpoint": {"type": "string"},
                           "revocation_endpoint": {"type": "string"},
                           "scopes_supported": {"type": "array", "items": {"type": "string"}},
                           "response_types_supported": {"type": "array",
                                                        "items": {"type": "string"}},
                           "grant_types_supported": {"type": "array",
                                                     "items": {"type": "string"}},
                           "code_challenge_methods_supported": {"type": "array",
                                                                "items": {"type": "string"}},
                           "authorization_response_iss_parameter_supported": {
                               "type": "boolean"}}}
OPENAPI_PATHS: dict[str, dict[str, Any]] = {
    "/.well-known/oauth-authorization-server": {"get": {
        "operationId": "getAuthorizationServerMetadata", "tags": ["oauth"],
        "summary": "RFC 8414 authorization server metadata (discovery).",
        "responses": {"200": {"description": "The metadata.",
                              "content": {"application/json": {"schema": METADATA}}}}}},
    "/oauth/authorize": {
        "get": {"operationId": "getAuthorize", "tags": ["oauth"],
                "summary": "The consent page (authorization code with PKCE S256).",
                "parameters": AUTHORIZE_PARAMETERS,
                "responses": {"200": {"description": "The consent page.", "content": HTML},
                              "303": REDIRECT, "302": REDIRECT,
                              "400": {"description": "An error page (no redirect URI to "
                                                     "answer to).", "content": HTML}}},
        "post": {"operationId": "postAuthorize", "tags": ["oauth"],
                 "summary": "The signed-in person approves or denies (the consent form).",
                 "parameters": AUTHORIZE_PARAMETERS,
                 "requestBody": {"required": True, "content": {FORM: {"schema": {
                     "type": "object", "required": ["decision"], "properties": {
                         "decision": {"type": "string", "enum": ["approve", "deny"]},
                         "per_purchase_cap": {"type": "string"},
                         "daily_cap": {"type": "string"},
                         "csrf_token": {"type": "string"}}}}}},
                 "responses": {"200": {"description": "The consent page.", "content": HTML},
                               "302": REDIRECT, "303": REDIRECT,
                               "400": {"description": "An error page.", "content": HTML}}},
    },
    "/oauth/token": {"post": {
        "operationId": "postToken", "tags": ["oauth"],
        "summary": "Authorization code (with the PKCE verifier) or refresh token -> tokens.",
        "requestBody": {"required": True, "content": {FORM: {"schema": {
            "type": "object", "required": ["grant_type", "client_id"], "properties": {
                "grant_type": {"type": "string",
                               "enum": ["authorization_code", "refresh_token"]},
                "client_id": {"type": "string"}, "code": {"type": "string"},
                "redirect_uri": {"type": "string"}, "code_verifier": {"type": "string"},
                "refresh_token": {"type": "string"}, "scope": {"type": "string"}}}}}},
        "responses": {"200": {"description": "A token pair (RFC 6749 §5.1).",
                              "content": {"application/json": {"schema": TOKEN_RESPONSE}}},
                      "400": OAUTH_ERROR_ANSWER, "401": OAUTH_ERROR_ANSWER}}},
    "/oauth/revoke": {"post": {
        "operationId": "postRevoke", "tags": ["oauth"],
        "summary": "RFC 7009: revoke an access or refresh token (200 even when unknown).",
        "requestBody": {"required": True, "content": {FORM: {"schema": {
            "type": "object", "required": ["token", "client_id"], "properties": {
                "token": {"type": "string"}, "client_id": {"type": "string"},
                "token_type_hint": {"type": "string",
                                    "description": "`access_token` or `refresh_token`; "
                                                   "any other value is ignored."}}}}}},
        "responses": {"200": {"description": "Revoked, or unknown.",
                              "content": {"application/json": {"schema": {
                                  "type": "object"}}}},
                      "400": OAUTH_ERROR_ANSWER, "401": OAUTH_ERROR_ANSWER}}},
}


def register(app: Flask, api: Api) -> None:
    """The authorization server, its /oauth pages and the connections API."""
    oauth_server.init_app(app)
    api.register_blueprint(blp)
    app.register_blueprint(web)
    app.register_blueprint(well_known)
    for path, operations in OPENAPI_PATHS.items():
        add_path(api, path, operations)
