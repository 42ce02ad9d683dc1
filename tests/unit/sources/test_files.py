"""iter_files on real folders built in tmp_path."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from tests.unit.sources.conftest import CASES
from wirewatch.errors import SourceError
from wirewatch.model import RawDocument
from wirewatch.sources import iter_files


def test_folder_is_walked_sorted_recursively_skipping_hidden(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_bytes(b"plain words")
    (tmp_path / "a.html").write_bytes(b"<p>hi</p>")
    (tmp_path / ".secret").write_bytes(b"hidden")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_bytes(b"hidden too")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.xml.gz").write_bytes(gzip.compress(b"<rss/>"))
    (tmp_path / "sub" / "d.bin").write_bytes(b"\x00\x01")
    results = list(iter_files(tmp_path, max_bytes=1000))
    assert all(isinstance(r, RawDocument) for r in results)
    docs = [r for r in results if isinstance(r, RawDocument)]
    assert [Path(d.location).relative_to(tmp_path).as_posix() for d in docs] == [
        "a.html",
        "b.txt",
        "sub/c.xml.gz",
        "sub/d.bin",
    ]
    assert [d.media_type for d in docs] == ["text/html", "text/plain", "application/xml", None]
    assert docs[2].content == b"<rss/>"
    assert all(d.url is None for d in docs)


def test_warc_files_in_a_folder_are_read_as_archives(tmp_path: Path) -> None:
    (tmp_path / "crawl.warc.gz").write_bytes(
        (CASES / "commoncrawl-whirlwind__whirlwind.warc.gz").read_bytes()
    )
    (tmp_path / "renamed.bin").write_bytes((CASES / "commoncrawl-whirlwind__whirlwind.warc.gz").read_bytes())
    docs = list(iter_files(tmp_path, max_bytes=1_000_000))
    assert [d.url for d in docs if isinstance(d, RawDocument)] == [
        "https://an.wikipedia.org/wiki/Escopete"
    ] * 2
    assert isinstance(docs[0], RawDocument)
    assert docs[0].location == f"{tmp_path / 'crawl.warc.gz'}#1023"


def test_gzip_bomb_is_stopped_at_the_cap(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(gzip.compress(b"\0" * 20_000_000, compresslevel=9))
    assert bomb.stat().st_size < 100_000
    [error] = list(iter_files(bomb, max_bytes=1_000_000))
    assert isinstance(error, SourceError)
    assert str(error) == f"{bomb}: source: larger than 1000000 bytes after decompression"


def test_multi_member_gzip_and_cut_gzip(tmp_path: Path) -> None:
    two = tmp_path / "two.txt.gz"
    two.write_bytes(gzip.compress(b"one ") + gzip.compress(b"two"))
    [doc] = list(iter_files(two, max_bytes=100))
    assert isinstance(doc, RawDocument) and doc.content == b"one two"
    cut = tmp_path / "cut.txt.gz"
    cut.write_bytes(gzip.compress(os.urandom(5000))[:2000])
    [error] = list(iter_files(cut, max_bytes=100_000))
    assert isinstance(error, SourceError) and "cut short" in str(error)


def test_plain_file_over_the_cap(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 101)
    [error] = list(iter_files(big, max_bytes=100))
    assert isinstance(error, SourceError) and "larger than 100 bytes" in str(error)


def test_empty_file_missing_path_and_pipe(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    [empty] = list(iter_files(tmp_path / "empty.txt", max_bytes=10))
    assert isinstance(empty, SourceError) and "empty file" in str(empty)
    [missing] = list(iter_files(tmp_path / "nope", max_bytes=10))
    assert isinstance(missing, SourceError)
    assert str(missing) == f"{tmp_path / 'nope'}: source: no such file or folder"
    # a named pipe in a folder would block a reader forever: it is refused, not read
    os.mkfifo(tmp_path / "pipe.html")
    [pipe] = [e for e in iter_files(tmp_path, max_bytes=10) if "pipe.html" in str(e)]
    assert isinstance(pipe, SourceError) and "not a regular file" in str(pipe)


def test_dangling_symlink_is_an_error_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "link.txt").symlink_to(tmp_path / "gone.txt")
    [error] = list(iter_files(tmp_path, max_bytes=10))
    assert isinstance(error, SourceError) and "No such file" in str(error)


def test_gunzip_bytes_inflates_and_stops_at_the_cap() -> None:
    import gzip

    from wirewatch.sources import gunzip_bytes

    assert gunzip_bytes(gzip.compress(b"<urlset/>"), max_bytes=100, location="s.xml.gz") == b"<urlset/>"
    with pytest.raises(SourceError, match="after decompression"):
        gunzip_bytes(gzip.compress(b"\0" * 10_000), max_bytes=1000, location="bomb.gz")
