"""The column readings of a parse are what spaCy's own objects say, token for token."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from wirewatch.enrich.columns import Columns, hashes, read_columns
from wirewatch.enrich.nlp import ParsedText, parse_text, token_positions

SEED = Path(__file__).parents[2] / "cases" / "nato-stoltenberg-page.txt"
ODD = (
    "Yes\n\n"
    "  Spaces \u00a0 and\ttabs, in New  York \n and the United\u00a0Nations. \n\n"
    '"It was," said Edward Leamer, an economist at U.C.L.A., "the worst of it, and that was that."\n\n'
    "The president, Barack Obama, and the secretary of state met the LAW firm's 12 partners and them."
)


@pytest.fixture(scope="module", params=["seed", "odd"])
def parsed(request: pytest.FixtureRequest) -> ParsedText:
    return parse_text(SEED.read_text(encoding="utf-8") if request.param == "seed" else ODD)


def _pairs(parsed: ParsedText) -> list[tuple[Any, Columns]]:  # (spacy Doc, its columns)
    columns = read_columns(parsed)
    assert len(columns) == len(parsed.paragraphs)
    return [(para.doc, cols) for para, cols in zip(parsed.paragraphs, columns, strict=True)]


def test_tokens_read_as_spacy_reads_them(parsed: ParsedText) -> None:
    for doc, cols in _pairs(parsed):
        assert cols.text == doc.text
        for t in doc:
            i = t.i
            assert (cols.token_text(i), cols.word(i), cols.idx[i]) == (t.text, t.lower_, t.idx)
            assert (cols.pos_(i), cols.tag_(i), cols.dep_(i)) == (t.pos_, t.tag_, t.dep_)
            assert (cols.head[i], cols.children(i), cols.subtree(i)) == (
                t.head.i,
                [c.i for c in t.children],
                [s.i for s in t.subtree],
            )
            assert (bool(cols.is_punct[i]), bool(cols.is_space[i]), cols.like_num(i)) == (
                t.is_punct,
                t.is_space,
                t.like_num,
            )
            assert (cols.sentence(i), cols.sentence_end(i)) == (
                (t.sent.start, t.sent.end),
                bool(t.is_sent_end),
            )


def test_phrases_read_as_spacy_reads_them(parsed: ParsedText) -> None:
    for doc, cols in _pairs(parsed):
        assert cols.sent_starts == [s.start for s in doc.sents]
        assert cols.noun_chunks() == [(c.start, c.end) for c in doc.noun_chunks]
        assert cols.ents() == [(e.start, e.end, e.label_) for e in doc.ents]
        n = len(cols)
        for start in range(n):
            for end in range(start + 1, min(n, start + 6) + 1):
                assert cols.span_root(start, end) == doc[start:end].root.i
                assert cols.span_text(start, end) == doc[start:end].text


def test_words_are_found_as_token_positions_finds_them(parsed: ParsedText) -> None:
    for doc, cols in _pairs(parsed):
        words = frozenset({"Stoltenberg", "LAW", "Obama", "NATO"})  # "LAW" is also one of spaCy's symbols
        assert cols.positions(hashes(words), "orth") == token_positions(doc, words, lower=False)
