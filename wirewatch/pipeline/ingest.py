"""One-shot ingestion: targets (paths, URLs) → sources → fetch → extract → enrich → store.

Each target expands into documents: a folder into files, a WARC into its records, a feed
into its entries, a sitemap (index) into page URLs.  Every document is processed on its
own: an error is recorded against it (document, stage, message) and the batch goes on.
Each article is written in one transaction, so a crash leaves no half-written article and
a re-run skips what is stored (by URL before fetching, by canonical URL or content after).
An article whose enrichment failed is stored without quotations, with a warning.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from wirewatch.config import Settings
from wirewatch.errors import SourceError, UnsupportedSourceError, WirewatchError
from wirewatch.fetch import Fetcher
from wirewatch.model import Article, RawDocument, SourceKind
from wirewatch.pipeline.alerts import AlertDesk
from wirewatch.pipeline.probe import sniff_kind
from wirewatch.pipeline.stories import StoryDesk
from wirewatch.pipeline.summary import DocumentError, IngestSummary
from wirewatch.pipeline.workers import ExtractPool
from wirewatch.sources import Feed, iter_files, parse_feed, parse_sitemap, read_warc
from wirewatch.store import Store
from wirewatch.stories.near import Fingerprint

__all__ = ["Ingestor", "Shared", "is_url"]

MAX_SITEMAP_DEPTH = 3  # index → index → sitemap → pages; deeper nesting is a trap
IN_FLIGHT = 32  # documents being fetched/extracted at once


def is_url(target: str) -> bool:
    """True for http(s) URLs; raises for other schemes (``ftp:``, ``javascript:``...)."""
    scheme = urlsplit(target).scheme.lower()
    if scheme in {"http", "https"}:
        return True
    if scheme in {"", "file"} or (len(scheme) == 1 and target[1:2] == ":"):
        return False
    raise UnsupportedSourceError(f"unsupported URL scheme {scheme!r}", document=target)


@dataclass
class Shared:
    """What long-lived ingestion (``wirewatch run``) shares between its runs: the worker
    pool, the story and alert desks (the clusterer's state), the fetcher."""

    pool: ExtractPool
    stories: StoryDesk
    alerts: AlertDesk
    fetcher: Fetcher
    on_stored: Callable[[int], None] | None = None  # called with each new article's id
    on_feed: Callable[[str, Feed], None] | None = None  # called with each feed read (its hub)
    in_flight: set[str] = field(default_factory=set)  # URLs being fetched and stored now
    background: set[asyncio.Task[None]] = field(default_factory=set)  # documents still going on


class Ingestor:
    """Ingests targets into a store; ``on_progress`` is called after each document.

    Alone it owns its worker pool and fetcher and closes them at the end of ``ingest``;
    given ``shared`` (the live runner's), it closes nothing and can run many times.
    """

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        fetcher: Fetcher | None = None,
        workers: int = 1,
        on_progress: Callable[[IngestSummary], None] | None = None,
        shared: Shared | None = None,
    ) -> None:
        self._store = store
        self._settings = settings
        self._shared = shared
        self._fetcher = shared.fetcher if shared else fetcher
        self._owns_fetcher = shared is None and fetcher is None
        self._pool = shared.pool if shared else ExtractPool(workers, settings.max_document_bytes)
        self._desk = shared.stories if shared else StoryDesk(store)
        self._alerts = shared.alerts if shared else AlertDesk(store)
        self.on_stored: Callable[[int], None] | None = shared.on_stored if shared else None
        self._on_progress = on_progress
        self._slots = asyncio.Semaphore(IN_FLIGHT)
        self._tasks: set[asyncio.Task[None]] = set()
        self.summary = IngestSummary()

    async def ingest(self, targets: Sequence[str], *, wait: bool = True) -> IngestSummary:
        """Ingest the targets.  ``wait=False`` (live runs, with ``shared``) returns once the
        targets are read and their documents handed out: the documents go on in the
        background (``shared.background``), so the next poll need not wait for them."""
        try:
            for target in targets:
                await self._target(target)
            if not wait and self._shared is not None:
                self._shared.background.update(self._tasks)
                return self.summary
            while self._tasks:
                await asyncio.gather(*list(self._tasks))
        finally:
            if self._shared is None:
                self._pool.close()
            if self._owns_fetcher and self._fetcher is not None:
                await self._fetcher.aclose()
                self._fetcher = None
        return self.summary

    async def ingest_document(self, raw: RawDocument) -> IngestSummary:
        """One document whose bytes are in hand (a WebSub content push): expanded and stored."""
        await self._expand(raw, depth=0, inline=True)
        while self._tasks:
            await asyncio.gather(*list(self._tasks))
        return self.summary

    # -- expanding targets into documents -------------------------------------------------

    async def _target(self, target: str) -> None:
        try:
            if is_url(target):
                await self._url(target, depth=0)
                return
        except WirewatchError as exc:
            self._fail(exc, target)
            return
        path = Path(target.removeprefix("file://"))
        await self._documents(iter_files(path, max_bytes=self._settings.max_file_bytes), depth=0)

    async def _documents(self, items: Iterable[RawDocument | SourceError], *, depth: int) -> None:
        for item in items:
            if isinstance(item, SourceError):
                self._fail(item, item.document or "?")
            else:
                await self._expand(item, depth=depth)

    async def _url(self, url: str, *, depth: int) -> None:
        """Fetch a target or child sitemap conditionally; remember its validators on success."""
        cached = self._store.get_http_cache(url)
        etag, modified = cached if cached else (None, None)
        result = await self._fetcher_().fetch(url, etag=etag, last_modified=modified)
        if result.not_modified:
            return
        raw = RawDocument(
            location=url,
            content=result.content,
            url=result.url,
            media_type=result.media_type,
            charset=result.charset,
            source=url,
            fetched_at=result.fetched_at,
        )
        if await self._expand(raw, depth=depth, inline=True) and (result.etag or result.last_modified):
            self._store.put_http_cache(url, result.etag, result.last_modified)

    async def _expand(self, raw: RawDocument, *, depth: int, inline: bool = False) -> bool:
        """A document with content: a container (feed, sitemap, WARC) or a page.

        Returns whether it was read (for a page processed ``inline``: stored).
        """
        try:
            content, kind = sniff_kind(
                raw.content or b"",
                media_type=raw.media_type,
                location=raw.location,
                max_bytes=self._settings.max_body_bytes,
            )
            raw = replace(raw, content=content)
            if kind is SourceKind.FEED:
                feed = parse_feed(content, location=raw.location, timeout=self._settings.parse_timeout)
                if self._shared is not None and self._shared.on_feed is not None:
                    self._shared.on_feed(raw.source or raw.location, feed)
                for entry in feed.entries:
                    await self._submit(replace(entry, source=raw.source or raw.location))
            elif kind is SourceKind.SITEMAP:
                sitemap = parse_sitemap(content, location=raw.location)
                for child in sitemap.sitemaps:
                    await self._child_sitemap(child, depth=depth + 1)
                for page in sitemap.urls:
                    await self._submit(replace(page, source=raw.source or raw.location))
            elif kind is SourceKind.WARC:
                await self._documents(read_warc(io.BytesIO(content), location=raw.location), depth=depth)
            elif inline:
                return await self._leaf(raw)
            else:
                await self._submit(raw)
        except WirewatchError as exc:
            self._fail(exc, raw.location)
            return False
        return True

    async def _child_sitemap(self, url: str, *, depth: int) -> None:
        if depth > MAX_SITEMAP_DEPTH:
            self._fail(SourceError(f"sitemap nesting deeper than {MAX_SITEMAP_DEPTH}"), url)
            return
        try:
            await self._url(url, depth=depth)
        except WirewatchError as exc:
            self._fail(exc, url)

    # -- one document: fetch if needed, extract, store ------------------------------------

    async def _submit(self, raw: RawDocument) -> None:
        if raw.content is None and raw.url is not None:
            # known, or being fetched by another run of the live process: nothing to do
            busy = self._shared is not None and raw.url in self._shared.in_flight
            if busy or self._store.knows_url(raw.url) is not None:
                self.summary.seen += 1
                self.summary.duplicate += 1
                self._progress()
                return
            if self._shared is not None:
                self._shared.in_flight.add(raw.url)
        self.summary.submitted += 1
        await self._slots.acquire()
        task = asyncio.create_task(self._run_leaf(raw))
        self._tasks.add(task)
        task.add_done_callback(self._done(raw.url if raw.content is None else None))

    def _done(self, url: str | None) -> Callable[[asyncio.Task[None]], None]:
        def done(task: asyncio.Task[None]) -> None:
            self._tasks.discard(task)
            self._slots.release()
            if url is not None and self._shared is not None:
                self._shared.in_flight.discard(url)
            if self._shared is not None:
                self._shared.background.discard(task)

        return done

    async def _run_leaf(self, raw: RawDocument) -> None:
        await self._leaf(raw)

    async def _leaf(self, raw: RawDocument) -> bool:
        """Fetch (if only a URL is known), extract and store one document; True when stored."""
        document = raw.url or raw.location
        self.summary.seen += 1
        try:
            if raw.content is None:
                if raw.url is None:
                    raise SourceError("document has neither content nor URL", document=raw.location)
                if self._store.knows_url(raw.url) is not None:
                    self.summary.duplicate += 1
                    return True
                result = await self._fetcher_().fetch(raw.url)
                raw = replace(
                    raw,
                    content=result.content,
                    url=result.url,
                    media_type=result.media_type,
                    charset=result.charset,
                    fetched_at=result.fetched_at,
                )
            extracted = await self._pool.extract(raw)
            article = extracted.article
            if extracted.error is not None or article is None:
                self.summary.record_error(extracted.error or DocumentError(document, "extract", "no article"))
                return False
            urls = [u for u in (raw.location, raw.url) if u and is_url_like(u)]
            if self._store.find_duplicate(article, urls=urls) is not None:
                self._store.add_article(article, urls=urls)  # records the new addresses only
                self.summary.duplicate += 1
                return True
            await self._store_new(raw, article, urls)
        except Exception as exc:  # one broken document never stops a batch
            self.summary.record_error(DocumentError.from_exception(exc, document=document))
            return False
        finally:
            self._progress()
        return True

    def _stored_as_copy(self, article: Article, urls: list[str], print_: Fingerprint | None) -> bool:
        """Store ``article`` as a copy of a stored one, if it is one: listed under the
        original, never new coverage."""
        near = self._desk.near_duplicate(print_)
        if near is None:
            return False
        self._store.add_duplicate(near[0], article, urls=urls, similarity=near[1])
        self.summary.duplicate += 1
        self.summary.near_duplicate += 1
        return True

    async def _store_new(self, raw: RawDocument, article: Article, urls: list[str]) -> None:
        """A document not stored before: a copy of a stored one, or new coverage."""
        print_ = self._desk.fingerprint(article)
        if self._stored_as_copy(article, urls, print_):
            return
        warning = None
        enrichment = None
        if self._settings.enrich:
            enriched = await self._pool.enrich(raw, article)  # only what is new costs NLP time
            enrichment, warning = enriched.enrichment, enriched.warning
            # its original may have been enriched beside it, and stored meanwhile
            if self._store.find_duplicate(article, urls=urls) is not None:
                self._store.add_article(article, urls=urls)  # records the new addresses only
                self.summary.duplicate += 1
                return
            if self._stored_as_copy(article, urls, print_):
                return
        links = self._desk.links(article, enrichment, print_)
        notices, event = self._alerts.notices(article, enrichment)
        added = self._store.add_article(
            article, urls=urls, enrichment=enrichment, links=links, notices=notices, event=event
        )
        if added.new:
            self.summary.new += 1
            self.summary.new_ids.append(added.id)
            if warning is not None:
                self.summary.warnings.append(warning)
            if self.on_stored is not None:
                self.on_stored(added.id)
        else:
            self.summary.duplicate += 1

    def _fetcher_(self) -> Fetcher:
        if self._fetcher is None:
            self._fetcher = Fetcher(self._settings)
        return self._fetcher

    def _fail(self, exc: BaseException, document: str) -> None:
        self.summary.seen += 1
        self.summary.record_error(DocumentError.from_exception(exc, document=document))
        self._progress()

    def _progress(self) -> None:
        if self._on_progress is not None:
            self._on_progress(self.summary)


def is_url_like(value: str) -> bool:
    return urlsplit(value).scheme in {"http", "https"}
