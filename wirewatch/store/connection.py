"""One SQLite connection for a store: opened in WAL mode, migrated, shared between
threads under a lock; ``_guard`` turns SQLite errors into ``StoreError`` naming the file,
``_transaction`` is one ``BEGIN IMMEDIATE`` … ``COMMIT`` (rolled back on any error)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from wirewatch.errors import StoreError
from wirewatch.store.schema import migrate

__all__ = ["Connection"]


def _fold(value: object) -> str:
    """SQL ``wirewatch_fold(x)``: case-folded, whitespace collapsed (Unicode-aware, unlike lower())."""
    return " ".join(str(value).casefold().split()) if value is not None else ""


class Connection:
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
