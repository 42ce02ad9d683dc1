"""How the store writes and reads times: ISO 8601 text, and Unix seconds for ordering.

A naive datetime is taken as UTC (what feeds without a zone mean, and what ``published_ts``
has always assumed).
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["from_ts", "iso", "now_iso", "parse_iso", "timestamp", "ts_iso"]


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def parse_iso(value: object) -> datetime | None:
    """A stored ISO text back as a datetime; None for NULL."""
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def timestamp(value: datetime | None) -> float | None:
    """Unix seconds (naive = UTC); None for None."""
    if value is None:
        return None
    return (value.replace(tzinfo=UTC) if value.tzinfo is None else value).timestamp()


def ts_iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat()


def from_ts(value: object) -> datetime | None:
    """Stored Unix seconds back as a UTC datetime; None for NULL."""
    return datetime.fromtimestamp(float(value), UTC) if isinstance(value, int | float) else None
