"""The ``Notifier`` seam: one delivery channel sends one notification."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Protocol

from wirewatch.model import ChannelKind, Delivery

__all__ = ["Notifier", "SendResult", "parse_retry_after"]


@dataclass(frozen=True, slots=True)
class SendResult:
    """How one attempt went.

    ``ok``: the receiver acknowledged it (done).  Otherwise ``error`` says why in one line;
    ``gone`` means the endpoint is gone for good (a webhook's 410, a push service's 404 or
    410): the channel is disabled and not retried; ``retry_after`` is the wait the receiver
    asked for (a 429's Retry-After, in seconds), honoured before the next attempt.
    """

    ok: bool
    error: str | None = None
    gone: bool = False
    retry_after: float | None = None


class Notifier(Protocol):
    """Sends deliveries of one channel kind.  Never raises for a receiver's fault: every
    outcome is a ``SendResult``; it must not block other deliveries (its own timeout)."""

    kind: ChannelKind

    async def send(self, delivery: Delivery) -> SendResult: ...


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date); None if absent
    or unreadable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
