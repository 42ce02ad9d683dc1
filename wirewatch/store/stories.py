"""Stories, near-duplicates and tracked quotations in SQLite.

``write_links`` runs inside the new article's transaction: its story (created on first
sight, its first/last times widened), the clusterer's late merges (members moved, the
absorbed story pointing at the one it joined, the merge recorded), its near-duplicate
fingerprint, and each of its quotations joined to the tracked quotation it repeats.
Deciding is the stories stage's work; this module only looks up and writes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime

from wirewatch.model import Appearance, Article, Duplicate, Quote, Story, outlet_of
from wirewatch.store.base import NearMatcher, QuoteTracker, StoryLinks
from wirewatch.store.quotes import quotes_for_article
from wirewatch.store.times import now_iso, parse_iso

__all__ = [
    "add_duplicate",
    "duplicates_of",
    "find_near_duplicate",
    "get_story",
    "quote_appearances",
    "resolve_story",
    "stories_by_ids",
    "story_outlets",
    "tracked_quotes",
    "write_links",
]

TRACKED_KINDS = ("direct", "mixed")  # reported speech is each outlet's own wording
QUOTE_CANDIDATES = 400  # earlier quotations compared with a new one (same story or speaker)
TOP_NAMES = 5
MAX_MERGE_HOPS = 64


def _when(article: Article) -> datetime | None:
    when = article.published or article.fetched_at
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when


# -- writing ---------------------------------------------------------------------------


def write_links(conn: sqlite3.Connection, article_id: int, article: Article, links: StoryLinks) -> None:
    if links.story_key is not None:
        for absorbed, into in links.merges:
            _merge(conn, absorbed, into)
        story_id = _story_for_key(conn, links.story_key, links.story_title)
        story_id = resolve_story(conn, story_id) or story_id
        conn.execute("UPDATE articles SET story_id = ? WHERE id = ?", (story_id, article_id))
        _widen(conn, story_id, _when(article))
        if links.story_title:
            conn.execute("UPDATE stories SET title = ? WHERE id = ?", (links.story_title, story_id))
    if links.signature is not None:
        conn.execute(
            "INSERT OR REPLACE INTO article_signatures (article_id, signature) VALUES (?, ?)",
            (article_id, links.signature),
        )
        conn.executemany(
            "INSERT OR IGNORE INTO article_bands (band, article_id) VALUES (?, ?)",
            [(band, article_id) for band in links.bands],
        )
    if links.tracker is not None:
        _track_quotes(conn, article_id, links)


def _story_for_key(conn: sqlite3.Connection, key: str, title: str | None) -> int:
    conn.execute(
        "INSERT OR IGNORE INTO stories (key, title, created_at) VALUES (?, ?, ?)", (key, title, now_iso())
    )
    return int(conn.execute("SELECT id FROM stories WHERE key = ?", (key,)).fetchone()[0])


def _widen(conn: sqlite3.Connection, story_id: int, when: datetime | None) -> None:
    if when is None:
        return
    ts, iso = when.timestamp(), when.isoformat()
    conn.execute(
        "UPDATE stories SET first_seen = ?, first_ts = ? WHERE id = ? AND (first_ts IS NULL OR first_ts > ?)",
        (iso, ts, story_id, ts),
    )
    conn.execute(
        "UPDATE stories SET last_seen = ?, last_ts = ? WHERE id = ? AND (last_ts IS NULL OR last_ts < ?)",
        (iso, ts, story_id, ts),
    )


def _merge(conn: sqlite3.Connection, absorbed_key: str, into_key: str) -> None:
    rows = {
        r[0]: int(r[1])
        for r in conn.execute("SELECT key, id FROM stories WHERE key IN (?, ?)", (absorbed_key, into_key))
    }
    if absorbed_key not in rows or into_key not in rows:
        return  # a story never stored (its articles were all copies) has nothing to move
    absorbed = resolve_story(conn, rows[absorbed_key]) or rows[absorbed_key]
    into = resolve_story(conn, rows[into_key]) or rows[into_key]
    if absorbed == into:
        return
    conn.execute("UPDATE articles SET story_id = ? WHERE story_id = ?", (into, absorbed))
    conn.execute(
        "UPDATE stories SET merged_into = ? WHERE id = ? OR merged_into = ?", (into, absorbed, absorbed)
    )
    row = conn.execute("SELECT first_seen, last_seen FROM stories WHERE id = ?", (absorbed,)).fetchone()
    for value in row:
        when = parse_iso(value)
        _widen(conn, into, when)
    conn.execute(
        "INSERT INTO story_merges (absorbed, into_id, merged_at) VALUES (?, ?, ?)",
        (absorbed, into, now_iso()),
    )


def resolve_story(conn: sqlite3.Connection, story_id: int) -> int | None:
    """The story ``story_id`` is now (itself, or the one it was merged into); None if unknown."""
    current = story_id
    for _ in range(MAX_MERGE_HOPS):
        row = conn.execute("SELECT merged_into FROM stories WHERE id = ?", (current,)).fetchone()
        if row is None:
            return None
        if row[0] is None:
            return current
        current = int(row[0])
    return current


def _track_quotes(conn: sqlite3.Connection, article_id: int, links: StoryLinks) -> None:
    tracker = links.tracker
    if tracker is None:
        return
    story = conn.execute("SELECT story_id FROM articles WHERE id = ?", (article_id,)).fetchone()[0]
    marks = ", ".join("?" * len(TRACKED_KINDS))
    rows = conn.execute(
        f"SELECT id, text, speaker_entity_id FROM quotes WHERE article_id = ? AND kind IN ({marks}) "  # noqa: S608
        "ORDER BY span_start",
        (article_id, *TRACKED_KINDS),
    ).fetchall()
    for quote_id, text, speaker in rows:
        key = tracker.key(text)
        if not key:
            continue
        group = conn.execute(
            "SELECT id FROM quote_groups WHERE key = ? ORDER BY id LIMIT 1", (key,)
        ).fetchone()
        group_id = int(group[0]) if group is not None else None
        if group_id is None:
            group_id = _similar_group(conn, tracker, article_id, text=text, story=story, speaker=speaker)
        if group_id is None:
            group_id = int(conn.execute("INSERT INTO quote_groups (key) VALUES (?)", (key,)).lastrowid or 0)
        conn.execute("UPDATE quotes SET group_id = ? WHERE id = ?", (group_id, quote_id))


def _similar_group(
    conn: sqlite3.Connection,
    tracker: QuoteTracker,
    article_id: int,
    *,
    text: str,
    story: int | None,
    speaker: int | None,
) -> int | None:
    """A tracked quotation of the same story or the same speaker that this text repeats."""
    candidates = conn.execute(
        "SELECT q.group_id, q.text FROM quotes q JOIN articles a ON a.id = q.article_id "
        "WHERE q.group_id IS NOT NULL AND q.article_id != ? AND "
        "((? IS NOT NULL AND a.story_id = ?) OR (? IS NOT NULL AND q.speaker_entity_id = ?)) "
        "ORDER BY q.id DESC LIMIT ?",
        (article_id, story, story, speaker, speaker, QUOTE_CANDIDATES),
    ).fetchall()
    for group_id, other in candidates:
        if tracker.same(text, other):
            return int(group_id)
    return None


# -- near-duplicates -------------------------------------------------------------------


def find_near_duplicate(
    conn: sqlite3.Connection, bands: Sequence[int], signature: bytes, matcher: NearMatcher
) -> tuple[int, float] | None:
    if not bands:
        return None
    marks = ", ".join("?" * len(bands))
    rows = conn.execute(
        f"SELECT s.article_id, s.signature FROM article_signatures s WHERE s.article_id IN "  # noqa: S608
        f"(SELECT DISTINCT article_id FROM article_bands WHERE band IN ({marks})) ORDER BY s.article_id",
        tuple(bands),
    ).fetchall()
    best: tuple[int, float] | None = None
    for article_id, other in rows:
        score = matcher.similarity(signature, bytes(other))
        if score >= matcher.threshold and (best is None or score > best[1]):
            best = (int(article_id), score)
    return best


def add_duplicate(
    conn: sqlite3.Connection, original_id: int, article: Article, keys: Sequence[str], similarity: float
) -> bool:
    cursor = conn.execute(
        "INSERT OR IGNORE INTO article_duplicates "
        "(article_id, url, title, outlet, published, similarity, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            original_id,
            article.canonical_url or article.url,
            article.title,
            article.outlet,
            article.published.isoformat() if article.published else None,
            similarity,
            now_iso(),
        ),
    )
    conn.executemany(
        "INSERT OR IGNORE INTO article_urls (url, article_id) VALUES (?, ?)", [(k, original_id) for k in keys]
    )
    return cursor.rowcount > 0


def duplicates_of(conn: sqlite3.Connection, article_id: int) -> list[Duplicate]:
    rows = conn.execute(
        "SELECT * FROM article_duplicates WHERE article_id = ? ORDER BY seen_at, id", (article_id,)
    ).fetchall()
    return [
        Duplicate(
            article_id=int(r["article_id"]),
            url=r["url"],
            title=r["title"],
            outlet=r["outlet"],
            published=parse_iso(r["published"]),
            similarity=float(r["similarity"]),
        )
        for r in rows
    ]


# -- reading stories -------------------------------------------------------------------


def get_story(conn: sqlite3.Connection, story_id: int) -> Story | None:
    resolved = resolve_story(conn, story_id)
    if resolved is None:
        return None
    stories = stories_by_ids(conn, [resolved])
    return stories[0] if stories else None


def stories_by_ids(conn: sqlite3.Connection, ids: Sequence[int]) -> list[Story]:
    """The stories, in the order given, with their outlets and key people and entities."""
    out: list[Story] = []
    for story_id in ids:
        row = conn.execute("SELECT * FROM stories WHERE id = ?", (story_id,)).fetchone()
        if row is None:
            continue
        count, outlets = story_outlets(conn, story_id)
        people = [
            r[0]
            for r in conn.execute(
                "SELECT e.canonical FROM quotes q JOIN articles a ON a.id = q.article_id "
                "JOIN entities e ON e.id = q.speaker_entity_id WHERE a.story_id = ? "
                "GROUP BY e.id ORDER BY count(*) DESC, min(q.id) LIMIT ?",
                (story_id, TOP_NAMES),
            )
        ]
        entities = [
            r[0]
            for r in conn.execute(
                "SELECT e.canonical FROM article_entities ae JOIN articles a ON a.id = ae.article_id "
                "JOIN entities e ON e.id = ae.entity_id WHERE a.story_id = ? AND e.kind != 'person' "
                "GROUP BY e.id ORDER BY count(*) DESC, min(a.id) LIMIT ?",
                (story_id, TOP_NAMES),
            )
        ]
        out.append(
            Story(
                id=int(row["id"]),
                title=row["title"],
                first_seen=parse_iso(row["first_seen"]),
                last_seen=parse_iso(row["last_seen"]),
                article_count=count,
                outlets=tuple(outlets),
                people=tuple(people),
                entities=tuple(entities),
                merged_into=row["merged_into"],
            )
        )
    return out


def story_outlets(conn: sqlite3.Connection, story_id: int) -> tuple[int, list[str]]:
    """A story's article count and its outlets (those of its articles, then of their copies)."""
    members = conn.execute(
        "SELECT site_name, url, canonical_url FROM articles WHERE story_id = ? ORDER BY id", (story_id,)
    ).fetchall()
    outlets: list[str] = []
    for m in members:
        name = outlet_of(m["site_name"], m["canonical_url"] or m["url"])
        if name and name not in outlets:
            outlets.append(name)
    for (name,) in conn.execute(
        "SELECT d.outlet FROM article_duplicates d JOIN articles a ON a.id = d.article_id "
        "WHERE a.story_id = ? ORDER BY d.id",
        (story_id,),
    ):
        if name and name not in outlets:
            outlets.append(name)
    return len(members), outlets


