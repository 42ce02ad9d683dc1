"""OPML round trip, kind detection, date reading and the DTD scanner."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest

import wirewatch.sources
from tests.unit.sources.conftest import case
from wirewatch.errors import SourceError
from wirewatch.model import Source, SourceKind
from wirewatch.sources import detect_kind, parse_opml, write_opml
from wirewatch.sources.dates import parse_date
from wirewatch.sources.xmlsafe import strip_declarations


def test_public_api() -> None:
    assert sorted(wirewatch.sources.__all__) == [
        "Feed", "Sitemap", "detect_kind", "gunzip_bytes", "iter_files", "parse_feed",
        "parse_opml", "parse_sitemap", "read_warc", "write_opml",
    ]  # fmt: skip
    for name in wirewatch.sources.__all__:
        assert getattr(wirewatch.sources, name) is not None


def test_opml_round_trip() -> None:
    sources = [
        Source(url="https://www.nbcnewyork.com/feed", kind=SourceKind.FEED, title="NBC New York"),
        Source(url="https://news.example/sitemap.xml", kind=SourceKind.SITEMAP, title="News & <views>"),
        Source(url="https://news.example/page", kind=SourceKind.PAGE),
        Source(url="/data/crawl.warc.gz", kind=SourceKind.WARC, title="Crawl\x01"),
        Source(url="/data/folder", kind=SourceKind.FOLDER, title="Folder"),
    ]
    data = write_opml(sources, title="mine")
    assert data.startswith(b"<?xml") and b'<opml version="2.0">' in data
    back = parse_opml(data, location="out.opml")
    assert back == [
        sources[0], sources[1], sources[2],
        Source(url="/data/crawl.warc.gz", kind=SourceKind.WARC, title="Crawl"),
        sources[4],
    ]  # fmt: skip


def test_opml_from_a_feed_reader_with_folders() -> None:
    data = b"""<?xml version="1.0"?>
<opml version="1.0"><head><title>x</title></head><body>
  <outline text="News">
    <outline text="BBC" type="rss" xmlUrl="http://feeds.bbci.co.uk/news/rss.xml" htmlUrl="https://www.bbc.co.uk/news"/>
    <outline text="Deep"><outline title="AP" xmlUrl="https://apnews.com/feed"/></outline>
  </outline>
  <outline text="A blog" type="link" url="https://blog.example/"/>
  <outline text="Home page only" htmlUrl="https://home.example/"/>
  <outline text="BBC again" xmlUrl="http://feeds.bbci.co.uk/news/rss.xml"/>
