"""Entities of an article: people, organisations and places with canonical names and aliases."""

from __future__ import annotations

from pathlib import Path

import pytest

from wirewatch.enrich.entities import find_entities
from wirewatch.enrich.nlp import parse_text
from wirewatch.model import Entity, EntityKind

SEED = Path(__file__).parents[2] / "cases" / "nato-stoltenberg-page.txt"


@pytest.fixture(scope="module")
def seed() -> tuple[str, dict[str, Entity]]:
    text = SEED.read_text(encoding="utf-8")
    return text, {e.canonical: e for e in find_entities(parse_text(text))}


@pytest.mark.parametrize(
    ("canonical", "kind", "alias"),
    [
        ("Jens Stoltenberg", EntityKind.PERSON, "Stoltenberg"),
        ("Vladimir V. Putin", EntityKind.PERSON, "Putin"),
        ("Alexander Lukashenko", EntityKind.PERSON, "Lukashenko"),
        ("NATO", EntityKind.ORGANIZATION, None),
        ("Ukraine", EntityKind.PLACE, None),
        ("Russia", EntityKind.PLACE, None),
        ("Belarus", EntityKind.PLACE, None),
        ("Brussels", EntityKind.PLACE, None),
    ],
)
def test_seed_page_entities(
    seed: tuple[str, dict[str, Entity]], canonical: str, kind: EntityKind, alias: str | None
) -> None:
    _, entities = seed
    assert entities[canonical].kind == kind
    if alias:
        assert alias in entities[canonical].aliases


def test_seed_page_one_entity_per_person(seed: tuple[str, dict[str, Entity]]) -> None:
    _, entities = seed
    people = [e for e in entities.values() if e.kind == EntityKind.PERSON]
    assert sorted(e.canonical for e in people) == [
        "Alexander Lukashenko",
        "Jens Stoltenberg",
        "Vladimir V. Putin",
    ]


def test_mention_spans_point_at_the_names(seed: tuple[str, dict[str, Entity]]) -> None:
    text, entities = seed
    stoltenberg = entities["Jens Stoltenberg"]
    assert {text[s:e] for s, e in stoltenberg.mentions} == {"Jens Stoltenberg", "Stoltenberg"}
    # the headline, the introduction and the two later surnames (one is an ORG to the model)
    assert len(stoltenberg.mentions) == 4
    assert {text[s:e] for s, e in entities["NATO"].mentions} == {"NATO"}


def test_adjectives_and_groups_are_not_entities(seed: tuple[str, dict[str, Entity]]) -> None:
    _, entities = seed
    assert not {"Russian", "Russians", "Ukrainian", "Belarussian"} & set(entities)


def test_two_people_with_one_surname_stay_apart() -> None:
    text = "Michelle Obama and Barack Obama arrived together. Michelle Obama spoke first."
    people = {e.canonical for e in find_entities(parse_text(text)) if e.kind == EntityKind.PERSON}
    assert people == {"Michelle Obama", "Barack Obama"}


def test_empty_text_has_no_entities() -> None:
    assert find_entities(parse_text("")) == []
