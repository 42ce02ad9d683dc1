"""Stories end to end: a real news site on 127.0.0.1, the real ``wirewatch`` command.

Five outlets cover two earthquakes and a NATO summit; one wire story is syndicated (an
AMP copy, a trimmed reprint).  What a reader checks: copies collapse into the original
with the copies listed; the two earthquakes stay two stories while the summit coverage
from three outlets is one; the summit quotation reported by three outlets is one
quotation with three appearances, the earliest first; the same stream ingested again, or
into a fresh database, gives the same stories; ``story:`` finds a story's articles.
"""

from __future__ import annotations

import html
import sqlite3
from pathlib import Path

import pytest

from tests.support.cli import Result, run_cli
from tests.support.httpserver import HTTPTestServer, Reply, serve_http

ENV = {"WIREWATCH_ALLOW_NETWORKS": "127.0.0.0/8", "WIREWATCH_FETCH_DEADLINE": "10"}

QUOTE = "We will support Ukraine for as long as it takes"

WIRE = [
    "Rescue teams in eastern Turkey pulled survivors from collapsed apartment blocks on "
    "Monday after a magnitude 7.1 earthquake struck near the city of Malatya before dawn, "
    "the country's disaster agency AFAD said.",
    "At least 212 people were killed and more than 1,400 injured, AFAD said, and the toll "
    "was expected to rise as crews searched the rubble in Malatya and nearby Adiyaman.",
    "The quake was centred 12 kilometres north-east of Malatya at a depth of 10 kilometres, "
    "according to the Kandilli Observatory, and was followed by dozens of aftershocks.",
    "Interior Minister Ali Yerlikaya said tents and field kitchens had been sent to the "
    "region, where night temperatures fall below freezing in early spring.",
    "Hospitals in Malatya moved patients into gardens and car parks as engineers inspected "
    "buildings for damage, and schools in the province were closed for the week.",
]
CHILE = [
    "A magnitude 6.4 earthquake shook northern Chile on Thursday, cutting power to parts of "
    "Antofagasta and damaging roads in the Atacama desert, Chile's emergency service Senapred "
    "said.",
    "There were no reports of deaths, Senapred said, and the navy ruled out a tsunami along "
    "the Pacific coast after checking sea levels at Tocopilla and Mejillones.",
    "The quake struck 48 kilometres south of Calama at a depth of 95 kilometres, according to "
    "Chile's National Seismological Center, and copper mines in the region halted work for "
    "inspections.",
    "Codelco said its Chuquicamata and Radomiro Tomic mines were evacuated as a precaution "
    "and that operations would resume once engineers had checked the shafts.",
]


def summit(lead: str, extra: str) -> list[str]:
    return [
        lead,
        f'"{QUOTE}," NATO Secretary General Jens Stoltenberg told reporters in Vilnius on '
        "Tuesday, as allied leaders met for a two-day summit in the Lithuanian capital.",
        extra,
        "Ukrainian President Volodymyr Zelenskyy, who attended the Vilnius summit, said the "
        "alliance's promise of future membership lacked a timetable.",
    ]


