"""The outbox worker: sends what the pipeline wrote to the outbox, at least once.

Deliveries are rows written in the same transaction as their article, so nothing matched
is lost.  The worker claims due rows, sends each in its own task (a receiver that hangs
holds only its own delivery, up to its channel's timeout), and records the outcome: sent;
the channel gone for good (a 410, a push subscription deleted) and disabled; or a retry
with exponential backoff and jitter, at least as late as the receiver's Retry-After.
After ``GIVE_UP_AFTER`` seconds of failures a delivery is failed and its webhook channel
disabled.  A crash between a send and its record resends it after the restart, with the
same idempotency key, so a receiver that keeps the keys sees it once.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from wirewatch.alerts.base import Notifier, SendResult
from wirewatch.model import ChannelKind, Delivery
from wirewatch.store import Store

__all__ = ["GIVE_UP_AFTER", "Outbox", "backoff"]

log = logging.getLogger("wirewatch.alerts")

GIVE_UP_AFTER = 86400.0  # a day of failures
FIRST_RETRY = 5.0
MAX_RETRY = 3600.0
IDLE_POLL = 0.5  # seconds between looks at the outbox when nobody wakes the worker
BATCH = 100
DIGESTS = ("hourly", "daily")  # email channels that send one message per period


def backoff(attempts: int, *, rng: random.Random | None = None) -> float:
    """Seconds before the next attempt after ``attempts`` failures: 5 s doubling to an hour, ±20%."""
    base = min(MAX_RETRY, FIRST_RETRY * 2.0 ** max(0, attempts - 1))
    jitter = (rng or random.Random()).uniform(0.8, 1.2)  # noqa: S311 - spreading retries, not secrets
    return float(base * jitter)


class Outbox:
    def __init__(
        self,
        store: Store,
        notifiers: Mapping[ChannelKind, Notifier],
        *,
        clock: Callable[[], float] = time.time,
        on_result: Callable[[Delivery, SendResult], None] | None = None,
    ) -> None:
        self._store = store
        self._notifiers = dict(notifiers)
        self._clock = clock
        self._on_result = on_result
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Look at the outbox now (a new article was stored)."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Send until ``stop`` is set; in-flight sends are awaited, not abandoned."""
        while not stop.is_set():
            self.dispatch()
            self._wake.clear()
            waiter = asyncio.ensure_future(self._wake.wait())
            stopper = asyncio.ensure_future(stop.wait())
            await asyncio.wait({waiter, stopper}, timeout=IDLE_POLL, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            stopper.cancel()
        await self.drain()

    def dispatch(self) -> int:
        """Start a task for each due delivery not already being sent (one per digest); how
        many started."""
        started = 0
        digests: dict[int, list[Delivery]] = {}
        for delivery in self._store.due_deliveries(self._clock(), BATCH):
            if delivery.id in self._in_flight:
                continue
            if delivery.channel.id is not None and delivery.channel.options.get("digest") in DIGESTS:
                digests.setdefault(delivery.channel.id, []).append(delivery)
                continue
            self._start(self._send(delivery), [delivery.id])
            started += 1
        for group in digests.values():
            self._start(self._send_digest(group), [d.id for d in group])
            started += 1
        return started

    def _start(self, work: Coroutine[Any, Any, None], keys: list[int]) -> None:
        task = asyncio.create_task(work)
        for key in keys:
            self._in_flight[key] = task
            task.add_done_callback(self._finished(key))

    async def _send_digest(self, group: list[Delivery]) -> None:
        """One message for a digest channel's due notifications; each gets the outcome."""
        notifier = self._notifiers.get(ChannelKind.EMAIL)
        send_digest = getattr(notifier, "send_digest", None)
        if send_digest is None:
            result = SendResult(False, "no email channel configured")
        else:
            try:
                result = await send_digest(group[0].channel, group)
            except Exception as exc:
                log.exception("digest for channel %s failed", group[0].channel.id)
                result = SendResult(False, f"internal: {type(exc).__name__}: {exc}")
        for delivery in group:
            self._record(delivery, result)
            if self._on_result is not None:
                self._on_result(delivery, result)

    def _finished(self, key: int) -> Callable[[asyncio.Task[None]], None]:
        def done(_task: asyncio.Task[None]) -> None:
            self._in_flight.pop(key, None)

        return done

    async def drain(self) -> None:
        while self._in_flight:
            await asyncio.gather(*set(self._in_flight.values()), return_exceptions=True)

    async def run_once(self) -> None:
        """Send everything due now and wait for the outcomes (tests, one-shot commands)."""
        self.dispatch()
        await self.drain()

    async def _send(self, delivery: Delivery) -> None:
        notifier = self._notifiers.get(delivery.channel.kind)
        if notifier is None:
            result = SendResult(False, f"no {delivery.channel.kind.value} channel configured")
        else:
            try:
                result = await notifier.send(delivery)
            except Exception as exc:  # a channel's bug must not stop the worker
                log.exception("delivery %s: %s channel failed", delivery.key, delivery.channel.kind.value)
                result = SendResult(False, f"internal: {type(exc).__name__}: {exc}")
        self._record(delivery, result)
        if self._on_result is not None:
            self._on_result(delivery, result)

    def _record(self, delivery: Delivery, result: SendResult) -> None:
        now = self._clock()
        channel_id = delivery.channel.id
        if result.ok:
            self._store.delivery_sent(delivery.id)
            return
        error = result.error or "failed"
        if result.gone and channel_id is not None:
            self._store.delivery_failed(delivery.id, error, retry_at=None, now=now)
            if delivery.channel.kind is ChannelKind.PUSH:  # the browser unsubscribed: forget it
                log.info("push subscription %s deleted: %s", channel_id, error)
                self._store.delete_channel(channel_id)
            else:
                log.warning("channel %s disabled: %s", channel_id, error)
                self._store.disable_channel(channel_id, error)
            return
        created = delivery.created_at.timestamp() if delivery.created_at else now
        if now - created >= GIVE_UP_AFTER:
            log.warning("delivery %s given up after a day: %s", delivery.key, error)
            self._store.delivery_failed(delivery.id, error, retry_at=None, now=now)
            if channel_id is not None and delivery.channel.kind is ChannelKind.WEBHOOK:
                self._store.disable_channel(channel_id, f"failing for a day: {error}")
            return
        wait = backoff(delivery.attempts + 1)
        if result.retry_after is not None:
            wait = max(wait, min(result.retry_after, GIVE_UP_AFTER))
        if delivery.attempts == 0:
            log.info("delivery %s failed, will retry: %s", delivery.key, error)
        self._store.delivery_failed(delivery.id, error, retry_at=now + wait, now=now)
