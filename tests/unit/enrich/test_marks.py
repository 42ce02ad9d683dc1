"""Quotation-mark spans: every quote style, and apostrophes that are not quotes."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from wirewatch.enrich.marks import find_marks
from wirewatch.enrich.nlp import split_paragraphs


def quoted(text: str) -> list[str]:
    return [text[m.start : m.end] for m in find_marks(text, split_paragraphs(text))]


def test_straight_and_curly_double_quotes() -> None:
    text = 'He said "we are ready," and then “we will go.”'
    assert quoted(text) == ['"we are ready,"', "“we will go.”"]


def test_guillemets() -> None:
    assert quoted("Le ministre a dit «nous restons unis» hier.") == ["«nous restons unis»"]


def test_single_quotes_used_as_quotes() -> None:
    text = "Trump: Cruz Has ‘To Come a Long Way’ On Ethanol"
    assert quoted(text) == ["‘To Come a Long Way’"]
    assert quoted("He called it 'a total disaster' on Monday.") == ["'a total disaster'"]


def test_apostrophes_are_not_quotes() -> None:
    for text in (
        "We don't know, and they won’t say.",
        "Music of the '90s and the ’80s was louder.",
        "Jones' book and the Smiths’ house are old.",
        "Rock 'n' roll never dies, 'em all.",
    ):
        assert quoted(text) == [], text


def test_single_quote_inside_double_quote_is_part_of_it() -> None:
    text = "“He told me ‘no’ twice,” she said."
    assert quoted(text) == ["“He told me ‘no’ twice,”"]


def test_multi_paragraph_quote_continues_without_closing_mark() -> None:
    text = "“The first part goes on.\n\n“The second part ends here.”\n\nNot quoted."
    marks = find_marks(text, split_paragraphs(text))
    assert [text[m.start : m.end] for m in marks] == [
        "“The first part goes on.",
        "“The second part ends here.”",
    ]
    assert (marks[0].closed, marks[1].continues) == (False, True)


def test_unclosed_quote_stops_at_paragraph_end() -> None:
    text = '"This never closes\n\nA new paragraph with no quote.'
    assert quoted(text) == ['"This never closes']


@given(st.text(alphabet=st.sampled_from(list("ab '\"‘’“”«»\n.,")), max_size=80))
def test_spans_are_ordered_and_inside_the_text(text: str) -> None:
    marks = find_marks(text, split_paragraphs(text))
    for m in marks:
        assert 0 <= m.start < m.end <= len(text)
    assert all(a.end <= b.start for a, b in itertools.pairwise(marks))
