"""Tell a feed from a sitemap, a WARC file and a page by the first few KB only.

Nothing is parsed: the decision reads at most ``HEAD_BYTES`` (and inflates at most that
much of a gzip stream), whatever the size of the document.
"""

from __future__ import annotations

import re
import zlib

from wirewatch.model import SourceKind
from wirewatch.sources.xmlsafe import as_utf8, strip_declarations

__all__ = ["HEAD_BYTES", "detect_kind"]

HEAD_BYTES = 8192
_GZIP = b"\x1f\x8b"
_TAG = re.compile(rb"<([!?]?)(--|[A-Za-z_][\w.:-]{0,100})")
_FEED_ROOTS = {b"rss", b"rdf", b"feed"}
_SITEMAP_ROOTS = {b"urlset", b"sitemapindex"}
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json")
_URL_LINE = re.compile(rb"^https?://\S+$")


def detect_kind(data: bytes, *, media_type: str | None = None, location: str = "") -> SourceKind:  # noqa: PLR0911
    """FEED, SITEMAP, WARC or PAGE, from the content first and the media type second."""
    head = data[:HEAD_BYTES]
    if head.startswith(_GZIP):
        head = _inflate_head(head)
        if head.startswith(b"WARC/"):
            return SourceKind.WARC
    if head.startswith(b"WARC/"):
        return SourceKind.WARC
    head = as_utf8(head).lstrip(b"\xef\xbb\xbf \t\r\n")
    declared = (media_type or "").split(";")[0].strip().lower()
    if head.startswith(b"{"):
        if re.search(rb'"version"\s*:\s*"https:\\?/\\?/jsonfeed\.org', head):
            return SourceKind.FEED
        return SourceKind.FEED if declared == "application/feed+json" else SourceKind.PAGE
    root = _root_name(strip_declarations(head))
    if root in _FEED_ROOTS:
        return SourceKind.FEED
    if root in _SITEMAP_ROOTS:
        return SourceKind.SITEMAP
    if root is None and _is_url_list(head, complete=len(data) <= HEAD_BYTES):
        return SourceKind.SITEMAP
    if root is None and declared in _FEED_TYPES:
        return SourceKind.FEED
    return SourceKind.PAGE


def _inflate_head(head: bytes) -> bytes:
    try:
        return zlib.decompressobj(wbits=31).decompress(head, HEAD_BYTES)
    except zlib.error:
        return b""


def _root_name(head: bytes) -> bytes | None:
    """Local name (lower case) of the first element, skipping declarations and comments."""
    pos = 0
    while True:
        match = _TAG.search(head, pos)
        if match is None:
            return None
        if not match.group(1):
            return match.group(2).split(b":")[-1].lower()
        if head.startswith(b"<!--", match.start()):
            end = head.find(b"-->", match.start() + 4)
            pos = end + 3 if end >= 0 else len(head)
        else:
            pos = match.end()


def _is_url_list(head: bytes, *, complete: bool) -> bool:
    lines = [line.strip() for line in head.splitlines()]
    if not complete and lines:
        lines = lines[:-1]  # the last line may be cut in the middle
    lines = [line for line in lines if line]
    return bool(lines) and all(_URL_LINE.match(line) for line in lines)
