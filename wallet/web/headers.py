"""Security headers on every response, with flask-talisman.

- ``Content-Security-Policy``: scripts, styles, fonts and connections from this origin
  only, no inline script or style anywhere (pages load theirs from ``static/``), no
  plugins, not framable (``frame-ancestors 'none'``), forms post to this origin.
- ``X-Frame-Options: DENY``, ``X-Content-Type-Options: nosniff``,
  ``Referrer-Policy: no-referrer`` (a reset link's token never leaks in a Referer),
  ``Permissions-Policy`` denying camera, microphone and location (the counter page
  allows its own camera with ``talisman(...)`` on its view).
- ``Strict-Transport-Security`` in production, on requests that came over https
  (directly or, with ``WALLET_PROXY_FIX=1``, through a proxy that says so). Redirecting
  http to https is the proxy's job: ``/healthz`` must answer the load balancer over http.

A view that needs another policy decorates itself with ``@talisman(...)``.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_talisman import DENY, Talisman

CSP: dict[str, Any] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": ["'self'", "data:", "blob:"],
    "media-src": ["'self'", "blob:", "mediastream:"],
    "connect-src": "'self'",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
PERMISSIONS = {"camera": "()", "microphone": "()", "geolocation": "()", "payment": "()",
               "interest-cohort": "()"}
HSTS_MAX_AGE = 2 * 365 * 24 * 3600

talisman = Talisman()


def init_app(app: Flask) -> None:
    production = app.config.get("ENV") == "production"
    talisman.init_app(
        app,
        force_https=False,
        strict_transport_security=production,
        strict_transport_security_max_age=HSTS_MAX_AGE,
        strict_transport_security_include_subdomains=True,
        content_security_policy=CSP,
        frame_options=DENY,
        referrer_policy="no-referrer",
        permissions_policy=PERMISSIONS,
        feature_policy={},
        document_policy={},
        session_cookie_secure=production,
        session_cookie_samesite=app.config.get("SESSION_COOKIE_SAMESITE") or "Lax",
        x_content_type_options=True,
    )
