"""CPU-heavy stages run here: in this process, or in a pool of worker processes.

A worker extracts the article and, unless switched off (setting ``enrich``), finds its
quotations and entities in the same process (spaCy loads once per worker process).  It
never raises across the process boundary: exceptions do not pickle with their context,
so it returns a ``Processed`` holding the article, its enrichment and any errors.

An enrichment failure does not lose the article: it is stored without quotations and
the failure is reported as a warning (stage ``enrich``), not as a failed document.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import signal
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from wirewatch.enrich import BATCH, enrich_text, enrich_texts
from wirewatch.errors import ExtractError
from wirewatch.extract import extract_article
from wirewatch.model import Article, Enrichment, RawDocument
from wirewatch.pipeline.summary import DocumentError

T = TypeVar("T")

__all__ = [
    "ENRICH_WAIT",
    "ExtractPool",
    "Processed",
    "WorkerCrashedError",
    "enrich_document",
    "enrich_documents",
    "extract_document",
]

ENRICH_WAIT = 0.02  # seconds an article waits for others to be enriched with it


@dataclass(frozen=True, slots=True)
class Processed:
    """What a worker made of one document.

    ``article`` is None when extraction failed (``error`` says why); ``enrichment`` is
    None when enrichment was off or failed (``warning`` says why, stage ``enrich``).
    """

    article: Article | None
    enrichment: Enrichment | None = None
    error: DocumentError | None = None
    warning: DocumentError | None = None


def extract_document(raw: RawDocument, max_bytes: int) -> tuple[Article | None, DocumentError | None]:
    """Extract one fetched document; never raises."""
    document = raw.url or raw.location
    try:
        if raw.content is None:
            raise ExtractError("no content to extract", document=document)
        article = extract_article(
            raw.content,
            raw.url,
            media_type=raw.media_type,
            charset=raw.charset,
            hints=raw.hints,
            max_bytes=max_bytes,
        )
    except Exception as exc:  # one broken document never stops a batch
        return None, DocumentError.from_exception(exc, document=document)
    return (
        article.with_(
            url=raw.url or article.url,
            source=raw.source or raw.location,
            fetched_at=raw.fetched_at or datetime.now(UTC),
        ),
        None,
    )


def enrich_document(article: Article, document: str) -> Processed:
    """Find the quotations and entities of an extracted article; never raises."""
    try:
        enrichment = enrich_text(article.text)
    except Exception as exc:  # the article is worth storing without its quotations
        message = DocumentError.from_exception(exc, document=document).message
        return Processed(article, None, None, DocumentError(document, "enrich", message))
    return Processed(article, enrichment)


def enrich_documents(items: list[tuple[Article, str]]) -> list[Processed]:
    """``enrich_document`` for each (article, document), parsed together; never raises.

    Should the batch fail, each article is enriched alone, so the fault costs only its own
    quotations.
    """
    try:
        enrichments = list(enrich_texts([article.text for article, _ in items], batch=len(items)))
    except Exception:  # one of them is at fault: find out which, one by one
        return [enrich_document(article, document) for article, document in items]
    return [Processed(article, e) for (article, _), e in zip(items, enrichments, strict=True)]


class ExtractPool:
    """Runs the CPU stages inline (``workers == 1``) or in a process pool.

    Extraction and enrichment are two calls, so that the pipeline can skip the costly
    enrichment of an article it already has.
    """

    def __init__(self, workers: int, max_bytes: int) -> None:
        self._workers = max(1, workers)
        self._max_bytes = max_bytes
        self._executor: Executor | None = None
        self._waiting: list[tuple[RawDocument, Article, asyncio.Future[Processed]]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._sending: set[asyncio.Task[None]] = set()

    async def extract(self, raw: RawDocument) -> Processed:
        article, error = await self._run(raw, extract_document, raw, self._max_bytes)
        return Processed(article, None, error)

    async def enrich(self, raw: RawDocument, article: Article) -> Processed:
        """Enrich ``article``, with the others asked for within ``ENRICH_WAIT`` (up to ``BATCH``)."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[Processed] = loop.create_future()
        self._waiting.append((raw, article, done))
        if len(self._waiting) >= BATCH:
            self._send()
        elif self._timer is None:
            self._timer = loop.call_later(ENRICH_WAIT, self._send)
        return await done

    def _send(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._waiting = self._waiting, []
        if batch:
            task = asyncio.get_running_loop().create_task(self._enrich(batch))
            self._sending.add(task)  # kept until done: the loop holds tasks weakly
            task.add_done_callback(self._sending.discard)

    async def _enrich(self, batch: list[tuple[RawDocument, Article, asyncio.Future[Processed]]]) -> None:
        items = [(article, raw.url or raw.location) for raw, article, _ in batch]
        try:
            results = await self._run(batch[0][0], enrich_documents, items)
        except WorkerCrashedError as crash:
            if len(batch) > 1:  # one document's crash: alone, each finds out whether it was theirs
                await asyncio.gather(*(self._enrich([item]) for item in batch))
            elif not batch[0][2].done():
                batch[0][2].set_exception(crash)
            return
        except BaseException:  # cancelled, or the pool shut: whoever still waits is told
            for _, _, done in batch:
                done.cancel()
            raise
        for (_, _, done), result in zip(batch, results, strict=True):
            if not done.done():  # else its caller gave up waiting
                done.set_result(result)

    async def _run(self, raw: RawDocument, func: Callable[..., T], *args: Any) -> T:
        if self._workers == 1:
            return func(*args)
        if self._executor is None:
            # forkserver: no fork of a process that runs threads (the event loop's resolver).
            context = multiprocessing.get_context("forkserver")
            self._executor = ProcessPoolExecutor(self._workers, mp_context=context, initializer=_worker_start)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, func, *args)
        except BrokenProcessPool:
            # A worker died (a crash in a C parser): this document fails, the pool restarts.
            self._shut()
            raise WorkerCrashedError("worker process crashed", document=raw.url or raw.location) from None

    def close(self) -> None:
        """Shut the workers; articles still waiting to be enriched are cancelled."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for _, _, done in self._waiting:
            done.cancel()
        self._waiting = []
        self._shut()

    def _shut(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


def _worker_start() -> None:
    """Workers leave Ctrl-C to the main process, which stops them in order."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class WorkerCrashedError(ExtractError):
    """A worker process died on this document (counted as an extraction failure)."""
