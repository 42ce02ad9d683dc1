"""The ``Store`` seam: what the pipeline, alerts and the web app may ask of storage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol

from wirewatch.model import (
    Appearance,
    Article,
    Channel,
    Delivery,
    Duplicate,
    Enrichment,
    Entity,
    Quote,
    Source,
    Story,
    Subscription,
)
from wirewatch.query import Node
from wirewatch.store.accounts import Reply, User

__all__ = [
    "AddResult",
    "NearMatcher",
    "Notice",
    "QuoteTracker",
    "SearchHit",
    "SpeakerSummary",
    "Store",
    "StoryLinks",
    "StoryMember",
]


class QuoteTracker(Protocol):
    """Tells when two quotation texts are one quotation (the stories stage implements it)."""

    def key(self, text: str) -> str: ...

    def same(self, a: str, b: str) -> bool: ...


class NearMatcher(Protocol):
    """Compares two stored near-duplicate signatures (the stories stage implements it)."""

    threshold: float

    def similarity(self, a: bytes, b: bytes) -> float: ...


@dataclass(frozen=True, slots=True)
class StoryLinks:
    """What the stories stage decided about a new article, written in its transaction.

    ``story_key`` is the clusterer's id of its story; ``merges`` are late merges the
    clusterer made on the way (absorbed key, into key); ``signature``/``bands`` its
    near-duplicate fingerprint; ``tracker`` groups its quotations with those already seen.
    """

    story_key: str | None = None
    story_title: str | None = None
    merges: tuple[tuple[str, str], ...] = ()
    signature: bytes | None = None
    bands: tuple[int, ...] = ()
    tracker: QuoteTracker | None = None


@dataclass(frozen=True, slots=True)
class Notice:
    """A saved query matched a new article: ``payload`` holds its ``article`` and ``quote``
    parts of the notification (the store adds the story and the subscription)."""

    subscription_id: int
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class StoryMember:
    """A stored article with its story key and names: what rebuilds the clusterer's state."""

    article: Article
    key: str  # the clusterer's article id (the content hash)
    story_key: str
    names: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AddResult:
    """``new`` is False when the article was already stored; ``duplicate_of`` is its id then."""

    id: int
    new: bool
    duplicate_of: int | None


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result; ``rank`` is higher for better text matches (0.0 without text)."""

    article: Article
    snippet: str
    rank: float


@dataclass(frozen=True, slots=True)
class SpeakerSummary:
    """A canonical speaker (a person entity with its aliases), how often and when last quoted.

    ``last_quoted`` is the newest publication date of an article quoting them (the time it
    was stored when no article has a date).
    """

    entity: Entity
    quote_count: int
    last_quoted: datetime | None

    def to_dict(self) -> dict[str, Any]:
        """The ``wirewatch speakers --format json`` shape."""
        return {
            "id": self.entity.id,
            "canonical": self.entity.canonical,
            "kind": self.entity.kind.value,
            "aliases": list(self.entity.aliases),
            "quote_count": self.quote_count,
            "last_quoted": self.last_quoted.isoformat() if self.last_quoted else None,
        }


class Store(Protocol):
    def add_article(
        self,
        article: Article,
        *,
        content_hash: str | None = None,
        urls: Sequence[str] = (),
        enrichment: Enrichment | None = None,
        links: StoryLinks | None = None,
        notices: Sequence[Notice] | None = None,
        event: dict[str, Any] | None = None,
    ) -> AddResult:
        """Store a new article with its quotations, story links, live event (``event``: its
        article and quote parts) and the deliveries of the saved queries it matched, in one
        transaction; an article already stored only gains the new addresses."""
        ...

    def find_near_duplicate(
        self, bands: Sequence[int], signature: bytes, matcher: NearMatcher
    ) -> tuple[int, float] | None:
        """The stored article this fingerprint copies, with the similarity, if any."""
        ...

    def add_duplicate(
        self, original_id: int, article: Article, *, urls: Sequence[str] = (), similarity: float
    ) -> bool:
        """Record ``article`` as a copy of ``original_id`` (its addresses lead there); False if known."""
        ...

    def duplicates_of(self, article_id: int) -> list[Duplicate]: ...

    def get_story(self, story_id: int) -> Story | None:
        """The story, following late merges (a merged story's id gives the story it joined)."""
        ...

    def list_stories(
        self, query: str | Node | None = None, *, limit: int = 20, now: datetime | None = None
    ) -> list[Story]:
        """Stories, newest activity first; with a query, those with an article matching it."""
        ...

    def story_articles(self, story_id: int, limit: int = 200) -> list[Article]: ...

    def tracked_quotes(self, story_id: int) -> list[tuple[Quote, list[Appearance]]]:
        """The story's tracked quotations, each with where it appeared (earliest first),
        the most repeated first."""
        ...

    def story_members(self, limit: int) -> list[StoryMember]:
        """The newest ``limit`` clustered articles, oldest first."""
        ...

    def quote_appearances(self, group_id: int) -> list[Appearance]:
        """Every appearance of a tracked quotation, earliest first."""
        ...

    def quotes_for_article(self, article_id: int) -> list[Quote]: ...

    def entities_for_article(self, article_id: int) -> list[Entity]: ...

    def article_names(self, article_id: int) -> dict[str, list[str]]:
        """``{"speakers": [...], "entities": [...]}``: the names ``speaker:`` and ``entity:``
        search for this article; ``article.to_dict() | article_names(id)`` is the dict
        ``wirewatch.query.match`` reads."""
        ...

    def list_speakers(self, query: str | None = None, *, limit: int = 50) -> list[SpeakerSummary]: ...

    def quotes_by_speaker(self, entity_id: int, limit: int = 50) -> list[Quote]: ...

    def knows_url(self, url: str) -> int | None: ...

    def find_duplicate(self, article: Article, *, urls: Sequence[str] = ()) -> int | None:
        """The stored article this one duplicates (same address or same text), if any."""
        ...

    def get_article(self, article_id: int) -> Article | None: ...

    def search(
        self, query: str | Node, *, limit: int = 20, offset: int = 0, now: datetime | None = None
    ) -> list[SearchHit]: ...

    def count_articles(self) -> int: ...

    def add_source(self, source: Source) -> Source: ...

    def list_sources(self) -> list[Source]: ...

    def remove_source(self, id_or_url: int | str) -> bool: ...

    # -- live: subscriptions, the outbox, the event log, source health, settings --------

    def add_subscription(self, subscription: Subscription) -> Subscription: ...

    def get_subscription(self, subscription_id: int) -> Subscription | None: ...

    def list_subscriptions(self, owner: str | None = None) -> list[Subscription]: ...

    def remove_subscription(self, subscription_id: int) -> bool: ...

    def set_subscription_paused(self, subscription_id: int, paused: bool) -> bool: ...

    def subscriptions_version(self) -> tuple[int, ...]:
        """Changes whenever a subscription or channel is added, removed, paused or disabled."""
        ...

    def channel_by_feed_token(self, token: str) -> tuple[Subscription, Channel] | None: ...

    def disable_channel(self, channel_id: int, reason: str) -> None: ...

    def delete_channel(self, channel_id: int) -> None:
        """Remove a channel (a Web Push subscription the push service says is gone)."""
        ...

    def add_channel(self, subscription_id: int, channel: Channel) -> Channel: ...

    def get_channel(self, channel_id: int) -> Channel | None: ...

    def due_deliveries(self, now: float, limit: int = 100) -> list[Delivery]: ...

    def delivery_sent(self, delivery_id: int) -> None: ...

    def delivery_failed(self, delivery_id: int, error: str, *, retry_at: float | None, now: float) -> None:
        """An attempt failed: try again at ``retry_at``, or give up (None)."""
        ...

    def list_deliveries(
        self, *, limit: int = 50, status: str | None = None, subscription_id: int | None = None
    ) -> list[Delivery]: ...

    def feed_deliveries(self, channel_id: int, limit: int = 50) -> list[Delivery]: ...

    def events_since(
        self, after: int, *, subscription_id: int | None = None, limit: int = 500
    ) -> list[tuple[int, dict[str, Any]]]: ...

    def last_event_id(self) -> int: ...

    def setting(self, key: str, default: str) -> str:
        """A value kept in the database (the VAPID keys...): ``default`` is stored on first use."""
        ...

    def get_source(self, source_id: int) -> Source | None: ...

    def record_poll(
        self, source_id: int, *, error: str | None, next_poll: float, interval: float, now: float
    ) -> None: ...

    def set_websub(
        self, source_id: int, *, hub: str | None, topic: str | None, secret: str | None, expires: float | None
    ) -> None: ...

    def websub_secret(self, source_id: int) -> tuple[str | None, str | None]:
        """The source's WebSub (topic, secret), when subscribed."""
        ...

    # -- accounts (the web app) ---------------------------------------------------------

    def user_count(self) -> int: ...

    def add_user(self, name: str, email: str, password_hash: str, *, admin: bool = False) -> User: ...

    def user_by_email(self, email: str) -> User | None: ...

    def user_by_id(self, user_id: int) -> User | None: ...

    def create_session(self, user_id: int, token: str, csrf: str, expires: float) -> None: ...

    def session_user(self, token: str, now: float) -> tuple[User, str] | None:
        """The signed-in user and their CSRF token, for a live session token."""
        ...

    def delete_session(self, token: str) -> None: ...

    def add_api_token(self, user_id: int, token: str, name: str) -> None: ...

    def api_token_user(self, token: str) -> User | None: ...

    def add_reply(self, story_id: int, user_id: int, text: str) -> Reply: ...

    def replies(self, story_id: int, limit: int = 200) -> list[Reply]: ...

    def get_entity(self, entity_id: int) -> Entity | None: ...

    def get_http_cache(self, url: str) -> tuple[str | None, str | None] | None: ...

    def put_http_cache(self, url: str, etag: str | None, last_modified: str | None) -> None: ...

    def close(self) -> None: ...

    def __enter__(self) -> Store: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
