"""Links the product sends people to (checkout returns, emails): ``BASE_URL`` + a path."""

from __future__ import annotations

from urllib.parse import urljoin

from flask import current_app


def public_url(path: str) -> str:
    """``path`` (relative, may carry a query) under the deployment's ``BASE_URL``."""
    return urljoin(str(current_app.config["BASE_URL"]).rstrip("/") + "/", path.lstrip("/"))
