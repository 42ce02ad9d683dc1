"""Live operation in SQLite: saved queries and channels, the outbox, the event log, health.

``write_notices`` runs inside the new article's transaction: one live event for the
article, and for each matched subscription one delivery per active channel, so that
nothing matched is lost between storing an article and telling anyone about it.  A
channel hears of a story once: a later article of the same story grows the pending
notification (its article count, the newest article) instead of making a new one.  A
subscription over its hourly cap makes no new deliveries until the hour has passed.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Sequence
from typing import Any

from wirewatch.model import (
    Channel,
    ChannelKind,
    Delivery,
    DeliveryStatus,
    SourceHealth,
    Subscription,
)
from wirewatch.store.base import Notice
from wirewatch.store.stories import story_outlets
from wirewatch.store.times import from_ts, parse_iso, ts_iso

__all__ = [
    "add_subscription",
    "channel_by_feed_token",
    "due_deliveries",
    "events_since",
    "feed_deliveries",
    "get_subscription",
    "list_deliveries",
    "list_subscriptions",
    "source_health",
    "write_notices",
]

HOUR = 3600.0
DIGEST_SECONDS = {"hourly": 3600.0, "daily": 86400.0}


# -- subscriptions and channels --------------------------------------------------------


def add_subscription(conn: sqlite3.Connection, sub: Subscription, now: float) -> int:
    cursor = conn.execute(
        "INSERT INTO subscriptions (query, name, paused, cap_per_hour, owner, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (sub.query, sub.name, int(sub.paused), sub.cap_per_hour, sub.owner, ts_iso(now)),
    )
    sub_id = int(cursor.lastrowid or 0)
    for channel in sub.channels:
        add_channel(conn, sub_id, channel, now)
    return sub_id


def add_channel(conn: sqlite3.Connection, sub_id: int, channel: Channel, now: float) -> int:
    cursor = conn.execute(
        "INSERT INTO channels (subscription_id, kind, target, secret, options, active, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            sub_id,
            channel.kind.value,
            channel.target,
            channel.secret,
            json.dumps(channel.options),
            int(channel.active),
            ts_iso(now),
        ),
    )
    return int(cursor.lastrowid or 0)


def channel_from_row(row: Any) -> Channel:  # a row, or a dict with its columns
    try:
        options = json.loads(row["options"] or "{}")
    except ValueError:
        options = {}
    return Channel(
        kind=ChannelKind(row["kind"]),
        target=row["target"],
        secret=row["secret"],
        options=options if isinstance(options, dict) else {},
        active=bool(row["active"]),
        disabled_reason=row["disabled_reason"],
        id=int(row["id"]),
        subscription_id=int(row["subscription_id"]),
    )


def _subscriptions(conn: sqlite3.Connection, rows: Sequence[sqlite3.Row]) -> list[Subscription]:
    out = []
    for row in rows:
        channels = conn.execute(
            "SELECT * FROM channels WHERE subscription_id = ? ORDER BY id", (row["id"],)
        ).fetchall()
        out.append(
            Subscription(
                query=row["query"],
                channels=tuple(channel_from_row(c) for c in channels),
                name=row["name"],
                paused=bool(row["paused"]),
                cap_per_hour=int(row["cap_per_hour"]),
                owner=row["owner"],
                created_at=parse_iso(row["created_at"]),
                id=int(row["id"]),
            )
        )
    return out


def get_subscription(conn: sqlite3.Connection, sub_id: int) -> Subscription | None:
    rows = conn.execute("SELECT * FROM subscriptions WHERE id = ?", (sub_id,)).fetchall()
    found = _subscriptions(conn, rows)
    return found[0] if found else None


def list_subscriptions(conn: sqlite3.Connection, owner: str | None = None) -> list[Subscription]:
    if owner is None:
        rows = conn.execute("SELECT * FROM subscriptions ORDER BY id").fetchall()
    else:
        rows = conn.execute("SELECT * FROM subscriptions WHERE owner = ? ORDER BY id", (owner,)).fetchall()
    return _subscriptions(conn, rows)


def channel_by_feed_token(conn: sqlite3.Connection, token: str) -> tuple[Subscription, Channel] | None:
    row = conn.execute(
        "SELECT subscription_id, id FROM channels WHERE kind = 'feed' AND secret = ?", (token,)
    ).fetchone()
    if row is None:
        return None
    sub = get_subscription(conn, int(row[0]))
    if sub is None:
        return None
    channel = next(c for c in sub.channels if c.id == int(row[1]))
    return sub, channel


# -- the outbox ------------------------------------------------------------------------


def write_notices(
    conn: sqlite3.Connection,
    article_id: int,
    notices: Sequence[Notice],
    event: dict[str, Any],
    now: float,
) -> None:
    """The live event for a new article and its deliveries, in the article's transaction."""
    story_id = conn.execute("SELECT story_id FROM articles WHERE id = ?", (article_id,)).fetchone()[0]
    story = _story_part(conn, story_id)
    article = {**(event.get("article") or {}), "id": article_id}
    event_payload = {
        **event,
        "article": article,
        "story": story,
        "subscriptions": [n.subscription_id for n in notices],
    }
    conn.execute(
        "INSERT INTO events (created_at, article_id, story_id, subscriptions, payload) "
        "VALUES (?, ?, ?, ?, ?)",
        (
            ts_iso(now),
            article_id,
            story_id,
            json.dumps(event_payload["subscriptions"]),
            json.dumps(event_payload),
        ),
    )
    for notice in notices:
        sub = get_subscription(conn, notice.subscription_id)
        if sub is None or sub.paused:
            continue
        for channel in sub.channels:
            if channel.active and channel.id is not None and channel.kind is not ChannelKind.STREAM:
                _deliver(conn, sub, channel, notice, article=(article_id, story_id, story), now=now)


