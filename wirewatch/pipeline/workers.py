"""CPU-heavy stages run here: in this process, or in a pool of worker processes.

A worker never raises across the process boundary: exceptions do not pickle with their
context, so it returns ``(article, None)`` or ``(None, error)`` instead.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime

from wirewatch.errors import ExtractError
from wirewatch.extract import extract_article
from wirewatch.model import Article, RawDocument
from wirewatch.pipeline.summary import DocumentError

__all__ = ["ExtractPool", "extract_document"]


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


class ExtractPool:
    """Runs ``extract_document`` inline (``workers == 1``) or in a process pool."""

    def __init__(self, workers: int, max_bytes: int) -> None:
        self._workers = max(1, workers)
        self._max_bytes = max_bytes
        self._executor: Executor | None = None

    async def extract(self, raw: RawDocument) -> tuple[Article | None, DocumentError | None]:
        if self._workers == 1:
            return extract_document(raw, self._max_bytes)
        if self._executor is None:
            # forkserver: no fork of a process that runs threads (the event loop's resolver).
            context = multiprocessing.get_context("forkserver")
            self._executor = ProcessPoolExecutor(self._workers, mp_context=context)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, extract_document, raw, self._max_bytes)
        except BrokenProcessPool:
            # A worker died (a crash in a C parser): this document fails, the pool restarts.
            self.close()
            error = DocumentError(raw.url or raw.location, "extract", "worker process crashed")
            return None, error

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
