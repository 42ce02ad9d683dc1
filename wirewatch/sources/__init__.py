"""Sources: turn bytes into raw documents.  Parsers take bytes and never fetch.

``parse_feed`` (RSS, Atom, JSON Feed), ``parse_sitemap`` (sitemaps, indexes, news and
text sitemaps), ``read_warc`` (web archives), ``iter_files`` (files and folders, gzip
and WARC included), ``detect_kind`` (which of these some bytes are), ``parse_opml`` and
``write_opml`` (subscription lists).  Every fault in the input is a ``SourceError``.
"""

from wirewatch.sources.detect import detect_kind
from wirewatch.sources.feeds import Feed, parse_feed
from wirewatch.sources.files import gunzip_bytes, iter_files
from wirewatch.sources.opml import parse_opml, write_opml
from wirewatch.sources.sitemaps import Sitemap, parse_sitemap
from wirewatch.sources.warc import read_warc

__all__ = [
    "Feed",
    "Sitemap",
    "detect_kind",
    "gunzip_bytes",
    "iter_files",
    "parse_feed",
    "parse_opml",
    "parse_sitemap",
    "read_warc",
    "write_opml",
]