def _story_part(conn: sqlite3.Connection, story_id: int | None) -> dict[str, Any] | None:
    if story_id is None:
        return None
    row = conn.execute("SELECT id, title FROM stories WHERE id = ?", (story_id,)).fetchone()
    if row is None:
        return None
    count, outlets = story_outlets(conn, story_id)
    return {"id": int(row["id"]), "title": row["title"], "article_count": count, "outlets": outlets}


def _deliver(
    conn: sqlite3.Connection,
    sub: Subscription,
    channel: Channel,
    notice: Notice,
    *,
    article: tuple[int, int | None, dict[str, Any] | None],
    now: float,
) -> None:
    article_id, story_id, story = article
    existing = None
    if story_id is not None:
        existing = conn.execute(
            "SELECT id, status, payload FROM deliveries WHERE channel_id = ? AND story_id = ?",
            (channel.id, story_id),
        ).fetchone()
    if existing is not None:  # the story grows: the same notification, updated while unsent
        if existing["status"] == DeliveryStatus.PENDING.value:
            payload = json.loads(existing["payload"])
            payload.update(
                story=story, article=notice.payload.get("article"), quote=notice.payload.get("quote")
            )
            conn.execute(
                "UPDATE deliveries SET payload = ?, article_id = ?, updated = updated + 1 WHERE id = ?",
                (json.dumps(payload), article_id, existing["id"]),
            )
        else:
            conn.execute("UPDATE deliveries SET updated = updated + 1 WHERE id = ?", (existing["id"],))
        return
    recent = conn.execute(
        "SELECT count(*) FROM deliveries WHERE channel_id = ? AND created_ts > ?", (channel.id, now - HOUR)
    ).fetchone()[0]
    if recent >= sub.cap_per_hour:
        return  # over the cap: nobody is flooded
    key = f"msg_{secrets.token_urlsafe(18)}"
    payload = {
        "type": "story",
        "id": key,
        "created_at": ts_iso(now),
        "subscription": {"id": sub.id, "query": sub.query, "name": sub.name},
        "story": story,
        "article": {**(notice.payload.get("article") or {}), "id": article_id},
        "quote": notice.payload.get("quote"),
    }
    status = DeliveryStatus.PENDING
    sent_at = None
    next_ts = now
    if channel.kind is ChannelKind.FEED:  # pulled by the reader: in the feed as soon as it is written
        status, sent_at = DeliveryStatus.SENT, ts_iso(now)
    elif channel.kind is ChannelKind.EMAIL and channel.options.get("digest") in DIGEST_SECONDS:
        period = DIGEST_SECONDS[str(channel.options["digest"])]
        next_ts = (now // period + 1) * period  # the next full hour or day (UTC)
    conn.execute(
        "INSERT INTO deliveries (key, channel_id, subscription_id, story_id, article_id, payload, status, "
        "created_at, created_ts, next_attempt_ts, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            key,
            channel.id,
            sub.id,
            story_id,
            article_id,
            json.dumps(payload),
            status.value,
            ts_iso(now),
            now,
            next_ts,
            sent_at,
        ),
    )


