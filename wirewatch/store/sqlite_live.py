"""The live side of the SQLite store: subscriptions and channels, the outbox, the event
log, settings kept in the database, source health, and accounts (the web app)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from wirewatch.model import Channel, Delivery, Subscription
from wirewatch.store import accounts, live
from wirewatch.store.accounts import Reply, User
from wirewatch.store.connection import Connection
from wirewatch.store.times import now_iso

__all__ = ["LiveMethods"]


class LiveMethods(Connection):
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
