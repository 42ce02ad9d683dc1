"""Stories in the SQLite store: membership, late merges, copies, tracked quotations."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from wirewatch.model import Article, Enrichment, Quote, QuoteKind, Speaker
from wirewatch.pipeline.stories import QuoteTrackerImpl
from wirewatch.store import Store, open_store
from wirewatch.store.base import StoryLinks


def article(n: int, *, hour: int, site: str = "Herald", text: str | None = None) -> Article:
    return Article(
        text=text or f"Article number {n} says something of its own about the day's events.",
        title=f"Headline {n}",
        url=f"https://{site.lower()}.example.com/{n}",
        site_name=site,
        published=datetime(2026, 7, 11, hour, tzinfo=UTC),
    )


def said(text: str, name: str = "Jens Stoltenberg") -> Enrichment:
    quote = Quote(text=text, kind=QuoteKind.DIRECT, span=(0, len(text)), speaker=Speaker(name, name, None))
    return Enrichment(quotes=(quote,))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(str(tmp_path / "news.db")) as opened:
        yield opened


def links(key: str, *merges: tuple[str, str]) -> StoryLinks:
    return StoryLinks(story_key=key, story_title=f"Story {key}", merges=merges, tracker=QuoteTrackerImpl())


def test_a_late_merge_moves_the_articles_and_keeps_the_old_story_number(store: Store) -> None:
    a = store.add_article(article(1, hour=9), links=links("k1")).id
    b = store.add_article(article(2, hour=8), links=links("k2")).id
    first, second = store.get_article(a), store.get_article(b)
    assert first is not None and second is not None and first.story_id != second.story_id
    c = store.add_article(article(3, hour=12, site="Post"), links=links("k1", ("k2", "k1"))).id
    merged = store.get_story(second.story_id or 0)
    assert merged is not None and merged.id == first.story_id  # the old number leads to the merged story
    assert merged.article_count == 3
    assert merged.first_seen == datetime(2026, 7, 11, 8, tzinfo=UTC)  # widened by the absorbed story
    assert merged.last_seen == datetime(2026, 7, 11, 12, tzinfo=UTC)
    assert set(merged.outlets) == {"Herald", "Post"}
    assert {x.id for x in store.story_articles(second.story_id or 0)} == {a, b, c}
    assert len(store.search(f"story:{second.story_id}")) == 3  # search follows the merge too
    assert [s.id for s in store.list_stories()] == [merged.id]  # the absorbed story is not listed
    with sqlite3.connect(store.path) as conn:  # type: ignore[attr-defined]
        assert conn.execute("SELECT absorbed, into_id FROM story_merges").fetchall() == [
            (second.story_id, first.story_id)
        ]


def test_a_quotation_repeated_by_outlets_is_tracked_as_one(store: Store) -> None:
    text = "“We will support Ukraine for as long as it takes,”"
    store.add_article(article(1, hour=12), enrichment=said(text), links=links("k"))
    store.add_article(
        article(2, hour=9, site="Times"),
        enrichment=said("We'll support Ukraine as long as it takes."),
        links=links("k"),
    )
    store.add_article(
        article(3, hour=10, site="Post"),
        enrichment=said("Something else entirely, said today by him."),
        links=links("k"),
    )
    quotes = store.quotes_for_article(1)
    assert quotes[0].group_id is not None
    appearances = store.quote_appearances(quotes[0].group_id)
    assert [a.outlet for a in appearances] == ["Times", "Herald"]  # earliest published first
    other = store.quotes_for_article(3)[0]
    assert other.group_id != quotes[0].group_id


def test_a_copy_is_listed_under_its_original_and_its_address_leads_there(store: Store) -> None:
    original = store.add_article(article(1, hour=9), links=links("k")).id
    copy = article(2, hour=10, site="Courier")
    assert store.add_duplicate(original, copy, similarity=0.93)
    assert not store.add_duplicate(original, copy, similarity=0.93)  # recorded once
    assert store.knows_url("https://courier.example.com/2") == original
    [listed] = store.duplicates_of(original)
    assert (listed.outlet, listed.similarity) == ("Courier", 0.93)
    assert store.count_articles() == 1
