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
from urllib.parse import urlsplit

__all__ = [
    "Appearance",
    "Article",
    "Channel",
    "ChannelKind",
    "Delivery",
    "DeliveryStatus",
    "Duplicate",
    "Enrichment",
    "Entity",
    "EntityKind",
    "Hints",
    "Mention",
    "Quote",
    "QuoteKind",
    "RawDocument",
    "Source",
    "SourceHealth",
    "SourceKind",
    "Speaker",
    "Story",
    "Subscription",
    "outlet_of",
]

Span = tuple[int, int]  # [start, end) character offsets into the article text


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
    story_id: int | None = None

    def with_(self, **changes: Any) -> Article:
        return replace(self, **changes)

    @property
    def outlet(self) -> str | None:
        """Who published it: the site's name, else its web address's host."""
        return outlet_of(self.site_name, self.canonical_url or self.url)

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
            "story_id": self.story_id,
        }

    def brief(self) -> dict[str, Any]:
        """The short shape (notifications, a story's members): id, title, url, outlet, published."""
        return {
            "id": self.id,
            "title": self.title,
            "url": self.canonical_url or self.url,
            "outlet": self.outlet,
            "published": _iso(self.published),
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
    health: SourceHealth | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "kind": self.kind.value,
            "title": self.title,
            "every_seconds": self.every_seconds,
            "added_at": _iso(self.added_at),
            "health": self.health.to_dict() if self.health else None,
        }


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """How polling a source goes: the last success and error, consecutive errors, the next
    poll (None: due now), the interval it adapted to, and the WebSub hub when subscribed."""

    last_success: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    error_count: int = 0
    next_poll: datetime | None = None
    interval_seconds: float | None = None
    websub_hub: str | None = None
    websub_expires: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "last_success": _iso(self.last_success),
            "last_error": self.last_error,
            "last_error_at": _iso(self.last_error_at),
            "error_count": self.error_count,
            "next_poll": _iso(self.next_poll),
            "interval_seconds": self.interval_seconds,
            "websub_hub": self.websub_hub,
            "websub_expires": _iso(self.websub_expires),
        }


class QuoteKind(enum.StrEnum):
    DIRECT = "direct"  # the words themselves, in quotation marks
    INDIRECT = "indirect"  # reported speech: "X said the leaders will review..."
    MIXED = "mixed"  # reported speech holding a partial quote


class EntityKind(enum.StrEnum):
    PERSON = "person"
    ORGANIZATION = "organization"
    PLACE = "place"


@dataclass(frozen=True, slots=True)
class Mention:
    """A piece of the article text that names something: "he", "the secretary general"."""

    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class Speaker:
    """Who said a quotation: the mention as written, and the person it resolves to.

    ``canonical`` is the resolved proper name ("Jens Stoltenberg" for "he") or None when
    it could not be resolved: never a guess.  ``span`` is the mention's place in the text
    (None for a speaker known only from elsewhere, such as a headline).
    """

    name: str
    canonical: str | None = None
    span: Span | None = None
    entity_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "canonical": self.canonical,
            "span": list(self.span) if self.span else None,
            "entity_id": self.entity_id,
        }


@dataclass(frozen=True, slots=True)
class Quote:
    """One quotation: what was said (``span`` into the text), how, and by whom."""

    text: str
    kind: QuoteKind
    span: Span
    cue: str | None = None  # "said", "noted", "called on", "according to", ":"
    cue_span: Span | None = None
    speaker: Speaker | None = None
    confidence: float = 0.0
    article_id: int | None = None
    id: int | None = None
    group_id: int | None = None  # the tracked quotation it is one appearance of

    def to_dict(self) -> dict[str, Any]:
        """The quotation JSON shape (DESIGN.md)."""
        return {
            "text": self.text,
            "kind": self.kind.value,
            "cue": self.cue,
            "span": list(self.span),
            "speaker": self.speaker.to_dict() if self.speaker else None,
            "confidence": round(self.confidence, 3),
            "article_id": self.article_id,
        }


@dataclass(frozen=True, slots=True)
class Entity:
    """A person, organisation or place, by its canonical name, with the aliases seen."""

    canonical: str
    kind: EntityKind
    aliases: tuple[str, ...] = ()
    mentions: tuple[Span, ...] = ()
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "canonical": self.canonical,
            "kind": self.kind.value,
            "aliases": list(self.aliases),
            "mentions": [list(m) for m in self.mentions],
        }


