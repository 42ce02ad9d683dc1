"""The alert desk: which saved queries a new article matches, and what to tell them.

The query index is rebuilt when the subscriptions change (checked at most every
``REFRESH`` seconds, so a subscription made by another process is live at once), and a
query that no longer parses is skipped with a warning rather than stopping ingestion.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from wirewatch.alerts.matching import QueryIndex
from wirewatch.errors import QueryError
from wirewatch.model import Article, Enrichment, Quote, QuoteKind
from wirewatch.store import Store
from wirewatch.store.base import Notice

__all__ = ["AlertDesk", "quote_part"]

log = logging.getLogger("wirewatch.alerts")
REFRESH = 0.5


def _freshest(quotes: tuple[Quote, ...]) -> Quote | None:
    """The quotation to show with a notification: a direct one with a named speaker first."""
    named = [q for q in quotes if q.speaker is not None and q.speaker.canonical]
    direct = [q for q in named if q.kind is QuoteKind.DIRECT]
    chosen = direct or named
    return chosen[0] if chosen else None


def quote_part(enrichment: Enrichment | None) -> dict[str, Any] | None:
    quote = _freshest(enrichment.quotes) if enrichment else None
    if quote is None or quote.speaker is None:
        return None
    return {"text": quote.text, "speaker": quote.speaker.canonical}


class AlertDesk:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._index = QueryIndex()
        self._version: tuple[int, ...] | None = None
        self._checked = 0.0

    def index(self) -> QueryIndex:
        now = time.monotonic()
        if self._version is None or now - self._checked >= REFRESH:
            self._checked = now
            version = self._store.subscriptions_version()
            if version != self._version:
                self._version = version
                self._index = self._build()
        return self._index

    def _build(self) -> QueryIndex:
        index = QueryIndex()
        for sub in self._store.list_subscriptions():
            if sub.paused or sub.id is None:
                continue
            try:
                index.add(sub.id, sub.query)
            except QueryError as exc:
                log.warning("subscription %s skipped: %s", sub.id, exc)
        return index

    def notices(self, article: Article, enrichment: Enrichment | None) -> tuple[list[Notice], dict[str, Any]]:
        """The matched subscriptions' notices, and the live event, for a new article."""
        speakers: list[str] = []
        entities: list[str] = []
        if enrichment is not None:
            for quote in enrichment.quotes:
                speaker = quote.speaker
                if speaker and speaker.canonical:
                    speakers += [speaker.canonical, speaker.name]
            for entity in enrichment.entities:
                entities += [entity.canonical, *entity.aliases]
        doc = {**article.to_dict(), "speakers": speakers, "entities": entities}
        part = {"article": article.brief(), "quote": quote_part(enrichment)}
        index = self.index()
        matched = index.matches(doc) if len(index) else []
        return [Notice(sub_id, part) for sub_id in matched], {"type": "article", **part}
