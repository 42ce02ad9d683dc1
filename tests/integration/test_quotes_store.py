"""Quotations and entities in the SQLite store: one transaction, one speaker across articles."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from wirewatch.errors import StoreError
from wirewatch.model import Article, Enrichment, Entity, EntityKind, Quote, QuoteKind, Speaker
from wirewatch.store import Store, open_store

P, ORG, L = EntityKind.PERSON, EntityKind.ORGANIZATION, EntityKind.PLACE


def article(n: int, text: str, day: int = 1) -> Article:
    return Article(
        text=text,
        title=f"Article {n}",
        url=f"https://news.example.com/{n}",
        published=datetime(2024, 5, day, tzinfo=UTC),
    )


def quote(text: str, start: int, name: str | None, canonical: str | None = None) -> Quote:
    speaker = Speaker(name, canonical or name, (0, len(name))) if name else None
    return Quote(
        text=text,
        kind=QuoteKind.DIRECT,
        span=(start, start + len(text)),
        cue="said",
        cue_span=(1, 5),
        speaker=speaker,
        confidence=0.8,
    )


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "quotes.db")


@pytest.fixture
def store(db: str) -> Iterator[Store]:
    with open_store(db) as s:
        yield s


def dump(db: str) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


NATO_TEXT = "NATO Secretary General Jens Stoltenberg said “we stand by Ukraine”. He spoke in Brussels."
NATO = Enrichment(
    quotes=(
        Quote(
            text="“we stand by Ukraine”",
            kind=QuoteKind.DIRECT,
            span=(45, 66),
            cue="said",
            cue_span=(40, 44),
            speaker=Speaker("NATO Secretary General Jens Stoltenberg", "Jens Stoltenberg", (0, 39)),
            confidence=0.9,
        ),
        Quote(text="an unattributed claim", kind=QuoteKind.INDIRECT, span=(68, 80), confidence=0.3),
    ),
    entities=(
        Entity("NATO", ORG, mentions=((0, 4),)),
        Entity("Jens Stoltenberg", P, ("Stoltenberg",), ((23, 39),)),
        Entity("Brussels", L, mentions=((80, 88),)),
    ),
)


def test_quotes_and_entities_round_trip_with_the_stored_speaker(store: Store) -> None:
    added = store.add_article(article(1, NATO_TEXT), enrichment=NATO)
    quotes = store.quotes_for_article(added.id)
    assert [q.text for q in quotes] == ["“we stand by Ukraine”", "an unattributed claim"]
    first, second = quotes
    assert first.kind is QuoteKind.DIRECT and first.span == (45, 66) and first.cue_span == (40, 44)
    assert first.article_id == added.id and first.confidence == pytest.approx(0.9)
    assert first.speaker is not None and first.speaker.canonical == "Jens Stoltenberg"
    assert first.speaker.name == "NATO Secretary General Jens Stoltenberg" and first.speaker.span == (0, 39)
    assert second.speaker is None
    entities = {e.canonical: e for e in store.entities_for_article(added.id)}
    assert set(entities) == {"NATO", "Jens Stoltenberg", "Brussels"}
    assert entities["Jens Stoltenberg"].id == first.speaker.entity_id
    # every spelling seen is an alias, the speaker's mention included
    assert entities["Jens Stoltenberg"].aliases == ("Stoltenberg", "NATO Secretary General Jens Stoltenberg")
    assert entities["Brussels"].kind is L and entities["Brussels"].mentions == ((80, 88),)
    [speaker] = store.list_speakers()
    assert (speaker.entity.canonical, speaker.quote_count) == ("Jens Stoltenberg", 1)
    assert speaker.last_quoted == datetime(2024, 5, 1, tzinfo=UTC)


def test_one_speaker_across_articles_under_several_names(store: Store) -> None:
    store.add_article(article(1, "a"), enrichment=Enrichment((quote("“A”", 0, "Vladimir V. Putin"),)))
    store.add_article(
        article(2, "b", day=3),
        enrichment=Enrichment((quote("“B”", 0, "President Putin", "Putin"), quote("“C”", 5, "Putin"))),
    )
    store.add_article(article(3, "c"), enrichment=Enrichment((quote("“D”", 0, "Vladimir Putin"),)))
    [putin] = store.list_speakers()
    assert putin.entity.canonical == "Vladimir V. Putin"
    assert putin.quote_count == 4 and putin.last_quoted == datetime(2024, 5, 3, tzinfo=UTC)
    assert {"President Putin", "Putin", "Vladimir Putin"} <= set(putin.entity.aliases)
    assert putin.entity.id is not None
    assert {q.text for q in store.quotes_by_speaker(putin.entity.id)} == {"“A”", "“B”", "“C”", "“D”"}


def test_the_fuller_name_later_becomes_the_canonical(store: Store) -> None:
    store.add_article(article(1, "a"), enrichment=Enrichment((quote("“A”", 0, "President Putin", "Putin"),)))
    store.add_article(article(2, "b"), enrichment=Enrichment((quote("“B”", 0, "Vladimir V. Putin"),)))
    [putin] = store.list_speakers()
    assert putin.entity.canonical == "Vladimir V. Putin" and putin.quote_count == 2


def test_a_lone_surname_with_two_candidates_is_not_guessed(store: Store) -> None:
    store.add_article(article(1, "a"), enrichment=Enrichment((quote("“A”", 0, "Joe Biden"),)))
    store.add_article(article(2, "b"), enrichment=Enrichment((quote("“B”", 0, "Hunter Biden"),)))
    store.add_article(article(3, "c"), enrichment=Enrichment((quote("“C”", 0, "Biden"),)))
    counts = {s.entity.canonical: s.quote_count for s in store.list_speakers()}
    assert counts == {"Joe Biden": 1, "Hunter Biden": 1, "Biden": 1}


def test_organisations_and_places_match_by_name_case_insensitively(store: Store) -> None:
    store.add_article(article(1, "a"), enrichment=Enrichment(entities=(Entity("NATO", ORG),)))
    store.add_article(
        article(2, "b"), enrichment=Enrichment(entities=(Entity("Nato", ORG), Entity("Nato", L)))
    )
    first, second = store.entities_for_article(1), store.entities_for_article(2)
    assert first[0].id in {e.id for e in second}
    assert len({e.id for e in second}) == 2


def test_speakers_query_filters_by_any_name(store: Store) -> None:
    store.add_article(article(1, "a"), enrichment=NATO)
    store.add_article(article(2, "b"), enrichment=Enrichment((quote("“x”", 0, "Alexander Lukashenko"),)))
    assert [s.entity.canonical for s in store.list_speakers("STOLTEN")] == ["Jens Stoltenberg"]
    assert [s.entity.canonical for s in store.list_speakers("lukash")] == ["Alexander Lukashenko"]
    assert store.list_speakers("putin") == []
    assert len(store.list_speakers(limit=1)) == 1


def test_a_duplicate_article_writes_nothing(store: Store, db: str) -> None:
    store.add_article(article(1, NATO_TEXT), enrichment=NATO)
    before = dump(db)
    other = Enrichment((quote("“new”", 0, "Someone Else"),), (Entity("Elsewhere", L),))
    again = store.add_article(article(1, NATO_TEXT), enrichment=other)
    assert not again.new
    assert dump(db) == before


def test_a_failed_enrichment_write_leaves_no_article(store: Store, db: str) -> None:
    before = dump(db)
    broken = Enrichment((Quote(text=None, kind=QuoteKind.DIRECT, span=(0, 1)),))  # type: ignore[arg-type]
    with pytest.raises(StoreError):
        store.add_article(article(1, NATO_TEXT), enrichment=broken)
    assert store.count_articles() == 0
    assert dump(db) == before


def test_search_by_speaker_and_entity(store: Store) -> None:
    store.add_article(article(1, NATO_TEXT), enrichment=NATO)
    store.add_article(article(2, "Putin spoke."), enrichment=Enrichment((quote("“x”", 0, "Vladimir Putin"),)))

    def ids(query: str) -> set[int]:
        return {hit.article.id or 0 for hit in store.search(query)}

    assert ids("speaker:stoltenberg") == {1}
    assert ids('speaker:"jens stoltenberg"') == {1}
    assert ids('speaker:"stoltenberg jens"') == set()
    assert ids("speaker:stolt*") == {1}
    assert ids("speaker:putin") == {2}
    assert ids("speaker:lukashenko") == set()
    assert ids("speaker:nato") == set()  # "NATO Secretary General" is a title, not a name
    assert ids("entity:nato") == {1}
    assert ids("entity:brussels") == {1}
    assert ids("entity:putin") == {2}  # a speaker is an entity the article names
    assert ids("putin -speaker:putin") == set()
    assert ids("spoke -entity:ukraine") == {1, 2}
