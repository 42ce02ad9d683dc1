"""The SQLite store on a real file: idempotent, atomic ingest; migrations; errors."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from wirewatch.errors import StoreError
from wirewatch.model import Article, Source, SourceKind
from wirewatch.store import SQLiteStore, Store, content_hash_of, open_store
from wirewatch.store.schema import latest_version

NATO = Article(
    text="NATO Secretary General Jens Stoltenberg said Ukraine will join.\n\nHe called on allies.",
    title="Stoltenberg: Ukraine will join NATO",
    author="A. Reporter",
    published=datetime(2024, 4, 3, 10, 30, tzinfo=UTC),
    language="en",
    canonical_url="https://news.example.com/nato/ukraine",
    site_name="Example News",
    url="https://news.example.com/nato/ukraine?utm_source=rss",
    source="https://news.example.com/feed.xml",
    fetched_at=datetime(2024, 4, 3, 11, 0, tzinfo=UTC),
)
OTHER = Article(text="Lukashenko met Putin in Minsk.", title="Minsk talks", url="https://b.example.org/minsk")


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "wirewatch.db")


@pytest.fixture
def store(db: str) -> Iterator[Store]:
    with open_store(db) as s:
        yield s


def _dump(db: str) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_add_and_get_round_trip(store: Store) -> None:
    result = store.add_article(NATO)
    assert result.new and result.duplicate_of is None and isinstance(result.id, int)
    assert store.get_article(result.id) == NATO.with_(id=result.id)
    assert store.get_article(result.id + 100) is None
    assert store.count_articles() == 1


def test_same_canonical_url_with_other_tracking_params_is_a_duplicate(store: Store) -> None:
    first = store.add_article(NATO)
    again = store.add_article(
        NATO.with_(url="https://NEWS.example.com/nato/ukraine/?fbclid=1#top", text="changed text")
    )
    assert again == type(again)(first.id, False, first.id)
    assert store.count_articles() == 1


def test_same_content_at_another_url_is_a_duplicate_and_records_the_alias(store: Store) -> None:
    first = store.add_article(NATO)
    mirror = NATO.with_(
        url="https://mirror.example.net/x",
        canonical_url=None,
        text="  nato secretary general jens stoltenberg said ukraine will join.\nHe called on allies. ",
    )
    again = store.add_article(mirror, urls=["https://mirror.example.net/amp/x"])
    assert (again.new, again.duplicate_of) == (False, first.id)
    assert store.knows_url("https://mirror.example.net/x?utm_medium=social") == first.id
    assert store.knows_url("https://mirror.example.net/amp/x") == first.id
    assert store.knows_url("https://mirror.example.net/y") is None


def test_explicit_content_hash_is_used(store: Store) -> None:
    a = store.add_article(OTHER, content_hash="h1")
    b = store.add_article(OTHER.with_(url="https://c.example/z", text="different"), content_hash="h1")
    assert (b.new, b.duplicate_of) == (False, a.id)
    assert content_hash_of("A  b\nC") == content_hash_of("a b c")


def test_rerun_changes_nothing(db: str) -> None:
    with open_store(db) as store:
        store.add_article(NATO, urls=["https://amp.example.com/nato"])
        store.add_article(OTHER)
    before = _dump(db)
    with open_store(db) as store:
        results = [store.add_article(NATO, urls=["https://amp.example.com/nato"]), store.add_article(OTHER)]
        assert [r.new for r in results] == [False, False]
        assert store.count_articles() == 2
    assert _dump(db) == before


def test_failure_in_the_middle_leaves_nothing(db: str) -> None:
    with open_store(db) as store:
        conn = sqlite3.connect(db)
        conn.execute(
            "CREATE TRIGGER fail_urls BEFORE INSERT ON article_urls "
            "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
        )
        conn.commit()
        conn.close()
        with pytest.raises(StoreError, match="disk on fire") as info:
            store.add_article(NATO)
        assert db in str(info.value)
        assert store.count_articles() == 0
        assert store.search("stoltenberg") == []
        assert store.knows_url(NATO.url or "") is None


def test_failure_on_the_fts_insert_leaves_nothing(db: str) -> None:
    with open_store(db) as store:
        conn = sqlite3.connect(db)
        conn.execute("DROP TABLE articles_fts")  # the insert trigger now fails
        conn.commit()
        conn.close()
        with pytest.raises(StoreError):
            store.add_article(NATO)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM article_urls").fetchone()[0] == 0
    conn.close()


def test_pragmas_and_schema_version(db: str) -> None:
    with open_store(db):
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == latest_version()
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"articles", "article_urls", "articles_fts", "sources", "http_cache"} <= tables
        conn.close()


def test_reopening_keeps_data(db: str) -> None:
    with open_store(db) as store:
        article_id = store.add_article(NATO).id
    with open_store(db) as store:
        assert store.get_article(article_id) == NATO.with_(id=article_id)


def test_migrates_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    with open_store(str(path)) as store:
        assert store.count_articles() == 0


def test_newer_schema_is_refused(db: str) -> None:
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    conn.close()
    with pytest.raises(StoreError) as info:
        open_store(db)
    assert f"database schema {latest_version() + 1} is newer than this wirewatch ({latest_version()})" in str(
        info.value
    )


def test_corrupt_file_gives_store_error_naming_the_path(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"this is not a database at all" * 200)
    with pytest.raises(StoreError) as info:
        open_store(str(path))
    message = str(info.value)
    assert str(path) in message and "\n" not in message


def test_unopenable_path_gives_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        open_store(str(tmp_path / "no" / "such" / "dir" / "x.db"))


def test_locked_database_gives_store_error(db: str) -> None:
    with open_store(db) as store:
        store.add_article(OTHER)
        blocker = sqlite3.connect(db, isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")
        assert isinstance(store, SQLiteStore)
        store._conn.execute("PRAGMA busy_timeout = 50")
        try:
            with pytest.raises(StoreError, match="locked"):
                store.add_article(NATO)
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        assert store.add_article(NATO).new


def test_memory_store() -> None:
    with open_store(":memory:") as store:
        assert store.add_article(NATO).new
        assert store.search("stoltenberg")[0].article.title == NATO.title


def test_sources_are_idempotent_by_url(store: Store) -> None:
    feed = Source(
        url="https://news.example.com/feed.xml", kind=SourceKind.FEED, title="Example", every_seconds=300
    )
    stored = store.add_source(feed)
    assert stored.id is not None and stored.added_at is not None
    assert store.add_source(Source(url=feed.url, kind=SourceKind.FEED, title="other")) == stored
    store.add_source(Source(url="/srv/news", kind=SourceKind.FOLDER))
    assert [s.url for s in store.list_sources()] == [feed.url, "/srv/news"]
    assert store.remove_source(feed.url)
    assert not store.remove_source(feed.url)
    other = store.list_sources()[0]
    assert other.id is not None and store.remove_source(other.id)
    assert store.list_sources() == []


def test_http_cache(store: Store) -> None:
    url = "https://news.example.com/feed.xml"
    assert store.get_http_cache(url) is None
    store.put_http_cache(url, '"abc"', "Wed, 03 Apr 2024 10:00:00 GMT")
    assert store.get_http_cache(url) == ('"abc"', "Wed, 03 Apr 2024 10:00:00 GMT")
    store.put_http_cache(url, None, "Thu, 04 Apr 2024 10:00:00 GMT")
    assert store.get_http_cache(url) == (None, "Thu, 04 Apr 2024 10:00:00 GMT")
