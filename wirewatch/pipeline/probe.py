"""What kind of source some bytes or a URL are: feed, sitemap, WARC or page."""

from __future__ import annotations

from wirewatch.config import Settings
from wirewatch.fetch import Fetcher
from wirewatch.model import SourceKind
from wirewatch.sources import detect_kind, gunzip_bytes

__all__ = ["probe_kind", "sniff_kind"]

_GZIP_MAGIC = b"\x1f\x8b"


def sniff_kind(
    content: bytes, *, media_type: str | None, location: str, max_bytes: int
) -> tuple[bytes, SourceKind]:
    """The kind of ``content``, and the content itself, gunzipped when it is a gzip file
    served as such (``sitemap.xml.gz``) rather than as a Content-Encoding.  A gzipped WARC
    stays as it is: the WARC reader inflates it record by record."""
    kind = detect_kind(content, media_type=media_type, location=location)
    if content.startswith(_GZIP_MAGIC) and kind is not SourceKind.WARC:
        content = gunzip_bytes(content, max_bytes=max_bytes, location=location)
        kind = detect_kind(content, location=location)
    return content, kind


async def probe_kind(url: str, settings: Settings) -> SourceKind:
    """Fetch ``url`` once and tell its kind from the bytes; raises ``WirewatchError``."""
    async with Fetcher(settings) as fetcher:
        result = await fetcher.fetch(url)
    _, kind = sniff_kind(
        result.content, media_type=result.media_type, location=url, max_bytes=settings.max_body_bytes
    )
    return kind
