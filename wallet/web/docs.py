"""OpenAPI security schemes and an interactive docs page that works offline.

``GET /v1/docs`` serves a small page of our own (no CDN) that renders
``/v1/openapi.json``: every operation with its parameters, body and responses,
and a form to try it with a bearer credential.

Views document who may call them with ``@blp.doc(**security("merchant"))``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, render_template
from flask_smorest import Api

SCHEMES: dict[str, dict[str, Any]] = {
    "adminKey": {"type": "http", "scheme": "bearer",
                 "description": "Operator key `ak_…` (created with `flask admin create-key`)."},
    "merchantKey": {"type": "http", "scheme": "bearer",
                    "description": "Merchant secret key `sk_…`."},
    "counterKey": {"type": "http", "scheme": "bearer",
                   "description": "Counter key `ck_…` of one merchant's counter."},
    "userToken": {"type": "http", "scheme": "bearer",
                  "description": "OAuth access token `at_…` for one person and one app."},
    "appOAuth": {
        "type": "oauth2",
        "description": "How apps get a `userToken`: authorization code with PKCE (S256 "
                       "only), public clients (`client_id` = app id), refresh tokens "
                       "rotate. Errors of /oauth/* follow RFC 6749 §5.2.",
        "flows": {"authorizationCode": {
            "authorizationUrl": "/oauth/authorize", "tokenUrl": "/oauth/token",
            "refreshUrl": "/oauth/token",
            "scopes": {"wallet:read": "Read the wallet balance and history",
                       "purchases:write": "Buy from the app's merchant within the caps"},
        }},
    },
    "session": {"type": "apiKey", "in": "cookie", "name": "wallet_session",
                "description": "Web session after sign-in; unsafe methods also need the "
                               "`X-CSRF-Token` header."},
}
KIND_SCHEMES = {"admin": ["adminKey"], "merchant": ["merchantKey"], "counter": ["counterKey"],
                "user": ["userToken", "session"]}


def security(*kinds: str, session: bool = True) -> dict[str, Any]:
    """``@blp.doc(**security("user"))``: the schemes accepted by ``requires(*kinds)``."""
    names = [name for kind in kinds for name in KIND_SCHEMES[kind]
             if session or name != "session"]
    return {"security": [{name: []} for name in names]}


bp = Blueprint("docs", __name__, template_folder="templates")


@bp.get("/v1/docs")
def docs_page() -> str:
    return render_template("docs/index.html")


def init_app(app: Flask, api: Api) -> None:
    for name, scheme in SCHEMES.items():
        if name not in api.spec.components.security_schemes:
            api.spec.components.security_scheme(name, scheme)
    app.register_blueprint(bp)
