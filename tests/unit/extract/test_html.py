"""``extract_paragraphs``: trafilatura's main pass when its result is sure, else the whole cascade."""

from __future__ import annotations

import gzip
import unicodedata
from pathlib import Path

import pytest
import trafilatura

from wirewatch.extract.html import _leftover_clutter, extract_paragraphs, parse_html, strip_non_content

CASES = Path(__file__).resolve().parents[2] / "cases"
HTML_CASES = sorted(CASES.glob("*.html.gz"))

_SENTENCE = (
    "The council voted on Tuesday to extend the programme for another {n} years, officials said, "
    "after a long debate about its cost to local taxpayers."
)


def _full_cascade(html: str) -> list[str]:
    """What the extractor gave before the shortcut: trafilatura's whole cascade on every page."""
    root = parse_html(html, document="test")
    strip_non_content(root)
    text = trafilatura.extract(root, favor_precision=True, include_comments=False, with_metadata=False) or ""
    lines = (" ".join(line.split()) for line in unicodedata.normalize("NFC", text).splitlines())
    return [line for line in lines if line and not _leftover_clutter(line)]


def _teaser_first_page() -> str:
    """A page whose first article-like container (by class) holds a teaser, the story being elsewhere."""
    teaser = "".join(
        f"<p>Short teaser line {i} about the vote in the council chamber this week, "
        "padded with a few words.</p>"
        for i in range(3)
    )
    story = "".join(f"<p>{_SENTENCE.format(n=i)} {_SENTENCE.format(n=i + 10)}</p>" for i in range(12))
    story = f'<div id="x"><div>{story}</div></div>'
    return f'<html><body><div class="entry-content">{teaser}</div>{story}</body></html>'


def test_a_teaser_found_first_does_not_hide_the_story() -> None:
    # the main pass alone stops at the teaser; the result is short against the page, so the
    # fallback runs and finds the story
    assert "extend the programme" not in (
        trafilatura.extract(_teaser_first_page(), favor_precision=True, include_comments=False, fast=True)
        or ""
    )
    paragraphs = extract_paragraphs(parse_html(_teaser_first_page(), document="t"), url=None, document="t")
    assert sum("extend the programme" in p for p in paragraphs) == 12


def test_a_long_article_gets_the_same_text_as_the_full_cascade() -> None:
    story = "".join(f"<p>{_SENTENCE.format(n=i)}</p>" for i in range(15))
    html = (
        f'<html><body><nav><a href="/">Home</a></nav><article class="story">{story}</article></body></html>'
    )
    paragraphs = extract_paragraphs(parse_html(html, document="t"), url=None, document="t")
    assert len(paragraphs) == 15
    assert paragraphs == _full_cascade(html)


@pytest.mark.parametrize("path", HTML_CASES, ids=lambda p: p.name.removesuffix(".html.gz"))
def test_the_shortcut_keeps_the_full_cascades_text(path: Path) -> None:
    html = gzip.decompress(path.read_bytes()).decode("utf-8")
    ours = extract_paragraphs(parse_html(html, document=path.name), url=None, document=path.name)
    assert ours == _full_cascade(html)
