"""The public API is what ``wirewatch/__init__`` exports, and each name resolves."""

from __future__ import annotations

import wirewatch


def test_all_names_resolve() -> None:
    for name in wirewatch.__all__:
        assert getattr(wirewatch, name) is not None, name


def test_extract_article_is_public_and_works_on_plain_text() -> None:
    text = (
        "Minister resigns over budget\n\n"
        "The finance minister resigned on Tuesday after parliament rejected the budget, "
        'officials said. "I take full responsibility," she told reporters in the capital.\n\n'
        "Share this article\n"
    )
    article = wirewatch.extract_article(text)
    assert article.title == "Minister resigns over budget"
    assert "full responsibility" in article.text
    assert "Share this article" not in article.text


def test_story_clusterer_is_public_and_groups_one_event() -> None:
    clusterer = wirewatch.StoryClusterer()
    text = (
        "A magnitude 7.1 earthquake struck near Malatya in eastern Turkey on Monday, killing at "
        "least 212 people and injuring 1,400, the disaster agency AFAD said."
    )
    first = clusterer.add(
        {"id": "a", "published": "2026-03-02T06:00:00Z", "title": "Quake kills 212 in Turkey", "text": text}
    )
    second = clusterer.add(
        {
            "id": "b",
            "published": "2026-03-02T07:00:00Z",
            "title": "Turkey earthquake kills 212 near Malatya",
            "text": text,
        }
    )
    assert first == second == "a"  # a story's id is its first article's
