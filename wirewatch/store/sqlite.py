"""The SQLite store: WAL, FTS5, idempotent and atomic ingest.

An article is stored once: its URL, canonical URL and any alias URLs (normalised) all
point at it in ``article_urls``, and its content hash is unique.  Adding it again by any
of those returns the stored id and only records new alias URLs.  Its quotations and
entities (``store/quotes.py``) are written in the same transaction, only when the
article is new.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from wirewatch.model import (
    Appearance,
    Article,
    Duplicate,
    Enrichment,
    Entity,
    Quote,
    Source,
    SourceKind,
    Story,
)
from wirewatch.query import Node, format_query, parse_query
from wirewatch.store import live, quotes, stories
from wirewatch.store.base import (
    AddResult,
    NearMatcher,
    Notice,
    SearchHit,
    SpeakerSummary,
    StoryLinks,
    StoryMember,
)
from wirewatch.store.search import compile_search
from wirewatch.store.sqlite_live import LiveMethods
from wirewatch.store.times import iso, now_iso, parse_iso, timestamp
from wirewatch.store.urls import normalize_url

__all__ = ["SQLiteStore", "content_hash_of"]

_ARTICLE_COLUMNS = (
    "url",
    "canonical_url",
    "title",
    "text",
    "author",
    "published",
    "published_ts",
    "language",
    "site_name",
    "source",
    "fetched_at",
    "content_hash",
    "added_at",
)
_SPACE_RE = re.compile(r"\s+")
_FALLBACK_SNIPPET = 200
MATCHING_ARTICLES = 5000  # articles read to find the stories matching a query


def content_hash_of(text: str) -> str:
    """sha256 of the text lower-cased with whitespace collapsed."""
    normal = _SPACE_RE.sub(" ", text.lower()).strip()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


class SQLiteStore(LiveMethods):
    """A ``Store`` over one SQLite file (or ``":memory:"``); safe to share between threads.

    The articles, search, quotations and stories are here; subscriptions, the outbox, the
    event log and accounts are in ``sqlite_live.LiveMethods``; the connection, its lock and
    transactions in ``connection.Connection``.
    """

    # -- articles ---------------------------------------------------------------------

    def add_article(
        self,
        article: Article,
        *,
        content_hash: str | None = None,
        urls: Sequence[str] = (),
        enrichment: Enrichment | None = None,
        links: StoryLinks | None = None,
        notices: Sequence[Notice] | None = None,
        event: dict[str, Any] | None = None,
    ) -> AddResult:
        digest = content_hash or content_hash_of(article.text)
        keys = _url_keys(article, urls)
        with self._transaction() as conn:
            existing = self._find(conn, keys, digest)
            if existing is None:
                values = (
                    article.url,
                    article.canonical_url,
                    article.title,
                    article.text,
                    article.author,
                    iso(article.published),
                    timestamp(article.published),
                    article.language,
                    article.site_name,
                    article.source,
                    iso(article.fetched_at),
                    digest,
                    now_iso(),
                )
                marks = ", ".join("?" * len(_ARTICLE_COLUMNS))
                cursor = conn.execute(
                    f"INSERT INTO articles ({', '.join(_ARTICLE_COLUMNS)}) VALUES ({marks})",  # noqa: S608
                    values,
                )
                article_id = int(cursor.lastrowid or 0)
                if enrichment is not None:
                    quotes.write_enrichment(conn, article_id, enrichment)
                if links is not None:
                    stories.write_links(conn, article_id, article, links)
                if event is not None or notices:
                    live.write_notices(conn, article_id, notices or (), event or {}, time.time())
            else:
                article_id = existing
            conn.executemany(
                "INSERT OR IGNORE INTO article_urls (url, article_id) VALUES (?, ?)",
                [(key, article_id) for key in keys],
            )
        if existing is None:
            return AddResult(article_id, True, None)
        return AddResult(article_id, False, article_id)

    @staticmethod
    def _find(conn: sqlite3.Connection, keys: list[str], digest: str) -> int | None:
        for key in keys:  # canonical first: it is the strongest identity
            row = conn.execute("SELECT article_id FROM article_urls WHERE url = ?", (key,)).fetchone()
            if row is not None:
                return int(row[0])
        row = conn.execute("SELECT id FROM articles WHERE content_hash = ?", (digest,)).fetchone()
        return int(row[0]) if row is not None else None

    def find_duplicate(self, article: Article, *, urls: Sequence[str] = ()) -> int | None:
        keys = _url_keys(article, urls)
        with self._guard() as conn:
            return self._find(conn, keys, content_hash_of(article.text))

    def knows_url(self, url: str) -> int | None:
        with self._guard() as conn:
            row = conn.execute(
                "SELECT article_id FROM article_urls WHERE url = ?", (normalize_url(url),)
            ).fetchone()
        return int(row[0]) if row is not None else None

    def get_article(self, article_id: int) -> Article | None:
        with self._guard() as conn:
            row = conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        return _article(row) if row is not None else None

    def count_articles(self) -> int:
        with self._guard() as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])

    def search(
        self, query: str | Node, *, limit: int = 20, offset: int = 0, now: datetime | None = None
    ) -> list[SearchHit]:
        text = query if isinstance(query, str) else format_query(query)
        node = parse_query(query) if isinstance(query, str) else query
        compiled = compile_search(node, now=now or datetime.now(UTC), limit=limit, offset=offset, text=text)
        with self._guard() as conn:
            rows = conn.execute(compiled.sql, compiled.params).fetchall()
        hits: list[SearchHit] = []
        for row in rows:
            article = _article(row)
            snippet = row["snip"] or _SPACE_RE.sub(" ", article.text[:_FALLBACK_SNIPPET]).strip()
            rank = -float(row["score"]) if row["score"] is not None else 0.0
            hits.append(SearchHit(article, snippet, rank))
        return hits

    # -- quotations, speakers, entities -----------------------------------------------

    def quotes_for_article(self, article_id: int) -> list[Quote]:
        with self._guard() as conn:
            return quotes.quotes_for_article(conn, article_id)

    def entities_for_article(self, article_id: int) -> list[Entity]:
        with self._guard() as conn:
            return quotes.entities_for_article(conn, article_id)

    def article_names(self, article_id: int) -> dict[str, list[str]]:
        with self._guard() as conn:
            return quotes.article_names(conn, article_id)

    def get_entity(self, entity_id: int) -> Entity | None:
        with self._guard() as conn:
            return quotes.get_entity(conn, entity_id)

    def list_speakers(self, query: str | None = None, *, limit: int = 50) -> list[SpeakerSummary]:
        with self._guard() as conn:
            return quotes.list_speakers(conn, query, limit)

    def quotes_by_speaker(self, entity_id: int, limit: int = 50) -> list[Quote]:
        with self._guard() as conn:
            return quotes.quotes_by_speaker(conn, entity_id, limit)

    # -- near-duplicates and stories ---------------------------------------------------

    def find_near_duplicate(
        self, bands: Sequence[int], signature: bytes, matcher: NearMatcher
    ) -> tuple[int, float] | None:
        with self._guard() as conn:
            return stories.find_near_duplicate(conn, bands, signature, matcher)

    def add_duplicate(
        self, original_id: int, article: Article, *, urls: Sequence[str] = (), similarity: float
    ) -> bool:
        with self._transaction() as conn:
            return stories.add_duplicate(conn, original_id, article, _url_keys(article, urls), similarity)

    def duplicates_of(self, article_id: int) -> list[Duplicate]:
        with self._guard() as conn:
            return stories.duplicates_of(conn, article_id)

    def get_story(self, story_id: int) -> Story | None:
        with self._guard() as conn:
            return stories.get_story(conn, story_id)

    def list_stories(
        self, query: str | Node | None = None, *, limit: int = 20, now: datetime | None = None
    ) -> list[Story]:
        with self._guard() as conn:
            if query is None or (isinstance(query, str) and not query.strip()):
                rows = conn.execute(
                    "SELECT id FROM stories WHERE merged_into IS NULL "
                    "ORDER BY last_ts IS NULL, last_ts DESC, id DESC LIMIT ?",
                    (max(0, limit),),
                ).fetchall()
            else:
                node = parse_query(query) if isinstance(query, str) else query
                compiled = compile_search(
                    node, now=now or datetime.now(UTC), limit=MATCHING_ARTICLES, offset=0
                )
                rows = conn.execute(
                    f"SELECT s.id FROM stories s WHERE s.merged_into IS NULL AND s.id IN "  # noqa: S608
                    f"(SELECT story_id FROM ({compiled.sql})) "
                    "ORDER BY s.last_ts IS NULL, s.last_ts DESC, s.id DESC LIMIT ?",
                    (*compiled.params, max(0, limit)),
                ).fetchall()
            return stories.stories_by_ids(conn, [int(r[0]) for r in rows])

    def story_articles(self, story_id: int, limit: int = 200) -> list[Article]:
        with self._guard() as conn:
            resolved = stories.resolve_story(conn, story_id)
            rows = conn.execute(
                "SELECT * FROM articles WHERE story_id = ? ORDER BY coalesce(published_ts, 1e18), id LIMIT ?",
                (resolved, max(0, limit)),
            ).fetchall()
        return [_article(r) for r in rows]

    def tracked_quotes(self, story_id: int) -> list[tuple[Quote, list[Appearance]]]:
        ids = [a.id for a in self.story_articles(story_id) if a.id is not None]
        with self._guard() as conn:
            return stories.tracked_quotes(conn, ids)

    def story_members(self, limit: int) -> list[StoryMember]:
        with self._guard() as conn:
            rows = conn.execute(
                "SELECT a.*, s.key AS story_key FROM articles a JOIN stories s ON s.id = a.story_id "
                "ORDER BY a.id DESC LIMIT ?",
                (max(0, limit),),
            ).fetchall()
            members = [
                StoryMember(
                    _article(r), r["content_hash"], r["story_key"], quotes.article_names(conn, int(r["id"]))
                )
                for r in reversed(rows)
            ]
        return members

    def quote_appearances(self, group_id: int) -> list[Appearance]:
        with self._guard() as conn:
            return stories.quote_appearances(conn, group_id)

    # -- sources and HTTP cache -------------------------------------------------------
    def get_source(self, source_id: int) -> Source | None:
        with self._guard() as conn:
            row = conn.execute("SELECT * FROM sources WHERE id = ?", (source_id,)).fetchone()
        return _source(row) if row is not None else None

    def add_source(self, source: Source) -> Source:
        with self._transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO sources (url, kind, title, every_seconds, added_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (source.url, source.kind.value, source.title, source.every_seconds, now_iso()),
            )
            row = conn.execute("SELECT * FROM sources WHERE url = ?", (source.url,)).fetchone()
        return _source(row)

    def list_sources(self) -> list[Source]:
        with self._guard() as conn:
            rows = conn.execute("SELECT * FROM sources ORDER BY id").fetchall()
        return [_source(r) for r in rows]

    def remove_source(self, id_or_url: int | str) -> bool:
        column = "url" if isinstance(id_or_url, str) else "id"
        with self._transaction() as conn:
            cursor = conn.execute(f"DELETE FROM sources WHERE {column} = ?", (id_or_url,))  # noqa: S608
            return cursor.rowcount > 0

    def get_http_cache(self, url: str) -> tuple[str | None, str | None] | None:
        with self._guard() as conn:
            row = conn.execute("SELECT etag, last_modified FROM http_cache WHERE url = ?", (url,)).fetchone()
        return (row[0], row[1]) if row is not None else None

    def put_http_cache(self, url: str, etag: str | None, last_modified: str | None) -> None:
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO http_cache (url, etag, last_modified, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, "
                "last_modified = excluded.last_modified, updated_at = excluded.updated_at",
                (url, etag, last_modified, now_iso()),
            )

    # -- lifetime ---------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _url_keys(article: Article, urls: Sequence[str]) -> list[str]:
    """The article's addresses, normalised, canonical first (the strongest identity)."""
    keys: list[str] = []
    for url in (article.canonical_url, article.url, *urls):
        if url and url.strip() and (key := normalize_url(url)) not in keys:
            keys.append(key)
    return keys


def _article(row: sqlite3.Row) -> Article:
    return Article(
        text=row["text"],
        title=row["title"],
        author=row["author"],
        published=parse_iso(row["published"]),
        language=row["language"],
        canonical_url=row["canonical_url"],
        site_name=row["site_name"],
        url=row["url"],
        source=row["source"],
        fetched_at=parse_iso(row["fetched_at"]),
        id=int(row["id"]),
        story_id=row["story_id"],
    )


def _source(row: sqlite3.Row) -> Source:
    return Source(
        url=row["url"],
        kind=SourceKind(row["kind"]),
        title=row["title"],
        every_seconds=row["every_seconds"],
        id=int(row["id"]),
        added_at=parse_iso(row["added_at"]),
        health=live.source_health(row),
    )
