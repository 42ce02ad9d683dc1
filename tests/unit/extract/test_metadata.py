"""Metadata from the page itself, and hints filling what it lacks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from wirewatch.extract import extract_article
from wirewatch.model import Hints

BODY = "".join(
    f"<p>Paragraph {i}: the minister said the talks in Brussels would go on until a deal was reached, "
    "and officials from both sides told reporters they expected progress by the end of the week.</p>"
    for i in range(4)
)


def page(head: str, body: str = BODY, lang: str = "") -> str:
    return f"<!doctype html><html{lang}><head>{head}</head><body><article>{body}</article></body></html>"


def test_canonical_is_made_absolute() -> None:
    article = extract_article(
        page('<link rel="canonical" href="/news/2024/talks">'), "https://example.org/a?utm=x"
    )
    assert article.canonical_url == "https://example.org/news/2024/talks"
    assert article.url == "https://example.org/a?utm=x"


def test_og_url_when_no_canonical_link_and_site_name() -> None:
    head = (
        '<meta property="og:url" content="https://example.org/t">'
        '<meta property="og:site_name" content="The Example">'
    )
    article = extract_article(page(head), "https://example.org/t?x=1")
    assert article.canonical_url == "https://example.org/t"
    assert article.site_name == "The Example"


def test_meta_published_author_title_language() -> None:
    head = (
        '<meta property="og:title" content="Talks go on in Brussels">'
        '<meta property="article:published_time" content="2024-03-05T10:30:00+01:00">'
        '<meta name="author" content="By Jane Roe"><title>Talks | The Example</title>'
    )
    article = extract_article(page(head, lang=' lang="en-GB"'))
    assert article.title == "Talks go on in Brussels"
    assert article.published == datetime(2024, 3, 5, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    assert article.author == "Jane Roe"
    assert article.language == "en"


def test_json_ld_article() -> None:
    head = (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
        '{"@type": "WebSite", "name": "x"}, {"@type": "NewsArticle", "headline": "Deal reached",'
        '"datePublished": "2024-03-06", "author": [{"@type": "Person", "name": "Ann Lee"}],'
        '"publisher": {"@type": "Organization", "name": "Example News"}}]}</script>'
    )
    article = extract_article(page(head))
    assert article.title == "Deal reached"
    assert article.published == datetime(2024, 3, 6, tzinfo=UTC)
    assert article.author == "Ann Lee"
    assert article.site_name == "Example News"


def test_title_tag_without_site_suffix_when_nothing_better() -> None:
    assert extract_article(page("<title>Talks go on in Brussels | The Example</title>")).title == (
        "Talks go on in Brussels"
    )


def test_hints_fill_missing_fields_only() -> None:
    hints = Hints(
        title="Feed title", author="Feed Author", published=datetime(2024, 1, 1, tzinfo=UTC), language="fr"
    )
    article = extract_article(page('<meta property="og:title" content="Page title">'), hints=hints)
    assert article.title == "Page title"
    assert article.author == "Feed Author"
    assert article.published == datetime(2024, 1, 1, tzinfo=UTC)
    assert article.language == "fr"


def test_language_guessed_from_text() -> None:
    german = "".join(
        f"<p>Absatz {i}: Der Minister sagte, dass die Gespräche in Brüssel fortgesetzt werden, und es ist "
        "nicht klar, ob sich die Seiten auf eine Einigung verständigen können, "
        "die auch für die Bürger gilt.</p>"
        for i in range(4)
    )
    assert extract_article(page("", german)).language == "de"


def test_plain_text_article() -> None:
    text = (
        "Minister resigns over budget row\n\n"
        "The finance minister resigned on Tuesday, officials said.\n\nSubscribe now"
    )
    article = extract_article(text.encode(), media_type="text/plain")
    assert article.title == "Minister resigns over budget row"
    assert article.text == "The finance minister resigned on Tuesday, officials said."
