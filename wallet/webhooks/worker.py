"""The delivery worker: dispatch, claim, send, record, in a loop or once.

Like a CLI command this is a commit point (services never commit): it commits after
each step, so no lock is held while requests are in flight. Any number of workers may
run at once, on any number of nodes.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from wallet.db import utcnow
from wallet.webhooks import delivery
from wallet.webhooks.delivery import RetryPolicy
from wallet.webhooks.safety import UrlPolicy
from wallet.webhooks.sender import Sender

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkerSettings:
    """From ``WALLET_WEBHOOK_*`` settings (seconds unless named otherwise)."""

    batch: int = 200
    dispatch_batch: int = 1000
    lease: timedelta = timedelta(minutes=5)
    poll_interval: float = 0.5
    timeout: float = 10.0
    concurrency: int = 16
    per_endpoint: int = 8
    response_limit: int = 4096
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> WorkerSettings:
        def get(name: str, default: Any) -> Any:
            return type(default)(config.get(f"WEBHOOK_{name}", default))

        base = cls()
        retry = RetryPolicy(base=get("RETRY_BASE", base.retry.base),
                            cap=get("RETRY_CAP", base.retry.cap),
                            window=get("RETRY_WINDOW", base.retry.window))
        return cls(batch=get("BATCH", base.batch),
                   lease=timedelta(seconds=get("LEASE", base.lease.total_seconds())),
                   poll_interval=get("POLL_INTERVAL", base.poll_interval),
                   timeout=get("TIMEOUT", base.timeout),
                   concurrency=get("CONCURRENCY", base.concurrency),
                   per_endpoint=get("PER_ENDPOINT", base.per_endpoint),
                   response_limit=get("RESPONSE_LIMIT", base.response_limit), retry=retry)

    def sender(self, policy: UrlPolicy, **kwargs: Any) -> Sender:
        return Sender(policy, timeout=self.timeout, concurrency=self.concurrency,
                      per_endpoint=self.per_endpoint, response_limit=self.response_limit,
                      **kwargs)


@dataclass
class Totals:
    events: int = 0
    attempts: int = 0
    succeeded: int = 0
    retrying: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def step(session: Session, sender: Sender, settings: WorkerSettings, kek: bytes,
         totals: Totals, rng: random.Random, run_started: datetime | None = None) -> bool:
    """One round: dispatch new events, then claim, send and record one batch.
    Returns whether there was anything to do."""
    dispatched = delivery.dispatch(session, limit=settings.dispatch_batch)
    session.commit()
    claimed = delivery.claim(session, limit=settings.batch, lease=settings.lease,
                             run_started=run_started)
    session.commit()
    totals.events += dispatched
    if not claimed:
        return dispatched > 0
    messages = delivery.messages(session, claimed, kek=kek)
    session.commit()  # end the read before the requests go out (SQLite: its write lock)
    outcomes = sender.send(messages)
    recorded = delivery.record(session, claimed, outcomes, retry=settings.retry, rng=rng)
    session.commit()
    totals.attempts += len(outcomes)
    totals.succeeded += recorded.succeeded
    totals.retrying += recorded.retrying
    totals.failed += recorded.failed
    return True


def run(session: Session, sender: Sender, settings: WorkerSettings, kek: bytes, *,
        once: bool = False, stop: threading.Event | None = None) -> Totals:
    """Deliver until ``stop`` is set; with ``once``, deliver what is due now and return
    (each delivery at most one attempt per run, so a failing endpoint cannot keep it busy)."""
    totals = Totals()
    rng = random.Random()  # noqa: S311 (jitter, not secrets)
    stop = stop or threading.Event()
    started = utcnow()
    log.info("webhook worker started (%s, %s)", "once" if once else "loop",
             "public https only" if sender.policy.public_only else "any address")
    while not stop.is_set():
        if once:
            if not step(session, sender, settings, kek, totals, rng, run_started=started):
                break
            continue
        try:
            busy = step(session, sender, settings, kek, totals, rng)
        except Exception:
            log.exception("webhook delivery round failed; trying again")
            with contextlib.suppress(Exception):  # e.g. the connection is gone
                session.rollback()
            busy = False
        if not busy:
            stop.wait(settings.poll_interval)
    return totals
