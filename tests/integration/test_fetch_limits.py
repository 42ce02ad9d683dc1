"""The Fetcher's limits against a real server: decoded-size cap, bombs, deadline."""

from __future__ import annotations

import asyncio
import importlib
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.httpserver import HTTPTestServer, Reply, serve_http
from wirewatch.config import Settings, load_settings
from wirewatch.errors import DeadlineError, TooLargeError
from wirewatch.fetch import Fetcher, FetchResult

brotli = importlib.import_module("brotli")
ARTICLE = ("NATO Secretary General Jens Stoltenberg said the alliance stands with Ukraine. " * 300).encode()


@pytest.fixture
def server() -> Iterator[HTTPTestServer]:
    with serve_http() as running:
        yield running


def settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"allow_networks": "127.0.0.0/8", "respect_robots": False, **overrides}
    return load_settings(env={}, overrides=values)


def fetch(url: str, config: Settings | None = None) -> FetchResult:
    async def go() -> FetchResult:
        async with Fetcher(config or settings()) as fetcher:
            return await fetcher.fetch(url)

    return asyncio.run(go())


def test_gzip_body_is_decoded(server: HTTPTestServer) -> None:
    server.route("/a", Reply(body=ARTICLE, gzip=True, headers={"Content-Type": "text/html"}))
    assert fetch(server.url("/a")).content == ARTICLE
    assert len(server.requests_to("/a")) == 1


@pytest.mark.parametrize(
    ("coding", "encoded"), [("br", brotli.compress(ARTICLE)), ("deflate", zlib.compress(ARTICLE))]
)
def test_brotli_and_deflate_bodies_are_decoded(server: HTTPTestServer, coding: str, encoded: bytes) -> None:
    server.route("/a", Reply(body=encoded, headers={"Content-Encoding": coding}, chunked=True))
    assert fetch(server.url("/a")).content == ARTICLE


def _gzip_bomb(size: int) -> bytes:
    """``size`` bytes of zeros, gzip-compressed a megabyte at a time (about size / 1000)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = b"\0" * (1024 * 1024)
    parts = [compressor.compress(zeros) for _ in range(size // len(zeros))]
    return b"".join([*parts, compressor.flush()])


def test_gzip_bomb_is_refused_without_inflating_it(server: HTTPTestServer) -> None:
    bomb = _gzip_bomb(200 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024
    server.route("/bomb", Reply(body=bomb, headers={"Content-Encoding": "gzip", "Content-Type": "text/html"}))
    tracemalloc.start()
    try:
        with pytest.raises(TooLargeError) as info:
            fetch(server.url("/bomb"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.value.message == "body larger than 10485760 bytes after decompression"
    assert info.value.document == server.url("/bomb")
    assert peak < 48 * 1024 * 1024  # the cap is 10 MiB; the bomb would be 200 MiB


def test_oversized_plain_body_without_length_is_refused(server: HTTPTestServer) -> None:
    server.route("/big", Reply(body=b"x" * (1024 * 1024 + 1), chunked=True))
    server.route("/fits", Reply(body=b"x" * (1024 * 1024), chunked=True))
    config = settings(max_body_bytes=1024 * 1024)
    with pytest.raises(TooLargeError, match="body larger than 1048576 bytes"):
        fetch(server.url("/big"), config)
    assert len(fetch(server.url("/fits"), config).content) == 1024 * 1024


def test_content_length_over_the_cap_is_refused_before_reading(server: HTTPTestServer) -> None:
    # The server promises a gigabyte but sends 10 bytes and then waits: only a check of
    # the header, made before reading, can answer before the deadline.
    server.route("/huge", Reply(body=b"x" * 10, content_length=10**9))
    started = time.monotonic()
    with pytest.raises(TooLargeError, match="Content-Length 1000000000"):
        fetch(server.url("/huge"), settings(fetch_deadline=20.0))
    assert time.monotonic() - started < 10


def test_slow_drip_is_stopped_by_the_deadline(server: HTTPTestServer) -> None:
    server.route("/drip", Reply(body=b"x" * 30, drip_delay=1.0))  # would take 30 s
    started = time.monotonic()
    with pytest.raises(DeadlineError) as info:
        fetch(server.url("/drip"), settings(fetch_deadline=1.0))
    assert time.monotonic() - started < 10
    assert info.value.message == "deadline of 1s passed"
    assert info.value.document == server.url("/drip")


def test_deadline_covers_a_slow_start_and_redirects(server: HTTPTestServer) -> None:
    server.route("/a", Reply(status=302, headers={"Location": "/b"}, delay=0.6))
    server.route("/b", Reply(status=302, headers={"Location": "/c"}, delay=0.6))
    server.route("/c", Reply(body=b"late", delay=0.6))
    with pytest.raises(DeadlineError):
        fetch(server.url("/a"), settings(fetch_deadline=1.0))
    assert fetch(server.url("/a"), settings(fetch_deadline=10.0)).content == b"late"


def test_charset_is_reported_as_given(server: HTTPTestServer) -> None:
    body = "Столтенберг".encode("windows-1251")
    server.route("/ru", Reply(body=body, headers={"Content-Type": "text/html; charset=Windows-1251"}))
    result = fetch(server.url("/ru"))
    assert (result.content, result.charset, result.media_type) == (body, "Windows-1251", "text/html")


def test_server_on_another_loopback_address_is_reached_when_allowed() -> None:
    with serve_http("127.0.0.3") as other:
        other.route("/", Reply(body=b"three"))
        assert fetch(other.url("/")).content == b"three"
