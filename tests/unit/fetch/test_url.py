"""Splitting URLs and refusing schemes other than http(s)."""

from __future__ import annotations

import pytest

from wirewatch.errors import FetchError
from wirewatch.fetch.url import parse_target, resolve_location


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("ftp://example.org/file", "ftp"),
        ("file:///etc/passwd", "file"),
        ("javascript:alert(1)", "javascript"),
        ("gopher://x/", "gopher"),
        ("example.org/page", ""),
    ],
)
def test_unsupported_schemes_are_refused(url: str, scheme: str) -> None:
    with pytest.raises(FetchError) as info:
        parse_target(url)
    assert info.value.message == f"unsupported URL scheme {scheme!r}"
    assert info.value.document == url


def test_parts() -> None:
    target = parse_target("HTTPS://News.Example.ORG:8443/a b/ü?q=x y#frag")
    assert (target.scheme, target.host, target.port) == ("https", "news.example.org", 8443)
    assert target.target == "/a%20b/%C3%BC?q=x%20y"
    assert target.origin == "https://news.example.org:8443"


def test_default_port_and_ipv6_host() -> None:
    target = parse_target("http://[::1]/")
    assert (target.host, target.port, target.host_header) == ("::1", 80, "[::1]")
    assert parse_target("http://[::1]:81").origin == "http://[::1]:81"


def test_international_domain_is_idna_encoded() -> None:
    assert parse_target("http://bücher.example/").host == "xn--bcher-kva.example"


@pytest.mark.parametrize("url", ["http://", "http://host:99999/", "http://[::1/"])
def test_malformed_urls(url: str) -> None:
    with pytest.raises(FetchError, match="invalid URL"):
        parse_target(url)


def test_resolve_location() -> None:
    assert resolve_location("http://a.example/x/y", "../z#f") == "http://a.example/z"
    assert resolve_location("http://a.example/x", "https://b.example/") == "https://b.example/"
    assert resolve_location("http://a.example/x", "//c.example/p") == "http://c.example/p"