</body></opml>"""
    assert parse_opml(data, location="r.opml") == [
        Source(url="http://feeds.bbci.co.uk/news/rss.xml", kind=SourceKind.FEED, title="BBC"),
        Source(url="https://apnews.com/feed", kind=SourceKind.FEED, title="AP"),
        Source(url="https://blog.example/", kind=SourceKind.PAGE, title="A blog"),
        Source(url="https://home.example/", kind=SourceKind.PAGE, title="Home page only"),
    ]


@pytest.mark.parametrize("data", [b"", b"<opml><body>", b"<rss/>", b"\xff\xfe\x00garbage"])
def test_bad_opml(data: bytes) -> None:
    with pytest.raises(SourceError) as raised:
        parse_opml(data, location="bad.opml")
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("feed-rs__rss_2.0_nbcny.xml", SourceKind.FEED),
        ("feed-rs__rss_2.0_wirecutter.xml", SourceKind.FEED),
        ("trafilatura__npr-technology-feed.json", SourceKind.FEED),
        ("crawler-commons__shinpaideshou-news-sitemap.xml", SourceKind.SITEMAP),
        ("crawler-commons__hebdenbridgetimes-articles-sitemap.xml", SourceKind.SITEMAP),
        ("demo-news-23pages.warc.gz", SourceKind.WARC),
        ("commoncrawl-whirlwind__whirlwind.warc.gz", SourceKind.WARC),
    ],
)
def test_detect_kind_of_real_files(name: str, kind: SourceKind) -> None:
    assert detect_kind(case(name)) is kind


def test_detect_kind_of_other_documents() -> None:
    atom = b'<?xml version="1.0"?>\n<!-- <urlset> -->\n<feed xmlns="http://www.w3.org/2005/Atom"/>'
    assert detect_kind(atom) is SourceKind.FEED
    assert detect_kind(b'<rdf:RDF xmlns:rdf="x"><channel/></rdf:RDF>') is SourceKind.FEED
    assert detect_kind(b"<sitemapindex><sitemap/></sitemapindex>") is SourceKind.SITEMAP
    assert detect_kind(b"https://a.example/1\nhttps://a.example/2\n") is SourceKind.SITEMAP
    assert detect_kind(b"<!DOCTYPE html><html><body>") is SourceKind.PAGE
    assert detect_kind(b"Minister resigns\n\nThe minister said...") is SourceKind.PAGE
    assert detect_kind(b"WARC/1.1\r\nWARC-Type: warcinfo") is SourceKind.WARC
    assert detect_kind(gzip.compress(b"<html>")) is SourceKind.PAGE
    assert detect_kind("<rss/>".encode("utf-16")) is SourceKind.FEED
    assert detect_kind(b"", media_type="application/rss+xml") is SourceKind.FEED


def test_detect_kind_reads_only_the_head() -> None:
    huge = b"<rss>" + b"<item>" * 5_000_000  # 30 MB, never parsed
    assert detect_kind(huge) is SourceKind.FEED


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sat, Dec 16 2023 02:02:33 PM", datetime(2023, 12, 16, 14, 2, 33, tzinfo=UTC)),
        ("Sat, Dec 16 2023 12:10:00 AM", datetime(2023, 12, 16, 0, 10, tzinfo=UTC)),
        ("mer, 16 nov 2022 00:38:15 +0100", datetime(2022, 11, 15, 23, 38, 15, tzinfo=UTC)),
        ("mar, 15 nov 2022 10:00:00 +0100", datetime(2022, 11, 15, 9, 0, tzinfo=UTC)),  # mar = Tuesday
        ("Tue, 15 Nov 2022 20:15:04 Z", datetime(2022, 11, 15, 20, 15, 4, tzinfo=UTC)),
        ("Thu, 01 Feb 2024 10:00:00 EST", datetime(2024, 2, 1, 15, 0, tzinfo=UTC)),
        ("2021-10-29T10:26:00-04:00", datetime(2021, 10, 29, 14, 26, tzinfo=UTC)),
        ("2024-03-01T08:30:00z", datetime(2024, 3, 1, 8, 30, tzinfo=UTC)),
        ("2008-12-23", datetime(2008, 12, 23, tzinfo=UTC)),
        ("3 März 2024 10:00 MEZ", datetime(2024, 3, 3, 9, 0, tzinfo=UTC)),
        ("16/11/2022 12:00", datetime(2022, 11, 16, 12, 0, tzinfo=UTC)),
        ("not a date", None),
        ("Mon, 32 Jan 2020 10:00 GMT", None),
        ("", None),
        ("9" * 10_000, None),
    ],
)
def test_parse_date(text: str, expected: datetime | None) -> None:
    assert parse_date(text) == expected


def test_strip_declarations_wherever_the_subset_is() -> None:
    one_line = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "x>y]">]><r>&a;</r>'
    assert strip_declarations(one_line) == b'<?xml version="1.0"?><r>&a;</r>'
    spaced = b"<!DOCTYPE r\n  PUBLIC 'p' \"s\"\n  [\n <!-- ]> --> <!ENTITY b 'c'>\n ]\n >\n<r/>"
    assert strip_declarations(spaced) == b"\n<r/>"
    assert strip_declarations(b"<r/><!ENTITY x 'y'><s/>") == b"<r/><s/>"
    assert strip_declarations(b"<r/><!DOCTYPE r [ <!ENTITY unterminated") == b"<r/>"
    assert strip_declarations(b"<p>no declarations</p>") == b"<p>no declarations</p>"
