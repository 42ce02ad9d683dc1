"""Web archives (WARC 1.0/1.1, plain or gzip/zstd/lz4 per record) read with fastwarc.

Only ``response`` records of HTTP 200 answers with an HTML or plain-text payload become
documents; everything else (requests, metadata, images, redirects) is skipped.  The
payload is un-chunked and decoded per its ``Content-Encoding`` (gzip, deflate, br),
never beyond ``max_bytes``.  Crawlers often store the payload already decoded but keep
the original headers, so a body that does not look encoded is taken as it is.

Faults: a record that cannot be decoded, or that is cut short, is yielded as a
``SourceError`` and reading goes on; a stream that fastwarc can no longer read
(garbage, a broken gzip member, not a WARC at all) yields one ``SourceError`` and ends.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, BinaryIO

from fastwarc.stream_io import BrotliReader
from fastwarc.warc import ArchiveIterator, WarcRecordType

from wirewatch.errors import SourceError
from wirewatch.model import RawDocument

__all__ = ["read_warc"]

_PAYLOAD_TYPES = {"text/html", "application/xhtml+xml", "text/plain"}
_DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def read_warc(
    stream: BinaryIO, *, location: str, max_bytes: int = _DEFAULT_MAX_BYTES
) -> Iterator[RawDocument | SourceError]:
    """Yield one ``RawDocument`` per HTML/text 200 response, or a ``SourceError``."""
    records = 0
    try:
        iterator = ArchiveIterator(stream, parse_http=True, stream_detect=True)
        for record in iterator:
            records += 1
            if record.record_type != WarcRecordType.response:
                continue
            where = f"{location}#{record.stream_pos}"
            try:
                document = _document(record, where=where, source=location, max_bytes=max_bytes)
            except SourceError as exc:
                yield exc
                continue
            if document is not None:
                yield document
    except (OSError, ValueError) as exc:
        reason = (str(exc).splitlines() or [type(exc).__name__])[0][:200]
        yield SourceError(f"not a readable WARC file after {records} records: {reason}", document=location)
        return
    if records == 0:
        yield SourceError("not a WARC file: no WARC record found", document=location)


def _document(record: Any, *, where: str, source: str, max_bytes: int) -> RawDocument | None:
    if not record.is_http or record.http_headers is None:
        return None
    if record.http_headers.status_code != 200:
        return None
    media_type = (record.http_content_type or "").split(";")[0].strip().lower() or None
    if media_type is not None and media_type not in _PAYLOAD_TYPES:
        return None
    expected = record.content_length
    body = record.reader.read(max_bytes + 1)
    if len(body) > max_bytes:
        raise SourceError(f"payload larger than {max_bytes} bytes", document=where)
    if expected is not None and len(body) < expected:
        raise SourceError(f"record cut short: {len(body)} of {expected} bytes", document=where)
    headers = record.http_headers
    if "chunked" in (headers.get("Transfer-Encoding") or "").lower():
        body = _dechunk(body)
    body = _decode(body, (headers.get("Content-Encoding") or "").strip().lower(), max_bytes, where)
    if media_type is None and b"\x00" in body[:1024]:
        return None  # untyped binary payload
    return RawDocument(
        location=where,
        content=body,
        url=record.headers.get("WARC-Target-URI"),
        media_type=media_type,
        charset=record.http_charset or None,
        source=source,
        fetched_at=_utc(record.record_date),
    )


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _dechunk(body: bytes) -> bytes:
    """Undo chunked transfer-encoding; a body that is not really chunked stays as it is."""
    out: list[bytes] = []
    pos = 0
    while True:
        line_end = body.find(b"\r\n", pos)
        if line_end < 0:
            return body
        try:
            size = int(body[pos:line_end].split(b";")[0].strip(), 16)
        except ValueError:
            return body
        if size == 0:
            return b"".join(out)
        start = line_end + 2
        out.append(body[start : start + size])
        pos = start + size + 2
        if pos > len(body):
            return b"".join(out)  # cut short: keep what arrived


def _decode(body: bytes, encoding: str, max_bytes: int, where: str) -> bytes:
    if encoding in ("", "identity", "none"):
        return body
    try:
        if encoding in ("gzip", "x-gzip") and body.startswith(b"\x1f\x8b"):
            return _inflate(body, zlib.decompressobj(wbits=47), max_bytes, where)
        if encoding == "deflate" and body[:1] in (b"\x78", b"\x58", b"\x68", b"\x08", b"\x28", b"\x48"):
            return _inflate(body, zlib.decompressobj(wbits=15), max_bytes, where)
        if encoding == "deflate" and not body.lstrip().startswith(b"<"):
            return _inflate(body, zlib.decompressobj(wbits=-15), max_bytes, where)
        if encoding == "br" and not body.lstrip().startswith(b"<"):
            return _capped(bytes(BrotliReader(io.BytesIO(body)).read(max_bytes + 1)), max_bytes, where)
    except (zlib.error, OSError) as exc:
        reason = (str(exc).splitlines() or [""])[0][:200]
        raise SourceError(f"cannot decode {encoding} payload: {reason}", document=where) from None
    return body


def _inflate(body: bytes, inflater: Any, max_bytes: int, where: str) -> bytes:
    return _capped(inflater.decompress(body, max_bytes + 1), max_bytes, where)


def _capped(data: bytes, max_bytes: int, where: str) -> bytes:
    if len(data) > max_bytes:
        raise SourceError(f"payload larger than {max_bytes} bytes after decompression", document=where)
    return data
