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

from wirewatch.enrich import enrich_text
from wirewatch.errors import ExtractError
from wirewatch.extract import extract_article
from wirewatch.model import Article, Enrichment, RawDocument
from wirewatch.pipeline.summary import DocumentError

T = TypeVar("T")

__all__ = ["ExtractPool", "Processed", "WorkerCrashedError", "enrich_document", "extract_document"]


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


class ExtractPool:
    """Runs the CPU stages inline (``workers == 1``) or in a process pool.

    Extraction and enrichment are two calls, so that the pipeline can skip the costly
    enrichment of an article it already has.
    """

    def __init__(self, workers: int, max_bytes: int) -> None:
        self._workers = max(1, workers)
        self._max_bytes = max_bytes
        self._executor: Executor | None = None

    async def extract(self, raw: RawDocument) -> Processed:
        article, error = await self._run(raw, extract_document, raw, self._max_bytes)
        return Processed(article, None, error)

    async def enrich(self, raw: RawDocument, article: Article) -> Processed:
        return await self._run(raw, enrich_document, article, raw.url or raw.location)

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
            self.close()
            raise WorkerCrashedError("worker process crashed", document=raw.url or raw.location) from None

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


def _worker_start() -> None:
    """Workers leave Ctrl-C to the main process, which stops them in order."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class WorkerCrashedError(ExtractError):
    """A worker process died on this document (counted as an extraction failure)."""
