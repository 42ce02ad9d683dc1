"""read_warc against warcio's reading of the same real archives, and broken archives."""

from __future__ import annotations

import gzip
import io
import zlib
from datetime import UTC, datetime

from warcio.archiveiterator import ArchiveIterator as WarcioIterator

from tests.unit.sources.conftest import case
from wirewatch.errors import SourceError
from wirewatch.model import RawDocument
from wirewatch.sources import read_warc

DEMO = "demo-news-23pages.warc.gz"


def documents(data: bytes, location: str = "a.warc.gz") -> list[RawDocument | SourceError]:
    return list(read_warc(io.BytesIO(data), location=location))


def test_demo_warc_gives_23_html_documents_like_warcio_reads_them() -> None:
    data = case(DEMO)
    expected = [
        (r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read())
        for r in WarcioIterator(io.BytesIO(data))
        if r.rec_type == "response"
    ]
    docs = documents(data, "demo.warc.gz")
    assert all(isinstance(d, RawDocument) for d in docs)
    assert len(docs) == 23
    assert [(d.url, d.content) for d in docs if isinstance(d, RawDocument)] == expected
    first = docs[0]
    assert isinstance(first, RawDocument)
    assert first.url is not None and first.url.startswith("https://www.wsj.com/articles/google-stadia")
    assert first.location == "demo.warc.gz#427"
    assert (first.media_type, first.charset) == ("text/html", "utf-8")
    assert first.fetched_at == datetime(2019, 11, 19, 12, 0, tzinfo=UTC)
    assert first.source == "demo.warc.gz"
    assert all(b"<html" in (d.content or b"")[:2000].lower() for d in docs if isinstance(d, RawDocument))


def test_common_crawl_warc_gives_its_one_response() -> None:
    [doc] = documents(case("commoncrawl-whirlwind__whirlwind.warc.gz"), "cc.warc.gz")
    assert isinstance(doc, RawDocument)
    assert doc.url == "https://an.wikipedia.org/wiki/Escopete"
    assert doc.location == "cc.warc.gz#1023"
    assert doc.fetched_at == datetime(2024, 5, 18, 1, 58, 10, tzinfo=UTC)
    assert doc.content is not None and b"Escopete" in doc.content


def record(payload: bytes, *, headers: str, status: str = "200 OK", uri: str = "https://x.example/") -> bytes:
    http = f"HTTP/1.1 {status}\r\n{headers}\r\n".encode() + payload
    warc = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\n"
        f"WARC-Date: 2024-01-02T03:04:05Z\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n"
    ).encode()
    return warc + http + b"\r\n\r\n"


def test_payload_decoding_and_filtering() -> None:
    html = b"<html><p>hello</p></html>"
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(html), html)
    deflated = zlib.compress(html)
    data = b"".join(
        [
            record(
                gzip.compress(html),
                headers="Content-Type: text/html\r\nContent-Encoding: gzip\r\n",
                uri="https://x.example/gz",
            ),
            record(
                chunked,
                headers="Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n",
                uri="https://x.example/chunked",
            ),
            record(
                deflated,
                headers="Content-Type: text/html\r\nContent-Encoding: deflate\r\n",
                uri="https://x.example/deflate",
            ),
            record(
                html,
                headers="Content-Type: text/html\r\nContent-Encoding: gzip\r\n",
                uri="https://x.example/stored-decoded",
            ),
            record(b"\x89PNG\r\n", headers="Content-Type: image/png\r\n", uri="https://x.example/img"),
            record(
                html,
                headers="Content-Type: text/html\r\n",
                status="404 Not Found",
                uri="https://x.example/404",
            ),
            record(
                b"plain words",
                headers="Content-Type: text/plain; charset=iso-8859-1\r\n",
                uri="https://x.example/txt",
            ),
        ]
    )
    docs = [d for d in documents(data) if isinstance(d, RawDocument)]
    assert [d.url for d in docs] == [
        "https://x.example/gz",
        "https://x.example/chunked",
        "https://x.example/deflate",
        "https://x.example/stored-decoded",
        "https://x.example/txt",
    ]
    assert [d.content for d in docs[:4]] == [html] * 4
    assert (docs[4].media_type, docs[4].charset) == ("text/plain", "iso-8859-1")


def test_compressed_payload_bomb_is_capped() -> None:
    bomb = gzip.compress(b"<p>" + b"a" * 5_000_000)
    data = record(bomb, headers="Content-Type: text/html\r\nContent-Encoding: gzip\r\n")
    [error] = list(read_warc(io.BytesIO(data), location="b.warc", max_bytes=100_000))
    assert isinstance(error, SourceError)
    assert "larger than 100000 bytes after decompression" in str(error)


def test_corrupt_record_yields_an_error_and_reading_goes_on() -> None:
    bad = record(b"\x1f\x8bnot really gzip", headers="Content-Type: text/html\r\nContent-Encoding: gzip\r\n")
    good = record(b"<p>ok</p>", headers="Content-Type: text/html\r\n", uri="https://x.example/ok")
    results = documents(bad + good)
    assert isinstance(results[0], SourceError) and "cannot decode gzip" in str(results[0])
    assert isinstance(results[1], RawDocument) and results[1].url == "https://x.example/ok"


def test_truncated_warc_yields_one_error_after_the_whole_records() -> None:
    data = case(DEMO)
    results = documents(data[: len(data) // 2])
    errors = [r for r in results if isinstance(r, SourceError)]
    assert len(errors) == 1
    assert "\n" not in str(errors[0])
    assert 0 < len(results) - 1 < 23


def test_garbage_and_empty_streams_yield_one_error() -> None:
    for data in (b"this is not a warc file\n" * 50, b"", bytes(range(256)) * 10):
        [error] = documents(data, "junk.warc")
        assert isinstance(error, SourceError)
        assert error.document == "junk.warc"
        assert "\n" not in str(error)
