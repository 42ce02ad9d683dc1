"""robots.txt policy: parsed rules obeyed, 4xx and 5xx allow, one request per origin."""

from __future__ import annotations

import asyncio

import pytest

from wirewatch.errors import BlockedAddressError, FetchError, HTTPStatusError, RobotsDisallowedError
from wirewatch.fetch.robots import RobotsCache, parse_robots
from wirewatch.fetch.url import parse_target

UA = "wirewatch/0.1 (+https://github.com/wirewatch/wirewatch; news monitor)"
ROBOTS = b"User-agent: *\nDisallow: /private/\n\nUser-agent: wirewatch\nDisallow: /no-bots/\n"


def test_rules_for_our_agent_are_obeyed() -> None:
    rules = parse_robots(ROBOTS)
    assert rules.can_fetch(UA, "http://a.example/news/1")
    assert not rules.can_fetch(UA, "http://a.example/no-bots/1")
    assert not rules.can_fetch("otherbot/1.0", "http://a.example/private/x")


class FakeRobots:
    def __init__(self, answer: bytes | FetchError) -> None:
        self.answer = answer
        self.asked: list[str] = []

    async def __call__(self, url: str) -> bytes:
        self.asked.append(url)
        await asyncio.sleep(0.01)
        if isinstance(self.answer, FetchError):
            raise self.answer
        return self.answer


def _check(cache: RobotsCache, url: str) -> None:
    asyncio.run(cache.check(parse_target(url)))


def test_disallowed_url_raises_and_robots_is_fetched_once() -> None:
    fake = FakeRobots(b"User-agent: *\nDisallow: /secret\n")
    cache = RobotsCache(UA, fake)

    async def many() -> list[BaseException | None]:
        return await asyncio.gather(
            *(cache.check(parse_target(f"http://a.example/page{i}")) for i in range(5)),
            cache.check(parse_target("http://a.example/secret/x")),
            return_exceptions=True,
        )

    results = asyncio.run(many())
    assert results[:5] == [None] * 5
    assert isinstance(results[5], RobotsDisallowedError)
    assert fake.asked == ["http://a.example/robots.txt"]


@pytest.mark.parametrize(
    "failure",
    [
        HTTPStatusError("HTTP status 404", status=404),
        HTTPStatusError("HTTP status 403", status=403),
        HTTPStatusError("HTTP status 503", status=503),
        FetchError("connection refused"),
    ],
)
def test_missing_or_broken_robots_allows_everything(failure: FetchError) -> None:
    cache = RobotsCache(UA, FakeRobots(failure))
    _check(cache, "http://a.example/secret")


def test_blocked_origin_is_not_allowed_through() -> None:
    cache = RobotsCache(UA, FakeRobots(BlockedAddressError("address 10.0.0.1 is private")))
    with pytest.raises(BlockedAddressError):
        _check(cache, "http://10.0.0.1/")


def test_origins_are_cached_separately() -> None:
    fake = FakeRobots(b"User-agent: *\nDisallow: /\n")
    cache = RobotsCache(UA, fake)
    with pytest.raises(RobotsDisallowedError):
        _check(cache, "http://a.example/x")
    with pytest.raises(RobotsDisallowedError):
        _check(cache, "https://a.example/x")
    assert fake.asked == ["http://a.example/robots.txt", "https://a.example/robots.txt"]
