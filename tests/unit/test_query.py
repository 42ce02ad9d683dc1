"""The query language: parsing, errors that point at the fault, canonical text, matching."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wirewatch.errors import QueryError
from wirewatch.query import (
    And,
    DateValue,
    Field,
    Node,
    Not,
    Or,
    Phrase,
    Term,
    field_position,
    format_query,
    match,
    parse_query,
)


def t(text: str, prefix: bool = False) -> Term:
    return Term(text, prefix)


GOOD = [
    ("NATO", t("NATO")),
    ("NATO Putin", And((t("NATO"), t("Putin")))),
    ("NATO AND Putin", And((t("NATO"), t("Putin")))),
    ("a OR b c", Or((t("a"), And((t("b"), t("c")))))),
    ("a b OR c", Or((And((t("a"), t("b"))), t("c")))),
    ("(a OR b) c", And((Or((t("a"), t("b"))), t("c")))),
    ("a -b", And((t("a"), Not(t("b"))))),
    ("a NOT b", And((t("a"), Not(t("b"))))),
    ("a NOT b OR c", Or((And((t("a"), Not(t("b")))), t("c")))),
    ("nato OR -putin", Or((t("nato"), Not(t("putin"))))),
    ("stolt*", t("stolt", prefix=True)),
    ('"secretary general" said', And((Phrase("secretary general"), t("said")))),
    ('title:"a phrase"', Field("title", Phrase("a phrase"))),
    ("title:nato", Field("title", t("nato"))),
    ("Title:nato", Field("title", t("nato"))),
    ("source:reuters.com", Field("source", t("reuters.com"))),
    ("lang:en", Field("lang", t("en"))),
    ("speaker:Stoltenberg", Field("speaker", t("Stoltenberg"))),
    ("entity:NATO", Field("entity", t("NATO"))),
    ("since:2024-01-01", Field("since", DateValue("2024-01-01", datetime(2024, 1, 1, tzinfo=UTC)))),
    (
        "until:2024-12-31T10:00",
        Field("until", DateValue("2024-12-31T10:00", datetime(2024, 12, 31, 10, tzinfo=UTC))),
    ),
    ("since:7d", Field("since", DateValue("7d", timedelta(days=7)))),
    ("since:24h", Field("since", DateValue("24h", timedelta(hours=24)))),
    ("Лукашенко Київ", And((t("Лукашенко"), t("Київ")))),
    ("http://example.com/a", t("http://example.com/a")),
    ("Biden & Putin", And((t("Biden"), t("Putin")))),  # a lone symbol is no word: skipped
    ("NEAR(a b)", And((t("NEAR"), And((t("a"), t("b")))))),
    ("a (b)", And((t("a"), t("b")))),
]


@pytest.mark.parametrize(("text", "expected"), GOOD)
def test_parses(text: str, expected: Node) -> None:
    assert parse_query(text) == expected


BAD = [
    ("", 0, "empty query"),
    ("   & ", 0, "empty query"),
    ("NATO AND", 5, "AND needs something after it"),
    ("NATO OR", 5, "OR needs something after it"),
    ("OR NATO", 0, "OR needs something before it"),
    ("a OR OR b", 2, "OR needs something after it"),
    ("a NOT", 2, "NOT needs something after it"),
    ("(a OR b", 0, "'(' is never closed"),
    ("a (b (c)", 2, "'(' is never closed"),
    ("a) b", 1, "')' without '('"),
    ("a ()", 2, "empty parentheses"),
    ('a "open', 2, "unterminated quote"),
    ('title:"open', 6, "unterminated quote"),
    ("foo:bar", 0, "unknown field 'foo' (fields: title, source, lang, since, until, speaker, entity, story)"),
    ("nato since:yesterdayish", 11, "bad date 'yesterdayish'"),
    ("until:2024-13-45", 6, "bad date"),
    ('since:"2024"', 6, "takes a date"),
    ("title:", 6, "title: needs a value"),
    ("title:*", 6, "needs a word"),
    ("-nato", 0, "only NOT"),
    ("NOT nato -putin", 0, "only NOT"),
    ("-nato OR -putin", 0, "only NOT"),
    ("(NOT a) (NOT b OR -c)", 1, "only NOT"),
    ('"; DROP TABLE articles', 0, "unterminated quote"),
]


@pytest.mark.parametrize(("text", "position", "message"), BAD)
def test_bad_queries_point_at_the_fault(text: str, position: int, message: str) -> None:
    with pytest.raises(QueryError) as info:
        parse_query(text)
    assert info.value.position == position
    assert message in info.value.message
    assert info.value.query == text
    assert str(info.value).endswith(" " * position + "^")


def test_field_position_points_at_the_field() -> None:
    assert field_position('nato "speaker:x" speaker:x', "speaker") == 17


# -- properties -----------------------------------------------------------------------

_words = st.text(alphabet="abcxyzÉéлжä0129", min_size=1, max_size=6).filter(
    lambda w: w not in ("AND", "OR", "NOT")
)
_terms = st.builds(Term, _words, st.booleans())
_phrases = st.lists(_words, min_size=1, max_size=3).map(lambda ws: Phrase(" ".join(ws)))
_dates = st.sampled_from(
    [
        DateValue("2024-01-01", datetime(2024, 1, 1, tzinfo=UTC)),
        DateValue("3d", timedelta(days=3)),
        DateValue("2024-02-03T04:05:06+02:00", datetime.fromisoformat("2024-02-03T04:05:06+02:00")),
    ]
)
_fields = st.one_of(
    st.builds(
        Field, st.sampled_from(["title", "source", "lang", "speaker", "entity"]), st.one_of(_terms, _phrases)
    ),
    st.builds(Field, st.sampled_from(["since", "until"]), _dates),
)
_leaves = st.one_of(_terms, _phrases, _fields)


def _extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    group = st.lists(children, min_size=2, max_size=3).map(tuple)
    return st.one_of(st.builds(And, group), st.builds(Or, group), st.builds(Not, children))


_nodes = st.recursive(_leaves, _extend, max_leaves=8)


def _positive(node: Node) -> bool:
    if isinstance(node, Not):
        return False
    if isinstance(node, And | Or):
        return any(_positive(n) for n in node.items)
    return True


@given(_nodes.filter(_positive))
@settings(max_examples=300)
def test_format_round_trips(node: Node) -> None:
    assert parse_query(format_query(node)) == node


_query_text = st.text(alphabet=st.sampled_from(list('ab é"()-*: ANDORNOTtile2024-01dh\t')), max_size=30)


@given(st.one_of(st.text(max_size=40), _query_text))
@settings(max_examples=500)
def test_random_text_parses_or_raises_query_error(text: str) -> None:
    try:
        node = parse_query(text)
    except QueryError as exc:
        assert 0 <= exc.position <= len(text)
        return
    assert parse_query(format_query(node)) == node


# -- matching -------------------------------------------------------------------------

DOC = {
    "title": "NATO summit opens in Brussels",
    "text": "The secretary general said Ukraine's place is in NATO. Café talk, naïve hopes.",
    "source": "https://www.reuters.com/world/rss",
    "url": "https://www.reuters.com/world/nato-1",
    "language": "en-GB",
    "published": "2024-05-01T10:00:00+00:00",
}
NOW = datetime(2024, 5, 3, tzinfo=UTC)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("nato", True),
        ("NATO brussels", True),
        ("nato putin", False),
        ("nato OR putin", True),
        ("nato -putin", True),
        ("nato -ukraine", False),
        ("secret*", True),
        ("secretx*", False),
        ('"secretary general said"', True),
        ('"general secretary"', False),
        ("title:summit", True),
        ("title:ukraine", False),
        ("cafe naive", True),
        ("source:reuters.com", True),
        ("source:bbc", False),
        ("lang:en", True),
        ("lang:EN-gb", True),
        ("lang:e", False),
        ("since:2024-05-01", True),
        ("since:2024-05-02", False),
        ("until:2024-05-01", True),
        ("until:2024-04-30", False),
        ("until:2024-05-01T09:00", False),
        ("since:3d", True),
        ("since:1d", False),
        ("Ukraine's", True),
        ('title:"summit opens"', True),
        ("(putin OR brussels) lang:en", True),
    ],
)
def test_match(query: str, expected: bool) -> None:
    assert match(parse_query(query), DOC, now=NOW) is expected


def test_match_without_published_date_fails_date_filters_both_ways() -> None:
    doc = {**DOC, "published": None}
    assert not match(parse_query("nato since:2000-01-01"), doc)
    assert match(parse_query("nato -since:2000-01-01"), doc)


SPOKEN = {
    **DOC,
    "speakers": ["Jens Stoltenberg", "Stoltenberg", "NATO Secretary General Jens Stoltenberg"],
    "entities": ["Jens Stoltenberg", "Stoltenberg", "NATO", "Brussels", "Vladimir V. Putin", "Putin"],
}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("speaker:stoltenberg", True),
        ("speaker:STOLTENBERG", True),
        ("speaker:stolt*", True),
        ('speaker:"jens stoltenberg"', True),
        ('speaker:"stoltenberg jens"', False),
        ('speaker:"stoltenberg nato"', False),  # words of one name, not across two
        ("speaker:putin", False),
        ("entity:putin", True),
        ('entity:"vladimir putin"', False),  # the V. sits between
        ("entity:nato -speaker:putin", True),
        ("entity:ukraine", False),
    ],
)
def test_match_speaker_and_entity(query: str, expected: bool) -> None:
    assert match(parse_query(query), SPOKEN, now=NOW) is expected


def test_a_doc_without_speakers_matches_no_speaker() -> None:
    assert not match(parse_query("speaker:stoltenberg"), DOC)
    assert match(parse_query("nato -entity:nato"), DOC)
