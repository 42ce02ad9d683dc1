"""The migration runner: numbered ``migrations/NNNN_name.sql`` files, ``PRAGMA user_version``.

Opening a database applies the missing migrations in one transaction; a database whose
version is newer than the newest file here is refused.
"""

from __future__ import annotations

import re
import sqlite3
from importlib import resources

from wirewatch.errors import StoreError

__all__ = ["latest_version", "load_migrations", "migrate"]

_NAME_RE = re.compile(r"(\d{4})_[A-Za-z0-9_]+\.sql")


def load_migrations() -> list[tuple[int, str]]:
    """(version, sql) for every migration file, in order."""
    found: list[tuple[int, str]] = []
    for entry in (resources.files("wirewatch.store") / "migrations").iterdir():
        m = _NAME_RE.fullmatch(entry.name)
        if m:
            found.append((int(m.group(1)), entry.read_text(encoding="utf-8")))
    found.sort()
    if [v for v, _ in found] != list(range(1, len(found) + 1)):
        raise StoreError(f"migration files are not numbered 1..n: {[v for v, _ in found]}")
    return found


def latest_version() -> int:
    return len(load_migrations())


def split_statements(script: str) -> list[str]:
    """Split a script into complete statements (``CREATE TRIGGER ... END;`` stays whole)."""
    statements: list[str] = []
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            body = "\n".join(line for line in pending.splitlines() if not line.strip().startswith("--"))
            if body.strip(" \n\t;"):
                statements.append(pending.strip())
            pending = ""
    return statements


def migrate(conn: sqlite3.Connection, location: str) -> int:
    """Bring the database at ``conn`` (autocommit mode) up to date; return its version."""
    migrations = load_migrations()
    latest = len(migrations)
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if current > latest:
            raise StoreError(
                f"database schema {current} is newer than this wirewatch ({latest})", document=location
            )
        for version, sql in migrations[current:]:
            for statement in split_statements(sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {int(version)}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return latest
