"""parse_feed on real captured feeds and on hostile ones."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from tests.unit.sources.conftest import billion_laughs, case
from wirewatch.errors import SourceError
from wirewatch.sources import Feed, parse_feed


def read(name: str) -> Feed:
    return parse_feed(case(name), location=f"tests/cases/sources/{name}")


def test_nbc_new_york_pm_date_and_cdata_title() -> None:
    feed = read("feed-rs__rss_2.0_nbcny.xml")
    assert feed.title == "NBC New York"
    assert feed.link == "https://www.nbcnewyork.com"
    assert len(feed.entries) == 1
    entry = feed.entries[0]
    assert entry.hints.title == (
        "NYC cops search for stabbing suspect after leaving 18-year-old to bleed out on sidewalk"
    )
    assert entry.url == (
        "https://www.nbcnewyork.com/news/local/nyc-cops-search-for-stabbing-suspect-after-"
        "leaving-18-year-old-to-bleed-out-on-sidewalk/4956764/"
    )
    assert entry.location == entry.url
    assert entry.hints.author == "Gaby Acevedo and Jessica Cunnington"
    # "Sat, Dec 16 2023 02:02:33 PM": feedparser alone reads 02:02, the PM is lost
    assert entry.hints.published == datetime(2023, 12, 16, 14, 2, 33, tzinfo=UTC)
    assert entry.hints.language == "en"
    assert entry.content is None  # only a description: the page must be fetched
    assert entry.source == "tests/cases/sources/feed-rs__rss_2.0_nbcny.xml"


def test_il_giornale_author_email_name_and_z_date() -> None:
    feed = read("feed-rs__rss_2.0_ilgiornale.xml")
    [entry] = feed.entries
    assert entry.hints.title == (
        "Arrestato in Pakistan Shabbar Abbas. In Italia è accusato per l'omicidio di Saman"
    )
    assert entry.hints.author == "Angela Leucci"  # from "redazione@ilgiornale-web.it (Angela Leucci)"
    assert entry.hints.published == datetime(2022, 11, 15, 20, 15, 4, tzinfo=UTC)
    assert entry.hints.language == "it"
    assert entry.hints.summary is not None and "padre di Saman Abbas" in entry.hints.summary
    assert feed.self_url == "https://www.ilgiornale.it/taxonomy/term/40821/feed"


def test_il_messaggero_italian_day_and_month_names() -> None:
    feed = read("feed-rs__rss_2.0_ilmessaggero.xml")
    [entry] = feed.entries
    assert entry.hints.title == (
        "Missili Polonia, cosa è successo? Tensione Nato-Russia, Mosca: non siamo stati noi"
    )
    assert (
        entry.url == "https://www.ilmessaggero.it/mondo/missili_polonia_cosa_e_successo_davvero-7054869.html"
    )
    # "mer, 16 nov 2022 00:38:15 +0100" is 23:38:15 UTC the day before
    assert entry.hints.published == datetime(2022, 11, 15, 23, 38, 15, tzinfo=UTC)
    assert entry.hints.author is None
    assert entry.hints.language == "it"  # from "IT-it"


def test_wirecutter_full_content_and_dc_creator() -> None:
    feed = read("feed-rs__rss_2.0_wirecutter.xml")
    [entry] = feed.entries
    assert entry.hints.title == "How to Teach Someone a Board Game (and Even Have Fun Doing It)"
    assert entry.hints.author == "James Austin"
    assert entry.hints.published == datetime(2022, 9, 20, 11, 0, 17, tzinfo=UTC)
    assert entry.url is not None and entry.url.startswith(
        "https://www.nytimes.com/wirecutter/blog/how-to-teach-someone-a-board-game/"
    )
    assert entry.media_type == "text/html"
    assert entry.content is not None
    html = entry.content.decode("utf-8")
    assert "Modern board games can be wonderfully complex" in html
    assert "teach your friends how to play a new board game" in html  # only in content:encoded
    assert feed.self_url == "https://www.nytimes.com/wirecutter/feed/"


def test_npr_json_feed_has_25_entries_with_content() -> None:
    feed = read("trafilatura__npr-technology-feed.json")
    assert feed.title == "Technology"
    assert feed.self_url == "https://feeds.npr.org/1019/feed.json"
    assert len(feed.entries) == 25
    assert all(e.content and e.media_type == "text/html" for e in feed.entries)
    assert all(e.url and e.url.startswith("https://www.npr.org/") for e in feed.entries)
    first, last = feed.entries[0], feed.entries[-1]
    assert first.hints.title == "Keller Rinaudo: How can delivery drones save lives?"
    assert first.hints.author == "Manoush Zomorodi"
    assert first.hints.published == datetime(2021, 10, 29, 14, 26, tzinfo=UTC)
    assert first.content is not None and b"Zipline" in first.content
    assert last.hints.title == "Netflix employees are staging a walkout as a fired organizer speaks out"
    assert last.hints.author == "Andrew Limbong"
    assert last.hints.published == datetime(2021, 10, 20, 9, 11, tzinfo=UTC)


def test_json_feed_content_text_hub_and_relative_links() -> None:
    data = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "T",'
        b' "home_page_url": "https://news.example/",'
        b' "hubs": [{"type": "WebSub", "url": "https://hub.example/"}],'
        b' "items": [{"id": "1", "url": "/a", "content_text": "plain words",'
        b'  "authors": [{"name": "Ann"}], "date_published": "garbage"}, "junk"]}'
    )
    feed = parse_feed(data, location="https://news.example/feed.json")
    assert feed.hub == "https://hub.example/"
    [entry] = feed.entries
    assert entry.url == "https://news.example/a"
    assert entry.content == b"plain words"
    assert entry.media_type == "text/plain"
    assert entry.hints.author == "Ann"
    assert entry.hints.published is None  # unreadable date: None, not a crash


def test_atom_feed_with_content_hub_and_relative_link() -> None:
    data = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
  <title>Le fil</title>
  <link rel="self" href="https://fil.example/atom.xml"/>
  <link rel="hub" href="https://pubsubhubbub.example/"/>
  <link rel="alternate" href="https://fil.example/"/>
  <entry>
    <title>Un titre</title><link href="/articles/1"/>
    <id>urn:1</id><updated>2024-03-01T08:30:00Z</updated>
    <author><name>Marie Curie</name></author>
    <content type="html">&lt;p&gt;Texte complet&lt;/p&gt;</content>
  </entry>
</feed>"""
    feed = parse_feed(data, location="https://fil.example/atom.xml")
    assert (feed.hub, feed.self_url) == ("https://pubsubhubbub.example/", "https://fil.example/atom.xml")
    [entry] = feed.entries
    assert entry.url == "https://fil.example/articles/1"
    assert entry.content == b"<p>Texte complet</p>"
    assert entry.hints.author == "Marie Curie"
    assert entry.hints.published == datetime(2024, 3, 1, 8, 30, tzinfo=UTC)


