"""find_quotes never raises on arbitrary text, and every span it gives is valid."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wirewatch.enrich.quotes import find_quotes

WORDS = st.sampled_from(
    [
        "He",
        "said",
        "the",
        "minister",
        "according",
        "to",
        "told",
        "reporters",
        "that",
        "Smith",
        ":",
        ",",
        ".",
        '"',
        "“",
        "”",
        "'",
        "‘",
        "’",
        "«",
        "»",
        "\n\n",
        "\n",
        "don't",
        "'90s",
        "called",
        "on",
        "we",
        "will",
        "go",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.lists(WORDS, max_size=40).map(" ".join), st.text(max_size=200)))
def test_find_quotes_never_raises_and_spans_are_valid(text: str) -> None:
    for quote in find_quotes(text):
        start, end = quote.span
        assert 0 <= start < end <= len(text)
        assert text[start:end] == quote.text
        if quote.speaker is not None and quote.speaker.span is not None:
            s, e = quote.speaker.span
            assert text[s:e] == quote.speaker.name
