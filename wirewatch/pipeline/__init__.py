"""The pipeline composes the stages and the store: sources → fetch → extract → store."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from wirewatch.config import Settings
from wirewatch.pipeline.ingest import Ingestor, is_url
from wirewatch.pipeline.probe import probe_kind
from wirewatch.pipeline.summary import DocumentError, IngestSummary
from wirewatch.store import Store

__all__ = ["DocumentError", "IngestSummary", "Ingestor", "ingest", "is_url", "probe_kind"]


def ingest(
    targets: Sequence[str],
    store: Store,
    settings: Settings,
    *,
    workers: int = 1,
    on_progress: Callable[[IngestSummary], None] | None = None,
) -> IngestSummary:
    """Ingest paths and URLs into ``store``; errors are recorded per document, never raised."""
    ingestor = Ingestor(store, settings, workers=workers, on_progress=on_progress)
    return asyncio.run(ingestor.ingest(targets))
