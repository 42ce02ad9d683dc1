"""A notification payload read defensively, for the channels that render it for people.

A ``Delivery``'s payload is a JSON dict (docs/json.md, "Notification"): the story, the
article and the quotation that matched a saved query.  Its text comes from news pages, so
it is hostile input, and any field may be missing, null or of the wrong type.
``Notification.from_payload`` never raises: it keeps strings that are strings, ids that
are integers, dates that parse, links that are http(s), and strips control characters, so
that the email and Atom renderers only ever see clean, typed values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

__all__ = ["Notification", "clean_text", "http_url"]

# Characters XML 1.0 forbids (C0 controls but tab/newline/return, lone surrogates, the two
# non-characters), and the C1 controls and bidirectional overrides nobody needs in a headline.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
_SPACE = re.compile(r"\s+")

MAX_TITLE = 300
MAX_QUOTE = 2000
MAX_NAME = 200


def clean_text(value: object, *, limit: int = MAX_TITLE, one_line: bool = True) -> str | None:
    """A string fit to show: control characters dropped, whitespace runs (line breaks too,
    when ``one_line``) made one space, cut to ``limit`` characters; None if nothing is left."""
    if not isinstance(value, str):
        return None
    text = _FORBIDDEN.sub("", value)
    text = _SPACE.sub(" ", text) if one_line else "\n".join(_SPACE.sub(" ", ln) for ln in text.splitlines())
    text = text.strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text or None


def http_url(value: object) -> str | None:
    """The value if it is an absolute http(s) URL without spaces or controls, else None
    (a ``javascript:`` link in a feed must never become a link in an email)."""
    if not isinstance(value, str) or len(value) > 4096:
        return None
    url = value.strip()
    if _FORBIDDEN.search(url) or any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return url


def _section(payload: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = payload.get(name)
    return value if isinstance(value, Mapping) else {}


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _when(value: object) -> datetime | None:
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Notification:
    """One notification's fields, each clean or None."""

    key: str | None = None
    created_at: datetime | None = None
    subscription_id: int | None = None
    query: str | None = None
    name: str | None = None
    story_id: int | None = None
    story_title: str | None = None
    article_count: int | None = None
    outlets: tuple[str, ...] = ()
    article_id: int | None = None
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: datetime | None = None
    quote: str | None = None
    speaker: str | None = None

    @classmethod
    def from_payload(cls, payload: object) -> Notification:
        if not isinstance(payload, Mapping):
            return cls()
        subscription = _section(payload, "subscription")
        story = _section(payload, "story")
        article = _section(payload, "article")
        quote = _section(payload, "quote")
        raw_outlets = story.get("outlets")
        outlets = raw_outlets if isinstance(raw_outlets, list) else []
        cleaned = (clean_text(o, limit=MAX_NAME) for o in outlets[:50])
        return cls(
            key=clean_text(payload.get("id"), limit=MAX_NAME),
            created_at=_when(payload.get("created_at")),
            subscription_id=_int(subscription.get("id")),
            query=clean_text(subscription.get("query"), limit=MAX_NAME),
            name=clean_text(subscription.get("name"), limit=MAX_NAME),
            story_id=_int(story.get("id")),
            story_title=clean_text(story.get("title")),
            article_count=_int(story.get("article_count")),
            outlets=tuple(o for o in cleaned if o),
            article_id=_int(article.get("id")),
            title=clean_text(article.get("title")),
            url=http_url(article.get("url")),
            outlet=clean_text(article.get("outlet"), limit=MAX_NAME),
            published=_when(article.get("published")),
            quote=clean_text(quote.get("text"), limit=MAX_QUOTE),
            speaker=clean_text(quote.get("speaker"), limit=MAX_NAME),
        )

    @property
    def headline(self) -> str:
        """What to call it: the article's title, else the story's, else a placeholder."""
        return self.title or self.story_title or "(untitled article)"

    @property
    def label(self) -> str:
        """The saved query it matched, by its name when it has one."""
        return self.name or self.query or "your saved query"

    @property
    def when(self) -> datetime | None:
        """When it happened, for ordering: the notification's time, else the article's."""
        return self.created_at or self.published
