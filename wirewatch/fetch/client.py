"""``Fetcher``: one polite, safe HTTP GET for everything wirewatch fetches.

For each request: a total deadline (connect, redirects and body), redirects followed
here with every hop re-checked (scheme, address, robots.txt), a cap on the *decoded*
body, conditional GET, per-host and total concurrency limits, an honest User-Agent.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType

from wirewatch.config import Settings
from wirewatch.errors import (
    DeadlineError,
    FetchError,
    HTTPStatusError,
    TooLargeError,
    TooManyRedirectsError,
)
from wirewatch.fetch.decode import BodyDecoder, accept_encoding
from wirewatch.fetch.robots import MAX_ROBOTS_BYTES, RobotsCache
from wirewatch.fetch.transport import HTTPCoreTransport, RawResponse, Request, Transport
from wirewatch.fetch.url import Target, parse_target, resolve_location

__all__ = ["FetchResult", "Fetcher", "PostResult"]

MAX_REPLY_BYTES = 64 * 1024  # what a webhook or push service says back: a status line's worth

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,application/atom+xml,*/*;q=0.8"


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str  # final URL after redirects
    status: int  # 200.. or 304
    content: bytes  # decoded (decompressed) body; b"" on 304
    media_type: str | None  # from Content-Type, lowercased, without params
    charset: str | None  # the charset param of Content-Type, as given
    etag: str | None
    last_modified: str | None
    not_modified: bool  # True on 304
    fetched_at: datetime  # timezone-aware UTC


@dataclass(frozen=True, slots=True)
class PostResult:
    """A POST's answer: any status (redirects are not followed), headers, a capped body."""

    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)


def parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """``("text/html", "utf-8")`` from ``"text/html; charset=utf-8"``; Nones when absent."""
    if not value:
        return None, None
    media, *params = value.split(";")
    charset = None
    for param in params:
        key, _, raw = param.partition("=")
        if key.strip().lower() == "charset":
            charset = raw.strip().strip("\"'") or None
    return media.strip().lower() or None, charset


