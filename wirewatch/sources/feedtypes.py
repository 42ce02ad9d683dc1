"""The parsed-feed value and the helpers both feed readers (XML, JSON Feed) share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from wirewatch.model import Hints, RawDocument

__all__ = ["Feed", "absolute_url", "author_name", "build_entry", "clip", "language_code"]


@dataclass(frozen=True, slots=True)
class Feed:
    """A feed: its own metadata and one ``RawDocument`` per entry, in feed order."""

    title: str | None
    link: str | None
    hub: str | None  # WebSub hub URL, when the feed names one
    self_url: str | None
    entries: list[RawDocument]


_EMAIL_NAME = re.compile(r"^\s*[^\s@()]+@[^\s@()]+\s*\((?P<name>[^()]+)\)\s*$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")


def clip(value: object, limit: int) -> str | None:
    """A stripped string of at most ``limit`` characters, or None when empty or not text."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value[:limit] if value else None


def absolute_url(link: str | None, *bases: str | None) -> str | None:
    """``link`` made absolute against the first http(s) base; None unless http(s)."""
    if not link:
        return None
    link = link.strip()
    for base in (None, *bases):
        candidate = urljoin(base, link) if base else link
        try:
            parts = urlsplit(candidate)
        except ValueError:
            return None
        if parts.scheme in ("http", "https") and parts.netloc:
            return candidate
    return None


def author_name(value: str | None) -> str | None:
    """``"desk@example.com (Jane Doe)"`` becomes ``"Jane Doe"``; other values stay."""
    if value is None:
        return None
    match = _EMAIL_NAME.match(value)
    return match.group("name").strip() if match else value


def language_code(value: str | None) -> str | None:
    """The primary language subtag, lower case: ``en_US`` → ``en``, ``IT-it`` → ``it``."""
    if not value or not _LANGUAGE.match(value.strip()):
        return None
    return re.split(r"[-_]", value.strip())[0].lower()


def build_entry(
    *,
    index: int,
    location: str,
    link: str | None,
    content: str | None,
    media_type: str,
    title: str | None,
    published: datetime | None,
    author: str | None,
    language: str | None,
    summary: str | None,
) -> RawDocument:
    """One entry as a ``RawDocument``; ``location`` is its link or ``feed#entry-N``."""
    return RawDocument(
        location=link or f"{location}#entry-{index}",
        content=content.encode("utf-8") if content else None,
        url=link,
        media_type=media_type if content else None,
        charset="utf-8" if content else None,
        source=location,
        hints=Hints(title=title, published=published, author=author, language=language, summary=summary),
    )
