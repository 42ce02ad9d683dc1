"""Incremental, bounded decoding of a response body (Content-Encoding).

Every decompressor is asked for at most "what is left under the cap, plus one byte" per
call, so a decompression bomb never grows past ``limit`` in memory: 200 KB of gzip that
would inflate to 200 MB is refused after ``limit + 1`` decoded bytes.
"""

from __future__ import annotations

import importlib
import zlib
from typing import Any, Protocol

from wirewatch.errors import FetchError, TooLargeError

__all__ = ["BodyDecoder", "accept_encoding"]


def _load_brotli() -> Any:
    try:
        return importlib.import_module("brotli")
    except ImportError:  # pragma: no cover - brotli is installed with wirewatch
        return None


_BROTLI = _load_brotli()


def accept_encoding() -> str:
    """The Accept-Encoding header naming exactly the codings BodyDecoder can decode."""
    return "gzip, deflate, br" if _BROTLI is not None else "gzip, deflate"


class _Codec(Protocol):
    def feed(self, data: bytes, room: int) -> bytes:
        """Decode ``data``; return at most ``room`` bytes, keeping the rest pending."""

    def pending(self) -> bool:
        """True while output is waiting for another call with empty input."""


class _Zlib:
    """gzip (also concatenated members), zlib-wrapped deflate, or raw deflate."""

    def __init__(self, coding: str) -> None:
        self._gzip = coding == "gzip"
        self._obj: Any = None
        self._tail = b""  # input not yet decoded because the output room ran out
        self._done = False  # a deflate stream ended; anything after it is ignored

    def _new(self, first: bytes) -> Any:
        if self._gzip:
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        zlib_header = first[0] & 0x0F == 8 and (first[0] << 8 | first[1]) % 31 == 0
        return zlib.decompressobj(zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS)

    def feed(self, data: bytes, room: int) -> bytes:
        data, self._tail = self._tail + data, b""
        out = bytearray()
        while data and len(out) < room and not self._done:
            if self._obj is None:
                if len(data) < 2:  # too short to tell zlib from raw deflate: wait
                    break
                self._obj = self._new(data)
            out += self._obj.decompress(data, room - len(out))
            if not self._obj.eof:
                data = self._obj.unconsumed_tail
                continue
            data, self._obj = self._obj.unused_data, None
            # Another gzip member may follow; trailing junk after the end is tolerated.
            self._done = not (self._gzip and data[:2] in (b"\x1f\x8b", b"\x1f"))
        self._tail = b"" if self._done else data
        return bytes(out)

    def pending(self) -> bool:
        return bool(self._tail) and self._obj is not None


class _Brotli:
    def __init__(self) -> None:
        self._obj: Any = _BROTLI.Decompressor()

    def feed(self, data: bytes, room: int) -> bytes:
        if data and not self._obj.can_accept_more_data():
            raise AssertionError("brotli fed while output was pending")  # pragma: no cover
        return bytes(self._obj.process(data, output_buffer_limit=room))

    def pending(self) -> bool:
        return not self._obj.can_accept_more_data()


class _Identity:
    def __init__(self) -> None:
        self._tail = b""

    def feed(self, data: bytes, room: int) -> bytes:
        data = self._tail + data
        self._tail = data[room:]
        return data[:room]

    def pending(self) -> bool:
        return bool(self._tail)


def _codec(content_encoding: str | None) -> _Codec:
    codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        return _Identity()
    if len(codings) > 1:
        raise FetchError(f"unsupported Content-Encoding {content_encoding!r} (more than one coding)")
    coding = {"x-gzip": "gzip"}.get(codings[0], codings[0])
    if coding in {"gzip", "deflate"}:
        return _Zlib(coding)
    if coding == "br" and _BROTLI is not None:
        return _Brotli()
    raise FetchError(f"unsupported Content-Encoding {content_encoding!r}")


class BodyDecoder:
    """Feed raw body chunks in; get the decoded body out, never more than ``limit`` bytes."""

    def __init__(self, content_encoding: str | None, limit: int) -> None:
        self._codec = _codec(content_encoding)
        self._limit = limit
        self._parts: list[bytes] = []
        self._size = 0

    def feed(self, chunk: bytes) -> None:
        """Decode one raw chunk; TooLargeError once the decoded size passes the limit."""
        try:
            self._take(self._codec.feed(chunk, self._room()))
            while self._codec.pending():
                self._take(self._codec.feed(b"", self._room()))
        except (zlib.error, ValueError) as exc:
            raise FetchError(f"cannot decode body: {exc}") from None
        except Exception as exc:
            if _BROTLI is not None and isinstance(exc, _BROTLI.error):
                raise FetchError(f"cannot decode body: {exc}") from None
            raise

    def _room(self) -> int:
        return self._limit - self._size + 1

    def _take(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self._limit:
            raise TooLargeError(f"body larger than {self._limit} bytes after decompression")
        if data:
            self._parts.append(data)

    def result(self) -> bytes:
        return b"".join(self._parts)
