"""parse_sitemap on real sitemaps, a sitemap index, a text sitemap and hostile XML."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from tests.unit.sources.conftest import billion_laughs, case
from wirewatch.errors import SourceError
from wirewatch.sources import parse_sitemap


def test_article_sitemap_of_a_local_newspaper() -> None:
    sitemap = parse_sitemap(case("crawler-commons__hebdenbridgetimes-articles-sitemap.xml"), location="hbt")
    assert len(sitemap.urls) == 74
    assert sitemap.sitemaps == []
    first = sitemap.urls[0]
    assert (
        first.url
        == "http://www.hebdenbridgetimes.co.uk/news/local/video-tour-de-yorkshire-in-calderdale-1-7242580"
    )
    assert first.location == first.url
    assert first.content is None
    assert first.source == "hbt"
    assert first.hints.published == datetime(2015, 5, 3, 17, 51, 50, tzinfo=UTC)  # lastmod +01:00
    assert first.hints.title is None  # image/video titles are not the article's
    assert len({u.url for u in sitemap.urls}) == 74


def test_google_news_sitemap_titles_dates_language() -> None:
    sitemap = parse_sitemap(case("crawler-commons__shinpaideshou-news-sitemap.xml"), location="news")
    assert [u.hints.title for u in sitemap.urls] == [
        "Job Opening: Reischauer Policy Research Fellow",
        "Call for Papers: Nation, Gender and History, Asian Cinemas in Perspective",
        "Job Opening: Lecturer in Japanese Studies, University of Leeds",
    ]
    assert [u.hints.published for u in sitemap.urls] == [
        datetime(2017, 4, 25, 10, 0, 36, tzinfo=UTC),
        datetime(2017, 4, 24, 10, 0, 33, tzinfo=UTC),
        datetime(2017, 4, 24, 10, 0, 10, tzinfo=UTC),
    ]
    assert {u.hints.language for u in sitemap.urls} == {"en"}
    assert sitemap.urls[0].url == (
        "https://shinpaideshou.wordpress.com/2017/04/25/job-opening-reischauer-policy-research-fellow/"
    )


def test_google_documentation_news_sitemap() -> None:
    sitemap = parse_sitemap(case("crawler-commons__sitemap-news.xml"), location="doc")
    assert [u.url for u in sitemap.urls] == [
        "http://www.example.org/business/article55.html",
        "http://www.example.org/empty_news_name.html",
    ]
    assert sitemap.urls[0].hints.title == "Companies A, B in Merger Talks"
    assert sitemap.urls[0].hints.published == datetime(2008, 12, 23, tzinfo=UTC)
    assert sitemap.urls[1].hints.title == "Test empty news attributes"
    assert sitemap.urls[1].hints.published == datetime(2025, 5, 27, tzinfo=UTC)


def test_sitemap_index_lists_its_children() -> None:
    data = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://news.example/sitemap-1.xml</loc><lastmod>2024-01-01</lastmod></sitemap>
  <sitemap><loc>/sitemap-2.xml</loc></sitemap>
  <sitemap><loc>javascript:alert(1)</loc></sitemap>
</sitemapindex>"""
    sitemap = parse_sitemap(data, location="https://news.example/sitemap.xml")
    assert sitemap.urls == []
    assert sitemap.sitemaps == ["https://news.example/sitemap-1.xml", "https://news.example/sitemap-2.xml"]


def test_text_sitemap_and_url_cap() -> None:
    data = b"\xef\xbb\xbfhttps://a.example/1\n\nhttps://a.example/2\r\nnot a url\nhttps://a.example/3\n"
    assert [u.url for u in parse_sitemap(data, location="s.txt").urls] == [
        "https://a.example/1",
        "https://a.example/2",
        "https://a.example/3",
    ]
    assert len(parse_sitemap(data, location="s.txt", max_urls=2).urls) == 2


@pytest.mark.parametrize("one_line", [True, False])
def test_billion_laughs_sitemap_does_not_expand(one_line: bool) -> None:
    body = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.example/&lol9;</loc></url></urlset>'
    started = time.monotonic()
    try:
        sitemap = parse_sitemap(billion_laughs("urlset", body, one_line=one_line), location="lol.xml")
    except SourceError as exc:
        assert "\n" not in str(exc)
    else:
        assert all(len(u.url or "") < 1000 for u in sitemap.urls)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"<urlset><url><loc>https://x.example/</loc></url>\n<url></urlset>", "malformed XML at line 2"),
        (b"<rss><channel/></rss>", "not a sitemap: root element is <rss>"),
        (b"", "empty"),
        (b"hello\nworld\n", "not a sitemap"),
        (
            b'<!DOCTYPE x SYSTEM "file:///etc/passwd"><urlset><url><loc>&xxe;</loc></url></urlset>',
            "malformed",
        ),
    ],
)
def test_bad_sitemaps_are_one_line_source_errors(data: bytes, expected: str) -> None:
    with pytest.raises(SourceError) as raised:
        parse_sitemap(data, location="bad.xml")
    assert expected in str(raised.value)
    assert "\n" not in str(raised.value)
