"""Accounts in SQLite: users, sessions, API tokens, replies.

Secrets are never stored: a session or API token is kept as its SHA-256, a password as
the argon2 hash the web layer made.  A reply carries its author's name; the author's email
address is not part of anything read here for display.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from wirewatch.store.times import now_iso

__all__ = ["Reply", "User", "token_hash"]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    email: str
    password_hash: str
    is_admin: bool


@dataclass(frozen=True, slots=True)
class Reply:
    """A reply on a story: the author's name, never their email address."""

    id: int
    story_id: int
    author: str
    text: str
    created_at: datetime | None


def user_from_row(row: sqlite3.Row | None) -> User | None:
    if row is None:
        return None
    return User(int(row["id"]), row["name"], row["email"], row["password_hash"], bool(row["is_admin"]))


def add_user(conn: sqlite3.Connection, name: str, email: str, password_hash: str, *, admin: bool) -> User:
    cursor = conn.execute(
        "INSERT INTO users (name, email, password_hash, is_admin, created_at) VALUES (?, ?, ?, ?, ?)",
        (name, email.strip().lower(), password_hash, int(admin), now_iso()),
    )
    user = user_from_row(conn.execute("SELECT * FROM users WHERE id = ?", (cursor.lastrowid,)).fetchone())
    assert user is not None
    return user


def replies_for_story(conn: sqlite3.Connection, story_id: int, limit: int) -> list[Reply]:
    rows = conn.execute(
        "SELECT r.id, r.story_id, u.name, r.text, r.created_at FROM replies r "
        "JOIN users u ON u.id = r.user_id WHERE r.story_id = ? ORDER BY r.id LIMIT ?",
        (story_id, max(0, limit)),
    ).fetchall()
    return [
        Reply(int(r[0]), int(r[1]), r[2], r[3], datetime.fromisoformat(r[4]) if r[4] else None) for r in rows
    ]
