"""Each paragraph's token annotations as Python lists, read off spaCy once per article.

The rules read a few annotations of most tokens.  Through spaCy's objects every read
makes a ``Token`` afresh (``doc[i]``, ``for t in doc``, ``.head``, ``.children``) and looks
its string up, and that cost more than the rules themselves.  ``Doc.to_array`` hands the
same annotations over as integers, all of them in one call per paragraph; numpy then
turns each annotation into one list for the whole article (a call costs more than its
cells on a paragraph's few dozen tokens), cut into the paragraphs' lists.  Words, tags
and labels are spaCy's string ids: a scan compares them with the ``ids`` of the strings
it looks for, a single read gets the string (``word``, ``pos_``, ``tag_``, ``dep_``).  The
edges of a subtree stay spaCy's (``left_edge``, ``right_edge``): it computes them its
own way for non-projective parses, and few tokens need them.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from wirewatch.enrich.nlp import ParsedText

__all__ = ["Columns", "ids", "read_columns"]

# String ids first, then numbers, then the sentence starts (1 on a sentence's first token).
_ATTRS = ("LOWER", "POS", "TAG", "DEP", "HEAD", "IDX", "LENGTH", "IS_PUNCT", "IS_SPACE", "SENT_START")
_NUMBERS = _ATTRS.index("HEAD")
# spaCy's English noun_chunks: the parts of speech and labels of a base noun phrase's head
_NP_HEADS = frozenset(("NOUN", "PROPN", "PRON"))
_NP_LABELS = frozenset(
    ("oprd", "nsubj", "dobj", "nsubjpass", "pcomp", "pobj", "dative", "appos", "attr", "ROOT")
)
_CONJ = frozenset(("conj",))
_LABELS: dict[int, str] = {}  # the model's parts of speech, tags and labels by id: some hundred


@cache
def ids(strings: frozenset[str]) -> frozenset[int]:
    """The ids spaCy stores ``strings`` under in a doc's columns (a symbol's number, else a hash)."""
    from spacy.strings import get_string_id

    return frozenset(get_string_id(s) for s in strings)


@cache
def _attr_ids() -> list[int]:
    from spacy.attrs import IDS

    return [IDS[name] for name in _ATTRS]


def read_columns(parsed: ParsedText) -> list[Columns]:
    """The ``Columns`` of each paragraph of ``parsed``, in order."""
    import numpy as np

    if not parsed.paragraphs:
        return []
    tables = [para.doc.to_array(_attr_ids()) for para in parsed.paragraphs]
    sizes = [len(table) for table in tables]
    bounds = list(itertools.accumulate(sizes, initial=0))
    table = np.concatenate(tables)
    numbers = table[:, _NUMBERS:].astype(np.int64)  # to_array's are unsigned: HEAD is an offset
    numbers[:, 0] += np.arange(len(table)) - np.repeat(bounds[:-1], sizes)  # its token's index
    lower, pos, tag, dep = table[:, :_NUMBERS].T.tolist()
    head, idx, length, is_punct, is_space = numbers[:, :-1].T.tolist()
    starts = np.flatnonzero(numbers[:, -1] == 1).tolist()
    columns = []
    for para, a, b in zip(parsed.paragraphs, bounds, bounds[1:], strict=False):
        later = starts[bisect.bisect_right(starts, a) : bisect.bisect_left(starts, b)]
        columns.append(
            Columns(
                para.doc,
                parsed.text[para.start : para.end],
                lower[a:b],
                pos[a:b],
                tag[a:b],
                dep[a:b],
                head[a:b],
                idx[a:b],
                length[a:b],
                is_punct[a:b],
                is_space[a:b],
                [0, *(start - a for start in later)] if b > a else [],
            )
        )
    return columns


@dataclass(slots=True)
class Columns:
    """A paragraph's words, tags, labels, heads, offsets and sentences, a list each.

    ``text`` is the paragraph's text, the doc's own (``doc.text`` would rebuild it token
    by token); ``idx`` and ``length`` place each token in it.  ``lower``, ``pos``, ``tag``
    and ``dep`` hold string ids, ``head`` token indices (``token.head.i``), ``sent_starts``
    the first token of each sentence (``doc.sents``).
    """

    doc: Any  # spacy.tokens.Doc
    text: str
    lower: list[int]
    pos: list[int]
    tag: list[int]
    dep: list[int]
    head: list[int]
    idx: list[int]
    length: list[int]
    is_punct: list[int]
    is_space: list[int]
    sent_starts: list[int]
    _children: dict[int, list[int]] | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.lower)

    def _label(self, value: int) -> str:
        if value not in _LABELS:
            _LABELS[value] = str(self.doc.vocab.strings[value])
        return _LABELS[value]

    def word(self, i: int) -> str:
        """``token.lower_``."""
        return str(self.doc.vocab.strings[self.lower[i]])

    def pos_(self, i: int) -> str:
        return self._label(self.pos[i])

    def tag_(self, i: int) -> str:
        return self._label(self.tag[i])

    def dep_(self, i: int) -> str:
        return self._label(self.dep[i])

    def token_text(self, i: int) -> str:
        """``token.text``."""
        return self.text[self.idx[i] : self.idx[i] + self.length[i]]

    def positions(self, words: frozenset[int]) -> list[int]:
        """The tokens whose lower-case form is one of ``words`` (``ids``), in order."""
        return [i for i, word in enumerate(self.lower) if word in words]

    def children(self, i: int) -> list[int]:
        """``token.children``: the tokens headed by token ``i``, in order."""
        if self._children is None:
            self._children = {}
            for child, head in enumerate(self.head):
                if head != child:
                    self._children.setdefault(head, []).append(child)
        return self._children.get(i, [])

    def lefts(self, i: int) -> list[int]:
        return [child for child in self.children(i) if child < i]

    def rights(self, i: int) -> list[int]:
        return [child for child in self.children(i) if child > i]

    def left_edge(self, i: int) -> int:
        return int(self.doc[i].left_edge.i)

    def right_edge(self, i: int) -> int:
        return int(self.doc[i].right_edge.i)

    def sentence(self, i: int) -> tuple[int, int]:
        """``token.sent`` as [start, end) token indices."""
        starts = self.sent_starts
        k = bisect.bisect_right(starts, i)
        return starts[k - 1], starts[k] if k < len(starts) else len(self)

    def noun_chunks(self) -> list[tuple[int, int]]:
        """spaCy's English ``doc.noun_chunks`` as token ranges, from the columns.

        The same rule as ``spacy/lang/en/syntax_iterators.py``: a noun or pronoun heading a
        noun phrase (or conjoined to one) from its left edge, no chunk inside the last one.
        """
        nominal, np_labels, conj = ids(_NP_HEADS), ids(_NP_LABELS), ids(_CONJ)
        pos, dep, head = self.pos, self.dep, self.head
        chunks: list[tuple[int, int]] = []
        last = -1
        for i, label in enumerate(dep):
            if pos[i] not in nominal or (label not in np_labels and label not in conj):
                continue
            if label in conj:
                up = head[i]
                while dep[up] in conj and head[up] < up:
                    up = head[up]
                if dep[up] not in np_labels:
                    continue
            left = self.left_edge(i)
            if left > last:
                last = i
                chunks.append((left, i + 1))
        return chunks
