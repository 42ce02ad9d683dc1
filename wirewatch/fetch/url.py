"""Splitting a URL into what the transport needs, and refusing what it must not fetch.

Parsed with ``urllib.parse`` rather than ``httpx.URL`` on purpose: odd IPv4 literals
(``http://0177.0.0.1/``) must reach the address check, not fail as "invalid URL" first.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from wirewatch.errors import FetchError

__all__ = ["DEFAULT_PORTS", "Target", "parse_target", "resolve_location"]

DEFAULT_PORTS = {"http": 80, "https": 443}
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


@dataclass(frozen=True, slots=True)
class Target:
    """One URL, split: ``host`` is lowercased, IDNA-encoded, without IPv6 brackets."""

    url: str
    scheme: str
    host: str
    port: int
    target: str  # path and query, percent-encoded, as sent on the request line

    @property
    def origin(self) -> str:
        """``scheme://host[:port]``: the key for robots.txt and per-host limits."""
        return f"{self.scheme}://{self.host_header}"

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if DEFAULT_PORTS[self.scheme] == self.port else f"{host}:{self.port}"


def parse_target(url: str) -> Target:
    """Split ``url``; FetchError for a scheme other than http(s) or a malformed URL."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise FetchError(f"invalid URL: {exc}", document=url) from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise FetchError(f"unsupported URL scheme {scheme!r}", document=url)
    host = parts.hostname or ""
    if not host:
        raise FetchError("invalid URL: no host", document=url)
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise FetchError("invalid URL: host is not a valid domain name", document=url) from None
    if any(c in host for c in " \t\r\n/\\?#@"):
        raise FetchError("invalid URL: bad character in host", document=url)
    target = quote(parts.path or "/", safe=_PATH_SAFE)
    if parts.query:
        target += "?" + quote(parts.query, safe=_QUERY_SAFE)
    return Target(url=url, scheme=scheme, host=host, port=port or DEFAULT_PORTS[scheme], target=target)


def resolve_location(base: str, location: str) -> str:
    """The absolute URL a ``Location`` header points to, fragment dropped."""
    absolute = urljoin(base, location.strip())
    return absolute.split("#", 1)[0]
