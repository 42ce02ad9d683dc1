"""``wirewatch run``: poll every source on its own schedule, store, match, deliver.

One asyncio process.  The scheduler looks at the sources table every ``TICK`` (so a
source added by another command is polled at once) and starts a poll for each source that
is due and not already being polled; each poll is its own task under the fetcher's total
deadline, so a hung source delays nobody else.  After a poll the source's next time is
set: its ``--every`` interval, or, without one, an interval that halves when the source
had something new and grows by a quarter when it had not (between a quarter and four
times ``poll_interval``, never under ``min_poll_interval``); after an error, exponential
backoff with jitter.  New articles wake the outbox worker, which sends what the pipeline
wrote to the outbox in the article's own transaction.  Feeds that name a WebSub hub are
subscribed to; the hub's verified, signed content pushes are processed like a poll.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import random
import secrets
import time
from collections.abc import Callable, Coroutine
from contextlib import suppress
from typing import Any
from urllib.parse import urlencode

from wirewatch.alerts.base import Notifier
from wirewatch.alerts.email import EmailNotifier
from wirewatch.alerts.outbox import Outbox
from wirewatch.alerts.vapid import VapidKeys
from wirewatch.alerts.webhook import WebhookNotifier
from wirewatch.alerts.webpush import WebPushNotifier
from wirewatch.config import Settings
from wirewatch.errors import FetchError
from wirewatch.fetch import Fetcher
from wirewatch.model import ChannelKind, RawDocument, Source, SourceKind
from wirewatch.pipeline.alerts import AlertDesk
from wirewatch.pipeline.ingest import Ingestor, Shared
from wirewatch.pipeline.stories import StoryDesk
from wirewatch.pipeline.summary import IngestSummary
from wirewatch.pipeline.workers import ExtractPool
from wirewatch.sources import Feed
from wirewatch.store import Store

__all__ = ["Runner", "next_interval"]

log = logging.getLogger("wirewatch.run")

TICK = 0.1  # seconds between looks at the sources table
WEBSUB_LEASE = 7 * 86400
MAX_ERROR_BACKOFF = 6 * 3600.0


def next_interval(source: Source, settings: Settings, *, found_new: bool) -> float:
    """The wait before a source's next poll after a successful one."""
    floor = settings.min_poll_interval
    if source.every_seconds:
        return max(floor, float(source.every_seconds))
    base = settings.poll_interval
    current = (source.health.interval_seconds if source.health else None) or base
    current = current / 2 if found_new else current * 1.25
    return max(floor, min(base * 4, max(base / 4, current)))


def error_backoff(source: Source, settings: Settings, errors: int) -> float:
    base = float(source.every_seconds or settings.poll_interval)
    wait = min(MAX_ERROR_BACKOFF, max(settings.min_poll_interval, base) * 2 ** max(0, errors - 1))
    jitter: float = random.uniform(0.8, 1.2)  # noqa: S311 - spreading retries, not secrets
    return float(max(settings.min_poll_interval, wait * jitter))


