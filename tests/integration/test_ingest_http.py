"""``wirewatch ingest`` over HTTP against a real server on 127.0.0.1: feeds, sitemaps, pages."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import Result, run_cli
from tests.support.httpserver import HTTPTestServer, RecordedRequest, Reply, serve_http

ENV = {"WIREWATCH_ALLOW_NETWORKS": "127.0.0.0/8", "WIREWATCH_FETCH_DEADLINE": "5"}


def page(title: str, sentence: str) -> str:
    paragraphs = "".join(
        f"<p>{sentence} This is paragraph {i} of the report, which adds detail on the matter.</p>"
        for i in range(5)
    )
    return (
        f"<html><head><title>{title}</title></head><body><nav>Home | World | Sport</nav>"
        f"<article><h1>{title}</h1>{paragraphs}</article>"
        "<aside>Sign up for our newsletter</aside></body></html>"
    )


def rss(base: str, items: list[str]) -> bytes:
    entries = "".join(
        f"<item><title>{name}</title><link>{base}/{name}</link>"
        f"<pubDate>Tue, 19 Nov 2019 12:0{i}:00 GMT</pubDate></item>"
        for i, name in enumerate(items)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Local news</title>'
        f"<link>{base}/</link>{entries}</channel></rss>"
    ).encode()


class Site:
    """A small news site: a feed with an ETag, pages, a sitemap index, redirects."""

    def __init__(self, server: HTTPTestServer) -> None:
        self.server = server
        self.base = server.url("").rstrip("/")
        self.feed_items = ["budget", "harbour"]
        self.feed_etag = '"v1"'
        server.route("/feed.xml", self.feed)
        server.route("/budget", Reply(body=page("Budget passes", "The budget passed on Tuesday.").encode()))
        server.route(
            "/harbour",
            Reply(body=page("Harbour reopens", "The harbour reopened after the storm.").encode(), gzip=True),
        )
        server.route(
            "/bridge",
            Reply(body=page("Bridge closes", "Engineers closed the old bridge at dawn.").encode()),
        )
        # a page in cp1252 that declares no charset at all
        server.route(
            "/cafe",
            Reply(
                body=page(
                    "Café owners protest", "Café owners marched to the mairie, naïvely hopeful."
                ).encode("cp1252"),
                headers={"Content-Type": "text/html"},
            ),
        )
        server.route(
            "/sitemap-index.xml",
            Reply(
                body=(
                    '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                    f"<sitemap><loc>{self.base}/sitemap-1.xml.gz</loc></sitemap></sitemapindex>"
                ).encode()
            ),
        )
        server.route(
            "/sitemap-1.xml.gz",
            Reply(
                body=gzip.compress(
                    (
                        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                        f"<url><loc>{self.base}/moved</loc></url>"
                        f"<url><loc>{self.base}/cafe</loc></url>"
                        f"<url><loc>{self.base}/to-private</loc></url></urlset>"
                    ).encode()
                ),
                headers={"Content-Type": "application/x-gzip"},
            ),
        )
        server.route("/moved", Reply(status=301, headers={"Location": "/moved-again"}))
        server.route("/moved-again", Reply(status=302, headers={"Location": f"{self.base}/bridge"}))
        server.route("/to-private", Reply(status=302, headers={"Location": "http://10.1.2.3/secret"}))

    def feed(self, request: RecordedRequest) -> Reply:
        if request.header("if-none-match") == self.feed_etag:
            return Reply(status=304, headers={"ETag": self.feed_etag})
        return Reply(
            body=rss(self.base, self.feed_items),
            headers={"Content-Type": "application/rss+xml", "ETag": self.feed_etag},
        )


@pytest.fixture
def site() -> Iterator[Site]:
    with serve_http() as server:
        yield Site(server)


def ingest(db: Path, *urls: str) -> Result:
    return run_cli(["ingest", *urls, "--db", str(db), "--format", "json", "--workers", "1"], env=ENV)


def titles(db: Path) -> list[str]:
    hits = run_cli(
        ["search", "until:2100-01-01 OR -zzzz", "--db", str(db), "--format", "json", "--limit", "100"]
    )
    return sorted(h["title"] for h in hits.json())


def test_feed_then_conditional_get_then_new_item(site: Site, tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    first = ingest(db, f"{site.base}/feed.xml")
    assert first.code == 0, first.stdout + first.stderr
    assert first.json()["new"] == 2
    assert titles(db) == ["Budget passes", "Harbour reopens"]
    user_agents = {r.header("user-agent") for r in site.server.requests}
    assert all(ua and ua.startswith("wirewatch/") for ua in user_agents)

    # unchanged feed: 304, and no page fetched again
    before = len(site.server.requests)
    second = ingest(db, f"{site.base}/feed.xml")
    assert second.code == 0
    assert second.json() == {
        "seen": 0,
        "new": 0,
        "duplicate": 0,
        "near_duplicate": 0,
        "failed": 0,
        "errors": [],
        "warnings": [],
    }
    later = site.server.requests[before:]
    assert [r.path for r in later if r.path != "/robots.txt"] == ["/feed.xml"]
    assert later[-1].header("if-none-match") == '"v1"'

    # the feed gains an item: only the new page is fetched
    site.feed_items.append("bridge")
    site.feed_etag = '"v2"'
    before = len(site.server.requests)
    third = ingest(db, f"{site.base}/feed.xml")
    assert third.json()["new"] == 1
    assert third.json()["duplicate"] == 2
    fetched = [r.path for r in site.server.requests[before:] if r.path != "/robots.txt"]
    assert fetched == ["/feed.xml", "/bridge"]


def test_sitemap_index_redirects_charset_and_private_redirect(site: Site, tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    result = ingest(db, f"{site.base}/sitemap-index.xml")
    assert result.code == 1, result.stdout + result.stderr  # the private redirect failed
    summary = result.json()
    assert summary["new"] == 2
    [error] = summary["errors"]
    assert error["document"] == f"{site.base}/to-private"
    assert error["stage"] == "fetch"
    assert "10.1.2.3" in error["message"]
    assert titles(db) == ["Bridge closes", "Café owners protest"]
    cafe = run_cli(["search", "title:café", "--db", str(db), "--format", "json"]).json()
    assert "naïvely" in cafe[0]["text"]
    # the article reached through two redirects is stored under its final address,
    # and the sitemap's address for it is known too: a re-run fetches nothing again
    before = len(site.server.requests)
    again = ingest(db, f"{site.base}/sitemap-index.xml")
    assert again.json()["new"] == 0
    refetched = {r.path for r in site.server.requests[before:]}
    assert not refetched & {"/moved", "/moved-again", "/bridge", "/cafe"}


def test_loopback_is_refused_without_allow_networks(site: Site, tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    result = run_cli(["ingest", f"{site.base}/feed.xml", "--db", str(db), "--format", "json"])
    assert result.code == 1
    [error] = result.json()["errors"]
    assert error["stage"] == "fetch"
    assert "127.0.0.1" in error["message"]
    assert site.server.requests == []  # refused before any connection


def test_gzip_bomb_over_http_is_one_failed_document(site: Site, tmp_path: Path) -> None:
    bomb = gzip.compress(b"<html><body>" + b" " * (64 * 1024 * 1024))
    site.server.route(
        "/bomb", Reply(body=bomb, headers={"Content-Encoding": "gzip", "Content-Type": "text/html"})
    )
    db = tmp_path / "news.db"
    result = run_cli(
        ["ingest", f"{site.base}/bomb", f"{site.base}/budget", "--db", str(db), "--format", "json"],
        env={**ENV, "WIREWATCH_MAX_BODY_BYTES": str(4 * 1024 * 1024)},
    )
    summary = result.json()
    assert result.code == 1
    assert summary["new"] == 1
    [error] = summary["errors"]
    assert error["document"] == f"{site.base}/bomb"
    assert error["stage"] == "fetch"
