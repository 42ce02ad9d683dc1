"""Search on a real SQLite file: every field and operator, and agreement with ``match``."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from wirewatch.errors import QueryError
from wirewatch.model import Article, Enrichment, Entity, EntityKind, Quote, QuoteKind, Speaker
from wirewatch.query import match, parse_query
from wirewatch.store import Store, open_store

NOW = datetime(2024, 5, 10, 12, tzinfo=UTC)
CORPUS = [
    Article(
        title="NATO summit opens in Brussels",
        text="Secretary General Jens Stoltenberg said Ukraine's rightful place is in NATO.",
        url="https://www.reuters.com/world/nato-summit",
        source="https://www.reuters.com/rss",
        language="en",
        published=datetime(2024, 5, 9, 8, tzinfo=UTC),
    ),
    Article(
        title="Lukashenko hosts Putin",
        text="Putin and Lukashenko met in Minsk; the secretary general of NATO was not invited.",
        url="https://www.bbc.co.uk/news/minsk",
        source="https://feeds.bbc.co.uk/news",
        language="en-GB",
        published=datetime(2024, 4, 1, 8, tzinfo=UTC),
    ),
    Article(
        title="Le sommet de l'OTAN à Bruxelles",
        text="Le secrétaire général a déclaré que l'Ukraine rejoindra l'OTAN. Café et crème.",
        url="https://www.lemonde.fr/international/otan",
        site_name="Le Monde",
        language="fr",
        published=datetime(2023, 12, 31, 23, tzinfo=UTC),
    ),
    Article(
        title="Київ чекає на рішення",
        text="Президент сказав, що Україна готова. Stoltenberg was quoted too.",
        url="https://www.pravda.com.ua/news/1",
        language="uk",
        published=None,
    ),
    Article(
        title="Stocks rally",
        text="Markets rallied as stockholders cheered; NATO was not mentioned by analysts.",
        url="https://markets.example.com/rally",
        language="en",
        published=datetime(2024, 5, 10, 6, tzinfo=UTC),
    ),
]


def _said(name: str, canonical: str | None) -> Quote:
    return Quote("“…”", QuoteKind.DIRECT, (0, 3), "said", speaker=Speaker(name, canonical))


# quotations and entities by corpus index (the store links them across articles)
ENRICHMENTS = {
    0: Enrichment(
        (_said("NATO Secretary General Jens Stoltenberg", "Jens Stoltenberg"),),
        (Entity("NATO", EntityKind.ORGANIZATION), Entity("Brussels", EntityKind.PLACE)),
    ),
    1: Enrichment(
        (_said("President Putin", "Vladimir V. Putin"), _said("he", None)),
        (
            Entity("Alexander Lukashenko", EntityKind.PERSON, ("Lukashenko",)),
            Entity("Minsk", EntityKind.PLACE),
        ),
    ),
    2: Enrichment(entities=(Entity("OTAN", EntityKind.ORGANIZATION),)),
    3: Enrichment((_said("Stoltenberg", "Stoltenberg"),)),
}
DOCS: list[dict[str, object]] = []


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path: Path = tmp_path_factory.mktemp("search") / "search.db"
    with open_store(str(path)) as s:
        for i, article in enumerate(CORPUS):
            added = s.add_article(article, enrichment=ENRICHMENTS.get(i))
            assert added.new
            # the dict ``match`` reads: the article, its speakers' and its entities' names
            DOCS.append({**article.to_dict(), **s.article_names(added.id)})
        yield s


def titles(store: Store, query: str) -> set[str]:
    return {hit.article.title or "" for hit in store.search(query, now=NOW, limit=100)}


QUERIES = {
    "nato": {0, 1, 4},  # the French text says OTAN
    "NATO": {0, 1, 4},
    "stoltenberg": {0, 3},
    "stock*": {4},
    "stockholder*": {4},
    '"secretary general"': {0, 1},
    '"general secretary"': set(),
    "secretaire": {2},
    "cafe creme": {2},
    "title:nato": {0},
    'title:"summit opens"': {0},
    "title:stoltenberg": set(),
    "nato -putin": {0, 4},
    "nato NOT putin": {0, 4},
    "putin OR otan": {1, 2},
    "(putin OR otan) lang:fr": {2},
    "lang:en": {0, 1, 4},
    "lang:EN": {0, 1, 4},
    "lang:en-gb": {1},
    "lang:uk Україна": {3},
    "Київ": {3},
    "source:reuters.com": {0},
    "source:bbc": {1},
    "source:monde": {2},
    "nato OR lang:fr": {0, 1, 2, 4},
    "lang:en -nato": set(),
    "lang:fr OR -nato": {2, 3},
    "-(lang:en) stoltenberg": {3},
    "stoltenberg -lang:uk": {0},
    "since:2024-05-01": {0, 4},
    "until:2024-04-01": {1, 2},
    "until:2024-04-01T07:00": {2},
    "since:2024-01-01 until:2024-05-09": {0, 1},
    "since:2d": {0, 4},
    "since:1d": {4},
    "since:12h": {4},
    "nato -since:2024-05-01": {1},
    "stoltenberg -since:2024-01-01": {3},
    "NEAR(a b)": set(),
    "NEAR(nato putin)": set(),  # NEAR is just a word here
    "nato putin": {1},
    "speaker:stoltenberg": {0, 3},  # "Stoltenberg" in 3 is the one known Stoltenberg
    'speaker:"jens stoltenberg"': {0, 3},
    'speaker:"stoltenberg jens"': set(),
    "speaker:STOLT*": {0, 3},
    "speaker:putin": {1},
    'speaker:"president putin"': set(),  # titles are not indexed
    "speaker:vladimir": {1},
    "speaker:lukashenko": set(),  # named, not quoted
    "speaker:he": set(),  # an unresolved mention is no speaker
    "entity:lukashenko": {1},
    "entity:putin": {1},  # a speaker is an entity the article names
    "entity:nato": {0},
    "entity:otan OR entity:nato": {0, 2},
    "entity:minsk -speaker:putin": set(),
    "nato -entity:nato": {1, 4},
    "lang:en -speaker:stoltenberg": {1, 4},
    "stoltenberg -speaker:stoltenberg": set(),
    "speaker:stoltenberg OR entity:minsk": {0, 1, 3},
    "speaker:president": set(),  # a title is not a name
    "entity:general": set(),
}


@pytest.mark.parametrize(("query", "expected"), [(q, e) for q, e in QUERIES.items()])
def test_search_and_match_agree(store: Store, query: str, expected: set[int]) -> None:
    want = {CORPUS[i].title or "" for i in expected}
    assert titles(store, query) == want
    node = parse_query(query)
    assert {str(d["title"]) for d in DOCS if match(node, d, now=NOW)} == want


def test_text_hits_rank_by_relevance_and_snippet_shows_the_hit(store: Store) -> None:
    hits = store.search("stoltenberg", now=NOW)
    assert hits[0].rank >= hits[-1].rank
    for hit in hits:
        assert "[Stoltenberg]" in hit.snippet
    phrase = store.search('"secretary general"', now=NOW)
    assert all("[" in h.snippet and "secretary" in h.snippet.lower() for h in phrase)


def test_metadata_only_search_is_newest_first_with_a_text_snippet(store: Store) -> None:
    hits = store.search("lang:en", now=NOW)
    assert [h.article.title for h in hits] == [
        "Stocks rally",
        "NATO summit opens in Brussels",
        "Lukashenko hosts Putin",
    ]
    assert hits[0].rank == 0.0 and hits[0].snippet.startswith("Markets rallied")


def test_limit_and_offset(store: Store) -> None:
    every = [h.article.id for h in store.search("lang:en", now=NOW)]
    assert [h.article.id for h in store.search("lang:en", limit=1, offset=1, now=NOW)] == every[1:2]


@pytest.mark.parametrize(
    "query",
    ['"; DROP TABLE articles', "title:*", "NOT", "a AND", "(nato", "foo:bar", "since:yesterdayish", "-nato"],
)
def test_bad_or_hostile_queries_raise_query_error_and_harm_nothing(store: Store, query: str) -> None:
    with pytest.raises(QueryError):
        store.search(query)
    assert store.count_articles() == len(CORPUS)


@pytest.mark.parametrize("query", ['x"; DROP TABLE articles; "', "NEAR(", "a:b:c", "* OR ^nato", "nato\x00"])
def test_injection_looking_input_is_just_text(store: Store, query: str) -> None:
    with contextlib.suppress(QueryError):
        store.search(query)
    assert store.count_articles() == len(CORPUS)


def test_speakers_are_one_person_across_articles(store: Store) -> None:
    stoltenberg = store.list_speakers("stoltenberg")
    assert [(s.entity.canonical, s.quote_count) for s in stoltenberg] == [("Jens Stoltenberg", 2)]


def test_article_names_are_what_speaker_and_entity_search(store: Store) -> None:
    names = store.article_names(2)
    assert names["speakers"] == ["Vladimir V. Putin", "Putin"]  # "President Putin" without title
    assert set(names["entities"]) == {"Alexander Lukashenko", "Lukashenko", "Minsk", *names["speakers"]}
