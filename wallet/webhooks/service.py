"""Webhook endpoints (create, update, disable, delete, rotate the secret) and the
delivery log (list, look at, resend).

An endpoint's owner is a merchant (``merchant_id``) or the operator (``None``, for
platform events). Plain Python over a session: no Flask, no commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from wallet.db import is_postgres, utcnow
from wallet.errors import Conflict, InvalidRequest, NotFound, Unprocessable
from wallet.ids import new_id
from wallet.webhooks import secrets
from wallet.webhooks.events import EVENT_TYPES, MERCHANT, OWNER, PLATFORM
from wallet.webhooks.models import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from wallet.webhooks.safety import UnsafeUrl, UrlPolicy, parse

ALL_EVENTS = "*"
MAX_ENDPOINTS = 20
ROTATION_OVERLAP = timedelta(hours=24)


# --- endpoints --------------------------------------------------------------------------


def allowed_types(owner: str | None) -> list[str]:
    """The event types an owner's endpoints may subscribe to."""
    audiences = (MERCHANT, OWNER) if owner is not None else (PLATFORM, OWNER)
    return [t for t, (audience, _) in EVENT_TYPES.items() if audience in audiences]


def check_event_types(types: list[str], owner: str | None) -> list[str]:
    """Known types this owner may receive, without repeats; ``["*"]`` means all of them."""
    wanted = list(dict.fromkeys(types))
    if not wanted:
        raise InvalidRequest("Name at least one event type, or \"*\" for all.",
                             code="no_event_types", param="events")
    if ALL_EVENTS in wanted:
        if len(wanted) > 1:
            raise InvalidRequest("\"*\" already means every event type.", param="events")
        return wanted
    allowed = allowed_types(owner)
    for event_type in wanted:
        if event_type not in EVENT_TYPES:
            raise Unprocessable(f"Unknown event type {event_type!r}.",
                                 code="unknown_event_type", param="events")
        if event_type not in allowed:
            whose = "the operator's" if owner is not None else "merchants'"
            raise InvalidRequest(f"{event_type} events go to {whose} endpoints.",
                                 code="event_type_not_available", param="events")
    return wanted


def check_url(url: str, policy: UrlPolicy) -> str:
    try:
        parse(url, policy)
    except UnsafeUrl as exc:
        raise Unprocessable(str(exc), code="unsafe_url", param="url") from None
    return url