class Fetcher:
    """Fetch URLs politely and safely; one instance per process (it caches robots.txt)."""

    def __init__(self, settings: Settings, *, transport: Transport | None = None) -> None:
        self._settings = settings
        self._transport: Transport = transport or HTTPCoreTransport(
            allow_networks=settings.allow_networks, max_connections=settings.total_concurrency
        )
        self._total = asyncio.Semaphore(settings.total_concurrency)
        self._per_host: dict[str, asyncio.Semaphore] = {}
        self._robots = RobotsCache(settings.user_agent, self._fetch_robots)

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._transport.aclose()

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET ``url``; raises only FetchError subclasses, each naming ``url``."""
        conditional: list[tuple[str, str]] = []
        if etag:
            conditional.append(("If-None-Match", etag))
        if last_modified:
            conditional.append(("If-Modified-Since", last_modified))
        return await self._fetch(
            url, conditional, limit=self._settings.max_body_bytes, robots=self._settings.respect_robots
        )

    async def post(
        self,
        url: str,
        body: bytes,
        *,
        headers: tuple[tuple[str, str], ...] = (),
        timeout: float | None = None,
    ) -> PostResult:
        """POST ``body`` to ``url`` (a webhook, a push service): the same address checks as a
        fetch, one deadline (``timeout`` or the fetch deadline), no redirect followed (a 3xx
        is returned as it is), the answer's body capped.  Raises FetchError naming ``url``."""
        deadline = timeout if timeout is not None else self._settings.fetch_deadline
        try:
            async with asyncio.timeout(deadline):
                target = parse_target(url)
                request = Request(
                    method="POST",
                    target=target,
                    headers=(("User-Agent", self._settings.user_agent), *headers),
                    connect_timeout=min(self._settings.fetch_connect_timeout, deadline),
                    read_timeout=deadline,
                    content=body,
                )
                async with self._slot(target), self._transport.open(request) as response:
                    content = b""
                    async for chunk in response.body:  # keep the start of the answer, drop the rest
                        content += chunk[: MAX_REPLY_BYTES - len(content)]
                        if len(content) >= MAX_REPLY_BYTES:
                            break
                    return PostResult(response.status, response.headers, content)
        except TimeoutError:
            raise DeadlineError(f"deadline of {deadline:g}s passed", document=url) from None
        except FetchError as exc:
            exc.document = url
            raise

    async def _fetch_robots(self, url: str) -> bytes:
        result = await self._fetch(url, [], limit=MAX_ROBOTS_BYTES, robots=False)
        return result.content

    async def _fetch(
        self, url: str, conditional: list[tuple[str, str]], *, limit: int, robots: bool
    ) -> FetchResult:
        deadline = self._settings.fetch_deadline
        try:
            async with asyncio.timeout(deadline) as scope:
                try:
                    return await self._follow(url, conditional, limit=limit, robots=robots)
                except TimeoutError:
                    if scope.expired():
                        raise
                    raise FetchError("timed out") from None
        except TimeoutError:
            raise DeadlineError(f"deadline of {deadline:g}s passed", document=url) from None
        except FetchError as exc:
            exc.document = url
            raise

    async def _follow(
        self, url: str, conditional: list[tuple[str, str]], *, limit: int, robots: bool
    ) -> FetchResult:
        current = url
        for hop in range(self._settings.max_redirects + 1):
            try:
                target = parse_target(current)
                if robots:
                    await self._robots.check(target)
                async with self._slot(target), self._open(target, conditional) as response:
                    location = response.header("location")
                    if response.status not in _REDIRECTS or not location:
                        return await self._result(target, response, limit)
                current = resolve_location(current, location)
            except FetchError as exc:
                if hop:  # name the hop that failed; .document stays the URL asked for
                    exc.message = f"after redirect to {current}: {exc.message}"
                    exc.args = (exc.message,)
                raise
        raise TooManyRedirectsError(f"more than {self._settings.max_redirects} redirects")

    @asynccontextmanager
    async def _slot(self, target: Target) -> AsyncIterator[None]:
        host = self._per_host.get(target.host)  # the host name: http and https share it
        if host is None:
            host = self._per_host[target.host] = asyncio.Semaphore(self._settings.per_host_concurrency)
        async with self._total, host:
            yield

    def _open(
        self, target: Target, conditional: list[tuple[str, str]]
    ) -> AbstractAsyncContextManager[RawResponse]:
        headers = (
            ("User-Agent", self._settings.user_agent),
            ("Accept", _ACCEPT),
            ("Accept-Encoding", accept_encoding()),
            *conditional,
        )
        request = Request(
            method="GET",
            target=target,
            headers=headers,
            connect_timeout=self._settings.fetch_connect_timeout,
            read_timeout=self._settings.fetch_deadline,
        )
        return self._transport.open(request)

    async def _result(self, target: Target, response: RawResponse, limit: int) -> FetchResult:
        status = response.status
        if status >= 400:
            raise HTTPStatusError(f"HTTP status {status}", status=status)
        if status != 304 and not 200 <= status < 300:
            raise HTTPStatusError(f"HTTP status {status} without a usable redirect", status=status)
        content = b"" if status == 304 else await _read_body(response, limit)
        media_type, charset = parse_content_type(response.header("content-type"))
        return FetchResult(
            url=target.url,
            status=status,
            content=content,
            media_type=media_type,
            charset=charset,
            etag=response.header("etag"),
            last_modified=response.header("last-modified"),
            not_modified=status == 304,
            fetched_at=datetime.now(UTC),
        )


async def _read_body(response: RawResponse, limit: int) -> bytes:
    length = response.header("content-length")
    if length is not None and length.strip().isdigit() and int(length) > limit:
        raise TooLargeError(f"body larger than {limit} bytes (Content-Length {int(length)})")
    decoder = BodyDecoder(response.header("content-encoding"), limit)
    received = 0
    try:
        async for chunk in response.body:
            received += len(chunk)
            if received > limit:  # raw input beyond the cap: a huge body or junk
                raise TooLargeError(f"body larger than {limit} bytes")
            decoder.feed(chunk)
    finally:
        close = getattr(response.body, "aclose", None)
        if close is not None:
            await close()
    return decoder.result()
