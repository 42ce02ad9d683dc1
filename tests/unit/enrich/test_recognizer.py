"""The numpy decoder of the entity recognizer sets exactly the entities spaCy's ``ner`` sets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from wirewatch.enrich.nlp import entity_decoder, load_nlp, split_paragraphs
from wirewatch.enrich.recognizer import EntityDecoder

SEED = Path(__file__).parents[2] / "cases" / "nato-stoltenberg-page.txt"
ODD = [
    "Jens Stoltenberg",  # an entity to the last token
    "NATO. Stoltenberg met Barack Obama in Washington on Monday, the White House said.",
    "  Spaces \u00a0 and\ttabs, in New  York \n and the United\u00a0Nations. ",
    "",
]


def _entities(docs: list) -> list[list[tuple[int, int, str]]]:  # type: ignore[type-arg]
    return [[(e.start, e.end, e.label_) for e in doc.ents] for doc in docs]


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "python"])
def test_the_decoder_finds_what_spacy_finds(compiled: bool) -> None:
    nlp = load_nlp()
    decoder = entity_decoder(nlp) if compiled else EntityDecoder(nlp.get_pipe("ner"), compiled=False)
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


def test_the_compiled_walk_refuses_what_does_not_fit() -> None:
    from wirewatch.enrich._greedy import walk_entities

    decoder = entity_decoder(load_nlp())
    assert decoder is not None
    width = decoder.n_hidden * decoder.n_pieces
    n = 4
    cached = np.zeros((n, 3 * width), dtype=np.float32)
    columns = (np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.uint8))
    moves = (decoder.kinds, decoder.label_index, decoder.inside_of, decoder.last_of)
    weights = (decoder.lower_b, decoder.upper_w, decoder.upper_b)
    begin = int(np.flatnonzero(decoder.begin)[0])
    # a well-formed call: entities begun from the first token, the last closed by the last token
    ended = np.array([0, 0, 0, 1], dtype=np.uint8)
    found = walk_entities(
        cached, *weights, np.full(n, begin), ended, *moves, decoder.n_hidden, decoder.n_pieces
    )
    assert found[0][0] == 0 and found[-1][1] == 4
    assert all(decoder.last[move] for _, _, move in found)
    with pytest.raises(ValueError, match="dimensions"):
        walk_entities(cached[:, :5].copy(), *weights, *columns, *moves, decoder.n_hidden, decoder.n_pieces)
    with pytest.raises(ValueError, match="token columns"):
        walk_entities(cached, *weights, columns[0][:2].copy(), columns[1], *moves, decoder.n_hidden, 2)
    with pytest.raises(ValueError, match="outside"):
        walk_entities(cached, *weights, np.full(n, 10_000), columns[1], *moves, decoder.n_hidden, 2)
