"""The numpy decoder of the entity recognizer sets exactly the entities spaCy's ``ner`` sets."""

from __future__ import annotations

from pathlib import Path

from wirewatch.enrich.nlp import entity_decoder, load_nlp, split_paragraphs

SEED = Path(__file__).parents[2] / "cases" / "nato-stoltenberg-page.txt"
ODD = [
    "Jens Stoltenberg",  # an entity to the last token
    "NATO. Stoltenberg met Barack Obama in Washington on Monday, the White House said.",
    "  Spaces \u00a0 and\ttabs, in New  York \n and the United\u00a0Nations. ",
    "",
]


def _entities(docs: list) -> list[list[tuple[int, int, str]]]:  # type: ignore[type-arg]
    return [[(e.start, e.end, e.label_) for e in doc.ents] for doc in docs]


def test_the_decoder_finds_what_spacy_finds() -> None:
    nlp = load_nlp()
    decoder = entity_decoder(nlp)
    assert decoder is not None
    text = SEED.read_text(encoding="utf-8")
    chunks = [text[s:e] for s, e in split_paragraphs(text)] + ODD
    with nlp.select_pipes(disable=["ner"]):
        docs = list(nlp.pipe(chunks))
    ours = [doc.copy() for doc in docs]
    decoder(ours)
    ner = nlp.get_pipe("ner")
    theirs = [doc.copy() for doc in docs]
    ner.set_annotations(theirs, ner.predict(theirs))
    assert sum(len(e) for e in _entities(theirs)) > 20
    assert _entities(ours) == _entities(theirs)
    assert [[t.ent_iob_ for t in d] for d in ours] == [[t.ent_iob_ for t in d] for d in theirs]


def test_sentences_bound_the_entities() -> None:
    nlp = load_nlp()
    decoder = entity_decoder(nlp)
    assert decoder is not None
    whole = nlp.make_doc("He met Angela Merkel yesterday.")
    decoder([whole])
    assert [(e.text, e.label_) for e in whole.ents][:1] == [("Angela Merkel", "PERSON")]
    cut = nlp.make_doc("He met Angela Merkel yesterday.")
    for token in cut[1:]:
        token.is_sent_start = token.i == 3  # "Merkel" starts a sentence
    decoder([cut])
    assert all(not e.start < 3 < e.end for e in cut.ents)
    assert "Angela Merkel" not in [e.text for e in cut.ents]
