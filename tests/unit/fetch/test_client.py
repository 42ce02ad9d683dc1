"""The Fetcher over a fake Transport (the seam): no sockets opened."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import pytest

import wirewatch.fetch
from wirewatch.config import Settings, load_settings
from wirewatch.errors import FetchError, HTTPStatusError, TooLargeError, TooManyRedirectsError
from wirewatch.fetch import Fetcher, RawResponse, Request
from wirewatch.fetch.client import parse_content_type


@dataclass
class FakeTransport:
    """Answers from a table of URL → (status, headers, body)."""

    table: dict[str, tuple[int, dict[str, str], bytes]]
    seen: list[Request] = field(default_factory=list)
    closed: bool = False

    @asynccontextmanager
    async def open(self, request: Request) -> AsyncIterator[RawResponse]:
        self.seen.append(request)
        url = f"{request.target.origin}{request.target.target}"
        status, headers, body = self.table.get(url, (404, {}, b"missing"))

        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, len(body), 3):
                yield body[start : start + 3]

        yield RawResponse(status=status, headers=tuple(headers.items()), body=chunks())

    async def aclose(self) -> None:
        self.closed = True


def _settings(**overrides: object) -> Settings:
    return load_settings(env={}, overrides={"respect_robots": False, **overrides})


def _fetch(transport: FakeTransport, url: str, **overrides: object) -> wirewatch.fetch.FetchResult:
    async def run() -> wirewatch.fetch.FetchResult:
        async with Fetcher(_settings(**overrides), transport=transport) as fetcher:
            return await fetcher.fetch(url)

    return asyncio.run(run())


def test_public_api() -> None:
    assert set(wirewatch.fetch.__all__) >= {"Fetcher", "FetchResult", "Transport"}
    for name in wirewatch.fetch.__all__:
        assert hasattr(wirewatch.fetch, name), name


def test_result_fields_and_closing() -> None:
    fake = FakeTransport(
        {
            "http://a.example/": (
                200,
                {"Content-Type": 'Text/HTML; Charset="ISO-8859-1"', "ETag": '"v1"'},
                b"hello world",
            )
        }
    )
    result = _fetch(fake, "http://a.example/")
    assert result.content == b"hello world"
    assert (result.media_type, result.charset, result.etag) == ("text/html", "ISO-8859-1", '"v1"')
    assert result.fetched_at.tzinfo is not None
    assert fake.closed


def test_redirects_are_followed_by_the_fetcher() -> None:
    fake = FakeTransport(
        {
            "http://a.example/old": (301, {"Location": "https://b.example/new"}, b""),
            "https://b.example/new": (200, {}, b"moved here"),
        }
    )
    result = _fetch(fake, "http://a.example/old")
    assert (result.url, result.content) == ("https://b.example/new", b"moved here")
    assert [r.target.host for r in fake.seen] == ["a.example", "b.example"]


def test_redirect_loop_is_capped() -> None:
    fake = FakeTransport({"http://a.example/": (302, {"Location": "/"}, b"")})
    with pytest.raises(TooManyRedirectsError, match="more than 3 redirects"):
        _fetch(fake, "http://a.example/", max_redirects=3)
    assert len(fake.seen) == 4


def test_redirect_to_another_scheme_is_refused() -> None:
    fake = FakeTransport({"http://a.example/": (302, {"Location": "file:///etc/passwd"}, b"")})
    with pytest.raises(FetchError, match="after redirect to file:///etc/passwd: unsupported URL") as info:
        _fetch(fake, "http://a.example/")
    assert info.value.document == "http://a.example/"


def test_status_errors_and_size_cap() -> None:
    fake = FakeTransport({"http://a.example/big": (200, {}, b"x" * 101)})
    with pytest.raises(HTTPStatusError) as info:
        _fetch(fake, "http://a.example/gone")
    assert info.value.status == 404
    with pytest.raises(TooLargeError):
        _fetch(fake, "http://a.example/big", max_body_bytes=100)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, (None, None)),
        ("text/plain", ("text/plain", None)),
        ("application/XML;charset=utf-8", ("application/xml", "utf-8")),
        ("text/html; foo=bar; charset='windows-1251'", ("text/html", "windows-1251")),
    ],
)
def test_parse_content_type(header: str | None, expected: tuple[str | None, str | None]) -> None:
    assert parse_content_type(header) == expected
