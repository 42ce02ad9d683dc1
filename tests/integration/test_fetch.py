"""The Fetcher against a real HTTP server on 127.0.0.1: answers, redirects, address checks."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import pytest

from tests.support.httpserver import HTTPTestServer, RecordedRequest, Reply, serve_http
from wirewatch.config import Settings, load_settings
from wirewatch.errors import (
    BlockedAddressError,
    FetchError,
    HTTPStatusError,
    RobotsDisallowedError,
    TooManyRedirectsError,
)
from wirewatch.fetch import Fetcher, FetchResult

T = TypeVar("T")


@pytest.fixture
def server() -> Iterator[HTTPTestServer]:
    with serve_http() as running:
        yield running


def settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"allow_networks": "127.0.0.0/8", "fetch_deadline": 10.0, **overrides}
    return load_settings(env={}, overrides=values)


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


async def fetch(url: str, config: Settings | None = None, **kwargs: str | None) -> FetchResult:
    async with Fetcher(config or settings()) as fetcher:
        return await fetcher.fetch(url, **kwargs)


def test_200_with_body_headers_and_honest_user_agent(server: HTTPTestServer) -> None:
    server.route(
        "/news",
        Reply(
            body=b"<p>Stoltenberg said</p>",
            headers={
                "Content-Type": "text/html; charset=ISO-8859-1",
                "ETag": '"v1"',
                "Last-Modified": "Wed, 01 May 2024 10:00:00 GMT",
            },
        ),
    )
    result = run(fetch(server.url("/news?x=1")))
    assert (result.status, result.content, result.not_modified) == (200, b"<p>Stoltenberg said</p>", False)
    assert result.url == server.url("/news?x=1")
    assert (result.media_type, result.charset) == ("text/html", "ISO-8859-1")
    assert (result.etag, result.last_modified) == ('"v1"', "Wed, 01 May 2024 10:00:00 GMT")
    [request] = server.requests_to("/news")
    assert request.target == "/news?x=1"
    assert request.header("User-Agent") == settings().user_agent
    assert request.header("Host") == f"127.0.0.1:{server.port}"
    assert "gzip" in (request.header("Accept-Encoding") or "")


def _conditional(request: RecordedRequest) -> Reply:
    validators = {"ETag": '"abc"', "Last-Modified": "Wed, 01 May 2024 10:00:00 GMT"}
    if (
        request.header("If-None-Match") == '"abc"'
        or request.header("If-Modified-Since") == validators["Last-Modified"]
    ):
        return Reply(status=304, headers=validators)
    return Reply(body=b"full body", headers=validators)


@pytest.mark.parametrize("validator", ["etag", "last_modified"])
def test_conditional_get_answers_304(server: HTTPTestServer, validator: str) -> None:
    server.route("/feed", _conditional)
    first = run(fetch(server.url("/feed")))
    assert (first.status, first.content) == (200, b"full body")
    remembered = {"etag": first.etag, "last_modified": first.last_modified}[validator]
    assert remembered is not None
    second = run(fetch(server.url("/feed"), None, **{validator: remembered}))
    assert (second.status, second.not_modified, second.content) == (304, True, b"")


def _chain(server: HTTPTestServer, hops: int) -> None:
    for hop in range(hops):
        server.route(f"/r{hop}", Reply(status=302 if hop % 2 else 301, headers={"Location": f"/r{hop + 1}"}))
    server.route(f"/r{hops}", Reply(body=b"arrived"))


def test_redirect_chain_is_followed_and_final_url_reported(server: HTTPTestServer) -> None:
    _chain(server, 3)
    result = run(fetch(server.url("/r0")))
    assert (result.content, result.url) == (b"arrived", server.url("/r3"))
    assert [p for p in server.paths() if p != "/robots.txt"] == ["/r0", "/r1", "/r2", "/r3"]


def test_redirects_over_the_cap_are_refused(server: HTTPTestServer) -> None:
    _chain(server, 3)
    with pytest.raises(TooManyRedirectsError) as info:
        run(fetch(server.url("/r0"), settings(max_redirects=2)))
    assert info.value.document == server.url("/r0")
    assert "/r3" not in server.paths()


def test_redirect_to_a_private_address_is_refused(server: HTTPTestServer) -> None:
    server.route("/go", Reply(status=302, headers={"Location": "http://10.0.0.1/admin"}))
    with pytest.raises(BlockedAddressError, match=r"address 10\.0\.0\.1 is private and not allowed") as info:
        run(fetch(server.url("/go"), settings(fetch_connect_timeout=3.0)))
    assert info.value.document == server.url("/go")


@pytest.mark.parametrize(
    "location",
    [
        "http://127.0.0.2:{port}/x",
        "http://0177.0.0.2:{port}/x",
        "http://2130706434:{port}/x",
        "http://127.2:{port}/x",
        "http://[::ffff:127.0.0.2]:{port}/x",
    ],
)
def test_redirect_to_a_not_allowed_address_makes_no_connection(server: HTTPTestServer, location: str) -> None:
    with serve_http("127.0.0.2") as other:
        server.route("/go", Reply(status=302, headers={"Location": location.format(port=other.port)}))
        with pytest.raises(BlockedAddressError, match="is loopback") as info:
            run(fetch(server.url("/go"), settings(allow_networks="127.0.0.1/32")))
        assert "127.0.0.2" in info.value.message
        assert other.connections == 0
        assert other.requests == []
    assert "/go" in server.paths()


def test_loopback_is_refused_when_no_network_is_allowed(server: HTTPTestServer) -> None:
    server.route("/", Reply(body=b"secret"))
    for url in (server.url("/"), f"http://0x7f.1:{server.port}/", f"http://2130706433:{server.port}/"):
        with pytest.raises(BlockedAddressError, match="is loopback and not allowed") as info:
            run(fetch(url, settings(allow_networks="")))
        assert info.value.document == url
    assert server.connections == 0
    assert server.requests == []


def test_odd_literal_forms_reach_an_allowed_server(server: HTTPTestServer) -> None:
    server.route("/", Reply(body=b"hi"))
    for host in ("0177.0.0.1", "2130706433", "127.1", "0x7f.0.0.1"):
        assert run(fetch(f"http://{host}:{server.port}/")).content == b"hi"


def test_404_is_an_http_status_error(server: HTTPTestServer) -> None:
    with pytest.raises(HTTPStatusError) as info:
        run(fetch(server.url("/missing")))
    assert info.value.status == 404
    assert info.value.document == server.url("/missing")
    assert str(info.value) == f"{server.url('/missing')}: fetch: HTTP status 404"


def test_500_after_a_redirect_names_the_hop(server: HTTPTestServer) -> None:
    server.route("/a", Reply(status=307, headers={"Location": "/b"}))
    server.route("/b", Reply(status=503))
    with pytest.raises(HTTPStatusError, match=r"after redirect to .*/b: HTTP status 503") as info:
        run(fetch(server.url("/a")))
    assert info.value.status == 503


def test_connection_refused() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError) as info:
        run(fetch(f"http://127.0.0.1:{port}/"))
    assert type(info.value) is FetchError
    assert info.value.message == "connection refused"


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/file", "file:///etc/passwd", "javascript:alert(1)"])
def test_unsupported_schemes(url: str) -> None:
    with pytest.raises(FetchError, match="unsupported URL scheme"):
        run(fetch(url))


def test_robots_disallow_is_respected(server: HTTPTestServer) -> None:
    server.route("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /private/\n"))
    server.route("/private/page", Reply(body=b"no"))
    server.route("/public", Reply(body=b"yes"))

    async def both() -> FetchResult:
        async with Fetcher(settings()) as fetcher:
            with pytest.raises(RobotsDisallowedError):
                await fetcher.fetch(server.url("/private/page"))
            return await fetcher.fetch(server.url("/public"))

    assert run(both()).content == b"yes"
    assert server.paths() == ["/robots.txt", "/public"]


def test_robots_rules_for_our_agent_and_switch_off(server: HTTPTestServer) -> None:
    robots = b"User-agent: wirewatch\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    server.route("/robots.txt", Reply(body=robots))
    server.route("/page", Reply(body=b"page"))
    with pytest.raises(RobotsDisallowedError):
        run(fetch(server.url("/page")))
    assert run(fetch(server.url("/page"), settings(respect_robots=False))).content == b"page"


def test_per_host_concurrency_limit(server: HTTPTestServer) -> None:
    server.route("/slow", Reply(body=b"ok", delay=0.3))

    async def six() -> list[FetchResult]:
        async with Fetcher(settings(per_host_concurrency=2)) as fetcher:
            return await asyncio.gather(*(fetcher.fetch(server.url("/slow")) for _ in range(6)))

    assert [r.content for r in run(six())] == [b"ok"] * 6
    assert server.max_in_flight == 2


def test_total_concurrency_limit_across_hosts(server: HTTPTestServer) -> None:
    server.route("/slow", Reply(body=b"ok", delay=0.3))
    hosts = ("127.0.0.1", "0177.0.0.1", "2130706433")

    async def many() -> list[FetchResult]:
        config = settings(per_host_concurrency=5, total_concurrency=2, respect_robots=False)
        async with Fetcher(config) as fetcher:
            return await asyncio.gather(
                *(fetcher.fetch(f"http://{h}:{server.port}/slow") for h in hosts for _ in range(2))
            )

    assert len(run(many())) == 6
    assert server.max_in_flight == 2
