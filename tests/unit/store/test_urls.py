from __future__ import annotations

import pytest

from wirewatch.store.urls import normalize_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://Example.COM/News/", "https://example.com/News"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80", "http://example.com/"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("https://example.com/a?utm_source=rss&utm_medium=x&id=3", "https://example.com/a?id=3"),
        ("https://example.com/a?fbclid=abc&gclid=1", "https://example.com/a"),
        ("https://example.com/a?b=2&a=1&a=0", "https://example.com/a?a=0&a=1&b=2"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("/srv/news/a.html", "/srv/news/a.html"),
        ("http://[::1]:80/x/", "http://[::1]/x"),
        ("http://example.com:notaport/", "http://example.com:notaport/"),
    ],
)
def test_normalize_url(url: str, expected: str) -> None:
    assert normalize_url(url) == expected


def test_tracking_variants_collapse_to_one_key() -> None:
    a = normalize_url("https://www.Reuters.com/world/nato-1/?utm_campaign=feed#top")
    b = normalize_url("https://www.reuters.com/world/nato-1?fbclid=XYZ")
    assert a == b