PAGES: dict[str, tuple[str, str, str, list[str]]] = {
    # path: (outlet, published, title, paragraphs)
    "/wire/quake": (
        "Wire Service",
        "2026-03-02T06:10:00+00:00",
        "Strong earthquake kills 212 in eastern Turkey",
        WIRE,
    ),
    "/amp/quake": (
        "Wire Service",
        "2026-03-02T06:25:00+00:00",
        "Strong earthquake kills 212 in eastern Turkey (updated)",
        [*WIRE, "This story has been updated with the latest toll."],
    ),
    "/daily/quake-reprint": (
        "Daily Courier",
        "2026-03-02T07:00:00+00:00",
        "Turkey earthquake kills 212",
        WIRE[:4],
    ),
    "/herald/chile-quake": ("Herald", "2026-03-05T15:00:00+00:00", "Earthquake shakes northern Chile", CHILE),
    "/herald/vilnius": (
        "Herald",
        "2026-07-11T12:30:00+00:00",
        "NATO leaders pledge long-term support for Ukraine at Vilnius summit",
        summit(
            "NATO leaders meeting in Vilnius pledged long-term military support for Ukraine on "
            "Tuesday but stopped short of setting a date for Kyiv to join the alliance.",
            "The allies agreed that Ukraine would no longer need a membership action plan, a step "
            "Stoltenberg said would shorten its path into NATO.",
        ),
    ),
    "/times/vilnius": (
        "The Times",
        "2026-07-11T09:15:00+00:00",
        "At Vilnius summit, NATO backs Ukraine but offers no membership date",
        summit(
            "Allied leaders gathered in Vilnius on Tuesday promised Ukraine weapons and support "
            "for years to come, while declining to give Kyiv a timetable for NATO membership.",
            "Stoltenberg said the alliance had dropped the requirement of a membership action "
            "plan for Ukraine, removing one step from its path into NATO.",
        ),
    ),
    "/post/vilnius": (
        "Evening Post",
        "2026-07-11T14:45:00+00:00",
        "Zelenskyy criticises NATO over membership timetable at Vilnius summit",
        summit(
            "Ukraine's president criticised NATO's leaders at their Vilnius summit on Tuesday for "
            "offering no membership timetable, even as the alliance promised lasting support.",
            "Leaders at the summit agreed to set up a NATO-Ukraine Council, and Stoltenberg said "
            "the membership action plan would no longer be required.",
        ),
    ),
}
# the stream's order: the summit's earliest report (The Times) arrives second
ORDER = [
    "/wire/quake",
    "/herald/chile-quake",
    "/herald/vilnius",
    "/amp/quake",
    "/times/vilnius",
    "/daily/quake-reprint",
    "/post/vilnius",
]


def page_html(outlet: str, published: str, title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        f'<html><head><title>{html.escape(title)}</title><meta property="og:site_name" content="{outlet}">'
        f'<meta property="article:published_time" content="{published}"></head><body>'
        f"<nav>Home | World</nav><article><h1>{html.escape(title)}</h1>{body}</article>"
        "<aside>Subscribe to our newsletter</aside></body></html>"
    ).encode()


def feed(base: str, paths: list[str]) -> bytes:
    items = "".join(f"<item><title>{PAGES[p][2]}</title><link>{base}{p}</link></item>" for p in paths)
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>{items}</channel></rss>'
    ).encode()


@pytest.fixture(scope="module")
def site() -> HTTPTestServer:
    with serve_http() as server:
        base = server.url("").rstrip("/")
        for path, (outlet, published, title, paragraphs) in PAGES.items():
            server.route(path, Reply(body=page_html(outlet, published, title, paragraphs)))
        server.route(
            "/feed.xml", Reply(body=feed(base, ORDER), headers={"Content-Type": "application/rss+xml"})
        )
        server.route(
            "/feed-late.xml",
            Reply(body=feed(base, ["/post/vilnius"]), headers={"Content-Type": "application/rss+xml"}),
        )
        server.route(
            "/feed-early.xml",
            Reply(
                body=feed(base, [p for p in ORDER if p != "/post/vilnius"]),
                headers={"Content-Type": "application/rss+xml"},
            ),
        )
        yield server


def cli(*args: str, db: Path) -> Result:
    result = run_cli([*args, "--db", str(db)], env=ENV, timeout=300)
    assert result.code == 0, result.stdout + result.stderr
    return result


def ingest(db: Path, url: str) -> dict[str, object]:
    summary = cli("ingest", url, "--workers", "1", "--format", "json", db=db).json()
    assert summary["failed"] == 0, summary
    return summary


