"""The seed page, end to end: every Stoltenberg quotation, attributed to the resolved person."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import wirewatch
from wirewatch.model import Quote

CASES = Path(__file__).resolve().parents[1] / "cases"
EXPECT = json.loads((CASES / "nato-stoltenberg-page.quotes.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def quotes() -> list[Quote]:
    article = wirewatch.extract_article(
        (CASES / "nato-stoltenberg-page.txt").read_bytes(), media_type="text/plain"
    )
    found = wirewatch.find_quotes(article.text)
    for quote in found:
        assert article.text[quote.span[0] : quote.span[1]] == quote.text
    return found


@pytest.mark.parametrize("expected", EXPECT["quotes"], ids=lambda e: e["contains"][:40])
def test_each_quotation_is_found_and_attributed(quotes: list[Quote], expected: dict[str, object]) -> None:
    matches = [q for q in quotes if str(expected["contains"]) in q.text]
    assert matches, f"not found: {expected['contains']!r}"
    quote = matches[0]
    assert quote.kind.value in expected["kinds"], (quote.kind, quote.text)
    assert quote.speaker is not None, quote.text
    assert quote.speaker.canonical == expected["speaker"], (quote.speaker, quote.text)


def test_nothing_is_attributed_to_the_people_named_inside_quotes(quotes: list[Quote]) -> None:
    for quote in quotes:
        if quote.speaker is None:
            continue
        for name in EXPECT["never_speakers"]:
            assert name not in (quote.speaker.canonical or ""), quote
            assert name not in quote.speaker.name, quote
