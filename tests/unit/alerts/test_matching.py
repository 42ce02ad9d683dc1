"""Saved queries against new articles: the index finds exactly what search would."""

from __future__ import annotations

from datetime import UTC, datetime

from wirewatch.alerts.matching import QueryIndex
from wirewatch.query import match, parse_query

NOW = datetime(2026, 7, 12, tzinfo=UTC)
DOCS = [
    {
        "title": "NATO leaders pledge support for Ukraine",
        "text": "Stoltenberg said the alliance would stand by Kyiv. Zelenskyy asked for a date.",
        "published": "2026-07-11T09:00:00+00:00",
        "language": "en",
        "source": "https://herald.example.com/feed.xml",
        "speakers": ["Jens Stoltenberg", "Stoltenberg"],
        "entities": ["NATO", "Ukraine", "Jens Stoltenberg"],
        "story_id": 7,
    },
    {
        "title": "Earthquake kills 212 in eastern Turkey",
        "text": "Rescue teams searched the rubble in Malatya, AFAD said.",
        "published": "2026-03-02T06:00:00+00:00",
        "language": "en-GB",
        "source": "https://wire.example.org/rss",
        "speakers": [],
        "entities": ["Turkey", "Malatya", "AFAD"],
        "story_id": 3,
    },
    {"title": None, "text": "", "published": None, "speakers": None, "entities": None, "story_id": None},
]
QUERIES = [
    "nato",
    "NATO ukraine",
    '"stand by kyiv"',
    "earthquake OR nato",
    "earthquake -turkey",
    "since:2000-01-01 -sport",
    "until:2100-01-01 NOT nato",
    "title:earthquake",
    "title:ukraine malatya",
    "speaker:stoltenberg",
    'speaker:"jens stoltenberg" entity:ukraine',
    "entity:afad",
    "entity:putin",
    "source:herald",
    "lang:en",
    "since:2026-07-01",
    "until:2026-04-01 turkey",
    "story:7",
    "story:3 OR speaker:zelenskyy",
    "eartq*",
    "(nato OR turkey) AND (kyiv OR malatya)",
    "ukrai* speaker:stoltenberg",
    "zelenskyy",
]


def test_the_index_matches_exactly_what_the_matcher_does() -> None:
    index = QueryIndex(enumerate(QUERIES))
    for doc in DOCS:
        expected = [k for k, q in enumerate(QUERIES) if match(parse_query(q), doc, now=NOW)]
        assert index.matches(doc, now=NOW) == expected, doc["title"]


def test_a_thousand_word_queries_cost_only_their_candidates() -> None:
    queries = [(i, f"word{i} OR speaker:person{i}") for i in range(1000)]
    index = QueryIndex(queries)
    doc = {"title": "word17 and word512", "text": "", "speakers": ["Person 900", "person900"], "entities": []}
    assert index.candidates(doc) == [17, 512, 900]
    assert index.matches(doc) == [17, 512, 900]
    assert len(index) == 1000
