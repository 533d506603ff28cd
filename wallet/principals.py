"""Who is calling: the principal of one request, as plain data (no Flask).

Capabilities that own a credential turn it into a ``Principal`` (merchants: API
keys; oauth: access tokens; people: the signed-in person); ``wallet.web.auth``
asks them in turn and guards views with ``requires``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

PRINCIPAL_KINDS = frozenset({"admin", "merchant", "counter", "user"})


@dataclass(frozen=True)
class Principal:
    """The authenticated caller of one request."""

    kind: str
    merchant_id: str | None = None
    counter_id: str | None = None
    user_id: str | None = None
    app_id: str | None = None
    key_id: str | None = None
    via_session: bool = False
    grant: dict[str, Any] = field(default_factory=dict)

    @property
    def scope_key(self) -> str:
        """A stable name for the caller, e.g. to scope Idempotency-Keys."""
        parts = [self.kind, self.key_id or "", self.merchant_id or "", self.counter_id or "",
                 self.user_id or "", self.app_id or ""]
        return ":".join(parts)


# A bearer credential → its principal, or None when the resolver does not
# recognise it (another resolver may); raises AuthenticationError when it is
# one of its own but invalid, expired or revoked.
BearerResolver = Callable[[Session, str], "Principal | None"]
# The token of a signed-in session cookie → its principal, or None when the session
# ended (signed out, expired, revoked) or that person no longer exists.
SessionResolver = Callable[[Session, str], "Principal | None"]