def create_endpoint(
    session: Session, owner: str | None, *, url: str, events: list[str], policy: UrlPolicy,
    kek: bytes, description: str = "", now: datetime | None = None,
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its signing secret (``whsec_…``), which is shown only now."""
    now = now or utcnow()
    check_url(url, policy)
    types = check_event_types(events, owner)
    count = session.scalar(select(func.count()).select_from(WebhookEndpoint)
                           .where(_owned_by(owner), WebhookEndpoint.deleted_at.is_(None)))
    if (count or 0) >= MAX_ENDPOINTS:
        raise Conflict(f"At most {MAX_ENDPOINTS} webhook endpoints; delete one first.",
                       code="too_many_endpoints")
    endpoint_id = new_id("whe")
    secret = secrets.new_secret()
    endpoint = WebhookEndpoint(
        id=endpoint_id, merchant_id=owner, url=url, description=description, events=types,
        secret=secrets.seal(secret, kek, endpoint_id), created_at=now, updated_at=now)
    session.add(endpoint)
    session.flush()
    return endpoint, secret


def _owned_by(owner: str | None) -> Any:
    if owner is None:
        return WebhookEndpoint.merchant_id.is_(None)
    return WebhookEndpoint.merchant_id == owner


def get_endpoint(session: Session, endpoint_id: str, owner: str | None,
                 *, lock: bool = False) -> WebhookEndpoint:
    """One live endpoint of this owner, else 404 (other owners' look absent)."""
    query = select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id)
    if lock and is_postgres(session):
        query = query.with_for_update()
    endpoint = session.scalar(query.execution_options(populate_existing=True))
    if endpoint is None or endpoint.deleted_at is not None or endpoint.merchant_id != owner:
        raise NotFound("No such webhook endpoint.", code="webhook_endpoint_not_found",
                       param="id")
    return endpoint


def list_endpoints(session: Session, owner: str | None) -> Any:
    """The owner's live endpoints (a select for ``wallet.web.paging.page``)."""
    return select(WebhookEndpoint).where(_owned_by(owner), WebhookEndpoint.deleted_at.is_(None))


def update_endpoint(
    session: Session, endpoint_id: str, owner: str | None, *, policy: UrlPolicy,
    url: str | None = None, events: list[str] | None = None, description: str | None = None,
    disabled: bool | None = None, now: datetime | None = None,
) -> WebhookEndpoint:
    """Change the URL, the event types or the description; disable or enable.

    Disabling stops new deliveries and cancels the pending ones (resend them later
    from the log); enabling delivers the events that happen from then on.
    """
    now = now or utcnow()
    endpoint = get_endpoint(session, endpoint_id, owner, lock=True)
    if url is not None:
        endpoint.url = check_url(url, policy)
    if events is not None:
        endpoint.events = check_event_types(events, owner)
    if description is not None:
        endpoint.description = description
    if disabled is True and endpoint.disabled_at is None:
        endpoint.disabled_at = now
        _cancel_pending(session, endpoint.id, now)
    elif disabled is False and endpoint.disabled_at is not None:
        endpoint.disabled_at = None
        endpoint.failing_since = None
    endpoint.updated_at = now
    session.flush()
    return endpoint


def delete_endpoint(session: Session, endpoint_id: str, owner: str | None,
                    now: datetime | None = None) -> WebhookEndpoint:
    """Delete an endpoint: no more deliveries; its pending ones are canceled."""
    now = now or utcnow()
    endpoint = get_endpoint(session, endpoint_id, owner, lock=True)
    endpoint.deleted_at = endpoint.updated_at = now
    _cancel_pending(session, endpoint.id, now)
    session.flush()
    return endpoint


def _cancel_pending(session: Session, endpoint_id: str, now: datetime) -> None:
    session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.status == "pending")
        .values(status="canceled", finished_at=now)
        .execution_options(synchronize_session=False))


def rotate_secret(session: Session, endpoint_id: str, owner: str | None, *, kek: bytes,
                  now: datetime | None = None) -> tuple[WebhookEndpoint, str]:
    """A new secret (shown once); the old one keeps signing beside it for 24 hours."""
    now = now or utcnow()
    endpoint = get_endpoint(session, endpoint_id, owner, lock=True)
    secret = secrets.new_secret()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = now + ROTATION_OVERLAP
    endpoint.secret = secrets.seal(secret, kek, endpoint.id)
    endpoint.updated_at = now
    session.flush()
    return endpoint, secret


def signing_secrets(endpoint: WebhookEndpoint, kek: bytes, now: datetime) -> tuple[str, ...]:
    """The secrets that sign a delivery now: the current one, and the previous one
    while its overlap lasts."""
    found = [secrets.open_sealed(endpoint.secret, kek, endpoint.id)]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret is not None and expires is not None and now < expires:
        found.append(secrets.open_sealed(endpoint.previous_secret, kek, endpoint.id))
    return tuple(found)


def endpoint_view(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "id": endpoint.id, "object": "webhook_endpoint", "url": endpoint.url,
        "description": endpoint.description, "events": list(endpoint.events),
        "merchant_id": endpoint.merchant_id,
        "status": "disabled" if endpoint.disabled_at else "enabled",
        "failing": endpoint.failing_since is not None,
        "failing_since": endpoint.failing_since,
        "previous_secret_expires_at": endpoint.previous_secret_expires_at,
        "created_at": endpoint.created_at, "updated_at": endpoint.updated_at,
    }


# --- the delivery log -------------------------------------------------------------------


