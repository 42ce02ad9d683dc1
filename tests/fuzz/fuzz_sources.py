"""Fuzz targets for the parsers that read untrusted bytes (atheris-style entry points).

Each ``fuzz_*`` takes arbitrary bytes and must return normally or raise ``SourceError``;
anything else is a finding.  ``test_fuzz_sources.py`` drives them with hypothesis; with
atheris installed, ``atheris.Setup(sys.argv, fuzz_parse_feed); atheris.Fuzz()`` works too.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from wirewatch.errors import SourceError
from wirewatch.sources import detect_kind, iter_files, parse_feed, parse_opml, parse_sitemap, read_warc


def fuzz_parse_feed(data: bytes) -> None:
    try:
        feed = parse_feed(data, location="fuzz", timeout=10.0, max_field_chars=1000)
    except SourceError:
        return
    for entry in feed.entries:
        assert len(entry.hints.title or "") <= 1000


def fuzz_parse_sitemap(data: bytes) -> None:
    try:
        parse_sitemap(data, location="fuzz")
    except SourceError:
        return


def fuzz_parse_opml(data: bytes) -> None:
    try:
        parse_opml(data, location="fuzz")
    except SourceError:
        return


def fuzz_detect_kind(data: bytes) -> None:
    detect_kind(data)


def fuzz_read_warc(data: bytes) -> None:
    for item in read_warc(io.BytesIO(data), location="fuzz", max_bytes=100_000):
        assert item is not None


def fuzz_iter_files(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name in ("x.txt.gz", "x.warc", "x.html"):
            (Path(folder) / name).write_bytes(data)
        for item in iter_files(Path(folder), max_bytes=100_000):
            assert item is not None


TARGETS = (
    fuzz_parse_feed,
    fuzz_parse_sitemap,
    fuzz_parse_opml,
    fuzz_detect_kind,
    fuzz_read_warc,
    fuzz_iter_files,
)
