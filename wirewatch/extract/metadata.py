"""Article metadata from a parsed page: ``<meta>``, ``<link>``, JSON-LD, ``<title>``, ``<time>``.

One walk over the elements that can carry metadata; no second parse, no network.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from wirewatch.extract.dates import parse_date
from wirewatch.extract.language import normalize_language

__all__ = ["PageMetadata", "read_metadata"]

_TITLE_KEYS = ("og:title", "twitter:title", "dc.title", "headline", "title")
_AUTHOR_KEYS = ("author", "article:author", "parsely-author", "dc.creator", "byl", "sailthru.author")
_DATE_KEYS = (
    "article:published_time", "datepublished", "og:published_time", "published_time", "pubdate",
    "publishdate", "parsely-pub-date", "sailthru.date", "dc.date.issued", "dc.date", "date",
)  # fmt: skip
_SITE_KEYS = ("og:site_name", "application-name")
_LANG_KEYS = ("og:locale", "content-language", "language", "dc.language")
_BY = re.compile(r"^\s*by\s+", re.I)
_JSON_LD_TYPES = ("article", "posting", "report", "webpage")
_MAX_FIELD = 300


@dataclass(frozen=True, slots=True)
class PageMetadata:
    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    language: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value[:_MAX_FIELD] if value else None


def _absolute(href: str | None, base: str | None) -> str | None:
    href = _clean(href)
    if href is None:
        return None
    joined = urljoin(base, href) if base else href
    return joined if urlsplit(joined).scheme in {"http", "https"} else None


def _json_ld(root: HtmlElement) -> dict[str, Any]:
    """The first JSON-LD object that describes an article (or a web page)."""
    found: dict[str, Any] = {}
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                kind = str(item.get("@type", "")).lower()
                if any(t in kind for t in _JSON_LD_TYPES) and ("headline" in item or "datePublished" in item):
                    if "webpage" not in kind:
                        return item
                    found = found or item
                if "@graph" in item:
                    stack.append(item["@graph"])
    return found


def _person(value: Any) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_person(v) for v in value) if n]
        return ", ".join(dict.fromkeys(names)) or None
    if isinstance(value, dict):
        return _clean(value.get("name"))
    name = _clean(value)
    return None if name is None or name.startswith("http") else name


def read_metadata(root: HtmlElement, url: str | None = None) -> PageMetadata:
    """Read what the page says about itself; absent fields are None."""
    metas: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or meta.get("http-equiv") or ""
        content = _clean(meta.get("content"))
        if key and content:
            metas.setdefault(key.strip().lower(), content)
    canonical = None
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            canonical = _absolute(link.get("href"), url)
            break
    ld = _json_ld(root)

    def first(keys: tuple[str, ...]) -> str | None:
        return next((metas[k] for k in keys if k in metas), None)

    title = first(_TITLE_KEYS[:3]) or _clean(ld.get("headline")) or _h1(root) or _title_tag(root)
    author = _person(ld.get("author")) or _person(first(_AUTHOR_KEYS))
    if author:
        author = _BY.sub("", author) or None
    published = (
        parse_date(_clean(ld.get("datePublished"))) or parse_date(first(_DATE_KEYS)) or _time_tag(root)
    )
    language = normalize_language(root.get("lang") or root.get("xml:lang")) or normalize_language(
        first(_LANG_KEYS)
    )
    canonical = canonical or _absolute(metas.get("og:url"), url)
    site = first(_SITE_KEYS) or _clean(_publisher(ld))
    return PageMetadata(title, author, published, language, canonical, site)


def _publisher(ld: dict[str, Any]) -> str | None:
    publisher = ld.get("publisher")
    return _person(publisher) if publisher else None


def _h1(root: HtmlElement) -> str | None:
    headings = [h for h in root.iter("h1")][:2]
    return _clean(headings[0].text_content()) if len(headings) == 1 else None


def _title_tag(root: HtmlElement) -> str | None:
    title = next(root.iter("title"), None)
    text = _clean(title.text_content()) if title is not None else None
    if text is None:
        return None
    # "Headline | Site" / "Headline - Site": keep the longest part
    parts = [p for p in re.split(r"\s+[|–—-]\s+", text) if p]
    return max(parts, key=len) if parts else text


def _time_tag(root: HtmlElement) -> datetime | None:
    for time in root.iter("time"):
        value = parse_date(time.get("datetime"))
        if value is not None:
            return value
    return None
