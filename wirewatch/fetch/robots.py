"""robots.txt: fetched once per origin through the same safe path, cached per Fetcher.

Policy (as Google documents it, RFC 9309 §2.3.1):

* 2xx: parsed with ``urllib.robotparser`` and obeyed for our User-Agent;
* 4xx (401 and 403 included): no rules, everything allowed;
* 5xx, unreachable, too slow, too large (over 512 KiB) or undecodable: allowed too.
  RFC 9309 would have a crawler assume "disallow all" here, but wirewatch fetches a few
  pages per site, and an outage of a robots.txt should not silence a news source; such
  answers are cached only briefly (``RETRY_SECONDS``) so a restored robots.txt is soon
  obeyed;
* an origin whose address is refused (BlockedAddressError) re-raises that error, since
  the document itself would be refused for the same reason.

Good answers are kept ``TTL_SECONDS`` (a day).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.robotparser import RobotFileParser

from wirewatch.errors import BlockedAddressError, FetchError, HTTPStatusError, RobotsDisallowedError
from wirewatch.fetch.url import Target

__all__ = ["MAX_ROBOTS_BYTES", "RETRY_SECONDS", "TTL_SECONDS", "RobotsCache", "parse_robots"]

TTL_SECONDS = 24 * 3600.0
RETRY_SECONDS = 300.0
MAX_ROBOTS_BYTES = 512 * 1024  # Google reads the first 500 KiB

# Given a robots.txt URL, return its decoded body (following redirects).
FetchText = Callable[[str], Awaitable[bytes]]


def parse_robots(body: bytes) -> RobotFileParser:
    parser = RobotFileParser()
    parser.parse(body.decode("utf-8", errors="replace").splitlines())
    parser.modified()  # can_fetch() answers False until the parser is marked as read
    return parser


@dataclass(slots=True)
class _Entry:
    rules: RobotFileParser | None  # None: everything allowed
    expires: float


class RobotsCache:
    """Answers "may we fetch this URL?" per origin, fetching each robots.txt once."""

    def __init__(self, user_agent: str, fetch_text: FetchText) -> None:
        self._user_agent = user_agent
        self._fetch_text = fetch_text
        self._entries: dict[str, _Entry] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def check(self, target: Target) -> None:
        """Raise RobotsDisallowedError when robots.txt forbids ``target``."""
        if target.target == "/robots.txt":
            return
        rules = await self._rules(target.origin)
        if rules is not None and not rules.can_fetch(self._user_agent, target.url):
            raise RobotsDisallowedError(f"robots.txt of {target.origin} disallows this URL")

    async def _rules(self, origin: str) -> RobotFileParser | None:
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:  # one robots.txt request per origin, however many fetches wait
            entry = self._entries.get(origin)
            if entry is None or entry.expires <= time.monotonic():
                entry = await self._load(origin)
                self._entries[origin] = entry
            return entry.rules

    async def _load(self, origin: str) -> _Entry:
        now = time.monotonic()
        try:
            body = await self._fetch_text(f"{origin}/robots.txt")
        except BlockedAddressError:
            raise
        except HTTPStatusError as exc:
            if 400 <= exc.status < 500:
                return _Entry(None, now + TTL_SECONDS)
            return _Entry(None, now + RETRY_SECONDS)
        except FetchError:
            return _Entry(None, now + RETRY_SECONDS)
        return _Entry(parse_robots(body), now + TTL_SECONDS)
