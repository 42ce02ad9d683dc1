"""OPML 2.0 subscription lists in and out.

Reading: every ``<outline>`` with ``xmlUrl`` is a feed; one with only ``url`` or
``htmlUrl`` is a source of the kind its ``type`` names (``sitemap``, ``warc``, …; a
page otherwise).  Folders are flattened, the same URL is kept once, the title comes from
``text`` or ``title``.  Writing puts feeds in ``xmlUrl`` (what feed readers expect) and
other kinds in ``url`` with ``type`` set to the kind, so a round trip keeps the kinds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import format_datetime

from lxml import etree

from wirewatch.errors import SourceError
from wirewatch.model import Source, SourceKind
from wirewatch.sources.xmlsafe import as_utf8, safe_xml_parser, strip_declarations

__all__ = ["parse_opml", "write_opml"]

_KINDS = {kind.value: kind for kind in SourceKind}
_KINDS.update({"rss": SourceKind.FEED, "atom": SourceKind.FEED, "link": SourceKind.PAGE})
_MAX_FIELD = 2_048
_LINE_SUFFIX = re.compile(r", line \d+, column \d+$")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def parse_opml(data: bytes, *, location: str) -> list[Source]:
    """The sources an OPML document lists, in document order, each URL once."""
    try:
        root = etree.fromstring(strip_declarations(as_utf8(data)).lstrip(), parser=safe_xml_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno is not None else "?"
        message = _LINE_SUFFIX.sub("", (str(exc.msg or exc).splitlines() or ["malformed"])[0])[:200]
        raise SourceError(f"malformed OPML at line {line}: {message}", document=location) from None
    if root is None or not isinstance(root.tag, str) or etree.QName(root).localname.lower() != "opml":
        raise SourceError("not an OPML document: the root element is not <opml>", document=location)
    sources: list[Source] = []
    seen: set[str] = set()
    for outline in root.iter("outline"):
        attrs = outline.attrib
        feed_url = _attr(attrs.get("xmlUrl"))
        url = feed_url or _attr(attrs.get("url")) or _attr(attrs.get("htmlUrl"))
        if url is None or url in seen:
            continue
        seen.add(url)
        kind = SourceKind.FEED if feed_url else _KINDS.get((attrs.get("type") or "").lower(), SourceKind.PAGE)
        title = _attr(attrs.get("title")) or _attr(attrs.get("text"))
        title = None if title == url else title  # write_opml puts the URL in text= when untitled
        sources.append(Source(url=url, kind=kind, title=title))
    return sources


def _attr(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()[:_MAX_FIELD]


def _xml_text(value: str) -> str:
    """``value`` without the control characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", value)


def write_opml(sources: Sequence[Source], *, title: str = "wirewatch sources") -> bytes:
    """An OPML 2.0 document listing ``sources``; ``parse_opml`` reads it back."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC), usegmt=True)
    body = etree.SubElement(root, "body")
    for source in sources:
        url = _xml_text(source.url)
        outline = etree.SubElement(body, "outline", text=_xml_text(source.title or source.url))
        if source.title:
            outline.set("title", _xml_text(source.title))
        if source.kind is SourceKind.FEED:
            outline.set("type", "rss")
            outline.set("xmlUrl", url)
        else:
            outline.set("type", source.kind.value)
            outline.set("url", url)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
