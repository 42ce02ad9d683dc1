"""Online story clustering on small hand-written articles (no dev data here)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from wirewatch.stories import StoryClusterer

T0 = datetime(2024, 3, 4, 8, 0, tzinfo=UTC)

CHILE = [
    {
        "title": "Magnitude 7.1 earthquake strikes off Valparaiso, Chile",
        "text": "A magnitude 7.1 earthquake struck off the coast of Valparaiso in central Chile "
        "on Monday, the Chilean seismological service said. Buildings swayed in Santiago and "
        "the navy issued a tsunami warning for the coast around Valparaiso and Vina del Mar. "
        "President Gabriel Boric said there were no reports of deaths.",
        "outlet": "wire",
    },
    {
        "title": "Chile quake: tsunami warning lifted after 7.1 tremor near Valparaiso",
        "text": "Chile's navy lifted a tsunami warning on Monday after a 7.1 magnitude earthquake "
        "shook Valparaiso and Santiago. Gabriel Boric thanked emergency teams in Valparaiso; "
        "officials in Vina del Mar reported cracked walls and power cuts but no deaths.",
        "outlet": "daily",
    },
    {
        "title": "Strong earthquake rattles Valparaiso; Boric says no deaths reported",
        "text": "Residents of Valparaiso ran into the streets when a powerful 7.1 earthquake hit "
        "central Chile. Gabriel Boric said no deaths had been reported, and the tsunami warning "
        "for Valparaiso and Vina del Mar was later lifted, the Chilean navy said.",
        "outlet": "tribune",
    },
]

JAPAN = [
    {
        "title": "Magnitude 6.2 earthquake hits Hokkaido, Japan",
        "text": "A magnitude 6.2 earthquake hit Hokkaido in northern Japan on Monday, the Japan "
        "Meteorological Agency said. Trains were halted in Sapporo and Fumio Kishida said the "
        "government was checking the Tomari nuclear plant. No tsunami warning was issued.",
        "outlet": "wire",
    },
    {
        "title": "Hokkaido quake halts Sapporo trains; Tomari plant safe",
        "text": "The 6.2 earthquake that hit Hokkaido halted trains around Sapporo. Fumio Kishida "
        "said the Tomari nuclear plant was safe, and the Japan Meteorological Agency warned of "
        "aftershocks across Hokkaido.",
        "outlet": "daily",
    },
]


def stream(*groups: Iterable[dict[str, Any]], start: datetime = T0) -> list[dict[str, Any]]:
    """Articles with ids and minutes-apart times, in the order given."""
    out = []
    for n, article in enumerate(a for group in groups for a in group):
        out.append({"id": f"a{n}", "published": (start + timedelta(minutes=n)).isoformat(), **article})
    return out


def interleave(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for i in range(max(len(a), len(b))):
        out += a[i : i + 1] + b[i : i + 1]
    return out


def test_two_earthquakes_stay_apart_and_each_comes_together() -> None:
    articles = stream(interleave(CHILE, JAPAN))
    clusterer = StoryClusterer()
    ids = {a["title"]: clusterer.add(a) for a in articles}
    chile = {ids[a["title"]] for a in CHILE}
    japan = {ids[a["title"]] for a in JAPAN}
    assert len(chile) == 1
    assert len(japan) == 1
    assert chile != japan


def test_three_outlets_one_event_is_one_story_with_its_outlets() -> None:
    articles = stream(CHILE)
    clusterer = StoryClusterer()
    story_ids = [clusterer.add(a) for a in articles]
    assert story_ids == ["a0", "a0", "a0"]  # the story id is its first article's id
    summary = clusterer.story("a0")
    assert summary.size == 3
    assert summary.outlets == ("daily", "tribune", "wire")
    assert summary.title == CHILE[0]["title"]
    assert summary.first_seen == T0
    assert summary.last_seen == T0 + timedelta(minutes=2)
    assert "Valparaiso" in summary.entities


def test_the_same_stream_twice_gives_the_same_story_ids() -> None:
    articles = stream(interleave(CHILE, JAPAN))
    first = [StoryClusterer().add(a) for a in articles]
    second = [StoryClusterer().add(a) for a in articles]
    assert first == second


def test_restore_then_add_continues_a_story() -> None:
    articles = stream(CHILE)
    clusterer = StoryClusterer()
    clusterer.restore(articles[0], "story-from-the-store")
    clusterer.restore(articles[1], "story-from-the-store")
    assert clusterer.add(articles[2]) == "story-from-the-store"
    assert clusterer.final_clusters() == {
        "a0": "story-from-the-store",
        "a1": "story-from-the-store",
        "a2": "story-from-the-store",
    }


def test_time_window_separates_a_much_later_similar_article() -> None:
    early = stream(CHILE[:2])
    late = stream(CHILE[2:], start=T0 + timedelta(days=30))
    late[0]["id"] = "later"
    clusterer = StoryClusterer(window_days=7)
    assert [clusterer.add(a) for a in early] == ["a0", "a0"]
    assert clusterer.add(late[0]) == "later"
    same_week = StoryClusterer(window_days=60)
    for a in early:
        same_week.add(a)
    assert same_week.add(late[0]) == "a0"


def test_late_merge_is_recorded_and_applied() -> None:
    # Two short snippets on one story that share no word, so they start two stories; then an
    # article that tells both: it joins the first, and the second is absorbed into it.
    first = {"id": "x1", "published": None, "title": "senate passes budget bill", "text": "vote late night"}
    second = {"id": "x2", "published": None, "title": "shutdown averted", "text": "spending deal signed"}
    bridge = {
        "id": "x3",
        "published": None,
        "title": "senate passes budget bill shutdown averted",
        "text": "vote late night spending deal signed",
    }
    clusterer = StoryClusterer(merge_threshold_short=0.2)
    assert clusterer.add(first) == "x1"
    assert clusterer.add(second) == "x2"
    assert clusterer.add(bridge) == "x1"
    assert clusterer.merges == [("x2", "x1")]
    assert clusterer.final_clusters() == {"x1": "x1", "x2": "x1", "x3": "x1"}
    assert clusterer.story("x2").id == "x1"  # a merged id still finds its story


def test_a_late_merge_keeps_the_id_of_the_larger_story() -> None:
    # A stray singleton starts a story first; a larger story grows beside it. When an article
    # shows them to be one, the larger story keeps its id: the answer its members were given.
    stray = {"id": "s1", "published": None, "title": "senate passes budget bill", "text": "vote late night"}
    grown = [
        {"id": f"g{n}", "published": None, "title": "shutdown averted", "text": "spending deal signed"}
        for n in range(3)
    ]
    bridge = {
        "id": "b1",
        "published": None,
        "title": "senate passes budget bill shutdown averted",
        "text": "vote late night spending deal signed",
    }
    clusterer = StoryClusterer(merge_threshold_short=0.2)
    assert clusterer.add(stray) == "s1"
    assert [clusterer.add(a) for a in grown] == ["g0", "g0", "g0"]
    assert clusterer.add(bridge) == "g0"
    assert clusterer.merges == [("s1", "g0")]
    assert set(clusterer.final_clusters().values()) == {"g0"}


def test_bad_input_never_raises() -> None:
    clusterer = StoryClusterer()
    odd: list[dict[str, Any]] = [
        {"id": "b1", "published": None},
        {"id": "b2", "published": "not a date", "title": None, "text": None},
        {"id": "b3", "published": datetime(2024, 1, 1), "title": "", "text": "   "},
        {"id": "b4", "title": 42, "text": ["not", "text"], "entities": "Not A List", "speakers": None},
        {"id": "b5", "published": T0, "title": "ONLY CAPITALS HERE", "text": "1,000 2.5 ’s '"},
        {"id": "b5", "published": T0, "title": "same id again", "text": "same id again"},
    ]
    ids = [clusterer.add(a) for a in odd]
    assert len(ids) == len(odd)
    assert all(isinstance(i, str) and i for i in ids)
    for story_id in set(ids):
        clusterer.story(story_id)


def test_entities_from_enrich_tell_same_kind_events_apart() -> None:
    base = "The company unveiled its new phone at an event on Tuesday, with a larger screen and camera."
    a = {
        "id": "p1",
        "published": None,
        "title": "New phone unveiled",
        "text": base,
        "entities": ["Apple", "Tim Cook", "Cupertino"],
    }
    b = {
        "id": "p2",
        "published": None,
        "title": "New phone unveiled",
        "text": base,
        "entities": ["Samsung", "TM Roh", "Seoul"],
    }
    c = {
        "id": "p3",
        "published": None,
        "title": "New phone unveiled",
        "text": base,
        "entities": ["Apple", "Tim Cook", "Cupertino"],
    }
    clusterer = StoryClusterer(sparse_stories=0)
    assert [clusterer.add(x) for x in (a, b, c)] == ["p1", "p2", "p1"]