@dataclass(frozen=True, slots=True)
class Enrichment:
    """What the enrich stage found in one article."""

    quotes: tuple[Quote, ...] = ()
    entities: tuple[Entity, ...] = ()


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A copy of a stored article (syndicated, an AMP or print version, a light edit)."""

    article_id: int  # the original
    url: str | None
    title: str | None
    outlet: str | None
    published: datetime | None
    similarity: float  # estimated share of word sequences in common; 1.0 for the same text

    def to_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "url": self.url,
            "title": self.title,
            "outlet": self.outlet,
            "published": _iso(self.published),
            "similarity": round(self.similarity, 3),
        }


@dataclass(frozen=True, slots=True)
class Appearance:
    """Where and when a tracked quotation appeared: one article, or one copy of it."""

    article_id: int
    outlet: str | None
    url: str | None
    published: datetime | None
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "outlet": self.outlet,
            "url": self.url,
            "published": _iso(self.published),
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class Story:
    """One event's coverage: its articles across outlets, when it was first and last seen.

    ``people`` are the most quoted speakers, ``entities`` the most named organisations and
    places; ``merged_into`` is set when a later article showed this story to be another one.
    """

    id: int
    title: str | None
    first_seen: datetime | None
    last_seen: datetime | None
    article_count: int
    outlets: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    merged_into: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "first_seen": _iso(self.first_seen),
            "last_seen": _iso(self.last_seen),
            "article_count": self.article_count,
            "outlets": list(self.outlets),
            "people": list(self.people),
            "entities": list(self.entities),
            "merged_into": self.merged_into,
        }


class ChannelKind(enum.StrEnum):
    WEBHOOK = "webhook"  # a signed POST (Standard Webhooks) to a URL
    EMAIL = "email"  # a message, or a digest, over SMTP
    FEED = "feed"  # an Atom feed at an unguessable URL (pulled, never pushed)
    PUSH = "push"  # Web Push (RFC 8291 payload, RFC 8292 VAPID) to a browser or phone
    STREAM = "stream"  # the live stream (Server-Sent Events) of the web page and API clients


@dataclass(frozen=True, slots=True)
class Channel:
    """Where one subscription's notifications go.

    ``target``: the webhook URL, the email address, or the Web Push subscription as JSON
    (``{"endpoint", "keys": {"p256dh", "auth"}}``); None for a feed.  ``secret``: the
    webhook signing secret (``whsec_…``) or the feed's URL token.  ``options``: per-kind
    settings, e.g. ``{"digest": "hourly"}`` for email.
    """

    kind: ChannelKind
    target: str | None = None
    secret: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    active: bool = True
    disabled_reason: str | None = None
    id: int | None = None
    subscription_id: int | None = None

    def to_dict(self, *, reveal: bool = False) -> dict[str, Any]:
        """The channel; its secret only when ``reveal`` (shown once, when it is created)."""
        return {
            "id": self.id,
            "kind": self.kind.value,
            "target": self.target if self.kind is not ChannelKind.PUSH else None,
            "options": dict(self.options),
            "active": self.active,
            "disabled_reason": self.disabled_reason,
            **({"secret": self.secret} if reveal and self.kind is ChannelKind.WEBHOOK else {}),
        }


@dataclass(frozen=True, slots=True)
class Subscription:
    """A saved query and where its matches go; ``cap_per_hour`` bounds its notifications."""

    query: str
    channels: tuple[Channel, ...] = ()
    name: str | None = None
    paused: bool = False
    cap_per_hour: int = 60
    owner: str | None = None
    created_at: datetime | None = None
    id: int | None = None

    def to_dict(self, *, reveal: bool = False) -> dict[str, Any]:
        return {
            "id": self.id,
            "query": self.query,
            "name": self.name,
            "paused": self.paused,
            "cap_per_hour": self.cap_per_hour,
            "created_at": _iso(self.created_at),
            "channels": [c.to_dict(reveal=reveal) for c in self.channels],
        }


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # in the outbox, to be sent (again)
    SENT = "sent"  # acknowledged by the receiver
    FAILED = "failed"  # given up (the channel was disabled, or retries ran out)


@dataclass(frozen=True, slots=True)
class Delivery:
    """One notification for one channel, kept in the outbox until acknowledged.

    ``key`` is its idempotency key (the webhook id, the email Message-ID): a resend after a
    crash carries the same key, so the receiver can drop what it already has.  ``payload``
    is the notification (docs/json.md, "Notification").
    """

    id: int
    key: str
    channel: Channel
    subscription_id: int
    payload: dict[str, Any]
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    created_at: datetime | None = None
    next_attempt_at: datetime | None = None
    sent_at: datetime | None = None
    last_error: str | None = None
    story_id: int | None = None
    article_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "key": self.key,
            "channel": self.channel.kind.value,
            "channel_id": self.channel.id,
            "subscription_id": self.subscription_id,
            "status": self.status.value,
            "attempts": self.attempts,
            "created_at": _iso(self.created_at),
            "next_attempt_at": _iso(self.next_attempt_at),
            "sent_at": _iso(self.sent_at),
            "last_error": self.last_error,
            "story_id": self.story_id,
            "article_id": self.article_id,
        }


def outlet_of(site_name: str | None, url: str | None) -> str | None:
    """An outlet's name: the site name when given, else the URL's host without ``www.``."""
    if site_name and site_name.strip():
        return " ".join(site_name.split())
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