def delivery_view(delivery: WebhookDelivery, event_type: str | None = None,
                  attempts: list[WebhookAttempt] | None = None) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": delivery.id, "object": "webhook_delivery", "event_id": delivery.event_id,
        "event_type": event_type, "endpoint_id": delivery.endpoint_id,
        "status": delivery.status, "attempts": delivery.attempts, "manual": delivery.manual,
        "next_attempt_at": delivery.next_attempt_at if delivery.status == "pending" else None,
        "last_status_code": delivery.last_status_code,
        "last_latency_ms": delivery.last_latency_ms,
        "last_response": delivery.last_response, "last_error": delivery.last_error,
        "created_at": delivery.created_at, "finished_at": delivery.finished_at,
    }
    if attempts is not None:
        view["attempt_log"] = [
            {"attempt": a.attempt, "succeeded": a.succeeded, "status_code": a.status_code,
             "latency_ms": a.latency_ms, "response": a.response, "error": a.error,
             "created_at": a.created_at} for a in attempts]
    return view


def _owner_endpoints(owner: str | None) -> Any:
    return select(WebhookEndpoint.id).where(_owned_by(owner))


def list_deliveries(
    session: Session, owner: str | None, *, endpoint_id: str | None = None,
    event_id: str | None = None, status: str | None = None, limit: int = 20,
    starting_after: str | None = None,
) -> tuple[list[tuple[WebhookDelivery, str]], bool]:
    """The owner's deliveries with their event types, newest first."""
    query = (select(WebhookDelivery, Event.type)
             .join(Event, Event.id == WebhookDelivery.event_id)
             .where(WebhookDelivery.endpoint_id.in_(_owner_endpoints(owner))))
    if endpoint_id is not None:
        query = query.where(WebhookDelivery.endpoint_id == endpoint_id)
    if event_id is not None:
        query = query.where(WebhookDelivery.event_id == event_id)
    if status is not None:
        query = query.where(WebhookDelivery.status == status)
    if starting_after:
        anchor = session.scalar(select(WebhookDelivery.seq).where(
            WebhookDelivery.id == starting_after,
            WebhookDelivery.endpoint_id.in_(_owner_endpoints(owner))))
        if anchor is None:
            raise NotFound("starting_after is not an id from this list.",
                                 code="invalid_cursor", param="starting_after")
        query = query.where(WebhookDelivery.seq < anchor)
    rows = session.execute(query.order_by(WebhookDelivery.seq.desc()).limit(limit + 1)).all()
    found = [(row[0], row[1]) for row in rows]
    return found[:limit], len(found) > limit


def get_delivery(session: Session, delivery_id: str, owner: str | None
                 ) -> tuple[WebhookDelivery, str, list[WebhookAttempt]]:
    """One delivery of the owner's endpoints, its event type and its attempt log."""
    row = session.execute(
        select(WebhookDelivery, Event.type).join(Event, Event.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.id == delivery_id,
               WebhookDelivery.endpoint_id.in_(_owner_endpoints(owner)))).first()
    if row is None:
        raise NotFound("No such webhook delivery.", code="webhook_delivery_not_found",
                       param="id")
    attempts = list(session.scalars(select(WebhookAttempt)
                                    .where(WebhookAttempt.delivery_id == delivery_id)
                                    .order_by(WebhookAttempt.seq)))
    return row[0], row[1], attempts


def resend(session: Session, delivery_id: str, owner: str | None,
           now: datetime | None = None) -> tuple[WebhookDelivery, str]:
    """Send a delivery's event to its endpoint again, now: a new delivery, the same
    ``webhook-id`` (the event id), so a receiver that already has it can tell."""
    now = now or utcnow()
    original, event_type, _ = get_delivery(session, delivery_id, owner)
    endpoint = get_endpoint(session, original.endpoint_id, owner)
    if endpoint.disabled_at is not None:
        raise Conflict("The endpoint is disabled; enable it first.",
                       code="webhook_endpoint_disabled")
    again = WebhookDelivery(id=new_id("dlv"), event_id=original.event_id,
                            endpoint_id=endpoint.id, status="pending", attempts=0,
                            next_attempt_at=now, manual=True, created_at=now)
    session.add(again)
    session.flush()
    return again, event_type
