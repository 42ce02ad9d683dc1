"""The Python-stepped parser sets exactly the parses spaCy's ``parser`` sets."""

from __future__ import annotations

from pathlib import Path

from wirewatch.enrich.nlp import load_nlp, parse_decoder, parse_text, split_paragraphs

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


def _parsed(chunks: list[str]) -> tuple[list, list]:  # type: ignore[type-arg]
    nlp = load_nlp()
    decoder = parse_decoder(nlp)
    assert decoder is not None
    with nlp.select_pipes(enable=["tok2vec"]):
        docs = list(nlp.pipe(chunks))
    ours = [doc.copy() for doc in docs]
    decoder(ours)
    parser = nlp.get_pipe("parser")
    theirs = [doc.copy() for doc in docs]
    parser.set_annotations(theirs, parser.predict(theirs))
    return ours, theirs


def test_the_decoder_parses_the_seed_page_as_spacy_does() -> None:
    text = SEED.read_text(encoding="utf-8")
    ours, theirs = _parsed([text[s:e] for s, e in split_paragraphs(text)])
    assert sum(len(d) for d in theirs) > 300
    assert _parses(ours) == _parses(theirs)
    assert [[s.text for s in d.sents] for d in ours] == [[s.text for s in d.sents] for d in theirs]


def test_the_decoder_parses_odd_inputs_as_spacy_does() -> None:
    ours, theirs = _parsed(ODD)
    assert len(theirs[-1]) > 700
    assert _parses(ours) == _parses(theirs)
    for chunk in ODD:  # and one at a time
        one, other = _parsed([chunk])
        assert _parses(one) == _parses(other)


def test_parsed_text_has_spacy_sentences_and_heads() -> None:
    parsed = parse_text("NATO met in Brussels. Jens Stoltenberg said the alliance would act.")
    (paragraph,) = parsed.paragraphs
    said = next(t for t in paragraph.doc if t.text == "said")
    assert [s.text for s in paragraph.doc.sents][1].startswith("Jens")
    assert said.dep_ == "ROOT" and "Stoltenberg" in [t.text for t in said.children]