_DELIVERY_SELECT = (
    "SELECT d.*, c.kind, c.target, c.secret, c.options, c.active, c.disabled_reason, "
    "c.subscription_id AS channel_subscription FROM deliveries d JOIN channels c ON c.id = d.channel_id"
)


def _delivery(row: sqlite3.Row) -> Delivery:
    channel_row = {
        "id": row["channel_id"],
        "subscription_id": row["channel_subscription"],
        "kind": row["kind"],
        "target": row["target"],
        "secret": row["secret"],
        "options": row["options"],
        "active": row["active"],
        "disabled_reason": row["disabled_reason"],
    }
    try:
        payload = json.loads(row["payload"])
    except ValueError:
        payload = {}
    return Delivery(
        id=int(row["id"]),
        key=row["key"],
        channel=channel_from_row(channel_row),
        subscription_id=int(row["subscription_id"]),
        payload=payload if isinstance(payload, dict) else {},
        status=DeliveryStatus(row["status"]),
        attempts=int(row["attempts"]),
        created_at=parse_iso(row["created_at"]),
        next_attempt_at=from_ts(row["next_attempt_ts"]),
        sent_at=parse_iso(row["sent_at"]),
        last_error=row["last_error"],
        story_id=row["story_id"],
        article_id=row["article_id"],
    )


def due_deliveries(conn: sqlite3.Connection, now: float, limit: int) -> list[Delivery]:
    rows = conn.execute(
        f"{_DELIVERY_SELECT} WHERE d.status = 'pending' AND d.next_attempt_ts <= ? AND c.active = 1 "
        "ORDER BY d.next_attempt_ts, d.id LIMIT ?",
        (now, max(0, limit)),
    ).fetchall()
    return [_delivery(r) for r in rows]


def list_deliveries(
    conn: sqlite3.Connection, *, limit: int, status: str | None = None, subscription_id: int | None = None
) -> list[Delivery]:
    rows = conn.execute(
        f"{_DELIVERY_SELECT} WHERE (? IS NULL OR d.status = ?) AND (? IS NULL OR d.subscription_id = ?) "
        "ORDER BY d.id DESC LIMIT ?",
        (status, status, subscription_id, subscription_id, max(0, limit)),
    ).fetchall()
    return [_delivery(r) for r in rows]


def feed_deliveries(conn: sqlite3.Connection, channel_id: int, limit: int) -> list[Delivery]:
    rows = conn.execute(
        f"{_DELIVERY_SELECT} WHERE d.channel_id = ? ORDER BY d.id DESC LIMIT ?", (channel_id, max(0, limit))
    ).fetchall()
    return [_delivery(r) for r in rows]


# -- the event log ---------------------------------------------------------------------


def events_since(
    conn: sqlite3.Connection, after: int, *, subscription_id: int | None, limit: int
) -> list[tuple[int, dict[str, Any]]]:
    rows = conn.execute(
        "SELECT id, payload, subscriptions FROM events WHERE id > ? ORDER BY id LIMIT ?",
        (after, max(0, limit)),
    ).fetchall()
    out = []
    for event_id, payload, subs in rows:
        if subscription_id is not None and subscription_id not in json.loads(subs):
            continue
        out.append((int(event_id), json.loads(payload)))
    return out


# -- source health ---------------------------------------------------------------------


def source_health(row: sqlite3.Row) -> SourceHealth:
    return SourceHealth(
        last_success=parse_iso(row["last_success"]),
        last_error=row["last_error"],
        last_error_at=parse_iso(row["last_error_at"]),
        error_count=int(row["error_count"] or 0),
        next_poll=from_ts(row["next_poll_ts"]),
        interval_seconds=row["interval_seconds"],
        websub_hub=row["websub_hub"],
        websub_expires=from_ts(row["websub_expires_ts"]),
    )
