"""The story desk: near-duplicates, story clustering and quote tracking for the ingest.

One ``StoryDesk`` per process holds the online clusterer (``stories.StoryClusterer``),
rebuilt on first use from the newest stored members so that a restart goes on with the
same stories.  For each new article the desk answers two questions before it is stored:
is it a copy of a stored article (then it is listed under that one, not stored), and
which story it joins (then that is written in the article's own transaction, with the
late merges the clusterer made and its quotations grouped with those already seen).
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from wirewatch.model import Article, Enrichment
from wirewatch.store import Store, content_hash_of
from wirewatch.store.base import StoryLinks
from wirewatch.stories import StoryClusterer
from wirewatch.stories.near import THRESHOLD, Fingerprint, fingerprint, similarity
from wirewatch.stories.tracking import quote_key, same_quote

__all__ = ["RESTORE_MEMBERS", "NearDuplicateMatcher", "QuoteTrackerImpl", "StoryDesk", "article_mapping"]

RESTORE_MEMBERS = 3000  # newest stored members replayed into the clusterer at start


class NearDuplicateMatcher:
    """The store's ``NearMatcher``: the stories stage's signature comparison and threshold."""

    threshold = THRESHOLD

    def similarity(self, a: bytes, b: bytes) -> float:
        return similarity(a, b)


class QuoteTrackerImpl:
    """The store's ``QuoteTracker``: the stories stage's quote key and sameness test."""

    def key(self, text: str) -> str:
        return quote_key(text)

    def same(self, a: str, b: str) -> bool:
        return same_quote(a, b)


def article_mapping(
    article: Article, key: str, *, speakers: list[str] | None = None, entities: list[str] | None = None
) -> dict[str, Any]:
    """What the clusterer reads of an article (``StoryClusterer.add``'s mapping)."""
    published = article.published or article.fetched_at
    if published is not None and published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    return {
        "id": key,
        "published": published,
        "title": article.title or "",
        "text": article.text,
        "url": article.canonical_url or article.url,
        "outlet": article.outlet,
        "speakers": speakers or [],
        "entities": entities or [],
    }


class StoryDesk:
    def __init__(self, store: Store, *, restore: int = RESTORE_MEMBERS) -> None:
        self._store = store
        self._restore = restore
        self._clusterer: StoryClusterer | None = None
        self.matcher = NearDuplicateMatcher()
        self.tracker = QuoteTrackerImpl()

    @property
    def clusterer(self) -> StoryClusterer:
        if self._clusterer is None:
            clusterer = StoryClusterer()
            for member in self._store.story_members(self._restore):
                mapping = article_mapping(
                    member.article,
                    member.key,
                    speakers=member.names.get("speakers"),
                    entities=member.names.get("entities"),
                )
                clusterer.restore(mapping, member.story_key)
            self._clusterer = clusterer
        return self._clusterer

    def fingerprint(self, article: Article) -> Fingerprint | None:
        return fingerprint(article.text)

    def near_duplicate(self, print_: Fingerprint | None) -> tuple[int, float] | None:
        """The stored article this one copies, and how closely; None for new coverage."""
        if print_ is None:
            return None
        return self._store.find_near_duplicate(print_.bands, print_.signature, self.matcher)

    def links(
        self, article: Article, enrichment: Enrichment | None, print_: Fingerprint | None
    ) -> StoryLinks:
        """Place a new article in a story (the clusterer's state moves on) and say how to store it."""
        speakers: list[str] = []
        entities: list[str] = []
        if enrichment is not None:
            for quote in enrichment.quotes:
                name = quote.speaker.canonical if quote.speaker else None
                if name and name not in speakers:
                    speakers.append(name)
            entities = [e.canonical for e in enrichment.entities]
        clusterer = self.clusterer
        merged = len(clusterer.merges)
        key = content_hash_of(article.text)
        story_key = clusterer.add(article_mapping(article, key, speakers=speakers, entities=entities))
        title = clusterer.story(story_key).title or None
        return StoryLinks(
            story_key=story_key,
            story_title=title,
            merges=tuple(clusterer.merges[merged:]),
            signature=print_.signature if print_ else None,
            bands=print_.bands if print_ else (),
            tracker=self.tracker,
        )
