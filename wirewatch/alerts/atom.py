"""The Atom feed of one saved query: its notifications as a valid Atom 1.0 document.

A feed channel is pulled, never pushed: any feed reader polls an unguessable URL
(``feed_token``) and gets ``render_feed``'s bytes.  The document follows RFC 4287: the feed
has its id, title, updated, a ``rel="self"`` link and an author; each entry has a stable
``urn:wirewatch:`` id, a title, updated, a link to the article and a plain-text summary
holding the quotation and its speaker.  A story is one entry: a later notification about
the same story replaces the earlier one (its ``updated`` moves), as "notify once per story"
promises.  The XML is built with lxml, so hostile headlines are escaped by the serializer;
characters XML cannot carry are dropped first (``notification.clean_text``).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from lxml import etree

from wirewatch.alerts.notification import MAX_TITLE, Notification, clean_text

__all__ = ["ATOM_NS", "ATOM_TYPE", "entry_id", "feed_token", "render_feed"]

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml"
_A = f"{{{ATOM_NS}}}"  # lxml's Clark notation: {namespace}tag


def feed_token() -> str:
    """A fresh, unguessable, URL-safe token naming one feed (192 random bits)."""
    return secrets.token_urlsafe(24)


def entry_id(note: Notification) -> str:
    """The entry's id, stable across renders: its story, else its article, else the
    notification's own key (URN-escaped)."""
    if note.story_id is not None:
        return f"urn:wirewatch:story:{note.story_id}"
    if note.article_id is not None:
        return f"urn:wirewatch:article:{note.article_id}"
    return f"urn:wirewatch:notification:{_urn_part(note.key or '')}"


def render_feed(
    *,
    feed_id: str | int,
    title: str,
    self_url: str,
    entries: Sequence[Mapping[str, Any]],
    updated: datetime,
) -> bytes:
    """The Atom document (UTF-8 bytes) for a saved query's notifications (payload dicts).

    ``feed_id``: the subscription's id (or any string; an absolute ``urn:``/``tag:``/http
    URI is used as it is).  ``updated``: when the feed last changed (the newest entry's time
    is used when later).  Entries are newest first, one per story; a payload with neither a
    story, an article nor a key has no stable id and is left out.
    """
    readable = (Notification.from_payload(p) for p in entries)
    notes = _newest_per_entry(
        [n for n in readable if n.story_id is not None or n.article_id is not None or n.key]
    )
    newest = max((n.when for n in notes if n.when), default=None)
    feed_updated = _utc(updated)
    if newest is not None and newest > feed_updated:
        feed_updated = newest

    feed = etree.Element(_A + "feed", nsmap={None: ATOM_NS})  # type: ignore[dict-item]  # lxml-stubs: None is the default namespace
    _text(feed, "id", _feed_uri(feed_id))
    _text(feed, "title", clean_text(title, limit=MAX_TITLE) or "wirewatch")
    _text(feed, "subtitle", "New coverage matching a saved query, from wirewatch")
    _text(feed, "updated", _stamp(feed_updated))
    etree.SubElement(
        feed, _A + "link", rel="self", type=ATOM_TYPE, href=clean_text(self_url, limit=4096) or ""
    )
    author = etree.SubElement(feed, _A + "author")
    _text(author, "name", "wirewatch")
    _text(feed, "generator", "wirewatch")
    for note in notes:
        _entry(feed, note, fallback=feed_updated)
    return bytes(etree.tostring(feed, xml_declaration=True, encoding="utf-8"))


def _entry(feed: etree._Element, note: Notification, *, fallback: datetime) -> None:
    entry = etree.SubElement(feed, _A + "entry")
    _text(entry, "id", entry_id(note))
    _text(entry, "title", note.headline)
    _text(entry, "updated", _stamp(note.when or fallback))
    if note.published is not None:
        _text(entry, "published", _stamp(note.published))
    if note.outlet:
        author = etree.SubElement(entry, _A + "author")
        _text(author, "name", note.outlet)
    summary = _summary(note)
    if note.url:
        etree.SubElement(entry, _A + "link", rel="alternate", type="text/html", href=note.url)
        _text(entry, "summary", summary, type="text")
    else:
        # RFC 4287 4.1.2: an entry without a link rel=alternate must carry content.
        _text(entry, "content", summary, type="text")


def _summary(note: Notification) -> str:
    lines: list[str] = []
    if note.quote:
        lines.append(f"{note.quote} — {note.speaker}" if note.speaker else note.quote)
    story: list[str] = []
    if note.article_count and note.article_count > 1:
        story.append(f"{note.article_count} articles")
    if note.outlets:
        story.append(", ".join(note.outlets[:10]))
    if story:
        lines.append("Coverage: " + " from ".join(story))
    elif note.outlet:
        lines.append(f"From {note.outlet}")
    return "\n\n".join(lines) or note.headline


def _newest_per_entry(notes: list[Notification]) -> list[Notification]:
    """One notification per entry id (the newest), newest first."""
    floor = datetime.min.replace(tzinfo=UTC)
    ordered = sorted(notes, key=lambda n: n.when or floor, reverse=True)
    seen: set[str] = set()
    kept: list[Notification] = []
    for note in ordered:
        ident = entry_id(note)
        if ident not in seen:
            seen.add(ident)
            kept.append(note)
    return kept


def _feed_uri(feed_id: str | int) -> str:
    text = str(feed_id).strip()
    if text.startswith(("urn:", "tag:", "http://", "https://")):
        return clean_text(text, limit=2000) or "urn:wirewatch:feed"
    return f"urn:wirewatch:subscription:{_urn_part(text)}"


def _urn_part(text: str) -> str:
    """Text made safe for a URN's specific part: unreserved characters kept, others %XX (UTF-8)."""
    safe = "".join(
        c if c.isascii() and (c.isalnum() or c in "-._") else "".join(f"%{b:02X}" for b in c.encode())
        for c in text
    )
    return safe or "unknown"


def _text(parent: etree._Element, tag: str, value: str, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, _A + tag, attrib=attributes)
    element.text = clean_text(value, limit=100_000, one_line=False) or ""
    return element


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _stamp(moment: datetime) -> str:
    """RFC 3339 in UTC, to the second (Atom's date construct)."""
    return _utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")