def test_entry_without_link_gets_a_location_in_the_feed() -> None:
    data = b'<rss version="2.0"><channel><title>x</title><item><title>no link</title></item></channel></rss>'
    [entry] = parse_feed(data, location="feed.xml").entries
    assert (entry.location, entry.url) == ("feed.xml#entry-0", None)


def test_caps_fields_and_entries() -> None:
    items = "".join(
        f"<item><title>{'t' * 5000}</title><link>https://x.example/{i}</link></item>" for i in range(30)
    )
    data = f'<rss version="2.0"><channel><title>x</title>{items}</channel></rss>'.encode()
    feed = parse_feed(data, location="f", max_field_chars=100, max_entries=10)
    assert len(feed.entries) == 10
    assert all(len(e.hints.title or "") == 100 for e in feed.entries)


@pytest.mark.parametrize("depth", [5, 9])
@pytest.mark.parametrize("one_line", [True, False], ids=["one-line-dtd", "multi-line-dtd"])
def test_billion_laughs_feed_does_not_expand(one_line: bool, depth: int) -> None:
    body = (
        f'<rss version="2.0"><channel><title>&lol{depth};</title>'
        f"<item><title>&lol{depth};</title><link>https://x.example/a</link>"
        f"<description>&lol{depth};</description></item></channel></rss>"
    )
    data = billion_laughs("rss", body, one_line=one_line, depth=depth)
    assert len(data) < 1000
    started = time.monotonic()
    try:
        feed = parse_feed(data, location="lol.xml")
    except SourceError as exc:
        assert "\n" not in str(exc)
    else:
        assert len(feed.title or "") < 1000
        for entry in feed.entries:
            assert len(entry.hints.title or "") < 1000
            assert len(entry.hints.summary or "") < 1000
    assert time.monotonic() - started < 5


def test_malformed_feed_keeps_the_entries_it_could_read() -> None:
    data = (
        b'<rss version="2.0"><channel><title>x</title>'
        b"<item><title>good</title><link>https://x.example/1</link></item>"
        b"<item><title>broken & </titel></chan"
    )
    feed = parse_feed(data, location="broken.xml")
    assert feed.entries[0].hints.title == "good"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</ti', "not a feed"),
        (bytes(range(256)) * 20, "not a feed"),
        (b"<html><body><p>Just a page</p></body></html>", "not a feed"),
        (b'{"version": "1", "items": []}', "jsonfeed.org"),
        (b'{"version": "https://jsonfeed.org/version/1", "items": [' * 1 + b"[" * 100_000, "JSON"),
        (b"/etc/passwd", "not a feed"),  # feedparser would open() a file name given as bytes
    ],
    ids=["empty", "blank", "malformed-xml", "binary", "html", "json-not-feed", "json-deep", "file-name"],
)
def test_bad_input_is_a_one_line_source_error(data: bytes, reason: str) -> None:
    started = time.monotonic()
    with pytest.raises(SourceError) as raised:
        parse_feed(data, location="bad.xml")
    message = str(raised.value)
    assert reason in message
    assert message.startswith("bad.xml: source: ")
    assert "\n" not in message
    assert raised.value.document == "bad.xml"
    assert time.monotonic() - started < 5


def test_time_limit_gives_up_with_a_source_error() -> None:
    items = "".join(
        f"<item><title>t{i}</title><link>https://x.example/{i}</link></item>" for i in range(3000)
    )
    data = f'<rss version="2.0"><channel><title>x</title>{items}</channel></rss>'.encode()
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"parse took longer than 0\.001s"):
        parse_feed(data, location="slow.xml", timeout=0.001)
    assert time.monotonic() - started < 1


def test_a_feed_with_no_items_yet_is_a_feed_not_an_error() -> None:
    data = (
        b'<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
        b"<title>Local news</title><link>https://news.example.com/</link>"
        b'<atom:link rel="hub" href="https://hub.example.com/"/></channel></rss>'
    )
    feed = parse_feed(data, location="https://news.example.com/feed.xml")
    assert (feed.title, feed.entries, feed.hub) == ("Local news", [], "https://hub.example.com/")
