"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1), read with the json module.

feedparser does not read JSON Feed.  Every value is checked for its type before use:
a hostile feed can put a list where a string belongs, or nest arrays until the
decoder recurses too deep; each such fault is a ``SourceError``.
"""

from __future__ import annotations

import json
from typing import Any

from wirewatch.errors import SourceError
from wirewatch.sources.dates import parse_date
from wirewatch.sources.feedtypes import (
    Feed,
    absolute_url,
    author_name,
    build_entry,
    clip,
    language_code,
)

__all__ = ["looks_like_json_feed", "parse_json_feed"]


def looks_like_json_feed(data: bytes) -> bool:
    """True when the bytes start (after a BOM and white space) with a JSON object."""
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def parse_json_feed(data: bytes, *, location: str, max_field_chars: int, max_entries: int) -> Feed:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise SourceError(f"not a feed: JSON is not UTF-8 ({exc.reason})", document=location) from None
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"not a feed: bad JSON at line {exc.lineno} column {exc.colno}: {exc.msg}", document=location
        ) from None
    except ValueError as exc:  # e.g. an integer literal longer than Python will convert
        raise SourceError(f"not a feed: bad JSON: {str(exc)[:200]}", document=location) from None
    except RecursionError:
        raise SourceError("not a feed: JSON nested too deep", document=location) from None
    if not isinstance(document, dict):
        raise SourceError("not a feed: JSON document is not an object", document=location)
    version = document.get("version")
    if not (isinstance(version, str) and version.startswith("https://jsonfeed.org/version/")):
        raise SourceError("not a feed: JSON without a jsonfeed.org version", document=location)
    items = document.get("items")
    if not isinstance(items, list):
        raise SourceError("not a feed: JSON Feed without an items list", document=location)

    def text(value: object) -> str | None:
        return clip(value, max_field_chars)

    link = absolute_url(text(document.get("home_page_url")), location)
    self_url = absolute_url(text(document.get("feed_url")), location)
    feed_language = language_code(text(document.get("language")))
    feed_author = _author(document)
    entries = []
    for index, item in enumerate(items[:max_entries]):
        if not isinstance(item, dict):
            continue
        url = absolute_url(text(item.get("url")) or text(item.get("external_url")), location, link)
        html, plain = text(item.get("content_html")), text(item.get("content_text"))
        entries.append(
            build_entry(
                index=index,
                location=location,
                link=url,
                content=html or plain,
                media_type="text/html" if html else "text/plain",
                title=text(item.get("title")),
                published=parse_date(text(item.get("date_published")) or text(item.get("date_modified"))),
                author=text(_author(item) or feed_author),
                language=language_code(text(item.get("language"))) or feed_language,
                summary=text(item.get("summary")),
            )
        )
    return Feed(
        title=text(document.get("title")),
        link=link,
        hub=_hub(document.get("hubs"), location),
        self_url=self_url,
        entries=entries,
    )


def _author(obj: dict[str, Any]) -> str | None:
    """The first author's name: ``author`` (1.0) or ``authors`` (1.1)."""
    candidates: list[object] = []
    if isinstance(obj.get("authors"), list):
        candidates.extend(obj["authors"])
    candidates.append(obj.get("author"))
    for candidate in candidates:
        if isinstance(candidate, dict) and isinstance(candidate.get("name"), str):
            return author_name(candidate["name"].strip()) or None
    return None


def _hub(hubs: object, location: str) -> str | None:
    if not isinstance(hubs, list):
        return None
    for hub in hubs:
        if isinstance(hub, dict) and str(hub.get("type", "")).lower() == "websub":
            return absolute_url(clip(hub.get("url"), 2048), location)
    return None
