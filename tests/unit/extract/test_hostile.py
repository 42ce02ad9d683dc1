"""Hostile input: an Article or an ExtractError, never anything else, never a hang."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import wirewatch.extract
from wirewatch.errors import ExtractError
from wirewatch.extract import extract_article
from wirewatch.model import Article

ARTICLE = "".join(
    f"<p>Paragraph {i}: the minister said the talks would go on until a deal was reached, and officials "
    "told reporters they expected progress by the end of the week in the capital.</p>"
    for i in range(4)
)


def test_public_api() -> None:
    assert set(wirewatch.extract.__all__) == {
        "MAX_DOCUMENT_BYTES",
        "clutter_score",
        "extract_article",
        "is_clutter",
    }
    for name in wirewatch.extract.__all__:
        assert hasattr(wirewatch.extract, name)


@pytest.mark.parametrize("data", [b"", "", b"   \n\t ", "   "])
def test_empty_input(data: bytes | str) -> None:
    with pytest.raises(ExtractError, match="empty"):
        extract_article(data, "https://example.org/x")


def test_binary_input() -> None:
    with pytest.raises(ExtractError, match="binary") as info:
        extract_article(
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 10, "https://example.org/i.png"
        )
    assert str(info.value).startswith("https://example.org/i.png: extract: ")


def test_no_article_text() -> None:
    with pytest.raises(ExtractError, match="no article text"):
        extract_article("<html><body><nav><a href='/'>Home</a></nav></body></html>")


def test_oversized_input_is_refused() -> None:
    with pytest.raises(ExtractError, match="cap"):
        extract_article(b"<p>" + b"a" * 100, max_bytes=50)


def test_deeply_nested_divs_do_not_crash() -> None:
    depth = 5 * 1024 * 1024 // len("<div></div>")
    data = ("<div>" * depth + "deep" + "</div>" * depth).encode()
    try:
        article = extract_article(data)
    except ExtractError:
        return
    assert isinstance(article, Article)


def test_script_content_never_in_text() -> None:
    html = (
        f"<html><body><article><script>var secret = 'SCRIPTTEXT';</script>{ARTICLE}"
        "<p>More text<script>document.write('SCRIPTTEXT')</script> follows here, the official said.</p>"
        "<noscript>NOSCRIPTTEXT</noscript><style>.x{content:'STYLETEXT'}</style></article></body></html>"
    )
    text = extract_article(html).text
    assert "minister said" in text
    for marker in ("SCRIPTTEXT", "NOSCRIPTTEXT", "STYLETEXT"):
        assert marker not in text


def test_no_entity_expansion() -> None:
    html = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "BOOMBOOMBOOM">]><html><body>'
        + ARTICLE
        + "&a;</body></html>"
    )
    assert "BOOMBOOMBOOM" not in extract_article(html).text


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.binary(max_size=2000), st.text(max_size=2000)))
def test_anything_gives_an_article_or_an_extract_error(data: bytes | str) -> None:
    try:
        article = extract_article(data)
    except ExtractError:
        return
    assert isinstance(article, Article)
    assert article.text.strip()


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<div>",
                "</div>",
                "<p>",
                "</p>",
                "<script>",
                "</script>",
                "<!--",
                "-->",
                "&amp;",
                "&#0;",
                "<![CDATA[",
                "]]>",
                "text ",
                "said. ",
                "<html>",
                "<meta charset=x>",
            ]
        ),
        max_size=200,
    )
)
def test_tag_soup_gives_an_article_or_an_extract_error(parts: list[str]) -> None:
    with contextlib.suppress(ExtractError):
        extract_article("".join(parts))
