"""Property tests: on any bytes the parsers return or raise SourceError, and quickly."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from wirewatch.errors import SourceError
from wirewatch.model import SourceKind
from wirewatch.sources import detect_kind, parse_feed, parse_sitemap

XML_PIECES = st.sampled_from(
    [
        b"<?xml version='1.0'?>", b"<!DOCTYPE x [", b"<!ENTITY a 'b'>", b"]>", b"&a;", b"<rss version='2.0'>",
        b"<channel>", b"<item>", b"<title>", b"</title>", b"<link>https://x.example/</link>", b"</item>",
        b"<urlset>", b"<url><loc>https://x.example/</loc></url>", b"</urlset>", b"<feed>", b"<entry>",
        b"<![CDATA[", b"]]>", b"<!--", b"-->", b'{"version": "https://jsonfeed.org/version/1", "items": [',
        b"<pubDate>mer, 16 nov 2022 00:38:15 +0100</pubDate>", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"text",
    ]
)  # fmt: skip
DOCUMENTS = st.one_of(st.binary(max_size=3000), st.lists(XML_PIECES, max_size=40).map(b"".join))


@settings(max_examples=150, deadline=None)
@given(DOCUMENTS)
def test_parse_feed_raises_only_source_error(data: bytes) -> None:
    started = time.monotonic()
    try:
        feed = parse_feed(data, location="p", max_field_chars=500)
    except SourceError as exc:
        assert "\n" not in str(exc)
    else:
        assert all(len(e.hints.title or "") <= 500 for e in feed.entries)
        assert all(e.url is None or e.url.startswith(("http://", "https://")) for e in feed.entries)
    assert time.monotonic() - started < 3


@settings(max_examples=150, deadline=None)
@given(DOCUMENTS)
def test_parse_sitemap_raises_only_source_error(data: bytes) -> None:
    started = time.monotonic()
    try:
        sitemap = parse_sitemap(data, location="p")
    except SourceError as exc:
        assert "\n" not in str(exc)
    else:
        assert all((u.url or "").startswith(("http://", "https://")) for u in sitemap.urls)
    assert time.monotonic() - started < 3


@settings(max_examples=200, deadline=None)
@given(DOCUMENTS, st.sampled_from([None, "text/html", "application/rss+xml"]))
def test_detect_kind_always_answers_quickly(data: bytes, media_type: str | None) -> None:
    started = time.monotonic()
    assert isinstance(detect_kind(data, media_type=media_type), SourceKind)
    assert time.monotonic() - started < 1
