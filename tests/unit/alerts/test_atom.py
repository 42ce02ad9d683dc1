"""The Atom feed of a saved query: valid Atom 1.0 (RFC 4287), stable ids, hostile text inert."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import feedparser
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from wirewatch.alerts.atom import ATOM_NS, feed_token, render_feed
from wirewatch.alerts.notification import clean_text

A = f"{{{ATOM_NS}}}"
NOW = datetime(2026, 7, 11, 12, 0, tzinfo=UTC)
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
URI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$")


def payload(
    key: str, *, story: int | None, article: int, title: str, created_at: str, quote: str | None = None
) -> dict[str, Any]:
    return {
        "type": "story",
        "id": key,
        "created_at": created_at,
        "subscription": {"id": 3, "query": "speaker:stoltenberg", "name": None},
        "story": {"id": story, "title": "NATO summit", "article_count": 3, "outlets": ["Herald", "The Times"]}
        if story is not None
        else None,
        "article": {
            "id": article,
            "title": title,
            "url": f"https://www.thetimes.example/world/{article}",
            "outlet": "The Times",
            "published": "2026-07-11T09:00:00+00:00",
        },
        "quote": {"text": quote, "speaker": "Jens Stoltenberg"} if quote else None,
    }


ENTRIES = [
    payload(
        "d1",
        story=7,
        article=12,
        title="NATO chief pledges support",
        created_at="2026-07-11T09:15:03+00:00",
        quote="“We will support Ukraine for as long as it takes.”",
    ),
    payload("d2", story=8, article=20, title="Fuel prices fall", created_at="2026-07-11T10:30:00+00:00"),
    payload("d3", story=None, article=31, title="Lone article", created_at="2026-07-11T08:00:00Z"),
]


def render(entries: list[dict[str, Any]], updated: datetime = NOW) -> bytes:
    return render_feed(
        feed_id=3,
        title="speaker:stoltenberg",
        self_url="https://news.example.org/feeds/abc123",
        entries=entries,
        updated=updated,
    )


def single(parent: etree._Element, tag: str) -> etree._Element:
    found = parent.findall(A + tag)
    assert len(found) == 1, f"{tag}: {len(found)} elements"
    return found[0]


def check_rfc4287(document: bytes) -> etree._Element:
    """The MUSTs of RFC 4287 that a feed reader relies on."""
    feed = etree.fromstring(document)
    assert feed.tag == A + "feed"
    assert URI.match(single(feed, "id").text or "")
    assert single(feed, "title").text
    assert RFC3339.match(single(feed, "updated").text or "")
    assert [link.get("href") for link in feed.findall(A + "link") if link.get("rel") == "self"]
    entries = feed.findall(A + "entry")
    if feed.find(A + "author") is None:
        assert all(entry.find(A + "author") is not None for entry in entries)
    for entry in entries:
        assert URI.match(single(entry, "id").text or "")
        single(entry, "title")
        assert RFC3339.match(single(entry, "updated").text or "")
        for published in entry.findall(A + "published"):
            assert RFC3339.match(published.text or "")
        alternates = [
            link for link in entry.findall(A + "link") if link.get("rel", "alternate") == "alternate"
        ]
        assert alternates or entry.find(A + "content") is not None  # 4.1.1: content or alternate
        assert len(entry.findall(A + "summary")) <= 1
    return feed


def test_the_feed_is_valid_atom_that_feedparser_reads_without_complaint() -> None:
    document = render(ENTRIES)
    check_rfc4287(document)
    parsed = feedparser.parse(document)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "speaker:stoltenberg"
    assert [e.title for e in parsed.entries] == [
        "Fuel prices fall",
        "NATO chief pledges support",
        "Lone article",
    ]
    first_quoted = parsed.entries[1]
    assert first_quoted.link == "https://www.thetimes.example/world/12"
    assert "We will support Ukraine for as long as it takes." in first_quoted.summary
    assert "Jens Stoltenberg" in first_quoted.summary
    assert first_quoted.published == "2026-07-11T09:00:00Z"


def test_entry_ids_are_stable_across_renders_and_unique() -> None:
    first = feedparser.parse(render(ENTRIES))
    later = feedparser.parse(render(list(reversed(ENTRIES)), updated=datetime(2026, 7, 12, tzinfo=UTC)))
    ids = [e.id for e in first.entries]
    assert sorted(ids) == sorted(e.id for e in later.entries)
    assert len(set(ids)) == 3
    assert all(i.startswith("urn:wirewatch:") for i in ids)


def test_a_story_is_one_entry_that_shows_its_newest_notification() -> None:
    grown = payload("d9", story=7, article=15, title="Allies back Kyiv", created_at="2026-07-11T11:00:00Z")
    parsed = feedparser.parse(render([*ENTRIES, grown]))
    titles = [e.title for e in parsed.entries]
    assert titles == ["Allies back Kyiv", "Fuel prices fall", "Lone article"]
    assert parsed.entries[0].updated == "2026-07-11T11:00:00Z"
    assert parsed.feed.updated == "2026-07-11T12:00:00Z"


def test_hostile_text_is_escaped_and_forbidden_characters_dropped() -> None:
    hostile = payload(
        "d5",
        story=9,
        article=40,
        title="<script>alert(1)</script> Q&A\x00\x07\x1b with \ufffe the minister",
        created_at="2026-07-11T11:00:00Z",
        quote="</summary><entry><title>injected</title></entry> & \x0c“quoted”",
    )
    hostile["article"]["url"] = "javascript:alert(2)"
    document = render([hostile])
    assert b"<script>" not in document
    assert b"&lt;script&gt;alert(1)&lt;/script&gt; Q&amp;A" in document
    feed = check_rfc4287(document)
    [entry] = feed.findall(A + "entry")
    assert single(entry, "title").text == "<script>alert(1)</script> Q&A with the minister"
    assert entry.find(A + "link") is None  # not an http(s) link: no link at all, content instead
    assert "<title>injected</title>" in (single(entry, "content").text or "")
    assert feedparser.parse(document).bozo == 0


def test_missing_and_wrongly_typed_fields_do_not_break_the_feed() -> None:
    junk: list[Any] = [
        {},
        {"id": "only-a-key"},
        {"id": "k2", "story": "seven", "article": ["x"], "quote": 5, "created_at": "yesterday"},
        {"id": "k3", "story": {"id": 11, "title": None, "outlets": "Herald"}, "article": {"title": 42}},
        None,
    ]
    document = render(junk)
    check_rfc4287(document)
    parsed = feedparser.parse(document)
    assert parsed.bozo == 0
    assert len(parsed.entries) == 3  # the payloads with nothing to identify them are left out


@given(st.text(max_size=300), st.text(max_size=300))
def test_any_text_gives_a_well_formed_feed_that_keeps_the_words(title: str, quote: str) -> None:
    entry = payload("p", story=1, article=2, title=title, created_at="2026-07-11T11:00:00Z", quote=quote)
    feed = check_rfc4287(render([entry]))
    [element] = feed.findall(A + "entry")
    assert single(element, "title").text == (clean_text(title) or "NATO summit")  # else the story's


def test_feed_tokens_are_unguessable_and_url_safe() -> None:
    tokens = {feed_token() for _ in range(100)}
    assert len(tokens) == 100
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{32,}", t) for t in tokens)
