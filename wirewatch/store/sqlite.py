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
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from wirewatch.errors import StoreError
from wirewatch.model import (
    Appearance,
    Article,
    Channel,
    Delivery,
    Duplicate,
    Enrichment,
    Entity,
    Quote,
    Source,
    SourceKind,
    Story,
    Subscription,
)
from wirewatch.query import Node, format_query, parse_query
from wirewatch.store import accounts, live, quotes, stories
from wirewatch.store.accounts import Reply, User
from wirewatch.store.base import (
    AddResult,
    NearMatcher,
    Notice,
    SearchHit,
    SpeakerSummary,
    StoryLinks,
    StoryMember,
)
from wirewatch.store.schema import migrate
from wirewatch.store.search import compile_search
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


def _fold(value: object) -> str:
    """SQL ``wirewatch_fold(x)``: case-folded, whitespace collapsed (Unicode-aware, unlike lower())."""
    return " ".join(str(value).casefold().split()) if value is not None else ""


class SQLiteStore:
    """A ``Store`` over one SQLite file (or ``":memory:"``); safe to share between threads."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.RLock()
        try:
            self._conn = sqlite3.connect(path, timeout=5.0, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database: {exc}", document=path) from None
        self._conn.row_factory = sqlite3.Row
        self._conn.create_function("wirewatch_fold", 1, _fold, deterministic=True)
        try:
            with self._guard():
                self._conn.execute("PRAGMA busy_timeout = 5000")
                self._conn.execute("PRAGMA journal_mode = WAL")
                self._conn.execute("PRAGMA synchronous = NORMAL")
                self._conn.execute("PRAGMA foreign_keys = ON")
                migrate(self._conn, path)
        except BaseException:
            self._conn.close()
            raise

    @contextmanager
    def _guard(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self._conn
            except sqlite3.Error as exc:
                message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                raise StoreError(message, document=self.path) from exc

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._guard() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

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

    # -- live: subscriptions, outbox, events, settings, source health --------------------

    def add_subscription(self, subscription: Subscription) -> Subscription:
        with self._transaction() as conn:
            sub_id = live.add_subscription(conn, subscription, time.time())
            stored = live.get_subscription(conn, sub_id)
        assert stored is not None
        return stored

    def get_subscription(self, subscription_id: int) -> Subscription | None:
        with self._guard() as conn:
            return live.get_subscription(conn, subscription_id)

    def list_subscriptions(self, owner: str | None = None) -> list[Subscription]:
        with self._guard() as conn:
            return live.list_subscriptions(conn, owner)

    def remove_subscription(self, subscription_id: int) -> bool:
        with self._transaction() as conn:
            return conn.execute("DELETE FROM subscriptions WHERE id = ?", (subscription_id,)).rowcount > 0

    def set_subscription_paused(self, subscription_id: int, paused: bool) -> bool:
        with self._transaction() as conn:
            cursor = conn.execute(
                "UPDATE subscriptions SET paused = ? WHERE id = ?", (int(paused), subscription_id)
            )
            return cursor.rowcount > 0

    def subscriptions_version(self) -> tuple[int, ...]:
        with self._guard() as conn:
            row = conn.execute(
                "SELECT (SELECT count(*) FROM subscriptions), "
                "(SELECT coalesce(max(id), 0) FROM subscriptions), "
                "(SELECT coalesce(sum(paused), 0) FROM subscriptions), (SELECT count(*) FROM channels), "
                "(SELECT coalesce(max(id), 0) FROM channels), (SELECT coalesce(sum(active), 0) FROM channels)"
            ).fetchone()
        return tuple(int(v) for v in row)

    def channel_by_feed_token(self, token: str) -> tuple[Subscription, Channel] | None:
        with self._guard() as conn:
            return live.channel_by_feed_token(conn, token)

    def disable_channel(self, channel_id: int, reason: str) -> None:
        with self._transaction() as conn:
            conn.execute(
                "UPDATE channels SET active = 0, disabled_reason = ? WHERE id = ?", (reason, channel_id)
            )
            conn.execute(
                "UPDATE deliveries SET status = 'failed', last_error = coalesce(last_error, ?) "
                "WHERE channel_id = ? AND status = 'pending'",
                (reason, channel_id),
            )

    def delete_channel(self, channel_id: int) -> None:
        with self._transaction() as conn:
            conn.execute("DELETE FROM channels WHERE id = ?", (channel_id,))

    def add_channel(self, subscription_id: int, channel: Channel) -> Channel:
        with self._transaction() as conn:
            channel_id = live.add_channel(conn, subscription_id, channel, time.time())
            sub = live.get_subscription(conn, subscription_id)
        assert sub is not None
        return next(c for c in sub.channels if c.id == channel_id)

    def get_channel(self, channel_id: int) -> Channel | None:
        with self._guard() as conn:
            row = conn.execute("SELECT * FROM channels WHERE id = ?", (channel_id,)).fetchone()
        return live.channel_from_row(row) if row is not None else None

    def due_deliveries(self, now: float, limit: int = 100) -> list[Delivery]:
        with self._guard() as conn:
            return live.due_deliveries(conn, now, limit)

    def delivery_sent(self, delivery_id: int) -> None:
        with self._transaction() as conn:
            conn.execute(
                "UPDATE deliveries SET status = 'sent', sent_at = ?, attempts = attempts + 1 WHERE id = ?",
                (now_iso(), delivery_id),
            )

    def delivery_failed(self, delivery_id: int, error: str, *, retry_at: float | None, now: float) -> None:
        with self._transaction() as conn:
            conn.execute(
                "UPDATE deliveries SET attempts = attempts + 1, last_error = ?, "
                "first_failure_ts = coalesce(first_failure_ts, ?), "
                "status = CASE WHEN ? IS NULL THEN 'failed' ELSE status END, "
                "next_attempt_ts = coalesce(?, next_attempt_ts) WHERE id = ?",
                (error, now, retry_at, retry_at, delivery_id),
            )

    def list_deliveries(
        self, *, limit: int = 50, status: str | None = None, subscription_id: int | None = None
    ) -> list[Delivery]:
        with self._guard() as conn:
            return live.list_deliveries(conn, limit=limit, status=status, subscription_id=subscription_id)

    def feed_deliveries(self, channel_id: int, limit: int = 50) -> list[Delivery]:
        with self._guard() as conn:
            return live.feed_deliveries(conn, channel_id, limit)

    def events_since(
        self, after: int, *, subscription_id: int | None = None, limit: int = 500
    ) -> list[tuple[int, dict[str, Any]]]:
        with self._guard() as conn:
            return live.events_since(conn, after, subscription_id=subscription_id, limit=limit)

    def last_event_id(self) -> int:
        with self._guard() as conn:
            return int(conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0])

    def setting(self, key: str, default: str) -> str:
        with self._transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO kv (key, value) VALUES (?, ?)", (key, default))
            return str(conn.execute("SELECT value FROM kv WHERE key = ?", (key,)).fetchone()[0])

    def get_source(self, source_id: int) -> Source | None:
        with self._guard() as conn:
            row = conn.execute("SELECT * FROM sources WHERE id = ?", (source_id,)).fetchone()
        return _source(row) if row is not None else None

    def record_poll(
        self, source_id: int, *, error: str | None, next_poll: float, interval: float, now: float
    ) -> None:
        stamp = datetime.fromtimestamp(now, UTC).isoformat()
        with self._transaction() as conn:
            if error is None:
                conn.execute(
                    "UPDATE sources SET last_success = ?, error_count = 0, next_poll_ts = ?, "
                    "interval_seconds = ? WHERE id = ?",
                    (stamp, next_poll, interval, source_id),
                )
            else:
                conn.execute(
                    "UPDATE sources SET last_error = ?, last_error_at = ?, error_count = error_count + 1, "
                    "next_poll_ts = ?, interval_seconds = ? WHERE id = ?",
                    (error, stamp, next_poll, interval, source_id),
                )

    def set_websub(
        self, source_id: int, *, hub: str | None, topic: str | None, secret: str | None, expires: float | None
    ) -> None:
        with self._transaction() as conn:
            conn.execute(
                "UPDATE sources SET websub_hub = ?, websub_topic = ?, websub_secret = ?, "
                "websub_expires_ts = ? WHERE id = ?",
                (hub, topic, secret, expires, source_id),
            )

    def websub_secret(self, source_id: int) -> tuple[str | None, str | None]:
        with self._guard() as conn:
            row = conn.execute(
                "SELECT websub_topic, websub_secret FROM sources WHERE id = ?", (source_id,)
            ).fetchone()
        return (row[0], row[1]) if row is not None else (None, None)

    # -- accounts ----------------------------------------------------------------------

    def user_count(self) -> int:
        with self._guard() as conn:
            return int(conn.execute("SELECT count(*) FROM users").fetchone()[0])

    def add_user(self, name: str, email: str, password_hash: str, *, admin: bool = False) -> User:
        with self._transaction() as conn:
            return accounts.add_user(conn, name, email, password_hash, admin=admin)

    def user_by_email(self, email: str) -> User | None:
        with self._guard() as conn:
            row = conn.execute("SELECT * FROM users WHERE email = ?", (email.strip().lower(),)).fetchone()
        return accounts.user_from_row(row)

    def user_by_id(self, user_id: int) -> User | None:
        with self._guard() as conn:
            return accounts.user_from_row(
                conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
            )

    def create_session(self, user_id: int, token: str, csrf: str, expires: float) -> None:
        with self._transaction() as conn:
            conn.execute("DELETE FROM sessions WHERE expires_ts < ?", (time.time(),))
            conn.execute(
                "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_ts) "
                "VALUES (?, ?, ?, ?, ?)",
                (accounts.token_hash(token), user_id, csrf, now_iso(), expires),
            )

    def session_user(self, token: str, now: float) -> tuple[User, str] | None:
        with self._guard() as conn:
            row = conn.execute(
                "SELECT u.*, s.csrf AS csrf FROM sessions s JOIN users u ON u.id = s.user_id "
                "WHERE s.token_hash = ? AND s.expires_ts > ?",
                (accounts.token_hash(token), now),
            ).fetchone()
        user = accounts.user_from_row(row)
        return (user, str(row["csrf"])) if user is not None else None

    def delete_session(self, token: str) -> None:
        with self._transaction() as conn:
            conn.execute("DELETE FROM sessions WHERE token_hash = ?", (accounts.token_hash(token),))

    def add_api_token(self, user_id: int, token: str, name: str) -> None:
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO api_tokens (token_hash, user_id, name, created_at) VALUES (?, ?, ?, ?)",
                (accounts.token_hash(token), user_id, name, now_iso()),
            )

    def api_token_user(self, token: str) -> User | None:
        with self._guard() as conn:
            row = conn.execute(
                "SELECT u.* FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?",
                (accounts.token_hash(token),),
            ).fetchone()
        return accounts.user_from_row(row)

    def add_reply(self, story_id: int, user_id: int, text: str) -> Reply:
        with self._transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO replies (story_id, user_id, text, created_at) VALUES (?, ?, ?, ?)",
                (story_id, user_id, text, now_iso()),
            )
            reply_id = int(cursor.lastrowid or 0)
            found = [r for r in accounts.replies_for_story(conn, story_id, 10_000) if r.id == reply_id]
        return found[0]

    def replies(self, story_id: int, limit: int = 200) -> list[Reply]:
        with self._guard() as conn:
            return accounts.replies_for_story(conn, story_id, limit)

    def get_entity(self, entity_id: int) -> Entity | None:
        with self._guard() as conn:
            return quotes.get_entity(conn, entity_id)

    # -- sources and HTTP cache -------------------------------------------------------

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