def partition(db: Path) -> set[frozenset[str]]:
    """The stories as sets of article URLs (ids differ between databases; the grouping must not)."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT story_id, url FROM articles ORDER BY id").fetchall()
    finally:
        conn.close()
    groups: dict[int, set[str]] = {}
    for story, url in rows:
        groups.setdefault(story, set()).add(url.split("/", 3)[3])
    return {frozenset(g) for g in groups.values()}


@pytest.fixture(scope="module")
def news_db(site: HTTPTestServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("stories") / "news.db"
    summary = ingest(db, site.url("/feed.xml"))
    assert (summary["new"], summary["duplicate"], summary["near_duplicate"]) == (5, 2, 2)
    return db


def article_id(db: Path, path: str) -> int:
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT id FROM articles WHERE url LIKE ?", (f"%{path}",)).fetchone()
    finally:
        conn.close()
    assert row is not None, f"{path} not stored"
    return int(row[0])


def test_syndicated_copies_collapse_into_the_original_with_the_copies_listed(news_db: Path) -> None:
    original = cli("show", str(article_id(news_db, "/wire/quake")), "--format", "json", db=news_db).json()
    copies = {d["url"].split("/", 3)[3]: d for d in original["duplicates"]}
    assert set(copies) == {"amp/quake", "daily/quake-reprint"}
    assert copies["daily/quake-reprint"]["outlet"] == "Daily Courier"
    assert all(0.7 <= d["similarity"] <= 1.0 for d in copies.values())
    text = cli("show", str(original["id"]), db=news_db).stdout
    assert "copy:" in text and "Daily Courier" in text
    # the copies are not coverage of their own: not stored, not searchable as articles
    hits = cli("search", "Malatya", "--format", "json", db=news_db).json()
    assert [h["id"] for h in hits] == [original["id"]]


def test_same_kind_events_stay_apart_and_one_event_across_outlets_is_one_story(news_db: Path) -> None:
    assert partition(news_db) == {
        frozenset({"wire/quake"}),
        frozenset({"herald/chile-quake"}),
        frozenset({"herald/vilnius", "times/vilnius", "post/vilnius"}),
    }
    stories = cli("stories", "--format", "json", db=news_db).json()
    summit = next(s for s in stories if s["article_count"] == 3)
    assert set(summit["outlets"]) == {"Herald", "The Times", "Evening Post"}
    assert summit["people"][0] == "Jens Stoltenberg"
    assert summit["first_seen"].startswith("2026-07-11T09:15")  # The Times, though it came second
    quake = next(s for s in stories if "Turkey" in (s["title"] or ""))
    assert set(quake["outlets"]) == {"Wire Service", "Daily Courier"}  # the copies' outlets count


def test_one_quotation_in_three_outlets_is_one_quote_with_its_first_appearance(news_db: Path) -> None:
    herald = cli("show", str(article_id(news_db, "/herald/vilnius")), "--format", "json", db=news_db).json()
    quote = next(q for q in herald["quotes"] if QUOTE in q["text"])
    outlets = [a["outlet"] for a in quote["appearances"]]
    assert outlets == ["The Times", "Herald", "Evening Post"]  # by publication time
    story = cli("story", str(herald["story_id"]), "--format", "json", db=news_db).json()
    tracked = [q for q in story["quotes"] if QUOTE in q["text"]]
    assert len(tracked) == 1 and len(tracked[0]["appearances"]) == 3
    text = cli("story", str(herald["story_id"]), db=news_db).stdout
    assert "first in The Times" in text and "3 appearances" in text


def test_story_field_in_search(news_db: Path) -> None:
    story_id = cli("show", str(article_id(news_db, "/times/vilnius")), "--format", "json", db=news_db).json()[
        "story_id"
    ]
    hits = cli("search", f"story:{story_id}", "--format", "json", db=news_db).json()
    assert len(hits) == 3
    assert (
        cli("search", f"story:{story_id} zelenskyy criticised", "--format", "json", db=news_db)
        .json()[0]["title"]
        .startswith("Zelenskyy")
    )
    bad = run_cli(["search", "story:vilnius", "--db", str(news_db)], env=ENV)
    assert bad.code == 2 and "story: takes a story number" in bad.stderr
    listed = cli("stories", "speaker:stoltenberg", "--format", "json", db=news_db).json()
    assert [s["id"] for s in listed] == [story_id]


def test_the_same_stream_gives_the_same_stories(site: HTTPTestServer, news_db: Path, tmp_path: Path) -> None:
    before = partition(news_db)
    again = ingest(news_db, site.url("/feed.xml"))
    assert (again["new"], again["duplicate"]) == (0, 7)
    assert partition(news_db) == before
    fresh = tmp_path / "fresh.db"
    ingest(fresh, site.url("/feed.xml"))
    assert partition(fresh) == before


def test_a_later_run_continues_the_stories_of_an_earlier_one(site: HTTPTestServer, tmp_path: Path) -> None:
    db = tmp_path / "two-runs.db"
    ingest(db, site.url("/feed-early.xml"))
    ingest(db, site.url("/feed-late.xml"))  # a new process: the clusterer is rebuilt from the store
    assert frozenset({"herald/vilnius", "times/vilnius", "post/vilnius"}) in partition(db)
