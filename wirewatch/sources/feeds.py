"""RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed through ``jsonfeed``.

feedparser is wrapped, never trusted with hostile bytes as they come:

* it gets a ``BytesIO``, never ``bytes``: ``feedparser.parse(b"/etc/passwd")`` opens
  that file (its ``_open_resource`` tries ``open()`` on anything it is given);
* DOCTYPEs and ENTITY declarations are removed first (``xmlsafe``), because
  feedparser's own DTD stripping misses an internal subset written on one line and
  expat then expands a "billion laughs" feed into 300,000-character titles;
* every field is cut to ``max_field_chars`` and the entries to ``max_entries``;
* it runs under a time limit.  The limit is kept by running the parse in a daemon
  worker thread and waiting ``timeout`` seconds for it.  A Python thread cannot be
  killed: on a timeout the caller gets ``SourceError`` at once and the thread runs on,
  invisible, until feedparser returns (its input is bounded by the DTD stripping and
  by the caller's byte cap).  Signals were rejected (main thread only, and unusable in
  asyncio and worker threads); a subprocess per feed costs more than most feeds take
  to parse.  The pipeline's process pool is the place to recycle a stuck worker.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import feedparser

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
from wirewatch.sources.jsonfeed import looks_like_json_feed, parse_json_feed
from wirewatch.sources.xmlsafe import as_utf8, strip_declarations

__all__ = ["Feed", "parse_feed"]

T = TypeVar("T")


def parse_feed(
    data: bytes,
    *,
    location: str,
    timeout: float = 10.0,
    max_field_chars: int = 100_000,
    max_entries: int = 5_000,
) -> Feed:
    """Parse an RSS, Atom or JSON Feed document; raise ``SourceError`` if it is none."""
    if not data.strip():
        raise SourceError("not a feed: the document is empty", document=location)
    if looks_like_json_feed(data):
        parse: Callable[[], Feed] = lambda: parse_json_feed(  # noqa: E731
            data, location=location, max_field_chars=max_field_chars, max_entries=max_entries
        )
    else:
        parse = lambda: _parse_xml_feed(  # noqa: E731
            data, location=location, max_field_chars=max_field_chars, max_entries=max_entries
        )
    return _with_time_limit(parse, timeout=timeout, location=location)


def _with_time_limit(work: Callable[[], T], *, timeout: float, location: str) -> T:
    """Run ``work`` in a daemon thread; give up after ``timeout`` seconds (see module doc)."""
    outcome: list[T | BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except SourceError as exc:
            outcome.append(exc)
        except Exception as exc:  # a parser bug on hostile bytes is still a bad source
            first_line = (str(exc).splitlines() or [""])[0][:200]
            outcome.append(SourceError(f"not a feed: {type(exc).__name__}: {first_line}", document=location))

    worker = threading.Thread(target=run, name=f"parse_feed {location[:80]}", daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        raise SourceError(f"parse took longer than {timeout:g}s", document=location)
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result


def _parse_xml_feed(data: bytes, *, location: str, max_field_chars: int, max_entries: int) -> Feed:
    cleaned = strip_declarations(as_utf8(data))
    headers = (  # a content type too: without one feedparser flags any feed with no items as broken
        {"content-location": location, "content-type": "application/xml"}
        if location.startswith(("http://", "https://"))
        else {}
    )
    parsed: Any = feedparser.parse(io.BytesIO(cleaned), response_headers=headers)
    # an "entry" with neither title, link nor content is debris of broken markup
    entries_in = [
        e for e in parsed.get("entries") or [] if e.get("title") or e.get("link") or e.get("content")
    ]
    if not entries_in and (parsed.get("bozo") or not parsed.get("version")):
        raise SourceError(f"not a feed: {_reason(parsed)}", document=location)

    def text(value: object) -> str | None:
        return clip(value, max_field_chars)

    info = parsed.get("feed") or {}
    link = absolute_url(text(info.get("link")), location)
    feed_language = language_code(text(info.get("language")))
    entries = []
    for index, entry in enumerate(entries_in[:max_entries]):
        content, media_type = _content(entry, max_field_chars)
        detail = entry.get("author_detail") or {}
        title_detail = entry.get("title_detail") or {}
        entries.append(
            build_entry(
                index=index,
                location=location,
                link=absolute_url(text(entry.get("link")), location, link),
                content=content,
                media_type=media_type,
                title=text(entry.get("title")),
                published=_published(entry),
                author=text(detail.get("name")) or author_name(text(entry.get("author"))),
                language=feed_language or language_code(text(title_detail.get("language"))),
                summary=text(entry.get("summary")),
            )
        )
    hub = self_url = None
    for item in info.get("links") or []:
        rel, href = item.get("rel"), absolute_url(text(item.get("href")), location)
        if rel == "hub" and hub is None:
            hub = href
        elif rel == "self" and self_url is None:
            self_url = href
    return Feed(title=text(info.get("title")), link=link, hub=hub, self_url=self_url, entries=entries)


def _reason(parsed: Any) -> str:
    problem = parsed.get("bozo_exception")
    if problem is not None:
        first_line = (str(problem).splitlines() or [type(problem).__name__])[0]
        return first_line[:200] or type(problem).__name__
    return "no RSS, RDF or Atom root element"


def _content(entry: Any, limit: int) -> tuple[str | None, str]:
    """The entry's full content (content:encoded, atom:content) and its media type."""
    for item in entry.get("content") or []:
        value = clip(item.get("value"), limit)
        if value:
            kind = str(item.get("type") or "text/html").lower()
            return value, "text/plain" if kind in ("text/plain", "text") else "text/html"
    return None, "text/html"


def _published(entry: Any) -> datetime | None:
    """Our own reading of the date first (feedparser drops PM), then feedparser's."""
    for raw_key, parsed_key in (("published", "published_parsed"), ("updated", "updated_parsed")):
        raw = entry.get(raw_key)
        when = parse_date(raw[:200]) if isinstance(raw, str) else None
        if when is not None:
            return when
        stamp = entry.get(parsed_key)
        if stamp is not None:
            try:
                return datetime(*stamp[:6]).replace(tzinfo=UTC)
            except (TypeError, ValueError):
                continue
    return None
