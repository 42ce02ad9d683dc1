"""Local files and folders as documents.

A folder is walked recursively in sorted order, without following symbolic links to
folders, skipping hidden files and folders.  ``.gz`` files are inflated incrementally
and never beyond ``max_bytes`` (a gzip bomb costs at most that much memory); WARC files
are handed to ``read_warc``.  Every fault is yielded as a ``SourceError`` on that one
path, and the walk goes on.
"""

from __future__ import annotations

import io
import os
import stat
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from wirewatch.errors import SourceError
from wirewatch.model import RawDocument
from wirewatch.sources.warc import read_warc

__all__ = ["gunzip_bytes", "iter_files", "media_type_for"]

_MEDIA_TYPES = {
    ".txt": "text/plain",
    ".text": "text/plain",
    ".html": "text/html",
    ".htm": "text/html",
    ".xhtml": "text/html",
    ".xml": "application/xml",
    ".rss": "application/xml",
    ".atom": "application/xml",
    ".json": "application/json",
}
_CHUNK = 64 * 1024


def media_type_for(path: Path) -> str | None:
    """The media type the file name promises (``.gz`` looked through), or None."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return _MEDIA_TYPES.get(suffixes[-1]) if suffixes else None


def iter_files(path: Path, *, max_bytes: int) -> Iterator[RawDocument | SourceError]:
    """Yield the documents in a file or folder, or a ``SourceError`` per bad path."""
    if path.is_dir():
        for folder, dirnames, filenames in os.walk(path, onerror=None, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if not name.startswith("."):
                    yield from _read_file(Path(folder) / name, max_bytes=max_bytes)
    elif path.exists() or path.is_symlink():
        yield from _read_file(path, max_bytes=max_bytes)
    else:
        yield SourceError("no such file or folder", document=str(path))


def _read_file(path: Path, *, max_bytes: int) -> Iterator[RawDocument | SourceError]:
    where = str(path)
    name = path.name.lower()
    try:
        with _open_regular(path) as handle:
            start = handle.read(4)
            handle.seek(0)
            if name.endswith((".warc", ".warc.gz")) or start == b"WARC" or _gzipped_warc(handle):
                handle.seek(0)
                yield from read_warc(handle, location=where, max_bytes=max_bytes)
                return
            handle.seek(0)
            if name.endswith(".gz"):
                content = _gunzip(handle, max_bytes=max_bytes, where=where)
            else:
                content = handle.read(max_bytes + 1)
                if len(content) > max_bytes:
                    raise SourceError(f"larger than {max_bytes} bytes", document=where)
    except SourceError as exc:
        yield exc
        return
    except OSError as exc:
        yield SourceError(exc.strerror or type(exc).__name__, document=where)
        return
    if not content:
        yield SourceError("empty file", document=where)
        return
    yield RawDocument(location=where, content=content, media_type=media_type_for(path))


def _open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading; a pipe, device or socket would block or never end."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise SourceError("not a regular file (a pipe, device or socket)", document=str(path))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def gunzip_bytes(data: bytes, *, max_bytes: int, location: str) -> bytes:
    """Inflate gzip bytes in memory (a ``.xml.gz`` sitemap, say), stopping at ``max_bytes``."""
    return _gunzip(io.BytesIO(data), max_bytes=max_bytes, where=location)


def _gzipped_warc(handle: BinaryIO) -> bool:
    """True for a gzip file whose first inflated bytes are ``WARC/``."""
    head = handle.read(512)
    if not head.startswith(b"\x1f\x8b"):
        return False
    try:
        return zlib.decompressobj(wbits=31).decompress(head, 5) == b"WARC/"
    except zlib.error:
        return False


def _gunzip(handle: BinaryIO, *, max_bytes: int, where: str) -> bytes:
    """Inflate a gzip file (all members) chunk by chunk, stopping at ``max_bytes``."""
    out = bytearray()
    inflater = zlib.decompressobj(wbits=31)
    member_open = False
    pending = b""
    while True:
        if not pending:
            pending = handle.read(_CHUNK)
            if not pending:
                break
        member_open = True
        try:
            out += inflater.decompress(pending, max_bytes + 1 - len(out))
        except zlib.error as exc:
            raise SourceError(f"broken gzip data: {exc}", document=where) from None
        if len(out) > max_bytes:
            raise SourceError(f"larger than {max_bytes} bytes after decompression", document=where)
        pending = inflater.unconsumed_tail
        if inflater.eof:
            member_open = False
            pending = inflater.unused_data + pending
            inflater = zlib.decompressobj(wbits=31)
            if not pending.strip(b"\x00"):
                pending = b""
    if member_open:
        raise SourceError("gzip data cut short", document=where)
    return bytes(out)
