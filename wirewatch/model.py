"""The data that flows through the pipeline: frozen, typed, free of behaviour.

``RawDocument`` is what a source yields (bytes, or only a URL still to fetch);
``Article`` is what extraction makes of it and what the store keeps; ``Source`` is a
configured place to read from.  JSON shapes (``to_dict``) are a public contract, see
``docs/json.md``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

__all__ = ["Article", "Hints", "RawDocument", "Source", "SourceKind"]


class SourceKind(enum.StrEnum):
    FEED = "feed"
    SITEMAP = "sitemap"
    PAGE = "page"
    FILE = "file"
    FOLDER = "folder"
    WARC = "warc"


@dataclass(frozen=True, slots=True)
class Hints:
    """Metadata a source already knows about a document (feed entry, sitemap, WARC)."""

    title: str | None = None
    published: datetime | None = None
    author: str | None = None
    language: str | None = None
    summary: str | None = None


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One document from a source, before extraction.

    ``content`` is None when the source only points at it (a sitemap URL, a feed entry
    without full text): the pipeline fetches ``url`` then.  ``location`` names the
    document in messages: a URL, a path, or ``path#offset`` inside an archive.
    """

    location: str
    content: bytes | None = None
    url: str | None = None
    media_type: str | None = None  # "text/html", "text/plain"; None: sniff the bytes
    charset: str | None = None  # as declared by the transport (HTTP header), if any
    source: str | None = None  # the configured source it came from
    hints: Hints = field(default_factory=Hints)
    fetched_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """A clean article: the text with its paragraphs (separated by blank lines) and metadata."""

    text: str
    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    language: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    url: str | None = None
    source: str | None = None
    fetched_at: datetime | None = None
    id: int | None = None

    def with_(self, **changes: Any) -> Article:
        return replace(self, **changes)

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n\n") if p.strip()]

    def to_dict(self) -> dict[str, Any]:
        """The stored-article JSON shape (DESIGN.md), plus ``site_name``."""
        return {
            "id": self.id,
            "url": self.url,
            "canonical_url": self.canonical_url,
            "title": self.title,
            "text": self.text,
            "author": self.author,
            "published": _iso(self.published),
            "language": self.language,
            "site_name": self.site_name,
            "source": self.source,
            "fetched_at": _iso(self.fetched_at),
        }

    def to_extract_dict(self) -> dict[str, Any]:
        """The ``wirewatch extract --format json`` shape."""
        return {
            "title": self.title,
            "text": self.text,
            "author": self.author,
            "published": _iso(self.published),
            "language": self.language,
            "canonical_url": self.canonical_url,
            "site_name": self.site_name,
            "url": self.url,
        }


@dataclass(frozen=True, slots=True)
class Source:
    """A configured source: where to read, what kind it is, and how often to poll it."""

    url: str  # a URL, or an absolute path for local files, folders and WARCs
    kind: SourceKind
    title: str | None = None
    every_seconds: int | None = None
    id: int | None = None
    added_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "kind": self.kind.value,
            "title": self.title,
            "every_seconds": self.every_seconds,
            "added_at": _iso(self.added_at),
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
