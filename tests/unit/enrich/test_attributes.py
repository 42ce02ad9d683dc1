"""The attribute ruler's table look-up gives exactly the matches of spaCy's own Matcher."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from wirewatch.enrich.attributes import AttributeTable
from wirewatch.enrich.nlp import load_nlp, split_paragraphs

SEED = Path(__file__).parents[2] / "cases" / "nato-stoltenberg-page.txt"
ODD = [
    "Y'all ain't seen nothin' yet, there is no doubt, and I don't think he'd have it.",
    "Whether or not she does, it is what it is: they've said so, haven't they?",
    "  Spaces \u00a0 and\ttabs,  and that which   remains. \n",
]


def test_the_table_matches_as_the_ruler_does() -> None:
    nlp = load_nlp()
    ruler = nlp.get_pipe("attribute_ruler")
    table = AttributeTable(ruler)
    text = SEED.read_text(encoding="utf-8")
    chunks = [text[s:e] for s, e in split_paragraphs(text)] + ODD
    with nlp.select_pipes(disable=["attribute_ruler", "ner"]):
        docs = list(nlp.pipe(chunks))
    assert sum(len(d) for d in docs) > 300
    for doc in docs:
        expected = ruler.matcher(doc, allow_missing=True, as_spans=False)
        want = sorted((int(nlp.vocab.strings[m]), m, s, e) for m, s, e in expected)
        assert table.match(doc) == want


def test_a_rule_it_cannot_read_is_refused() -> None:
    shape_rule = {"patterns": [[{"SHAPE": "Xxxx"}]], "attrs": {"POS": "PROPN"}, "index": 0}
    ruler = SimpleNamespace(vocab=load_nlp().vocab, patterns=[shape_rule])
    with pytest.raises(ValueError, match="not supported"):
        AttributeTable(ruler)
