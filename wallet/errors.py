"""Typed errors shared by every layer.

Domain code raises these; it never knows about HTTP. The API layer maps an
error's ``type`` to a status code in one place (``wallet.web.errors``).
"""

from __future__ import annotations

from typing import Any


class WalletError(Exception):
    """Base of every error the product reports to a client."""

    type: str = "api_error"
    code: str = "internal_error"
    default_message: str = "An internal error occurred."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        param: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.message = message or self.default_message
        if code is not None:
            self.code = code
        self.param = param
        self.details = details or {}
        super().__init__(self.message)


class InvalidRequest(WalletError):
    type = "invalid_request_error"
    code = "invalid_request"
    default_message = "The request is invalid."


class AuthenticationError(WalletError):
    type = "authentication_error"
    code = "unauthenticated"
    default_message = "Authentication credentials are missing or invalid."


class PermissionDenied(WalletError):
    type = "permission_error"
    code = "forbidden"
    default_message = "These credentials may not perform this action."


class NotFound(WalletError):
    type = "not_found_error"
    code = "not_found"
    default_message = "No such object."


class Conflict(WalletError):
    type = "conflict_error"
    code = "conflict"
    default_message = "The request conflicts with the current state."


class InsufficientCredits(WalletError):
    type = "insufficient_credits_error"
    code = "insufficient_credits"
    default_message = "Not enough credits."


class Unprocessable(WalletError):
    type = "unprocessable_error"
    code = "unprocessable"
    default_message = "The request is well-formed but cannot be carried out."


class RateLimited(WalletError):
    type = "rate_limit_error"
    code = "rate_limited"
    default_message = "Too many requests."


class ServiceUnavailable(WalletError):
    """Answered with 503 and Retry-After: retrying the same request later is safe."""

    type = "service_unavailable_error"
    code = "service_unavailable"
    default_message = "The service is unavailable; retry shortly."
