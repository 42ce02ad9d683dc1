"""Publication dates as written in pages (ISO 8601, RFC 822), always returned tz-aware."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

__all__ = ["parse_date"]

_ISO_PREFIX = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?"
)
_EARLIEST = 1990


def parse_date(value: str | None) -> datetime | None:
    """Parse a page's date; a date without a zone is taken as UTC.  None when unreadable."""
    if not value:
        return None
    value = value.strip()
    parsed: datetime | None = None
    match = _ISO_PREFIX.match(value)
    if match:
        raw = match.group(0).replace("Z", "+00:00")
        raw = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", raw)
        try:
            parsed = datetime.fromisoformat(raw)
        except ValueError:
            parsed = None
    if parsed is None:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if parsed.year < _EARLIEST or parsed.year > datetime.now(UTC).year + 1:
        return None
    return parsed