def quote_appearances(conn: sqlite3.Connection, group_id: int) -> list[Appearance]:
    rows = conn.execute(
        "SELECT q.text, a.id, a.site_name, a.url, a.canonical_url, a.published, a.fetched_at, a.added_at "
        "FROM quotes q JOIN articles a ON a.id = q.article_id WHERE q.group_id = ? ORDER BY q.id",
        (group_id,),
    ).fetchall()
    out: list[tuple[datetime | None, str, Appearance]] = []
    seen: set[int] = set()
    for r in rows:
        if r["id"] in seen:
            continue
        seen.add(r["id"])
        published = parse_iso(r["published"])
        when = published or parse_iso(r["fetched_at"]) or parse_iso(r["added_at"])
        url = r["canonical_url"] or r["url"]
        out.append(
            (
                when,
                r["added_at"],
                Appearance(r["id"], outlet_of(r["site_name"], url), url, published, r["text"]),
            )
        )
        for d in conn.execute(
            "SELECT url, outlet, published, seen_at FROM article_duplicates WHERE article_id = ? ORDER BY id",
            (r["id"],),
        ):
            copy_published = parse_iso(d["published"])
            out.append(
                (
                    copy_published or parse_iso(d["seen_at"]),
                    d["seen_at"],
                    Appearance(r["id"], d["outlet"], d["url"], copy_published, r["text"]),
                )
            )
    out.sort(key=lambda item: (_sortable(item[0]), item[1]))
    return [a for _, _, a in out]


def tracked_quotes(
    conn: sqlite3.Connection, article_ids: Sequence[int]
) -> list[tuple[Quote, list[Appearance]]]:
    """The tracked quotations of these articles (one per group, in article order), each with
    its appearances earliest first; the most repeated first."""
    seen: set[int] = set()
    out: list[tuple[Quote, list[Appearance]]] = []
    for article_id in article_ids:
        for quote in quotes_for_article(conn, article_id):
            if quote.group_id is None or quote.group_id in seen:
                continue
            seen.add(quote.group_id)
            out.append((quote, quote_appearances(conn, quote.group_id)))
    out.sort(key=lambda item: -len(item[1]))
    return out


def _sortable(when: datetime | None) -> float:
    if when is None:
        return float("inf")
    return (when.replace(tzinfo=UTC) if when.tzinfo is None else when).timestamp()
