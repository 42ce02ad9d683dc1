"""Speaker resolution within one article: names, roles and pronouns, on hand-written texts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wirewatch.enrich.nlp import parse_text
from wirewatch.enrich.resolve import resolve_speakers
from wirewatch.model import Quote, QuoteKind, Speaker

SEED = Path(__file__).parents[2] / "cases" / "nato-stoltenberg-page.txt"


def quote_by(text: str, mention: str, after: str = "") -> Quote:
    """A quote whose speaker is the first ``mention`` after the text ``after``."""
    found = re.compile(rf"\b{re.escape(mention)}\b").search(text, text.index(after) if after else 0)
    assert found, mention
    start = found.start()
    return Quote("…", QuoteKind.DIRECT, (0, 1), speaker=Speaker(mention, span=(start, start + len(mention))))


def canonicals(text: str, quotes: list[Quote]) -> list[str | None]:
    return [q.speaker.canonical if q.speaker else None for q in resolve_speakers(parse_text(text), quotes)]


@pytest.fixture(scope="module")
def seed() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("mention", "after"),
    [
        ("NATO Secretary General Jens Stoltenberg", ""),
        ("Stoltenberg", "Stoltenberg, who spoke"),
        ("He", "He said that while"),
        ("the secretary general", "liberate territory"),
        ("he", "President Putin is failing"),
        ("The secretary general", "The secretary general said the alliance"),
        ("He", "He called on"),
    ],
)
def test_seed_page_stoltenberg_quotes_resolve_to_him(seed: str, mention: str, after: str) -> None:
    assert canonicals(seed, [quote_by(seed, mention, after)]) == ["Jens Stoltenberg"]


def test_seed_page_lukashenko_surname_resolves_to_full_name(seed: str) -> None:
    assert canonicals(seed, [quote_by(seed, "Lukashenko", "Lukashenko has said")]) == ["Alexander Lukashenko"]


def test_seed_page_nothing_resolves_to_putin_named_only_inside_quotes(seed: str) -> None:
    quotes = [quote_by(seed, "he", "President Putin is failing"), quote_by(seed, "He", "He called on")]
    assert "Vladimir V. Putin" not in canonicals(seed, quotes)


def test_confidence_is_lower_for_pronouns_and_roles_than_for_names(seed: str) -> None:
    quotes = [
        quote_by(seed, "NATO Secretary General Jens Stoltenberg"),
        quote_by(seed, "the secretary general", "liberate territory"),
        quote_by(seed, "He", "He said that while"),
    ]
    name, role, pronoun = (q.confidence for q in resolve_speakers(parse_text(seed), quotes))
    assert name > role > 0
    assert name > pronoun > 0


def test_pronoun_whose_antecedent_is_two_sentences_back() -> None:
    text = (
        "Maria Lopez, the mayor of Springfield, opened the new bridge on Monday. "
        "The bridge cost twelve million dollars. Traffic had been heavy for years. "
        '"This is a good day for the city," she said.'
    )
    assert canonicals(text, [quote_by(text, "she")]) == ["Maria Lopez"]


def test_pronoun_agrees_with_the_gender_a_title_gives() -> None:
    text = (
        'Ms. Smith said the budget was too small. Mr. Jones replied that it was "more than enough". '
        '"We will run out of money by June," she added.'
    )
    assert canonicals(text, [quote_by(text, "she")]) == ["Smith"]


def test_pronoun_with_no_gender_known_goes_to_the_most_recent_speaker() -> None:
    text = (
        "Anna Smith said the budget was too small. Tom Jones replied that it was enough. "
        '"We can manage," he said.'
    )
    assert canonicals(text, [quote_by(text, "he")]) == ["Tom Jones"]


def test_pronoun_chain_keeps_the_person_across_an_object_mention() -> None:
    text = (
        "Mr. Brown said the factory would stay open. He met Governor Alice Green on Friday. "
        '"Nobody will lose their job," he said.'
    )
    assert canonicals(text, [quote_by(text, "he", "Nobody")]) == ["Brown"]


def test_role_without_an_introduced_holder_stays_unresolved() -> None:
    text = 'Barack Obama visited the plant on Tuesday. "We are proud of this work," the president said.'
    assert canonicals(text, [quote_by(text, "the president")]) == [None]


def test_role_introduced_by_apposition_resolves() -> None:
    text = (
        "The president, Barack Obama, visited the plant on Tuesday. Workers cheered. "
        '"We are proud of this work," the president said.'
    )
    assert canonicals(text, [quote_by(text, "the president", "proud")]) == ["Barack Obama"]


def test_vice_president_is_not_the_president() -> None:
    text = 'Vice President Joe Biden spoke first. "Thank you," the president said.'
    assert canonicals(text, [quote_by(text, "the president")]) == [None]


@pytest.mark.parametrize("mention", ["a spokesman", "officials", "the ministry"])
def test_non_persons_stay_unresolved(mention: str) -> None:
    text = f'Defence Minister John Hart arrived late. "No comment," {mention} said.'
    assert canonicals(text, [quote_by(text, mention)]) == [None]


def test_possessor_is_not_the_speaker() -> None:
    text = 'President Barack Obama left early. "He is tired," Obama\'s spokesman said.'
    assert canonicals(text, [quote_by(text, "Obama's spokesman")]) == [None]


def test_quote_without_speaker_is_left_alone() -> None:
    quote = Quote("x", QuoteKind.DIRECT, (0, 1))
    assert resolve_speakers(parse_text("Some text here."), [quote]) == [quote]