class Runner:
    """The live process's parts; ``run(stop)`` until ``stop`` is set."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        workers: int = 1,
        public_url: str | None = None,
        notifiers: dict[ChannelKind, Notifier] | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.public_url = (public_url or "").rstrip("/")
        self.fetcher = Fetcher(settings)
        self.new_article = asyncio.Condition()  # notified after each stored article (SSE)
        self.vapid = VapidKeys.from_string(
            store.setting("vapid_private_key", VapidKeys.generate().to_string())
        )
        channels: dict[ChannelKind, Notifier] = {
            ChannelKind.WEBHOOK: WebhookNotifier(self.fetcher, timeout=settings.delivery_timeout),
            ChannelKind.PUSH: WebPushNotifier(
                self.fetcher, self.vapid, subject=settings.push_subject, timeout=settings.delivery_timeout
            ),
            ChannelKind.EMAIL: EmailNotifier(settings, public_url=self.public_url or None),
        }
        channels.update(notifiers or {})
        self.outbox = Outbox(store, channels)
        self.shared = Shared(
            pool=ExtractPool(workers, settings.max_document_bytes),
            stories=StoryDesk(store),
            alerts=AlertDesk(store),
            fetcher=self.fetcher,
            on_stored=self._stored,
            on_feed=self._feed_seen,
        )
        self._polling: dict[int, asyncio.Task[None]] = {}
        self._hubs: dict[int, tuple[str, str]] = {}  # source id -> (hub, topic) to subscribe to
        self._tasks: set[asyncio.Task[None]] = set()
        self.on_poll: Callable[[Source, IngestSummary], None] | None = None

    # -- lifetime --------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        outbox = asyncio.create_task(self.outbox.run(stop))
        try:
            while not stop.is_set():
                self._schedule()
                with suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), TICK)
        finally:
            for task in list(self._polling.values()) + list(self._tasks) + list(self.shared.background):
                task.cancel()
            await asyncio.gather(
                *self._polling.values(), *self._tasks, *self.shared.background, return_exceptions=True
            )
            await outbox
            self.shared.pool.close()
            await self.fetcher.aclose()

    def _stored(self, article_id: int) -> None:
        del article_id
        self.outbox.wake()
        self._spawn(self._notify_listeners())

    async def _notify_listeners(self) -> None:
        async with self.new_article:
            self.new_article.notify_all()

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- polling ---------------------------------------------------------------------

    def _schedule(self) -> None:
        now = time.time()
        for source in self.store.list_sources():
            if source.id is None or source.id in self._polling:
                continue
            due = source.health.next_poll if source.health else None
            if due is not None and due.timestamp() > now:
                continue
            task = asyncio.create_task(self._poll(source))
            self._polling[source.id] = task
            task.add_done_callback(self._poll_done(source.id))

    def _poll_done(self, source_id: int) -> Callable[[asyncio.Task[None]], None]:
        def done(_task: asyncio.Task[None]) -> None:
            self._polling.pop(source_id, None)

        return done

    async def _poll(self, source: Source) -> None:
        assert source.id is not None
        ingestor = Ingestor(self.store, self.settings, shared=self.shared)
        try:
            summary = await ingestor.ingest([source.url], wait=False)
        except Exception as exc:  # a source's trouble is recorded, never fatal
            log.exception("source %s: poll failed", source.url)
            summary = IngestSummary()
            summary.record_error_text(source.url, f"{type(exc).__name__}: {exc}")
        now = time.time()
        failed_source = summary.source_failed(source.url)
        if failed_source is None:
            interval = next_interval(source, self.settings, found_new=summary.submitted > 0)
            self.store.record_poll(
                source.id, error=None, next_poll=now + interval, interval=interval, now=now
            )
        else:
            errors = (source.health.error_count if source.health else 0) + 1
            wait = error_backoff(source, self.settings, errors)
            interval = (
                source.health.interval_seconds if source.health else None
            ) or self.settings.poll_interval
            self.store.record_poll(
                source.id, error=failed_source, next_poll=now + wait, interval=interval, now=now
            )
        if self.on_poll is not None:
            self.on_poll(source, summary)
        hub = self._hubs.pop(source.id, None)
        if hub is not None and self.public_url:
            await self._websub_subscribe(source, *hub)

    # -- WebSub (W3C Recommendation) -----------------------------------------------------

    def _feed_seen(self, location: str, feed: Feed) -> None:
        if not feed.hub:
            return
        for source in self.store.list_sources():
            if source.url == location and source.id is not None and source.kind is SourceKind.FEED:
                health = source.health
                expires = health.websub_expires.timestamp() if health and health.websub_expires else 0.0
                if expires - time.time() < WEBSUB_LEASE / 4 or (health and health.websub_hub != feed.hub):
                    self._hubs[source.id] = (feed.hub, feed.self_url or source.url)

    def callback_url(self, source_id: int) -> str:
        return f"{self.public_url}/websub/{source_id}"

    async def _websub_subscribe(self, source: Source, hub: str, topic: str) -> None:
        assert source.id is not None
        secret = secrets.token_urlsafe(24)
        self.store.set_websub(source.id, hub=hub, topic=topic, secret=secret, expires=None)
        body = urlencode(
            {
                "hub.mode": "subscribe",
                "hub.topic": topic,
                "hub.callback": self.callback_url(source.id),
                "hub.secret": secret,
                "hub.lease_seconds": str(WEBSUB_LEASE),
            }
        ).encode()
        headers = (("Content-Type", "application/x-www-form-urlencoded"),)
        try:
            reply = await self.fetcher.post(
                hub, body, headers=headers, timeout=self.settings.delivery_timeout
            )
        except FetchError as exc:
            log.warning("source %s: WebSub hub %s: %s", source.url, hub, exc)
            return
        if reply.status not in (202, 204, 200):
            log.warning("source %s: WebSub hub %s refused: HTTP %s", source.url, hub, reply.status)

    def websub_verify(self, source_id: int, mode: str, topic: str, lease: str | None) -> bool:
        """The hub checks our intent: yes for the topic we asked about, with its lease kept."""
        known_topic, secret = self.store.websub_secret(source_id)
        source = self.store.get_source(source_id)
        if source is None or not known_topic or topic != known_topic or not secret:
            return False
        if mode == "subscribe":
            seconds = float(lease) if lease and lease.isdigit() else float(WEBSUB_LEASE)
            health = source.health
            self.store.set_websub(
                source_id,
                hub=health.websub_hub if health else None,
                topic=known_topic,
                secret=secret,
                expires=time.time() + seconds,
            )
            return True
        return mode == "unsubscribe"

    def websub_accept(self, source_id: int, body: bytes, signature: str | None) -> bool:
        """A content push: True (and processed in the background) when its signature holds."""
        topic, secret = self.store.websub_secret(source_id)
        source = self.store.get_source(source_id)
        if source is None or not secret or not signature or "=" not in signature:
            return False
        method, _, given = signature.partition("=")
        algorithms = {
            "sha1": hashlib.sha1,
            "sha256": hashlib.sha256,
            "sha384": hashlib.sha384,
            "sha512": hashlib.sha512,
        }
        digest = algorithms.get(method.strip().lower())
        if digest is None:
            return False
        expected = hmac.new(secret.encode(), body, digest).hexdigest()
        if not hmac.compare_digest(expected, given.strip().lower()):
            return False
        raw = RawDocument(location=topic or source.url, content=body, url=topic, source=source.url)
        self._spawn(self._ingest_push(raw))
        return True

    async def _ingest_push(self, raw: RawDocument) -> None:
        ingestor = Ingestor(self.store, self.settings, shared=self.shared)
        try:
            await ingestor.ingest_document(raw)
        except Exception:
            log.exception("WebSub content from %s failed", raw.location)
