"""Sitemaps (sitemaps.org 0.9), sitemap indexes, Google News sitemaps, text sitemaps.

XML goes through lxml with ``xmlsafe.safe_xml_parser`` (no entity expansion, no DTD,
no network, libxml2's size limits on) after the DOCTYPE is stripped; malformed XML is a
``SourceError`` naming the line.  Elements are matched by local name, because real
sitemaps get their namespace wrong often enough.  A plain-text sitemap is one URL per
line (UTF-8).  Only absolute http(s) URLs are kept (relative ones are resolved against
``location`` when that is a URL); at most ``max_urls`` entries are read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from wirewatch.errors import SourceError
from wirewatch.model import Hints, RawDocument
from wirewatch.sources.dates import parse_date
from wirewatch.sources.feedtypes import absolute_url, clip, language_code
from wirewatch.sources.xmlsafe import as_utf8, safe_xml_parser, strip_declarations

__all__ = ["Sitemap", "parse_sitemap"]

_FIELD_CHARS = 10_000
_LINE_SUFFIX = re.compile(r", line \d+, column \d+$")
_ABSOLUTE_URL = re.compile(r"^https?://[!-~]+$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Sitemap:
    """The pages a sitemap lists (``content`` None: still to fetch) and its child sitemaps."""

    urls: list[RawDocument]
    sitemaps: list[str]


def parse_sitemap(data: bytes, *, location: str, max_urls: int = 50_000) -> Sitemap:
    data = as_utf8(data)
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise SourceError("not a sitemap: the document is empty", document=location)
    if not head.startswith(b"<"):
        return _parse_text(head, location=location, max_urls=max_urls)
    try:
        root = etree.fromstring(strip_declarations(head), parser=safe_xml_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno is not None else "?"
        message = _LINE_SUFFIX.sub("", (str(exc.msg or exc).splitlines() or ["malformed"])[0])[:200]
        raise SourceError(f"malformed XML at line {line}: {message}", document=location) from None
    if root is None:
        raise SourceError("not a sitemap: no root element", document=location)
    kind = etree.QName(root).localname if isinstance(root.tag, str) else ""
    if kind == "sitemapindex":
        children = [_text(item, "loc") for item in _children(root, "sitemap")]
        links = [absolute_url(c, location) for c in children if c]
        return Sitemap(urls=[], sitemaps=[c for c in links if c][:max_urls])
    if kind != "urlset":
        raise SourceError(f"not a sitemap: root element is <{kind[:50]}>", document=location)
    urls: list[RawDocument] = []
    for item in _children(root, "url"):
        if len(urls) >= max_urls:
            break
        url = absolute_url(_text(item, "loc"), location)
        if url is not None:
            urls.append(RawDocument(location=url, url=url, source=location, hints=_hints(item)))
    return Sitemap(urls=urls, sitemaps=[])


def _parse_text(data: bytes, *, location: str, max_urls: int) -> Sitemap:
    text = data.decode("utf-8", errors="replace")
    urls: list[RawDocument] = []
    for line in text.splitlines():
        candidate = line.strip()[:_FIELD_CHARS]
        # a text sitemap lists absolute URLs; anything else (binary, prose) is not one
        url = absolute_url(candidate, location) if _ABSOLUTE_URL.match(candidate) else None
        if url is None:
            continue
        urls.append(RawDocument(location=url, url=url, source=location))
        if len(urls) >= max_urls:
            break
    if not urls:
        raise SourceError("not a sitemap: neither XML nor a list of http(s) URLs", document=location)
    return Sitemap(urls=urls, sitemaps=[])


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in element if isinstance(c.tag, str) and etree.QName(c).localname == name]


def _find(element: etree._Element, *path: str) -> etree._Element | None:
    for name in path:
        found = _children(element, name)
        if not found:
            return None
        element = found[0]
    return element


def _text(element: etree._Element, *path: str) -> str | None:
    found = _find(element, *path)
    return clip(found.text, _FIELD_CHARS) if found is not None else None


def _hints(item: etree._Element) -> Hints:
    """lastmod, and the news: extension's title, publication date and language."""
    published = parse_date(_text(item, "news", "publication_date")) or parse_date(_text(item, "lastmod"))
    return Hints(
        title=_text(item, "news", "title"),
        published=published,
        language=language_code(_text(item, "news", "publication", "language")),
    )
