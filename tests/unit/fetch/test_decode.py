"""Bounded, incremental decoding of response bodies."""

from __future__ import annotations

import importlib
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wirewatch.errors import FetchError, TooLargeError
from wirewatch.fetch.decode import BodyDecoder, accept_encoding

brotli = importlib.import_module("brotli")

TEXT = ("Stoltenberg said NATO would stand by Ukraine. " * 200).encode()


def _gzip(data: bytes) -> bytes:
    obj = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return obj.compress(data) + obj.flush()


def _raw_deflate(data: bytes) -> bytes:
    obj = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return obj.compress(data) + obj.flush()


def _decode(encoding: str | None, data: bytes, limit: int = 10**6, step: int = 7) -> bytes:
    decoder = BodyDecoder(encoding, limit)
    for start in range(0, len(data), step):
        decoder.feed(data[start : start + step])
    return decoder.result()


@pytest.mark.parametrize(
    ("encoding", "encoded"),
    [
        (None, TEXT),
        ("identity", TEXT),
        ("gzip", _gzip(TEXT)),
        ("x-gzip", _gzip(TEXT)),
        ("GZIP", _gzip(TEXT)),
        ("deflate", zlib.compress(TEXT)),
        ("deflate", _raw_deflate(TEXT)),
        ("br", brotli.compress(TEXT)),
    ],
)
def test_codings_decode_in_small_chunks(encoding: str | None, encoded: bytes) -> None:
    assert _decode(encoding, encoded) == TEXT


def test_concatenated_gzip_members_are_all_decoded() -> None:
    assert _decode("gzip", _gzip(b"first ") + _gzip(b"second")) == b"first second"


def test_accept_encoding_names_what_we_decode() -> None:
    assert accept_encoding() == "gzip, deflate, br"


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [("gzip", _gzip), ("deflate", zlib.compress), ("br", brotli.compress), (None, lambda b: b)],
)
def test_body_over_the_limit_is_refused(encoding: str | None, compress: object) -> None:
    assert callable(compress)
    data = compress(b"\0" * 5000)
    with pytest.raises(TooLargeError, match="body larger than 4999 bytes after decompression"):
        _decode(encoding, data, limit=4999, step=1000)
    assert _decode(encoding, data, limit=5000, step=1000) == b"\0" * 5000


def test_bomb_never_inflates_past_the_limit_in_one_chunk() -> None:
    obj = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    bomb = obj.compress(b"\0" * (50 * 1024 * 1024)) + obj.flush()  # about 50 KB
    decoder = BodyDecoder("gzip", 1000)
    with pytest.raises(TooLargeError):
        decoder.feed(bomb)  # one chunk holding the whole bomb
    assert len(decoder.result()) <= 1000


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_garbage_is_a_fetch_error(encoding: str) -> None:
    with pytest.raises(FetchError, match="cannot decode body"):
        _decode(encoding, b"this is not compressed at all, not even a little", step=100)


@pytest.mark.parametrize("encoding", ["zstd", "compress", "gzip, br"])
def test_unknown_codings_are_refused(encoding: str) -> None:
    with pytest.raises(FetchError, match="unsupported Content-Encoding"):
        BodyDecoder(encoding, 100)


@given(st.binary(max_size=3000), st.integers(1, 500))
def test_gzip_round_trips_at_any_chunk_size(data: bytes, step: int) -> None:
    assert _decode("gzip", _gzip(data), step=step) == data
    assert _decode("deflate", _raw_deflate(data), step=step) == data
