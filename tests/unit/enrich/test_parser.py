"""The Python-stepped parser sets exactly the parses spaCy's ``parser`` sets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from wirewatch.enrich.nlp import load_nlp, parse_decoder, parse_text, split_paragraphs
from wirewatch.enrich.parser import ParseDecoder

SEED = Path(__file__).parents[2] / "cases" / "nato-stoltenberg-page.txt"
LONG = " ".join(
    f"Minister {n} said that the alliance, which met in Brussels on day {n}, would act;" for n in range(40)
)
ODD = [
    "",
    "Yes",  # one token
    "  Spaces \u00a0 and\ttabs, in New  York \n and the United\u00a0Nations. ",
    "«Ça ira», a dit Emmanuel Macron à Zürich — 東京 ✓ 🙂 naïve café.",
    LONG,  # one sentence of some 800 tokens
]


def _parses(docs: list) -> list[list[tuple[int, str, bool]]]:  # type: ignore[type-arg]
    return [[(t.head.i, t.dep_, bool(t.is_sent_start)) for t in doc] for doc in docs]


def _parsed(chunks: list[str], compiled: bool = True) -> tuple[list, list]:  # type: ignore[type-arg]
    nlp = load_nlp()
    decoder = parse_decoder(nlp) if compiled else ParseDecoder(nlp.get_pipe("parser"), compiled=False)
    assert decoder is not None
    with nlp.select_pipes(enable=["tok2vec"]):
        docs = list(nlp.pipe(chunks))
    ours = [doc.copy() for doc in docs]
    decoder(ours)
    parser = nlp.get_pipe("parser")
    theirs = [doc.copy() for doc in docs]
    parser.set_annotations(theirs, parser.predict(theirs))
    return ours, theirs


def test_the_parser_loop_is_compiled() -> None:
    # `make setup` builds it; without it every parse takes the slower Python loop
    import wirewatch.enrich._greedy as compiled

    assert callable(compiled.greedy_parse)


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "python"])
def test_the_decoder_parses_the_seed_page_as_spacy_does(compiled: bool) -> None:
    text = SEED.read_text(encoding="utf-8")
    ours, theirs = _parsed([text[s:e] for s, e in split_paragraphs(text)], compiled)
    assert sum(len(d) for d in theirs) > 300
    assert _parses(ours) == _parses(theirs)
    assert [[s.text for s in d.sents] for d in ours] == [[s.text for s in d.sents] for d in theirs]


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "python"])
def test_the_decoder_parses_odd_inputs_as_spacy_does(compiled: bool) -> None:
    ours, theirs = _parsed(ODD, compiled)
    assert len(theirs[-1]) > 700
    assert _parses(ours) == _parses(theirs)
    for chunk in ODD:  # and one at a time
        one, other = _parsed([chunk], compiled)
        assert _parses(one) == _parses(other)


def test_the_compiled_loop_refuses_what_does_not_fit() -> None:
    from wirewatch.enrich._greedy import greedy_parse

    nlp = load_nlp()
    decoder = parse_decoder(nlp)
    assert decoder is not None
    with nlp.select_pipes(enable=["tok2vec"]):
        doc = nlp("Jens Stoltenberg said the alliance would act.")
    moves = nlp.get_pipe("parser").moves
    args = (decoder.lower_b, decoder.upper_wt, decoder.upper_b, decoder.n_feats, decoder.n_hidden)
    table = decoder._table([doc])
    # a table without the rows of the doc's tokens: an error, not a read past its end
    with pytest.raises(ValueError, match="outside"):
        greedy_parse(moves, moves.init_batch([doc]), table[: decoder.n_feats], *args, decoder.n_pieces)
    with pytest.raises(ValueError, match="dimensions"):
        greedy_parse(moves, moves.init_batch([doc]), table[:, :5].copy(), *args, decoder.n_pieces)
    with pytest.raises(ValueError, match="moves"):
        greedy_parse(moves, moves.init_batch([doc]), table, *args[:1], np.zeros((3, 3), "f"), *args[2:], 2)


def test_parsed_text_has_spacy_sentences_and_heads() -> None:
    parsed = parse_text("NATO met in Brussels. Jens Stoltenberg said the alliance would act.")
    (paragraph,) = parsed.paragraphs
    said = next(t for t in paragraph.doc if t.text == "said")
    assert [s.text for s in paragraph.doc.sents][1].startswith("Jens")
    assert said.dep_ == "ROOT" and "Stoltenberg" in [t.text for t in said.children]
